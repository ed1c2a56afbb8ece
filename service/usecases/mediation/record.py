"""The mediation record: contacts with the parties and the sessions held."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from domain import mediation as rules
from domain.events import EventKind
from service.store import mediation as store
from service.store.staff import StaffUser
from service.usecases.clock import LOCAL_TZ
from service.usecases.mediation.commands import LogContact, LogSession
from service.usecases.mediation.steps import mediation_step
from service.usecases.mediation.views import MediationEntry


async def log_contact(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: LogContact, *, now: datetime
) -> MediationEntry:
    """A contact with one party (a call, a visit, a message)."""
    c = rules.contact_input(cmd.party, cmd.method, cmd.at, cmd.note, now=now, tz=LOCAL_TZ)
    async with mediation_step(pool, case_id, actor, now=now) as step:
        contact_id = await store.add_contact(step.conn, case_id, c, actor.id)
        payload = {"contact_id": contact_id, "party": c.party, "method": c.method, "at": c.at.isoformat()}
        await step.event(EventKind.CONTACT_LOGGED, {**payload, "note": c.note})
    return MediationEntry(contact_id, case_id)


async def log_session(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: LogSession, *, now: datetime
) -> MediationEntry:
    """A mediation session held on site, by phone or by video."""
    s = rules.session_input(cmd.mode, cmd.at, cmd.place, cmd.attendees, cmd.note, now=now, tz=LOCAL_TZ)
    async with mediation_step(pool, case_id, actor, now=now) as step:
        session_id = await store.add_session(step.conn, case_id, s, actor.id)
        payload = {"session_id": session_id, "mode": s.mode, "at": s.at.isoformat(), "place": s.place}
        await step.event(EventKind.SESSION_HELD, {**payload, "attendees": s.attendees, "note": s.note})
    return MediationEntry(session_id, case_id)
