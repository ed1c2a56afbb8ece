"""Termination (终止调解) on one of the eight grounds of Order 121 art. 23, the notice to both parties within
the notice period, and reopening a closed case."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from domain import mediation as rules
from domain import mediation_terms as terms
from domain.events import EventKind
from domain.lifecycle import Action, Status
from domain.mediation import MediationConflict
from service.store import cases, reference
from service.store import mediation as store
from service.store.staff import StaffUser
from service.usecases.case_step import case_step
from service.usecases.clock import local_date
from service.usecases.closing import close_locked
from service.usecases.mediation.commands import Reopen, Terminate
from service.usecases.mediation.steps import mediation_step
from service.usecases.mediation.views import CaseReopened, MediationTerminated, TerminationNoticeSent

NOTICE_WINDOW_DAYS = 60  # the calendar read for the termination-notice period


async def terminate(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: Terminate, *, now: datetime
) -> MediationTerminated:
    """End mediation on a ground of Order 121 art. 23; both parties are told within the notice period."""
    t = rules.termination_input(cmd.reason, cmd.note)
    today = local_date(now)
    async with mediation_step(pool, case_id, actor, now=now) as step:
        conn = step.conn
        if await store.open_recusal(conn, case_id):
            raise rules.recusal_open()
        days, unit = await store.notice_rule(conn, step.case.rule_set_id)
        calendar = await reference.work_calendar_from(conn, today, max(NOTICE_WINDOW_DAYS, 3 * days))
        due = rules.notice_due(calendar, today, days, unit)
        withdrawn = await store.withdraw_open(conn, case_id, now)
        await store.supersede_settlement(conn, case_id, now)  # a draft or unconfirmed one lapses
        # a case reopened elsewhere (an appeal) keeps its earlier termination: superseded by this one
        await store.supersede_termination(conn, case_id, now)
        termination_id = await store.add_termination(
            conn, case_id, reason=t.reason, note=t.note, on=today, notice_due=due.due, by=actor.id
        )
        await step.event(
            EventKind.TERMINATED,
            {
                "termination_id": termination_id,
                "termination_reason": t.reason,
                "reason_label": terms.TERMINATION_REASONS[t.reason][0],
                "note": t.note,
                "notice_due": due.due.isoformat(),
                "offers_withdrawn": withdrawn,
            },
        )
        await close_locked(
            conn,
            await cases.by_id(conn, case_id),  # close_locked reads the record
            outcome="terminated",
            actor=step.actor,
            now=now,
            payload={"termination_reason": t.reason, "termination_id": termination_id},
        )
    return MediationTerminated(case_id, Status.CLOSED.value, due.due)


async def mark_notice_sent(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, *, now: datetime
) -> TerminationNoticeSent:
    """The termination notice went to both parties, within the period or not."""
    async with case_step(pool, case_id, now=now, actor=actor) as step:
        sent = await store.notice_sent(step.conn, case_id, now, actor.id)
        if sent is None:
            current = [t for t in await store.terminations(step.conn, case_id) if t["superseded_at"] is None]
            if not current:
                raise MediationConflict("no_termination", "本案未终止调解，没有终止调解告知书")
            raise MediationConflict("notice_sent", "终止调解告知书已登记送达")
        on_time = bool(step.today <= sent["notice_due"])
        await step.event(
            EventKind.TERMINATION_NOTICE_SENT,
            {"notice_due": sent["notice_due"].isoformat(), "on_time": on_time},
        )
    return TerminationNoticeSent(case_id, on_time)


async def reopen(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: Reopen, *, now: datetime
) -> CaseReopened:
    """A supervisor reopens a closed case (e.g. a settlement not performed, to go to first payment).
    Its settlement or termination stays on record, superseded."""
    reason = rules.reopen_reason(cmd.reason)
    async with case_step(pool, case_id, now=now, actor=actor, action=Action.REOPEN) as step:
        await store.reopen(step.conn, case_id, step.after.status, now)
        settlement_id = await store.supersede_settlement(step.conn, case_id, now)
        termination_id = await store.supersede_termination(step.conn, case_id, now)
        await step.event(
            EventKind.REOPENED,
            {
                "note": reason,
                "previous_outcome": step.case.outcome,
                "settlement_id": settlement_id,
                "termination_id": termination_id,
            },
        )
    return CaseReopened(case_id, step.after.status.value)
