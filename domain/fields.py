"""Reading a request's fields and collecting every error at once (shared by the casework validators)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from domain.errors import FieldError, ValidationFailed


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
        if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value):
            self.fail(field, "invalid_chars", "含有不可见的控制字符", "Contains control characters")
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
