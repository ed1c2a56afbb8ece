"""Opaque page cursors: a list's position (the order columns of the last row shown) as a URL-safe token.

A cursor carries a short checksum, so that an edited or truncated token is refused (400) instead of read
as some other position. It is not signed with a secret: it holds only values of a row the reader was
shown, and every page re-applies the reader's filters and permissions, so a forged position reveals
nothing. Its `kind` is part of the checksum: a case queue cursor is no clusters cursor.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import UTC, date, datetime, timedelta

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{4,200}$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DIGEST = 6  # bytes: an accidental edit passes with odds of one in 2**48


class BadCursor(ValueError):
    """A cursor that is not one this service made (edited, truncated, another list's)."""


def _check(kind: str, payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=_DIGEST, person=kind.encode()[:16]).digest()


def encode(kind: str, values: tuple[int, ...]) -> str:
    payload = ".".join(str(v) for v in values).encode()
    return base64.urlsafe_b64encode(payload + _check(kind, payload)).rstrip(b"=").decode()


def decode(kind: str, token: str, arity: int) -> tuple[int, ...]:
    """The values `encode(kind, …)` wrapped; BadCursor for anything else."""
    if not _TOKEN.match(token):
        raise BadCursor(token)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BadCursor(token) from exc
    payload, check = raw[:-_DIGEST], raw[-_DIGEST:]
    if len(raw) <= _DIGEST or check != _check(kind, payload):
        raise BadCursor(token)
    parts = payload.decode("ascii", "replace").split(".")
    if len(parts) != arity or not all(re.fullmatch(r"-?\d{1,19}", p) for p in parts):
        raise BadCursor(token)
    return tuple(int(p) for p in parts)


def day_of(ordinal: int) -> date:
    if not 1 <= ordinal <= date.max.toordinal():
        raise BadCursor(str(ordinal))
    return date.fromordinal(ordinal)


def micros(at: datetime) -> int:
    """A timestamp as whole microseconds since 1970 (exact, unlike a float)."""
    delta = at - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def instant(us: int) -> datetime:
    try:
        return _EPOCH + timedelta(microseconds=us)
    except OverflowError as exc:
        raise BadCursor(str(us)) from exc
