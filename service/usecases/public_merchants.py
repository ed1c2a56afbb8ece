"""Merchants' records in public (issue 18 §1, policy art. 20): the monthly publication, made once per period
by one aggregate on the first read after its last month ends and then read as it is; a merchant's own
entry and its public reply through its link; staff withholding an entry and lifting it, each an office
event with its reason. The thresholds are the disclosure policy's (service/store/disclosure.py)."""

from __future__ import annotations

from datetime import date, datetime

import asyncpg

from domain import public_records as rules
from domain.disclosure import DisclosurePolicy
from domain.errors import Conflict, NotFound, ValidationFailed
from service.queries import public_merchants as read
from service.store import disclosure, office
from service.store import public_merchants as store
from service.store.staff import StaffUser
from service.usecases.clock import local_date
from service.usecases.first_payment import merchant_link_of
from service.usecases.public_merchant_commands import (
    EntryState,
    ReplyWritten,
    RestoreEntry,
    WithholdEntry,
    WriteReply,
)

ARCHIVE_MONTHS = 36  # earlier publications a reader may ask for (each is made once, then read)
# A merchant with this many complaints in the coming period has its own preview counted by the hourly
# job (public_merchant_previews, migration 0044); one with fewer is counted on each read, ~15 ms at most.
PREVIEW_FROM = 5_000


def parse_month(value: str | None, today: date) -> date | None:
    """`?month=YYYY-MM`: an ended month of the last ARCHIVE_MONTHS; None (blank) for the latest."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise ValidationFailed.one("month", "invalid", "月份格式应为 YYYY-MM", "A month as YYYY-MM") from None
    if not rules.months_back(today, ARCHIVE_MONTHS) <= first < today.replace(day=1):
        raise ValidationFailed.one(
            "month",
            "out_of_range",
            f"只能查看最近{ARCHIVE_MONTHS}个月内已结束月份的公示",
            f"Only ended months of the last {ARCHIVE_MONTHS} are published",
        )
    return first


async def _policy_and_period(conn: asyncpg.Connection, last: date) -> tuple[DisclosurePolicy, rules.Period]:
    """The disclosure policy in force on `last`, and the publication period it makes end there."""
    policy = await disclosure.policy_on(conn, last)
    return policy, rules.period_ending(last, policy.merchant_window_months)


async def _published(conn: asyncpg.Connection, month: date | None, *, now: datetime) -> date:
    """The period ending with `month` (default: the last ended one), published if it was not yet."""
    today = local_date(now)
    last = rules.month_end(month) if month else today.replace(day=1) - rules.ONE_DAY
    if await store.publication(conn, last) is None:
        policy, period = await _policy_and_period(conn, last)
        async with conn.transaction():
            await store.publish(conn, period, policy.merchant_threshold, today=today, at=now)
    return last


async def published(
    pool: asyncpg.Pool,
    *,
    now: datetime,
    month: date | None = None,
    limit: int = read.PAGE_SIZE,
    offset: int = 0,
) -> read.PublicMerchants:
    """The entries in public for the period ending with `month` (default: the last ended month)."""
    async with pool.acquire() as conn:
        period_end = await _published(conn, month, now=now)
        return await read.publication(conn, period_end, today=local_date(now), limit=limit, offset=offset)


async def count_previews(pool: asyncpg.Pool, *, now: datetime, from_complaints: int | None = None) -> int:
    """Hourly: the coming publication counted for every merchant with at least `from_complaints`
    (PREVIEW_FROM) in its period, stored as their previews (the ones before replaced); how many were
    stored. One aggregate over the period instead of a large merchant's cases read on each view of its
    page."""
    today = local_date(now)
    async with pool.acquire() as conn:
        _, period = await _policy_and_period(conn, rules.month_end(today))
        async with conn.transaction():
            return await store.refresh_previews(
                conn, period, today=today, at=now, from_complaints=from_complaints or PREVIEW_FROM
            )


async def own_entries(
    pool: asyncpg.Pool, merchant_id: int, *, now: datetime
) -> tuple[read.OwnEntry, read.OwnEntry]:
    """A merchant's entry in the coming publication (counted so far: for this merchant only, or by the
    hourly job for a large one) and in the one in public now (as published; counted the same way while
    that publication has not been made yet)."""
    today = local_date(now)
    last = today.replace(day=1) - rules.ONE_DAY
    async with pool.acquire() as conn:
        coming = await _own(conn, merchant_id, rules.month_end(today), today)
        pub = await store.publication(conn, last)
        if pub is None:
            return coming, await _own(conn, merchant_id, last, today)
        period = rules.Period(pub["period_start"], pub["period_end"])
        return coming, await read.own_entry(
            conn, merchant_id, period, pub["threshold"], today=today, published=True
        )


async def _own(conn: asyncpg.Connection, merchant_id: int, last: date, today: date) -> read.OwnEntry:
    policy, period = await _policy_and_period(conn, last)
    return await read.own_entry(conn, merchant_id, period, policy.merchant_threshold, today=today)


async def link_entries(
    pool: asyncpg.Pool, token: str, *, now: datetime
) -> tuple[read.OwnEntry, read.OwnEntry]:
    """The merchant's own entries, through its link (NotFound for a bad or expired token)."""
    async with pool.acquire() as conn:
        link = await merchant_link_of(conn, token, now)
    return await own_entries(pool, link["merchant_id"], now=now)


async def write_reply(pool: asyncpg.Pool, token: str, cmd: WriteReply, *, now: datetime) -> ReplyWritten:
    """The merchant's public reply, through its own link: a new version replaces the one shown; the old
    one stays on record, and the write is an office event."""
    async with pool.acquire() as conn, conn.transaction():
        link = await merchant_link_of(conn, token, now)
        merchant_id = link["merchant_id"]
        await store.lock_merchant(conn, merchant_id)
        body = rules.clean_reply(cmd.body, await store.consumer_names(conn, merchant_id))
        version = await store.add_reply(conn, merchant_id, body, now)
        await office.add_event(
            conn, rules.REPLY_WRITTEN, actor=f"merchant:{merchant_id}", at=now,
            payload={"merchant_id": merchant_id, "version": version, "chars": len(body)},
        )  # fmt: skip
    return ReplyWritten(merchant_id, version, local_date(now))


async def _lock_merchant(conn: asyncpg.Connection, merchant_id: int) -> None:
    """The merchant's row locked until the transaction ends (NotFound for an unknown merchant)."""
    if await store.lock_merchant(conn, merchant_id) is None:
        raise NotFound(f"merchant {merchant_id}")


async def withhold(
    pool: asyncpg.Pool, merchant_id: int, staff: StaffUser, cmd: WithholdEntry, *, now: datetime
) -> EntryState:
    """Keep a merchant's entry off the public page and API, with the reason (an office event)."""
    reason = rules.clean_reason(cmd.reason)
    async with pool.acquire() as conn, conn.transaction():
        await _lock_merchant(conn, merchant_id)
        if not await store.withhold(conn, merchant_id, reason, staff.actor, now):
            raise Conflict("该商家的公示已暂停 / the entry is withheld already")
        await office.add_event(
            conn,
            rules.WITHHELD,
            actor=staff.actor,
            at=now,
            payload={"merchant_id": merchant_id, "reason": reason},
        )
    return EntryState(merchant_id, True, reason)


async def restore(
    pool: asyncpg.Pool, merchant_id: int, staff: StaffUser, cmd: RestoreEntry, *, now: datetime
) -> EntryState:
    """Publish a withheld entry again, with the reason (an office event naming the withholding lifted)."""
    reason = rules.clean_reason(cmd.reason)
    async with pool.acquire() as conn, conn.transaction():
        await _lock_merchant(conn, merchant_id)
        lifted = await store.restore(conn, merchant_id)
        if lifted is None:
            raise Conflict("该商家的公示未被暂停 / the entry is not withheld")
        payload = {
            "merchant_id": merchant_id,
            "reason": reason,
            "withheld_reason": lifted["reason"],
            "withheld_by": lifted["withheld_by"],
            "withheld_at": lifted["withheld_at"].isoformat(),
        }
        await office.add_event(conn, rules.RESTORED, actor=staff.actor, at=now, payload=payload)
    return EntryState(merchant_id, False, reason)
