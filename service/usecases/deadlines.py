"""The mediation deadline recomputed from the case's pauses, for every step that moves it (resume, a test
ending, a recusal decided, the calendar changing), and the small conversions those steps share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import asyncpg

from domain import deadlines
from domain.calendar import Deadline, Pause
from service.store import cases, reference

MEDIATION_WINDOW_DAYS = 400  # room for 60 days or 45 working days plus pauses


def pauses_of(rows: Sequence[cases.PauseRow]) -> list[Pause]:
    """The stored pauses as the domain counts them."""
    return [Pause(p.started_on, p.ended_on) for p in rows]


def iso(day: date | None) -> str | None:
    """A date as an event payload writes it (None stays None)."""
    return day.isoformat() if day else None


async def recomputed_mediation(
    conn: asyncpg.Connection, rule_set_id: str, accepted_on: date, pauses: Sequence[Pause], today: date
) -> Deadline:
    """The mediation deadline of a case accepted on `accepted_on` under `rule_set_id`, given its pauses."""
    rules = await reference.rule_set(conn, rule_set_id)
    calendar = await reference.work_calendar_from(
        conn, accepted_on, MEDIATION_WINDOW_DAYS + (today - accepted_on).days
    )
    return deadlines.mediation_deadline(calendar, rules, accepted_on, pauses, today)


async def mediation_due_now(
    conn: asyncpg.Connection, case_id: int, rule_set_id: str, accepted_on: date, today: date
) -> Deadline:
    """The mediation deadline with the case's pauses as stored now."""
    pauses = pauses_of(await cases.pauses(conn, case_id))
    return await recomputed_mediation(conn, rule_set_id, accepted_on, pauses, today)
