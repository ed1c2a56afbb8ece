"""Reading a request's fields and collecting every error at once (shared by the casework validators)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime

from domain.errors import FieldError, ValidationFailed
from domain.money import parse_yuan

# Control characters (Unicode category Cc: U+0000–001F, U+007F–009F) other than line breaks and tabs;
# and embeddings, overrides and isolates, which make text display in another order than it is stored
# (a merchant name that reads backwards, "Trojan source"); Arabic or Hebrew text needs none of them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def text_problem(value: str) -> tuple[str, str] | None:
    """Why `value` cannot be stored as text (Chinese, English), or None. Line breaks and tabs are text
    (a browser sends a textarea's line breaks as CR LF)."""
    if _CONTROL.search(value):
        return "含有不可见的控制字符", "Contains control characters"
    if _BIDI.search(value):
        return "含有改变文字显示方向的控制字符", "Contains characters that reorder how text is displayed"
    return None


class Fields:
    """Collects FieldErrors; `done()` raises them all together."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, field: str, code: str, zh: str, en: str) -> None:
        self.errors.append(FieldError(field, code, zh, en))

    def failed(self, field: str) -> bool:
        """Whether `field` has an error already (so a rule that depends on it stays quiet)."""
        return any(e.field == field for e in self.errors)

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)

    def absent(self, field: str, raw: object, *, missing: str | None, blank: bool = False) -> bool:
        """Whether nothing was given (None or "", or with `blank` only white space); then, when `missing`
        is a message (None: optional), the field is reported as required."""
        empty = raw is None or raw == "" or (blank and isinstance(raw, str) and not raw.strip())
        if empty and missing:
            self.fail(field, "required", missing, "This field is required")
        return empty

    def text(
        self, field: str, raw: object, *, required: str | None, min_len: int = 1, max_len: int
    ) -> str | None:
        """`required` is the message when missing (None: optional)."""
        if self.absent(field, raw, missing=required, blank=True):
            return None
        if not isinstance(raw, str):
            self.fail(field, "invalid_type", "应为文字", "Must be text")
            return None
        value = unicodedata.normalize("NFC", raw).strip()
        if problem := text_problem(value):
            self.fail(field, "invalid_chars", *problem)
            return None
        if len(value) < min_len:
            self.fail(field, "too_short", f"至少需要{min_len}个字", f"At least {min_len} characters")
            return None
        if len(value) > max_len:
            self.fail(field, "too_long", f"不能超过{max_len}个字", f"At most {max_len} characters")
            return None
        return value

    def code(self, field: str, raw: object, allowed: Iterable[str], *, missing: str) -> str | None:
        if raw is None or raw == "":
            self.fail(field, "required", missing, "Choose one")
            return None
        if not isinstance(raw, str) or raw not in set(allowed):
            self.fail(field, "unknown_code", "不是可选的选项", "Not one of the allowed codes")
            return None
        return raw

    def yuan(
        self, field: str, raw: object, *, missing: str | None, max_fen: int, allow_int: bool
    ) -> int | None:
        """An amount in yuan as a decimal string (`allow_int`: a JSON integer too), in fen, at most `max_fen`.
        `missing` is the message when absent (None: optional)."""
        if self.absent(field, raw, missing=missing, blank=True):
            return None
        if allow_int and isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str):
            self.fail(field, "invalid_type", '金额应写成文字，如 "300.00"', 'A decimal string, e.g. "300.00"')
            return None
        fen = parse_yuan(raw)
        if fen is None:
            self.fail(
                field,
                "invalid_amount",
                "金额格式不正确：以元为单位，最多两位小数",
                "Yuan, at most two decimals",
            )
            return None
        if fen > max_fen:
            self.fail(field, "too_large", "金额过大，请核对", "Amount is implausibly large")
            return None
        return fen

    def iso_day(self, field: str, raw: object, *, missing: str | None) -> date | None:
        """A date (a `date`, or YYYY-MM-DD); `missing` is the message when absent (None: optional)."""
        if self.absent(field, raw, missing=missing):
            return None
        if isinstance(raw, date) and not isinstance(raw, datetime):
            return raw
        try:
            return date.fromisoformat(str(raw).strip())
        except ValueError:
            self.fail(field, "invalid_date", "日期格式应为 年-月-日", "Use YYYY-MM-DD")
            return None
