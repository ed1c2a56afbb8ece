"""Access codes are never stored: only an HMAC keyed by the service's secret, bound to the tracking number."""

from __future__ import annotations

import hashlib
import hmac


def code_hash(secret_key: str, tracking_no: str, access_code: str) -> bytes:
    message = f"{tracking_no}:{access_code}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).digest()


def code_matches(secret_key: str, tracking_no: str, access_code: str, stored: bytes) -> bool:
    return hmac.compare_digest(code_hash(secret_key, tracking_no, access_code), bytes(stored))
