"""Reading a request's fields and collecting every error at once (shared by the casework validators)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from domain.errors import FieldError, ValidationFailed

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

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)

    def text(self, field: str, raw: object, *, required: str | None, max_len: int) -> str | None:
        """`required` is the message when missing (None: optional)."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.fail(field, "required", required, "This field is required")
            return None
        if not isinstance(raw, str):
            self.fail(field, "invalid_type", "应为文字", "Must be text")
            return None
        value = unicodedata.normalize("NFC", raw).strip()
        if problem := text_problem(value):
            self.fail(field, "invalid_chars", *problem)
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
