"""Notifications: an outbox of notices, their tries, and the mediation flags that raise them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from service.store.sql import SQL


@dataclass(frozen=True, slots=True)
class Pending:
    """A notice claimed for sending (its row stays locked until the caller's transaction ends)."""

    id: int
    case_id: int | None
    recipient: str
    channel: str
    address: str | None
    template: str
    subject: str
    body: str
    attempts: int


@dataclass(frozen=True, slots=True)
class Notice:
    """A notice as the case page shows it."""

    id: int
    recipient: str
    channel: str
    channel_label: str
    address: str | None
    template: str
    subject: str
    body: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    delivery: str | None = None  # the last delivery report: submitted, buffered, delivered, failed
    delivery_at: datetime | None = None


Contacts = Mapping[str, str | None]  # by a channel's contact field: {"email": …, "phone": …}


@dataclass(frozen=True, slots=True)
class Recipients:
    case_id: int
    tracking_no: str
    merchant_id: int | None
    assigned_to: int | None
    consumer: Contacts
    merchant: Contacts
    consumer_locale: str = "zh_CN"
    acceptance_due: date | None = None


@dataclass(frozen=True, slots=True)
class Flagged:
    case_id: int
    tracking_no: str
    mediation_due: date
    assigned_to: int | None


async def insert(
    conn: asyncpg.Connection,
    *,
    case_id: int | None,
    recipient: str,
    channel: str,
    address: str | None,
    template: str,
    subject: str,
    body: str,
    dedupe_key: str | None,
    at: datetime | None,
) -> int | None:
    """The new notice's id; None when one with this dedupe key was queued before."""
    notice_id: int | None = await conn.fetchval(
        SQL["notifications_insert"],
        case_id,
        recipient,
        channel,
        address,
        template,
        subject,
        body,
        dedupe_key,
        at,
    )
    return notice_id


async def recipients(conn: asyncpg.Connection, case_id: int) -> Recipients | None:
    r = await conn.fetchrow(SQL["notifications_recipients"], case_id)
    if r is None:
        return None
    return Recipients(
        case_id=r["id"],
        tracking_no=r["tracking_no"],
        merchant_id=r["merchant_id"],
        assigned_to=r["assigned_to"],
        consumer={"email": r["consumer_email"], "phone": r["consumer_phone"]},
        merchant={"email": r["merchant_email"], "phone": r["merchant_phone"]},
        consumer_locale=r["consumer_locale"],
        acceptance_due=r["acceptance_due"],
    )


async def claim_due(conn: asyncpg.Connection, now: datetime) -> Pending | None:
    """The next pending notice due at `now`, locked (SKIP LOCKED) for the caller's transaction."""
    r = await conn.fetchrow(SQL["notifications_claim_due"], now)
    return Pending(**dict(r)) if r else None


async def add_attempt(
    conn: asyncpg.Connection, notice_id: int, at: datetime, *, ok: bool, error: str | None = None
) -> None:
    await conn.execute(SQL["notifications_attempt_insert"], notice_id, at, ok, error)


async def mark_sent(
    conn: asyncpg.Connection,
    notice_id: int,
    at: datetime,
    *,
    stored_body: str,
    sent_body_sha256: str,
    reference: str | None = None,
) -> None:
    """Sent: the body kept from now on is `stored_body` (tokens redacted), with the hash of what was sent."""
    await conn.execute(
        SQL["notifications_mark_sent"], notice_id, at, stored_body, sent_body_sha256, reference
    )


async def record_delivery(
    conn: asyncpg.Connection, notice_id: int, channel: str, delivery: str, at: datetime, detail: str | None
) -> bool:
    """Record a delivery report; False when a final report was already there (this one came late)."""
    row = await conn.fetchval(SQL["notifications_delivery_report"], notice_id, delivery, at, detail, channel)
    return row is not None


async def delivery_of(conn: asyncpg.Connection, notice_id: int, channel: str) -> asyncpg.Record | None:
    """(id, status, delivery) of a notice of that channel, locked for the transaction; None: none."""
    return await conn.fetchrow(SQL["notifications_delivery_of"], notice_id, channel)


async def mark_failed_try(
    conn: asyncpg.Connection, notice_id: int, error: str, *, next_attempt_at: datetime, give_up: bool
) -> None:
    await conn.execute(
        SQL["notifications_mark_failed_try"],
        notice_id,
        error,
        next_attempt_at,
        "failed" if give_up else "pending",
    )


async def for_case(conn: asyncpg.Connection, case_id: int) -> list[Notice]:
    return [Notice(**dict(r)) for r in await conn.fetch(SQL["notifications_for_case"], case_id)]


async def failed(conn: asyncpg.Connection, limit: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["notifications_failed"], limit))


async def flag_mediation_due_soon(
    conn: asyncpg.Connection, today: date, horizon: date, now: datetime
) -> list[Flagged]:
    rows = await conn.fetch(SQL["notifications_flag_mediation_due_soon"], today, horizon, now)
    return [_flagged(r) for r in rows]


async def flag_mediation_overdue(conn: asyncpg.Connection, today: date, now: datetime) -> list[Flagged]:
    return [_flagged(r) for r in await conn.fetch(SQL["notifications_flag_mediation_overdue"], today, now)]


def _flagged(r: asyncpg.Record) -> Flagged:
    return Flagged(
        case_id=r["id"],
        tracking_no=r["tracking_no"],
        mediation_due=r["mediation_due"],
        assigned_to=r["assigned_to"],
    )


async def declare_channels(
    conn: asyncpg.Connection, channels: Iterable[tuple[str, str, str | None, int | None]]
) -> None:
    """Write each (name, label, contact_field, max_chars) into the `notification_channels` lookup."""
    await conn.executemany(SQL["notification_channels_upsert"], list(channels))


async def merchant_notified_at(conn: asyncpg.Connection, case_id: int) -> datetime | None:
    """When a notice first reached one of the merchant's contacts, if one did."""
    at: datetime | None = await conn.fetchval(SQL["notifications_merchant_notified"], case_id)
    return at
