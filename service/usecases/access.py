"""Access codes are never stored: only an HMAC keyed by the service's secret, bound to the tracking number."""

from __future__ import annotations

import functools
import hashlib
import hmac

BLOCK = 64  # SHA-256's block size in bytes


def code_hash(secret_key: str, tracking_no: str, access_code: str) -> bytes:
    message = f"{tracking_no}:{access_code}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).digest()


@functools.cache
def hmac_pads(secret_key: str) -> tuple[bytes, bytes]:
    """The key's inner and outer pads (RFC 2104), for computing the same HMAC-SHA256 in SQL with the
    built-in sha256(): sha256(outer || sha256(inner || message)). Intake hashes in its insert."""
    key = secret_key.encode()
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def code_matches(secret_key: str, tracking_no: str, access_code: str, stored: bytes) -> bool:
    return hmac.compare_digest(code_hash(secret_key, tracking_no, access_code), bytes(stored))
