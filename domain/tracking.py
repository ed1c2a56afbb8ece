"""Tracking numbers, access codes, and what a consumer may see of their case."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

# No look-alikes: 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V are left out.
ACCESS_CODE_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
ACCESS_CODE_LENGTH = 8
TRACKING_RE = re.compile(r"^GS(\d{8})-(\d{6,})$")


def format_tracking_no(received_on: date, sequence: int) -> str:
    """GS + local date + the day's sequence: GS20261126-000123."""
    return f"GS{received_on:%Y%m%d}-{sequence:06d}"


def normalize_tracking_no(raw: str) -> str | None:
    text = raw.strip().upper().replace(" ", "")
    return text if TRACKING_RE.match(text) else None


def new_access_code(choice: Callable[[str], str]) -> str:
    """`choice` is secrets.choice at run time (the domain reads no randomness itself)."""
    return "".join(choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def normalize_access_code(raw: str) -> str:
    return raw.strip().upper().replace(" ", "").replace("-", "")


STATUS_LABELS: dict[str, tuple[str, str]] = {
    "received": ("已登记，等待受理审查", "Registered, awaiting the acceptance decision"),
    "accepted": ("已受理", "Accepted"),
    "merchant_to_confirm": ("已受理，正在核实被投诉的经营者", "Accepted; confirming the business"),
    "rejected": ("不予受理", "Not accepted"),
    "first_payment": ("先行赔付处理中", "First-payment compensation in progress"),
    "mediation": ("调解中", "In mediation"),
    "arbitration": ("已转第三方质量争议仲裁", "Referred to third-party quality arbitration"),
    "closed": ("已办结", "Closed"),
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, (status, status))[0]
