"""Merchants' records in public (消费评议, DESIGN §2.9, policy art. 20): the periods published, what is
counted, the shares shown and their definitions, and the checks on a merchant's public reply and on a
withholding's reason. The threshold and the window arrive as data (the disclosure policy in force)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from domain.errors import ValidationFailed

# Outcomes that never make a complaint count against a business: fake filings, a later finding that the
# complaint could not be accepted, the same complaint filed twice.
NOT_COUNTED = ("spam", "rejected", "duplicate")
# "Resolved" in public: the consumer obtained relief (a settlement, a first payment, an award for them).
RESOLVED = ("settled", "paid_by_merchant", "paid_from_deposit", "award_for_consumer")
FIRST_PAYMENT_MADE = ("paid_by_merchant", "paid_from_deposit")

ONE_DAY = timedelta(days=1)
REPLY_MAX = 500
REASON_MAX = 500

# Office event kinds (office_events, migration 0026): no single case is concerned.
WITHHELD = "public_entry_withheld"
RESTORED = "public_entry_restored"
REPLY_WRITTEN = "public_reply_written"


@dataclass(frozen=True, slots=True)
class Period:
    """The months a publication covers: `start` .. `end`, local dates, both included."""

    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m} – {self.end:%Y-%m}"


def month_end(day: date) -> date:
    first_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_next - timedelta(days=1)


def months_back(day: date, months: int) -> date:
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def window_start(until: date, months: int) -> date:
    """The first day of the `months` months that end with `until` (included): until 2026-11-30, 12 months
    -> 2025-12-01; until 2026-11-15 -> 2025-11-16."""
    after = until + timedelta(days=1)
    index = after.year * 12 + after.month - 1 - months
    year, month = index // 12, index % 12 + 1
    last = month_end(date(year, month, 1)).day
    return date(year, month, min(after.day, last))


def published_period(today: date, months: int) -> Period:
    """The period in public on `today`: the `months` months ending with the last ended month, so a merchant
    has seen its figures on its link while the month ran."""
    end = today.replace(day=1) - timedelta(days=1)
    return Period(window_start(end, months), end)


def coming_period(today: date, months: int) -> Period:
    """The period published next: the one ending with the running month (figures so far)."""
    end = month_end(today)
    return Period(window_start(end, months), end)


def period_ending(month: date, months: int) -> Period:
    end = month_end(month)
    return Period(window_start(end, months), end)


def share(part: int, whole: int) -> int | None:
    """A share in whole percent, rounded half up; None when there is nothing to divide."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


@dataclass(frozen=True, slots=True)
class Figures:
    """One merchant's counts for a period (the accepted complaints of the period)."""

    complaints: int
    by_problem: Mapping[str, int]
    replies_due: int  # first-payment notices whose reply deadline has come or that were answered
    replies_on_time: int  # of those, answered (paid or refused with reasons) by the deadline
    resolved: int  # closed with relief for the consumer (RESOLVED)
    first_payments: int  # first payments made (by the merchant or from the deposit)
    late: int  # complaints still open past their handling deadline, or closed after it

    @property
    def on_time_share(self) -> int | None:
        return share(self.replies_on_time, self.replies_due)

    @property
    def resolved_share(self) -> int | None:
        return share(self.resolved, self.complaints)

    @property
    def clean(self) -> bool:
        return self.late == 0


def named(figures: Figures | None, threshold: int) -> bool:
    """A business is named with figures only at or above the threshold, so one complaint never names it."""
    return figures is not None and figures.complaints >= threshold


_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# Personal data a reply must not carry: phone numbers, ID numbers, e-mail addresses (a merchant answering in
# public might name the consumer's contact details; the right of reply is about the business).
_PHONE_OR_ID = re.compile(r"\d{7,}|1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}[\s-]\d{7,8}")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def clean_reply(text: object, names: frozenset[str] = frozenset()) -> str:
    """The merchant's public reply: plain text, 1..REPLY_MAX characters, no phone, ID number, e-mail or
    complainant's name (`names`: those of its own complaints). Returns it trimmed; raises ValidationFailed."""
    body = unicodedata.normalize("NFC", _CONTROL.sub("", text if isinstance(text, str) else "")).strip()
    body = body.replace("\r\n", "\n")
    if not body:
        raise ValidationFailed.one("body", "required", "请填写回应内容", "Write your response")
    if len(body) > REPLY_MAX:
        raise ValidationFailed.one(
            "body", "too_long", f"回应不能超过{REPLY_MAX}字", f"At most {REPLY_MAX} characters"
        )
    folded = unicodedata.normalize("NFKC", body)  # full-width digits and @ too
    if _PHONE_OR_ID.search(folded) or _EMAIL.search(folded):
        raise ValidationFailed.one(
            "body",
            "personal_data",
            "公开回应不能包含电话号码、证件号码或电子邮箱",
            "A public response may not contain phone numbers, ID numbers or e-mail addresses",
        )
    if any(name and len(name) >= 2 and name in body for name in names):
        raise ValidationFailed.one(
            "body",
            "personal_data",
            "公开回应不能包含消费者的姓名",
            "A public response may not name a consumer",
        )
    return body


def clean_reason(text: object) -> str:
    """Why staff withhold or restore an entry: required, at most REASON_MAX characters."""
    reason = _CONTROL.sub("", text if isinstance(text, str) else "").strip()
    if not reason:
        raise ValidationFailed.one("reason", "required", "请填写理由", "Give the reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed.one(
            "reason", "too_long", f"理由不能超过{REASON_MAX}字", f"At most {REASON_MAX} characters"
        )
    return reason
