"""Offers and their answers: one side proposes, the other accepts, refuses or counters (by phone through
the mediator, on the tracking page, or through the merchant's link); the proposer may withdraw; an
unanswered offer expires at its deadline. Accepting drafts the 调解书 (settlement.draft_settlement)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec

from domain import mediation as rules
from domain import mediation_offers as offer_rules
from domain.errors import NotFound, ValidationFailed, one_of
from domain.events import EventKind
from domain.lifecycle import Status
from domain.mediation import MediationConflict
from domain.money import format_yuan
from service.store import mediation as store
from service.store.staff import StaffUser
from service.usecases.case_step import CaseStep, case_step, system_events
from service.usecases.clock import local_date
from service.usecases.mediation.commands import AnswerOffer, MakeOffer, WithdrawOffer
from service.usecases.mediation.settlement import draft_settlement, no_settlement_pending
from service.usecases.mediation.steps import mediation_step, merchant_of_case
from service.usecases.mediation.views import OfferAnswered, OfferState


def offer_payload(offer_id: int, o: offer_rules.OfferInput) -> dict[str, Any]:
    """What the arbitration bundle reads of an offer: remedy, amount, deadline, note."""
    return {
        "offer_id": offer_id,
        "from_party": o.from_party,
        "remedy": o.remedy,
        "amount": format_yuan(o.amount_fen),
        "deadline": o.answer_by.isoformat(),
        "perform_by": o.perform_by.isoformat() if o.perform_by else None,
        "note": o.note,
    }


async def expire_locked(conn: asyncpg.Connection, case_id: int | None, today: date, now: datetime) -> int:
    """Mark the open offers past their answer deadline (of one case, or all) as expired, once each."""
    return await system_events(
        conn,
        await store.expire(conn, today, case_id),
        EventKind.OFFER_EXPIRED,
        lambda r: {
            "offer_id": r["id"],
            "from_party": r["from_party"],
            "deadline": r["answer_by"].isoformat(),
        },
        now=now,
    )


async def expire_offers(pool: asyncpg.Pool, now: datetime) -> int:
    """Mark, once each, the open offers whose answer deadline has passed (the 15-minute job)."""
    async with pool.acquire() as conn, conn.transaction():
        return await expire_locked(conn, None, local_date(now), now)


async def make_offer(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, cmd: MakeOffer, *, now: datetime
) -> OfferState:
    """Record one side's proposal (with the performance date it asks for); the other side answers it.
    One open offer per case, none while an agreed settlement awaits review or confirmation."""
    today = local_date(now)
    o = offer_rules.offer_input(
        cmd.from_party,
        cmd.remedy,
        cmd.amount,
        cmd.answer_by,
        cmd.note,
        today=today,
        perform_by=cmd.perform_by,
    )
    async with mediation_step(pool, case_id, actor, now=now) as step:
        if await store.open_recusal(step.conn, case_id):
            raise rules.recusal_open()
        await no_settlement_pending(step.conn, case_id)
        await expire_locked(step.conn, case_id, today, now)
        if any(x.status == "open" for x in await store.offers(step.conn, case_id)):
            raise MediationConflict(
                "offer_open", "本案已有一份等待答复的方案：请先记录对方的答复，或撤回该方案"
            )
        offer_id = await store.add_offer(step.conn, case_id, o, parent_id=None, created_by=step.actor, at=now)
        await step.event(EventKind.OFFER_MADE, offer_payload(offer_id, o))
    return OfferState(offer_id, case_id)


@dataclass(frozen=True, slots=True)
class Answering:
    """Who answers an offer, and how: `side` None is the other side of the offer (a mediator recording a
    phone answer); a staff `actor` must hold the case."""

    actor: StaffUser | str
    via: str  # phone | tracking | merchant_link
    side: str | None = None


async def _answer(
    pool: asyncpg.Pool, case_id: int, offer_id: int, who: Answering, cmd: AnswerOffer, *, now: datetime
) -> OfferAnswered:
    today = local_date(now)
    expired: MediationConflict | None = None
    async with case_step(pool, case_id, now=now, actor=who.actor) as step:
        offer = await store.lock_offer(step.conn, offer_id, case_id)
        if offer is None:
            raise NotFound(f"offer {offer_id} of case {case_id}")
        side = who.side or offer_rules.other_party(offer.from_party)
        offer_rules.check_answering_side(offer.from_party, side)
        if offer.status == "open" and offer.answer_by < today:
            await expire_locked(
                step.conn, case_id, today, now
            )  # kept: the answer is refused after the commit
            expired = MediationConflict(
                "offer_expired",
                f"该方案的答复期限（{offer.answer_by.isoformat()}）已过，不能再答复；可以重新提出方案",
            )
        else:
            if offer.status != "open":
                raise MediationConflict(
                    "offer_closed", f"该方案{rules.OFFER_STATUSES[offer.status][0]}，不能再答复"
                )
            if step.case.status != Status.MEDIATION:
                raise rules.not_in_mediation()
            if await store.open_recusal(step.conn, case_id):
                raise rules.recusal_open()
            ans = offer_rules.answer_input(
                cmd.answer,
                answering=side,
                remedy=cmd.remedy,
                amount=cmd.amount,
                answer_by=cmd.answer_by,
                note=cmd.note,
                perform_by=cmd.perform_by,
                today=today,
            )
            staff_id = who.actor.id if isinstance(who.actor, StaffUser) else None
            return await _apply_answer(step, offer, ans, side=side, via=who.via, staff_id=staff_id)
    assert expired is not None
    raise expired


async def _apply_answer(
    step: CaseStep,
    offer: store.Offer,
    ans: offer_rules.AnswerInput,
    *,
    side: str,
    via: str,
    staff_id: int | None,
) -> OfferAnswered:
    conn, case_id, actor, now = step.conn, step.case.id, step.actor, step.now
    base = {"offer_id": offer.id, "party": side, "by_phone": via == "phone"}
    if ans.answer == "accept":
        await store.answer_offer(conn, offer.id, status="accepted", at=now, via=via, by=actor, note=ans.note)
        amount = format_yuan(offer.amount_fen)
        await step.event(
            EventKind.OFFER_ACCEPTED, {**base, "remedy": offer.remedy, "amount": amount, "note": ans.note}
        )
        # the date the mediator set on recording the acceptance, else the one the offer asked for
        perform_by = ans.perform_by or offer.perform_by or offer_rules.default_perform_by(offer.answer_by)
        settlement_id = await draft_settlement(step, offer, perform_by, by=staff_id)
        return OfferAnswered(offer.id, "accept", "accepted", Status.MEDIATION.value, None, settlement_id)
    if ans.answer == "refuse":
        await store.answer_offer(conn, offer.id, status="refused", at=now, via=via, by=actor, note=ans.note)
        await step.event(EventKind.OFFER_REFUSED, {**base, "note": ans.note})
        return OfferAnswered(offer.id, "refuse", "refused", Status.MEDIATION.value)
    counter = ans.counter
    assert counter is not None
    await store.answer_offer(conn, offer.id, status="countered", at=now, via=via, by=actor, note=None)
    new_id = await store.add_offer(conn, case_id, counter, parent_id=offer.id, created_by=actor, at=now)
    await step.event(
        EventKind.OFFER_COUNTERED,
        {**base, **offer_payload(new_id, counter), "offer_id": offer.id, "new_offer_id": new_id},
    )
    return OfferAnswered(offer.id, "counter", "countered", Status.MEDIATION.value, new_id)


async def record_answer(
    pool: asyncpg.Pool, case_id: int, offer_id: int, actor: StaffUser, cmd: AnswerOffer, *, now: datetime
) -> OfferAnswered:
    """A party's answer given to the mediator by phone; `cmd.party` (optional) names who answered."""
    party = cmd.party or None
    if party is not None and not one_of(party, rules.PARTIES):
        raise ValidationFailed.one("party", "unknown_code", "不是可选的选项", "consumer or merchant")
    return await _answer(pool, case_id, offer_id, Answering(actor, "phone", party), cmd, now=now)


def _party_answer(cmd: AnswerOffer) -> AnswerOffer:
    """A party answering by itself names no side, and only a counter asks a performance date."""
    return msgspec.structs.replace(
        cmd, party=None, perform_by=cmd.perform_by if cmd.answer == "counter" else None
    )


def offer_gone() -> MediationConflict:
    return MediationConflict("offer_not_found", "没有找到该方案，可能已经处理，请刷新页面")


async def consumer_answer(
    pool: asyncpg.Pool, case_id: int, offer_id: object, cmd: AnswerOffer, *, now: datetime
) -> OfferAnswered:
    """The consumer's answer on the tracking page; the caller has checked the tracking number and code."""
    oid = _offer_id(offer_id)
    try:
        return await _answer(
            pool, case_id, oid, Answering("consumer", "tracking", "consumer"), _party_answer(cmd), now=now
        )
    except NotFound as exc:
        raise offer_gone() from exc


async def merchant_answer(
    pool: asyncpg.Pool, token: str, offer_id: int, cmd: AnswerOffer, *, now: datetime
) -> OfferAnswered:
    """The merchant's answer through its link: the link must belong to the merchant of the offer's case."""
    async with pool.acquire() as conn:
        case_id = await store.case_of_offer(conn, offer_id)
    actor = await merchant_of_case(pool, token, case_id, now=now)
    assert case_id is not None
    who = Answering(actor, "merchant_link", "merchant")
    return await _answer(pool, case_id, offer_id, who, _party_answer(cmd), now=now)


def _offer_id(raw: object) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) < 19:
        return int(raw.strip())
    raise ValidationFailed.one("offer_id", "invalid_type", "方案编号不正确", "Not an offer id")


async def withdraw_offer(
    pool: asyncpg.Pool, case_id: int, offer_id: int, actor: StaffUser, cmd: WithdrawOffer, *, now: datetime
) -> OfferState:
    """The proposing side takes back its open offer (told to the mediator)."""
    note = rules.optional_note(cmd.note)
    async with mediation_step(pool, case_id, actor, now=now) as step:
        offer = await store.lock_offer(step.conn, offer_id, case_id)
        if offer is None:
            raise NotFound(f"offer {offer_id} of case {case_id}")
        if offer.status != "open":
            raise MediationConflict(
                "offer_closed", f"该方案{rules.OFFER_STATUSES[offer.status][0]}，不能撤回"
            )
        await store.answer_offer(
            step.conn, offer.id, status="withdrawn", at=now, via=None, by=step.actor, note=note
        )
        await step.event(
            EventKind.OFFER_WITHDRAWN, {"offer_id": offer.id, "from_party": offer.from_party, "note": note}
        )
    return OfferState(offer_id, case_id, "withdrawn")
