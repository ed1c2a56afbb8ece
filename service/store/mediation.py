"""The mediation record: contacts, sessions, offers, settlements, recusals and terminations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from domain.calendar import Unit
from domain.mediation import ContactInput, SessionInput
from domain.mediation_offers import OfferInput
from service.store.sql import SQL, one_row


@dataclass(frozen=True, slots=True)
class Offer:
    id: int
    case_id: int
    parent_id: int | None
    from_party: str
    remedy: str
    amount_fen: int
    answer_by: date
    note: str | None
    status: str
    answered_at: datetime | None
    answered_via: str | None
    answered_by: str | None
    answer_note: str | None
    created_by: str
    created_at: datetime
    perform_by: date | None = None  # the performance date the proposal asks for


def _offer(row: asyncpg.Record) -> Offer:
    return Offer(**dict(row))


# --- contacts and sessions -------------------------------------------------------------------------------


async def add_contact(conn: asyncpg.Connection, case_id: int, c: ContactInput, by: int) -> int:
    contact_id: int = await conn.fetchval(
        SQL["mediation_contacts_insert"], case_id, c.party, c.method, c.at, c.note, by
    )
    return contact_id


async def contacts(conn: asyncpg.Connection, case_id: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["mediation_contacts_for_case"], case_id))


async def add_session(conn: asyncpg.Connection, case_id: int, s: SessionInput, by: int) -> int:
    session_id: int = await conn.fetchval(
        SQL["mediation_sessions_insert"], case_id, s.mode, s.at, s.place, s.attendees, s.note, by
    )
    return session_id


async def sessions(conn: asyncpg.Connection, case_id: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["mediation_sessions_for_case"], case_id))


# --- offers -------------------------------------------------------------------------------------------


async def add_offer(
    conn: asyncpg.Connection,
    case_id: int,
    o: OfferInput,
    *,
    parent_id: int | None,
    created_by: str,
    at: datetime,
) -> int:
    offer_id: int = await conn.fetchval(
        SQL["offers_insert"],
        case_id,
        parent_id,
        o.from_party,
        o.remedy,
        o.amount_fen,
        o.answer_by,
        o.note,
        created_by,
        at,
        o.perform_by,
    )
    return offer_id


async def offers(conn: asyncpg.Connection, case_id: int) -> list[Offer]:
    return [_offer(r) for r in await conn.fetch(SQL["offers_for_case"], case_id)]


async def lock_offer(conn: asyncpg.Connection, offer_id: int, case_id: int) -> Offer | None:
    row = await conn.fetchrow(SQL["offers_lock"], offer_id, case_id)
    return _offer(row) if row else None


async def case_of_offer(conn: asyncpg.Connection, offer_id: int) -> int | None:
    case_id: int | None = await conn.fetchval(SQL["offers_case_of"], offer_id)
    return case_id


async def open_offers(conn: asyncpg.Connection, case_ids: list[int]) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["offers_open_for_cases"], case_ids))


async def answer_offer(
    conn: asyncpg.Connection,
    offer_id: int,
    *,
    status: str,
    at: datetime,
    via: str | None,
    by: str,
    note: str | None,
) -> bool:
    """False when the offer was no longer open."""
    return await conn.fetchval(SQL["offers_answer"], offer_id, status, at, via, by, note) is not None


async def withdraw_open(conn: asyncpg.Connection, case_id: int, at: datetime) -> list[int]:
    return [r["id"] for r in await conn.fetch(SQL["offers_withdraw_open"], case_id, at)]


async def expire(conn: asyncpg.Connection, today: date, case_id: int | None = None) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["offers_expire"], today, case_id))


# --- settlements ---------------------------------------------------------------------------------------


async def add_settlement(
    conn: asyncpg.Connection,
    case_id: int,
    *,
    offer_id: int,
    terms: str,
    remedy: str,
    amount_fen: int,
    perform_by: date,
    at: datetime,
    by: int | None,
) -> int:
    settlement_id: int = await conn.fetchval(
        SQL["settlements_insert"], case_id, offer_id, terms, remedy, amount_fen, perform_by, at, by
    )
    return settlement_id


lock_current_settlement = one_row("settlements_lock_current", int)


async def issue_settlement(
    conn: asyncpg.Connection,
    settlement_id: int,
    *,
    terms: str,
    wording: str | None,
    perform_by: date,
    at: datetime,
    by: int,
) -> bool:
    """False when the settlement was no longer a draft."""
    return (
        await conn.fetchval(SQL["settlements_issue"], settlement_id, terms, wording, perform_by, at, by)
        is not None
    )


async def confirm_settlement(
    conn: asyncpg.Connection, settlement_id: int, party: str, *, at: datetime, via: str
) -> asyncpg.Record | None:
    """None when the settlement is not issued or that party already confirmed it."""
    return await conn.fetchrow(SQL["settlements_confirm"], settlement_id, party, at, via)


async def issued_settlements(conn: asyncpg.Connection, case_ids: list[int]) -> list[asyncpg.Record]:
    """The current settlements of these cases issued and awaiting a confirmation."""
    return list(await conn.fetch(SQL["settlements_issued_for_cases"], case_ids))


async def settlements(conn: asyncpg.Connection, case_id: int) -> list[asyncpg.Record]:
    """Every settlement of the case; the current one, if any, is last (superseded_at NULL)."""
    return list(await conn.fetch(SQL["settlements_for_case"], case_id))


async def set_performance(
    conn: asyncpg.Connection, case_id: int, performance: str, *, at: datetime, note: str | None, by: str
) -> asyncpg.Record | None:
    """None when the case has no current settlement awaiting performance."""
    return await conn.fetchrow(SQL["settlements_set_performance"], case_id, performance, at, note, by)


async def flag_unperformed(conn: asyncpg.Connection, today: date, at: datetime) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["settlements_flag_unperformed"], today, at))


async def supersede_settlement(conn: asyncpg.Connection, case_id: int, at: datetime) -> int | None:
    settlement_id: int | None = await conn.fetchval(SQL["settlements_supersede"], case_id, at)
    return settlement_id


# --- terminations -----------------------------------------------------------------------------------------


async def notice_rule(conn: asyncpg.Connection, rule_set_id: str) -> tuple[int, Unit]:
    row = await conn.fetchrow(SQL["terminations_notice_rule"], rule_set_id)
    assert row is not None, f"no rule set {rule_set_id}"
    return row["termination_notice_days"], Unit(row["termination_notice_unit"])


async def add_termination(
    conn: asyncpg.Connection,
    case_id: int,
    *,
    reason: int,
    note: str,
    on: date,
    notice_due: date,
    by: int,
) -> int:
    termination_id: int = await conn.fetchval(
        SQL["terminations_insert"], case_id, reason, note, on, notice_due, by
    )
    return termination_id


async def terminations(conn: asyncpg.Connection, case_id: int) -> list[asyncpg.Record]:
    """Every termination of the case; the current one, if any, is last (superseded_at NULL)."""
    return list(await conn.fetch(SQL["terminations_for_case"], case_id))


async def notice_sent(conn: asyncpg.Connection, case_id: int, at: datetime, by: int) -> asyncpg.Record | None:
    """None when there is no current termination whose notice is still unsent."""
    return await conn.fetchrow(SQL["terminations_notice_sent"], case_id, at, by)


async def supersede_termination(conn: asyncpg.Connection, case_id: int, at: datetime) -> int | None:
    termination_id: int | None = await conn.fetchval(SQL["terminations_supersede"], case_id, at)
    return termination_id


# --- recusals and assignment ---------------------------------------------------------------------------


async def add_recusal(
    conn: asyncpg.Connection,
    case_id: int,
    *,
    party: str,
    reason: str,
    at: datetime,
    by: int,
    mediator: int | None,
) -> int:
    recusal_id: int = await conn.fetchval(SQL["recusals_insert"], case_id, party, reason, at, by, mediator)
    return recusal_id


async def recusals(conn: asyncpg.Connection, case_id: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["recusals_for_case"], case_id))


open_recusal = one_row("recusals_open_for_case", int)
lock_recusal = one_row("recusals_lock", int, int)  # by recusal id and case id, FOR UPDATE


async def decide_recusal(
    conn: asyncpg.Connection,
    recusal_id: int,
    *,
    at: datetime,
    decision: str,
    by: int,
    new_mediator: int | None,
    note: str | None,
) -> bool:
    return (
        await conn.fetchval(SQL["recusals_decide"], recusal_id, at, decision, by, new_mediator, note)
        is not None
    )


async def assign(conn: asyncpg.Connection, case_id: int, user_id: int, at: datetime) -> None:
    await conn.execute(SQL["mediation_cases_assign"], case_id, user_id, at)


async def mediators(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["mediation_mediators"]))


mediator = one_row("mediation_mediator_by_id", int)


async def reopen(conn: asyncpg.Connection, case_id: int, status: str, at: datetime) -> None:
    await conn.execute(SQL["mediation_cases_reopen"], case_id, status, at)
