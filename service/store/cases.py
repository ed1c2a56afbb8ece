"""Cases, their consumer, evidence, events and referrals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg

from domain.intake import ComplaintDraft
from service.store.sql import SQL, one_row


@dataclass(frozen=True, slots=True)
class NewCase:
    id: int
    tracking_no: str
    status: str
    received_at: datetime
    acceptance_due: date
    acceptance_due_provisional: bool


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    kind: str
    actor: str
    at: datetime
    payload: Mapping[str, Any]


async def claim_day_base(conn: asyncpg.Connection, day: date) -> int:
    """The day's base for tracking numbers, drawn by whoever needs it first (migration 0017).

    Run outside a transaction so it commits at once; it never changes, so callers may keep it.
    """
    base = await conn.fetchval(SQL["tracking_day_base_claim"], day)
    if base is None:  # drawn by another registration meanwhile
        base = await conn.fetchval(SQL["tracking_day_base"], day)
    return int(base)


@dataclass(frozen=True, slots=True)
class Registration:
    """Everything `register` writes beside the draft itself."""

    received_at: datetime
    received_on: date
    day_base: int  # claim_day_base(received_on)
    access_code: str
    hmac_pads: tuple[bytes, bytes]  # the secret's inner and outer HMAC pads: the hash is made in SQL
    rule_set_id: str
    acceptance_due: date
    provisional: bool
    recorded_by: int | None
    actor: str
    event_payload: Mapping[str, Any]
    request_id: str | None
    reference_version: int
    answer: Mapping[str, Any]  # saved under the Idempotency-Key, with case_id and tracking_no filled in
    idempotency: tuple[str, str, bytes, int] | None = None  # scope, key, body hash, TTL (s)
    entered_at: datetime | None = None  # when it was entered (the event's time); None: received_at
    duplicate: tuple[str, int] | None = None  # domain.intake.duplicate_key, and its window (s)
    locale: str = "zh_CN"  # the consumer's language (service.i18n.LOCALES)


@dataclass(frozen=True, slots=True)
class Registered:
    fresh: bool  # False: the reference version moved; nothing was written
    case: NewCase | None  # None while fresh: a duplicate (see below) or the Idempotency-Key is in use
    duplicate_of: Mapping[str, Any] | None = None  # the same complaint's earlier answer (nothing written)
    claimed_duplicate: str | None = None  # the tracking number this call claimed the duplicate key with


async def register(conn: asyncpg.Connection, draft: ComplaintDraft, r: Registration) -> Registered:
    """The case, its consumer, event, routing job and idempotent answer in one statement."""
    m, p, c, consumer = draft.merchant, draft.platform, draft.consents, draft.consumer
    product = draft.product
    scope, key, body_hash, ttl_s = r.idempotency or (None, None, None, 0)
    dup_key, dup_window_s = r.duplicate or (None, 0)
    row = await conn.fetchrow(
        SQL["cases_register"],
        r.received_on,
        r.access_code,
        r.hmac_pads[0],
        r.hmac_pads[1],
        r.day_base,
        r.reference_version,
        draft.channel,
        r.received_at,
        r.rule_set_id,
        r.acceptance_due,
        r.provisional,
        draft.quality_domain,
        draft.category,
        draft.problem_type,
        draft.subdistrict,
        m.name,
        m.address,
        m.uscc,
        m.phone,
        p.name if p else None,
        p.uscc if p else None,
        draft.purchase_date,
        draft.amount_paid_fen,
        draft.claim_amount_fen,
        list(draft.requests),
        draft.description,
        c.mediation,
        c.entrusted_mediation,
        c.publish,
        r.recorded_by,
        consumer.name,
        consumer.phone,
        consumer.address,
        consumer.id_number,
        consumer.email,
        r.actor,
        dict(r.event_payload),
        r.request_id,
        dict(r.answer),
        scope,
        key,
        body_hash,
        ttl_s,
        r.entered_at or r.received_at,
        dup_key,
        dup_window_s,
        r.locale,
        consumer.id_type,
        product.brand,
        product.model,
        product.batch,
        product.injury,
        product.key,
    )
    assert row is not None
    fresh, dup_took, dup_answer, *case = row
    return Registered(
        fresh,
        None if case[0] is None else NewCase(*case),
        duplicate_of=dup_answer if dup_took is False else None,
        claimed_duplicate=dup_answer["tracking_no"] if dup_took else None,
    )


async def release_duplicate_key(conn: asyncpg.Connection, key: str, tracking_no: str) -> None:
    """Drop a duplicate key whose case was not written (its answer names `tracking_no`)."""
    await conn.execute(SQL["idempotency_keys_release_duplicate"], key, tracking_no)


async def exists(conn: asyncpg.Connection, case_id: int) -> bool:
    found: bool = await conn.fetchval(SQL["cases_exists"], case_id)
    return found


# the case row by its key; `lock` takes the row lock (FOR UPDATE) and returns only its id and status
by_id = one_row("cases_by_id", int)
by_tracking_no = one_row("cases_by_tracking_no", str)
lock = one_row("cases_lock", int)


async def add_event(
    conn: asyncpg.Connection,
    case_id: int,
    kind: str,
    *,
    actor: str,
    at: datetime,
    payload: Mapping[str, Any] | None = None,
    request_id: str | None = None,
) -> int:
    event_id: int = await conn.fetchval(
        SQL["case_events_insert"], case_id, kind, actor, at, dict(payload or {}), request_id
    )
    return event_id


async def add_system_event(
    conn: asyncpg.Connection,
    case_id: int,
    kind: str,
    payload: Mapping[str, Any] | None = None,
    *,
    at: datetime,
    request_id: str | None = None,
) -> int:
    """`add_event` by the system: a job or a rule did it, not a person."""
    return await add_event(conn, case_id, kind, actor="system", at=at, payload=payload, request_id=request_id)


async def has_event(conn: asyncpg.Connection, case_id: int, kind: str) -> bool:
    found: bool = await conn.fetchval(SQL["case_events_exists"], case_id, kind)
    return found


async def events(conn: asyncpg.Connection, case_id: int) -> list[Event]:
    return [Event(**dict(r)) for r in await conn.fetch(SQL["case_events_for_case"], case_id)]


async def add_referral(conn: asyncpg.Connection, case_id: int, description: str) -> int:
    referral_id: int = await conn.fetchval(SQL["enforcement_referrals_insert"], case_id, description)
    return referral_id


async def add_evidence(
    conn: asyncpg.Connection, case_id: int, *, sha256: str, size: int, content_type: str, name: str, by: str
) -> int | None:
    """Record a stored file; None when the case already has this exact file."""
    evidence_id: int | None = await conn.fetchval(
        SQL["evidence_insert"], case_id, sha256, size, content_type, name, by
    )
    return evidence_id


async def evidence_count(conn: asyncpg.Connection, case_id: int) -> int:
    count: int = await conn.fetchval(SQL["evidence_count"], case_id)
    return count


async def evidence(conn: asyncpg.Connection, case_id: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["evidence_for_case"], case_id))


async def count(conn: asyncpg.Connection) -> int:
    total: int = await conn.fetchval(SQL["cases_count"])
    return total


CLOSED_STATUSES = ("closed", "rejected")  # the default queue leaves these out (cases_queue_open_idx)
_OPEN = "c.status <> ALL ('{closed,rejected}'::text[])"  # the partial indexes' predicate, word for word


@dataclass(frozen=True, slots=True)
class CaseFilter:
    statuses: tuple[str, ...] | None = None  # None: the open cases (not closed, not rejected)
    subdistrict: str | None = None
    category: str | None = None
    overdue_before: date | None = None  # next deadline before this day (today: overdue)
    due_by: date | None = None  # next deadline on or before this day
    limit: int = 50
    offset: int = 0
    after: tuple[date, datetime, int] | None = None  # keyset: (queue_due, received_at, id) of the last row


def queue_filters(f: CaseFilter, first: int, *, keyset: bool = True) -> tuple[str, list[Any]]:
    """The WHERE conditions of `f` for cases_list/cases_count_capped, numbered from `$first`, and their
    values. Only the filters in use appear (see cases_list.sql for why); the text is built from fixed
    fragments, never from a value."""
    conds: list[str] = []
    values: list[Any] = []

    def add(template: str, *vals: Any) -> None:
        numbers = [f"${first + len(values) + i}" for i in range(len(vals))]
        conds.append(template.format(*numbers))
        values.extend(vals)

    if not f.statuses or (len(f.statuses) > 1 and not set(f.statuses) & set(CLOSED_STATUSES)):
        # also with several open statuses: the planner may then walk cases_queue_open_idx. Not with one:
        # `status = $n` walks cases_queue_status_idx in order, and the redundant predicate, estimated as
        # if independent of it (1 % × 4 % of the rows), made the planner sort every received case instead
        conds.append(_OPEN)
    if f.statuses and len(f.statuses) == 1:
        add("c.status = {}", f.statuses[0])
    elif f.statuses:
        add("c.status = any({}::text[])", list(f.statuses))
    if f.subdistrict is not None:
        add("c.subdistrict = {}", f.subdistrict)
    if f.category is not None:
        add("c.category = {}", f.category)
    if f.overdue_before is not None:
        add("c.queue_due < {}", f.overdue_before)
    if f.due_by is not None:
        add("c.queue_due <= {}", f.due_by)
    if keyset and f.after is not None:
        add("(c.queue_due, c.received_at, c.id) > ({}, {}, {})", *f.after)
    return " AND ".join(conds), values


async def list_for_staff(conn: asyncpg.Connection, f: CaseFilter) -> list[asyncpg.Record]:
    """One page of the queue (`f.limit` rows after `f.after`, then past `f.offset`)."""
    where, values = queue_filters(f, 3)
    return list(await conn.fetch(SQL["cases_list"].replace("/*filters*/", where), f.limit, f.offset, *values))


async def count_for_staff(conn: asyncpg.Connection, f: CaseFilter, cap: int) -> int:
    """How many cases `f` matches (its keyset and paging aside), at most `cap`."""
    where, values = queue_filters(f, 2, keyset=False)
    found: int = await conn.fetchval(SQL["cases_count_capped"].replace("/*filters*/", where), cap, *values)
    return found


async def decide(
    conn: asyncpg.Connection,
    case_id: int,
    *,
    status: str,
    at: datetime,
    by: int,
    ground: int | None,
    note: str | None,
    accepted_on: date | None,
    mediation_due: date | None,
    mediation_due_provisional: bool,
) -> None:
    await conn.execute(
        SQL["cases_decide"],
        case_id,
        status,
        at,
        by,
        ground,
        note,
        accepted_on,
        mediation_due,
        mediation_due_provisional,
    )


async def set_paused(
    conn: asyncpg.Connection,
    case_id: int,
    paused: bool,
    mediation_due: date | None,
    provisional: bool,
    at: datetime,
) -> None:
    await conn.execute(SQL["cases_set_paused"], case_id, paused, mediation_due, provisional, at)


async def open_same_consumer_merchant(
    conn: asyncpg.Connection, case_id: int, phone: str, uscc: str | None, merchant_name: str
) -> tuple[str, ...]:
    rows = await conn.fetch(SQL["cases_open_same_consumer_merchant"], case_id, phone, uscc, merchant_name)
    return tuple(r["tracking_no"] for r in rows)


async def flag_acceptance_overdue(
    conn: asyncpg.Connection, today: date, at: datetime
) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["cases_flag_acceptance_overdue"], today, at))


async def provisional_for_update(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["cases_provisional"]))


async def set_deadlines(
    conn: asyncpg.Connection,
    case_id: int,
    acceptance: tuple[date, bool],
    mediation: tuple[date | None, bool],
) -> None:
    await conn.execute(SQL["cases_set_deadlines"], case_id, *acceptance, *mediation)


@dataclass(frozen=True, slots=True)
class PauseRow:
    id: int
    reason: str
    note: str | None
    started_on: date
    expected_end: date | None
    ended_on: date | None


async def pauses(conn: asyncpg.Connection, case_id: int) -> list[PauseRow]:
    return [PauseRow(**dict(r)) for r in await conn.fetch(SQL["case_pauses_for_case"], case_id)]


async def start_pause(
    conn: asyncpg.Connection,
    case_id: int,
    reason: str,
    note: str | None,
    on: date,
    expected_end: date | None,
    by: int,
) -> int:
    pause_id: int = await conn.fetchval(SQL["case_pauses_start"], case_id, reason, note, on, expected_end, by)
    return pause_id


async def end_pause(conn: asyncpg.Connection, case_id: int, on: date, by: int | None) -> int | None:
    pause_id: int | None = await conn.fetchval(SQL["case_pauses_end"], case_id, on, by)
    return pause_id


async def referrals(conn: asyncpg.Connection, case_id: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["enforcement_referrals_for_case"], case_id))


evidence_item = one_row("evidence_item", int, int)


async def close(
    conn: asyncpg.Connection,
    case_id: int,
    *,
    status: str,
    outcome: str,
    at: datetime,
    relief_type: str | None,
    relief_fen: int | None,
) -> None:
    await conn.execute(SQL["cases_close"], case_id, status, outcome, at, relief_type, relief_fen)
