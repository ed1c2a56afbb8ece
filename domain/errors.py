"""Errors that mean something in the domain; the web edge maps each to one HTTP status."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str  # dotted path in the request body, e.g. "merchant.address"
    code: str  # stable machine code, e.g. "required", "invalid_phone"
    message: str  # zh-CN, shown to people first
    message_en: str


class DomainError(Exception):
    """Base class: a rule of the domain refused the request."""


class ValidationFailed(DomainError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(f"{len(errors)} invalid field(s): {', '.join(e.field for e in errors)}")
        self.errors = errors

    @classmethod
    def one(cls, field: str, code: str, message: str, message_en: str) -> ValidationFailed:
        """The refusal of a request with one wrong field."""
        return cls([FieldError(field, code, message, message_en)])


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    """The request clashes with what is stored (e.g. an idempotency key reused with another body)."""


class CodedConflict(Conflict):
    """A step clashes with what is recorded: HTTP 409. `code` is stable (pages put it in a redirect);
    str(exc) and `message` are the Chinese message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Forbidden(DomainError):
    """The caller's role allows the action, but not on this record (another mediator's case): HTTP 403.

    `code` is stable; the message is Chinese first and may name who holds the record."""

    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(message)
        self.code, self.message, self.message_en = code, message, message_en


class TooManyAttempts(DomainError):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many attempts; retry after {retry_after_s}s")
        self.retry_after_s = retry_after_s


def one_of(value: object, allowed: object) -> bool:
    """Whether untrusted input is one of the allowed codes; any non-text value (a list, an object) is not.

    (`value in some_set` raises TypeError for unhashable input, which would be a 500.)
    """
    return isinstance(value, str) and value in allowed  # type: ignore[operator]
