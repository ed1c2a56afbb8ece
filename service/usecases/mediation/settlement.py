"""The settlement (调解书): drafted from the accepted offer, reviewed and issued by the mediator, confirmed
by each party (tracking page, merchant link, or recorded by the mediator with the means); the second
confirmation closes the case as settled. Its performance is then tracked on the closed case."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg

from domain import mediation as rules
from domain import mediation_terms as terms
from domain.events import EventKind
from domain.lifecycle import Status
from domain.mediation import MediationConflict
from domain.money import format_yuan
from service.queries.mediation import first_payment_possible
from service.store import cases
from service.store import mediation as store
from service.store.staff import StaffUser
from service.usecases.case_step import CaseStep, case_step
from service.usecases.clock import local_date
from service.usecases.closing import close_locked
from service.usecases.mediation.commands import ConfirmSettlement, IssueSettlement, RecordPerformance
from service.usecases.mediation.steps import mediation_step, merchant_of_case
from service.usecases.mediation.views import MediationEntry, PerformanceRecorded, SettlementConfirmed


async def _terms(
    conn: asyncpg.Connection,
    case_id: int,
    remedy: str,
    amount_fen: int,
    perform_by: date,
    wording: str | None,
) -> str:
    parties = await cases.by_id(conn, case_id)
    assert parties is not None
    return terms.settlement_terms(
        consumer=parties["consumer_name"],
        merchant=parties["merchant_name"],
        remedy=remedy,
        amount_fen=amount_fen,
        perform_by=perform_by,
        wording=wording,
    )


async def draft_settlement(step: CaseStep, offer: store.Offer, perform_by: date, *, by: int | None) -> int:
    """The 调解书 drafted from the accepted offer's terms alone, for the mediator to review."""
    conn, case_id = step.conn, step.case.id
    await store.supersede_settlement(conn, case_id, step.now)  # an earlier one of a reopened case
    settlement_id = await store.add_settlement(
        conn,
        case_id,
        offer_id=offer.id,
        terms=await _terms(conn, case_id, offer.remedy, offer.amount_fen, perform_by, None),
        remedy=offer.remedy,
        amount_fen=offer.amount_fen,
        perform_by=perform_by,
        at=step.now,
        by=by or step.case.assigned_to,
    )
    await step.event(
        EventKind.SETTLEMENT_DRAFTED,
        {
            "settlement_id": settlement_id,
            "offer_id": offer.id,
            "remedy": offer.remedy,
            "amount": format_yuan(offer.amount_fen),
            "payer": "merchant",
            "payee": "consumer",
            "perform_by": perform_by.isoformat(),
        },
    )
    return settlement_id


async def no_settlement_pending(conn: asyncpg.Connection, case_id: int) -> None:
    current = await store.lock_current_settlement(conn, case_id)
    if current is not None and (
        current["consumer_confirmed_at"] is None or current["merchant_confirmed_at"] is None
    ):
        raise MediationConflict(
            "settlement_pending", "双方已接受调解方案，调解书待审核或待双方确认，不能再提出新方案"
        )


async def _current_settlement(conn: asyncpg.Connection, case_id: int) -> asyncpg.Record:
    current = await store.lock_current_settlement(conn, case_id)
    if current is None:
        raise MediationConflict("no_settlement", "本案没有调解书")
    return current


async def issue_settlement(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: IssueSettlement, *, now: datetime
) -> MediationEntry:
    """The mediator reviewed the draft: the wording both parties confirmed (其他约定, optional) and the
    performance date; the 调解书 is issued for both parties to confirm."""
    today = local_date(now)
    async with mediation_step(pool, case_id, actor, now=now) as step:
        current = await _current_settlement(step.conn, case_id)
        if current["status"] != "draft":
            raise MediationConflict("settlement_issued", "调解书已出具，等待双方确认")
        review = rules.review_input(cmd.wording, cmd.perform_by, current=current["perform_by"], today=today)
        terms = await _terms(
            step.conn, case_id, current["remedy"], current["amount_fen"], review.perform_by, review.wording
        )
        await store.issue_settlement(
            step.conn,
            current["id"],
            terms=terms,
            wording=review.wording,
            perform_by=review.perform_by,
            at=now,
            by=actor.id,
        )
        await step.event(
            EventKind.SETTLEMENT_ISSUED,
            {
                "settlement_id": current["id"],
                "remedy": current["remedy"],
                "amount": format_yuan(current["amount_fen"]),
                "perform_by": review.perform_by.isoformat(),
                "wording": review.wording,
            },
        )
    return MediationEntry(current["id"], case_id)


async def _confirm(
    pool: asyncpg.Pool, case_id: int, party: str, *, via: str, actor: StaffUser | str, now: datetime
) -> SettlementConfirmed:
    async with mediation_step(pool, case_id, actor, now=now) as step:
        current = await _current_settlement(step.conn, case_id)
        if current["status"] != "issued":
            raise MediationConflict("settlement_draft", "调解书尚在审核，出具后才能确认")
        done = await store.confirm_settlement(step.conn, current["id"], party, at=now, via=via)
        if done is None:
            raise MediationConflict("already_confirmed", f"{rules.PARTIES[party][0]}已确认调解书")
        await step.event(
            EventKind.SETTLEMENT_CONFIRMED, {"settlement_id": current["id"], "party": party, "via": via}
        )
        effective = done["consumer_confirmed_at"] is not None and done["merchant_confirmed_at"] is not None
        if effective:
            await _take_effect(step, current)
    status = Status.CLOSED if effective else Status.MEDIATION
    return SettlementConfirmed(case_id, party, effective, status.value)


async def _take_effect(step: CaseStep, s: asyncpg.Record) -> None:
    """Both parties confirmed: the settlement is made and the case closes as settled."""
    await step.event(
        EventKind.SETTLEMENT_MADE,
        {
            "settlement_id": s["id"],
            "offer_id": s["offer_id"],
            "remedy": s["remedy"],
            "amount": format_yuan(s["amount_fen"]),
            "perform_by": s["perform_by"].isoformat(),
        },
    )
    row = await cases.by_id(step.conn, step.case.id)  # close_locked reads the record
    await close_locked(
        step.conn,
        row,
        outcome="settled",
        actor=step.actor,
        now=step.now,
        relief_type=s["remedy"],
        relief_fen=s["amount_fen"],
        payload={"settlement_id": s["id"]},
    )


async def record_confirmation(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: ConfirmSettlement, *, now: datetime
) -> SettlementConfirmed:
    """A party's confirmation given to the mediator: on site, by phone, or a signature on paper."""
    c = rules.staff_confirmation_input(cmd.party, cmd.means)
    return await _confirm(pool, case_id, c.party, via=c.via, actor=actor, now=now)


async def consumer_confirm(pool: asyncpg.Pool, case_id: int, *, now: datetime) -> SettlementConfirmed:
    """The consumer confirms on the tracking page; the caller checked the tracking number and code."""
    return await _confirm(pool, case_id, "consumer", via="tracking", actor="consumer", now=now)


async def merchant_confirm(
    pool: asyncpg.Pool, token: str, case_id: int, *, now: datetime
) -> SettlementConfirmed:
    """The merchant confirms through its link, which must belong to the case's merchant."""
    actor = await merchant_of_case(pool, token, case_id, now=now)
    return await _confirm(pool, case_id, "merchant", via="merchant_link", actor=actor, now=now)


# --- the settlement's performance ------------------------------------------------------------------------


async def _performance_refusal(conn: asyncpg.Connection, case_id: int) -> MediationConflict:
    current = [s for s in await store.settlements(conn, case_id) if s["superseded_at"] is None]
    if not current:
        return MediationConflict("no_settlement", "本案没有调解书，不能登记履行情况")
    if current[-1]["consumer_confirmed_at"] is None or current[-1]["merchant_confirmed_at"] is None:
        return MediationConflict("not_effective", "调解书尚未经双方确认生效，不能登记履行情况")
    return MediationConflict("performance_recorded", "本案调解书的履行情况已经登记")


async def record_performance(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: RecordPerformance, *, now: datetime
) -> PerformanceRecorded:
    """Performed, or not performed by the deadline (a late performance may still be recorded)."""
    p = rules.performance_input(cmd.performance, cmd.note)
    today = local_date(now)
    async with case_step(pool, case_id, now=now, actor=actor) as step:
        updated = await store.set_performance(
            step.conn, case_id, p.performance, at=now, note=p.note, by=step.actor
        )
        if updated is None:
            raise await _performance_refusal(step.conn, case_id)
        payload: dict[str, Any] = {
            "settlement_id": updated["id"],
            "perform_by": updated["perform_by"].isoformat(),
            "note": p.note,
        }
        if p.performance == "not_performed":
            payload["first_payment_possible"] = await first_payment_possible(
                step.conn, step.case.merchant_id, today
            )
            await step.event(EventKind.SETTLEMENT_NOT_PERFORMED, payload)
        else:
            payload["on_time"] = today <= updated["perform_by"]
            await step.event(EventKind.SETTLEMENT_PERFORMED, payload)
    return PerformanceRecorded(case_id, p.performance)


async def flag_unperformed(pool: asyncpg.Pool, now: datetime) -> int:
    """Settlements past their performance deadline with nothing recorded: not performed, once each
    (the 15-minute job). The consumer's page then shows the remaining routes and first payment."""
    today = local_date(now)
    async with pool.acquire() as conn, conn.transaction():
        flagged = await store.flag_unperformed(conn, today, now)
        for r in flagged:
            row = await cases.by_id(conn, r["case_id"])
            assert row is not None
            not_performed = {
                "settlement_id": r["id"],
                "perform_by": r["perform_by"].isoformat(),
                "flagged": True,
                "first_payment_possible": await first_payment_possible(conn, row["merchant_id"], today),
            }
            kind = EventKind.SETTLEMENT_NOT_PERFORMED
            await cases.add_system_event(conn, r["case_id"], kind, not_performed, at=now)
    return len(flagged)
