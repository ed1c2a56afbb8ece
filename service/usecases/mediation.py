"""Mediation (调解, DESIGN §2.6): the record of contacts and sessions, offers and counter-offers answered by
the other side, the settlement (调解书) and its performance, recusals, termination on one of the eight
grounds of Order 121 art. 23, and reopening a closed case.

Each action is one transaction that locks the case row, checks the case is in mediation, writes the
record and appends an event carrying the actor. Accepting an offer drafts the settlement from the offer's
terms; the mediator reviews the draft (the confirmed wording, the performance date) and issues it; each
party confirms it (tracking page, merchant link, or recorded by the mediator with the means), and the
second confirmation closes the case as settled. Its performance is then tracked on the closed case (the
lifecycle allows events on a closed case, only status changes are restricted). Terminating closes the
case as terminated and starts the notice period to both parties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from domain import mediation as rules
from domain.acceptance import Citations
from domain.errors import FieldError, NotFound, ValidationFailed, one_of
from domain.lifecycle import STATUS_LABELS, Action, Status, apply
from domain.mediation import MediationConflict
from domain.money import format_yuan
from domain.taxonomy import REQUEST_KINDS
from service.store import cases, reference, staff
from service.store import mediation as store
from service.store import routing as routing_store
from service.store.staff import StaffUser
from service.usecases.casework import _as_pauses, _locked, _recomputed_mediation, _state, held_case
from service.usecases.clock import LOCAL_TZ, local_date, local_time, utcnow
from service.usecases.closing import close_locked
from service.usecases.first_payment import _token

NOTICE_WINDOW_DAYS = 60  # the calendar read for the termination-notice period


# --- the record ----------------------------------------------------------------------------------------


async def _in_mediation(
    conn: asyncpg.Connection, case_id: int, actor: StaffUser | None = None
) -> asyncpg.Record:
    """Lock a case in mediation; a staff `actor` must hold it (casework.held_case), a party need not."""
    row = await (held_case(conn, case_id, actor) if actor else _locked(conn, case_id))
    if row["status"] != Status.MEDIATION:
        raise rules.not_in_mediation()
    return row


async def log_contact(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    *,
    party: object,
    method: object,
    at: object = None,
    note: object = None,
    now: datetime,
) -> int:
    """A contact with one party (a call, a visit, a message). Returns its id."""
    c = rules.contact_input(party, method, at, note, now=now, tz=LOCAL_TZ)
    async with pool.acquire() as conn, conn.transaction():
        await _in_mediation(conn, case_id, actor)
        contact_id = await store.add_contact(conn, case_id, c, actor.id)
        await cases.add_event(
            conn,
            case_id,
            "contact_logged",
            actor=actor.actor,
            at=now,
            payload={
                "contact_id": contact_id,
                "party": c.party,
                "method": c.method,
                "at": c.at.isoformat(),
                "note": c.note,
            },
        )
    return contact_id


async def log_session(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    *,
    mode: object,
    at: object = None,
    place: object = None,
    attendees: object = None,
    note: object = None,
    now: datetime,
) -> int:
    """A mediation session held on site, by phone or by video. Returns its id."""
    s = rules.session_input(mode, at, place, attendees, note, now=now, tz=LOCAL_TZ)
    async with pool.acquire() as conn, conn.transaction():
        await _in_mediation(conn, case_id, actor)
        session_id = await store.add_session(conn, case_id, s, actor.id)
        await cases.add_event(
            conn,
            case_id,
            "session_held",
            actor=actor.actor,
            at=now,
            payload={
                "session_id": session_id,
                "mode": s.mode,
                "at": s.at.isoformat(),
                "place": s.place,
                "attendees": s.attendees,
                "note": s.note,
            },
        )
    return session_id


# --- offers ---------------------------------------------------------------------------------------------


def _offer_payload(offer_id: int, o: rules.OfferInput) -> dict[str, Any]:
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


async def _expire_locked(conn: asyncpg.Connection, case_id: int | None, today: date, now: datetime) -> int:
    expired = await store.expire(conn, today, case_id)
    for r in expired:
        await cases.add_event(
            conn,
            r["case_id"],
            "offer_expired",
            actor="system",
            at=now,
            payload={
                "offer_id": r["id"],
                "from_party": r["from_party"],
                "deadline": r["answer_by"].isoformat(),
            },
        )
    return len(expired)


async def make_offer(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    *,
    from_party: object,
    remedy: object,
    amount: object,
    answer_by: object,
    note: object = None,
    perform_by: object = None,
    now: datetime,
) -> int:
    """Record one side's proposal (with the performance date it asks for); the other side answers it.
    One open offer per case, none while an agreed settlement awaits review or confirmation."""
    today = local_date(now)
    o = rules.offer_input(from_party, remedy, amount, answer_by, note, today=today, perform_by=perform_by)
    async with pool.acquire() as conn, conn.transaction():
        await _in_mediation(conn, case_id, actor)
        if await store.open_recusal(conn, case_id):
            raise rules.recusal_open()
        await _no_settlement_pending(conn, case_id)
        await _expire_locked(conn, case_id, today, now)
        if any(x.status == "open" for x in await store.offers(conn, case_id)):
            raise MediationConflict(
                "offer_open", "本案已有一份等待答复的方案：请先记录对方的答复，或撤回该方案"
            )
        offer_id = await store.add_offer(conn, case_id, o, parent_id=None, created_by=actor.actor, at=now)
        await cases.add_event(
            conn, case_id, "offer_made", actor=actor.actor, at=now, payload=_offer_payload(offer_id, o)
        )
    return offer_id


@dataclass(frozen=True, slots=True)
class AnswerResult:
    offer_id: int
    answer: str  # accept | refuse | counter
    status: str  # the answered offer's status now
    new_offer_id: int | None = None  # the counter-offer
    settlement_id: int | None = None  # on acceptance
    case_status: str = Status.MEDIATION.value


async def _answer(
    pool: asyncpg.Pool,
    case_id: int,
    offer_id: int,
    *,
    answering: str | None,
    via: str,
    actor: str,
    staff_id: int | None,
    answer: object,
    remedy: object,
    amount: object,
    answer_by: object,
    note: object,
    perform_by: object,
    now: datetime,
    holder: StaffUser | None = None,
) -> AnswerResult:
    """`answering` None: the other side of the offer (a mediator recording a phone answer). A staff
    `holder` must hold the case (casework.held_case)."""
    today = local_date(now)
    expired: MediationConflict | None = None
    async with pool.acquire() as conn, conn.transaction():
        row = await (held_case(conn, case_id, holder) if holder else _locked(conn, case_id))
        offer = await store.lock_offer(conn, offer_id, case_id)
        if offer is None:
            raise NotFound(f"offer {offer_id} of case {case_id}")
        side = answering or rules.other_party(offer.from_party)
        rules.check_answering_side(offer.from_party, side)
        if offer.status == "open" and offer.answer_by < today:
            await _expire_locked(conn, case_id, today, now)  # kept: the answer is refused after the commit
            expired = MediationConflict(
                "offer_expired",
                f"该方案的答复期限（{offer.answer_by.isoformat()}）已过，不能再答复；可以重新提出方案",
            )
        else:
            if offer.status != "open":
                raise MediationConflict(
                    "offer_closed", f"该方案{rules.OFFER_STATUSES[offer.status][0]}，不能再答复"
                )
            if row["status"] != Status.MEDIATION:
                raise rules.not_in_mediation()
            if await store.open_recusal(conn, case_id):
                raise rules.recusal_open()
            ans = rules.answer_input(
                answer,
                answering=side,
                remedy=remedy,
                amount=amount,
                answer_by=answer_by,
                note=note,
                perform_by=perform_by,
                today=today,
            )
            return await _apply_answer(
                conn, row, offer, ans, side=side, via=via, actor=actor, staff_id=staff_id, now=now
            )
    assert expired is not None
    raise expired


async def _apply_answer(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    offer: store.Offer,
    ans: rules.AnswerInput,
    *,
    side: str,
    via: str,
    actor: str,
    staff_id: int | None,
    now: datetime,
) -> AnswerResult:
    case_id = row["id"]
    base = {"offer_id": offer.id, "party": side, "by_phone": via == "phone"}
    if ans.answer == "accept":
        await store.answer_offer(conn, offer.id, status="accepted", at=now, via=via, by=actor, note=ans.note)
        amount = format_yuan(offer.amount_fen)
        await cases.add_event(
            conn,
            case_id,
            "offer_accepted",
            actor=actor,
            at=now,
            payload={**base, "remedy": offer.remedy, "amount": amount, "note": ans.note},
        )
        # the date the mediator set on recording the acceptance, else the one the offer asked for
        perform_by = ans.perform_by or offer.perform_by or rules.default_perform_by(offer.answer_by)
        settlement_id = await _draft_settlement(conn, row, offer, perform_by, actor, staff_id, now)
        return AnswerResult(offer.id, "accept", "accepted", None, settlement_id, Status.MEDIATION.value)
    if ans.answer == "refuse":
        await store.answer_offer(conn, offer.id, status="refused", at=now, via=via, by=actor, note=ans.note)
        await cases.add_event(
            conn, case_id, "offer_refused", actor=actor, at=now, payload={**base, "note": ans.note}
        )
        return AnswerResult(offer.id, "refuse", "refused")
    counter = ans.counter
    assert counter is not None
    await store.answer_offer(conn, offer.id, status="countered", at=now, via=via, by=actor, note=None)
    new_id = await store.add_offer(conn, case_id, counter, parent_id=offer.id, created_by=actor, at=now)
    await cases.add_event(
        conn,
        case_id,
        "offer_countered",
        actor=actor,
        at=now,
        payload={**base, **_offer_payload(new_id, counter), "offer_id": offer.id, "new_offer_id": new_id},
    )
    return AnswerResult(offer.id, "counter", "countered", new_id)


def _terms(row: asyncpg.Record, remedy: str, amount_fen: int, perform_by: date, wording: str | None) -> str:
    return rules.settlement_terms(
        consumer=row["consumer_name"],
        merchant=row["merchant_name"],
        remedy=remedy,
        amount_fen=amount_fen,
        perform_by=perform_by,
        wording=wording,
    )


async def _draft_settlement(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    offer: store.Offer,
    perform_by: date,
    actor: str,
    staff_id: int | None,
    now: datetime,
) -> int:
    """The 调解书 drafted from the accepted offer's terms alone, for the mediator to review."""
    case_id = row["id"]
    await store.supersede_settlement(conn, case_id, now)  # an earlier one of a reopened case
    settlement_id = await store.add_settlement(
        conn,
        case_id,
        offer_id=offer.id,
        terms=_terms(row, offer.remedy, offer.amount_fen, perform_by, None),
        remedy=offer.remedy,
        amount_fen=offer.amount_fen,
        perform_by=perform_by,
        at=now,
        by=staff_id or row["assigned_to"],
    )
    await cases.add_event(
        conn,
        case_id,
        "settlement_drafted",
        actor=actor,
        at=now,
        payload={
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


async def _no_settlement_pending(conn: asyncpg.Connection, case_id: int) -> None:
    current = await store.lock_current_settlement(conn, case_id)
    if current is not None and (
        current["consumer_confirmed_at"] is None or current["merchant_confirmed_at"] is None
    ):
        raise MediationConflict(
            "settlement_pending", "双方已接受调解方案，调解书待审核或待双方确认，不能再提出新方案"
        )


async def record_answer(
    pool: asyncpg.Pool,
    case_id: int,
    offer_id: int,
    actor: StaffUser,
    *,
    answer: object,
    party: object = None,
    remedy: object = None,
    amount: object = None,
    answer_by: object = None,
    note: object = None,
    perform_by: object = None,
    now: datetime,
) -> AnswerResult:
    """A party's answer given to the mediator by phone; `party` (optional) names who answered."""
    if party not in (None, "") and not one_of(party, rules.PARTIES):
        raise ValidationFailed(
            [FieldError("party", "unknown_code", "不是可选的选项", "consumer or merchant")]
        )
    return await _answer(
        pool,
        case_id,
        offer_id,
        answering=str(party) if party else None,
        via="phone",
        actor=actor.actor,
        staff_id=actor.id,
        holder=actor,
        answer=answer,
        remedy=remedy,
        amount=amount,
        answer_by=answer_by,
        note=note,
        perform_by=perform_by,
        now=now,
    )


def _gone() -> MediationConflict:
    return MediationConflict("offer_not_found", "没有找到该方案，可能已经处理，请刷新页面")


async def consumer_answer(
    pool: asyncpg.Pool,
    case_id: int,
    offer_id: object,
    *,
    answer: object,
    remedy: object = None,
    amount: object = None,
    answer_by: object = None,
    perform_by: object = None,
    note: object = None,
    now: datetime,
) -> AnswerResult:
    """The consumer's answer on the tracking page; the caller has checked the tracking number and code."""
    oid = _offer_id(offer_id)
    try:
        return await _answer(
            pool,
            case_id,
            oid,
            answering="consumer",
            via="tracking",
            actor="consumer",
            staff_id=None,
            answer=answer,
            remedy=remedy,
            amount=amount,
            answer_by=answer_by,
            note=note,
            perform_by=perform_by if answer == "counter" else None,  # only a counter asks a date
            now=now,
        )
    except NotFound as exc:
        raise _gone() from exc


async def merchant_answer(
    pool: asyncpg.Pool,
    token: str,
    offer_id: int,
    *,
    answer: object,
    remedy: object = None,
    amount: object = None,
    answer_by: object = None,
    perform_by: object = None,
    note: object = None,
    now: datetime,
) -> AnswerResult:
    """The merchant's answer through its link: the link must belong to the merchant of the offer's case."""
    async with pool.acquire() as conn:
        link = await _token(conn, token, now)
        case_id = await store.case_of_offer(conn, offer_id)
        row = await cases.by_id(conn, case_id) if case_id is not None else None
    if (
        row is None
        or link["case_id"] not in (None, row["id"])
        or row["merchant_id"] is None
        or row["merchant_id"] != link["merchant_id"]
    ):
        raise NotFound("no offer of this merchant")
    return await _answer(
        pool,
        row["id"],
        offer_id,
        answering="merchant",
        via="merchant_link",
        actor=f"merchant:{link['merchant_id']}",
        staff_id=None,
        answer=answer,
        remedy=remedy,
        amount=amount,
        answer_by=answer_by,
        note=note,
        perform_by=perform_by if answer == "counter" else None,  # only a counter asks a date
        now=now,
    )


def _offer_id(raw: object) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) < 19:
        return int(raw.strip())
    raise ValidationFailed([FieldError("offer_id", "invalid_type", "方案编号不正确", "Not an offer id")])


async def withdraw_offer(
    pool: asyncpg.Pool, case_id: int, offer_id: int, actor: StaffUser, *, note: object = None, now: datetime
) -> None:
    """The proposing side takes back its open offer (told to the mediator)."""
    clean_note = rules.optional_note(note)
    async with pool.acquire() as conn, conn.transaction():
        await _in_mediation(conn, case_id, actor)
        offer = await store.lock_offer(conn, offer_id, case_id)
        if offer is None:
            raise NotFound(f"offer {offer_id} of case {case_id}")
        if offer.status != "open":
            raise MediationConflict(
                "offer_closed", f"该方案{rules.OFFER_STATUSES[offer.status][0]}，不能撤回"
            )
        await store.answer_offer(
            conn, offer.id, status="withdrawn", at=now, via=None, by=actor.actor, note=clean_note
        )
        await cases.add_event(
            conn,
            case_id,
            "offer_withdrawn",
            actor=actor.actor,
            at=now,
            payload={"offer_id": offer.id, "from_party": offer.from_party, "note": clean_note},
        )


async def expire_offers(pool: asyncpg.Pool, now: datetime) -> int:
    """Mark, once each, the open offers whose answer deadline has passed (the 15-minute job)."""
    async with pool.acquire() as conn, conn.transaction():
        return await _expire_locked(conn, None, local_date(now), now)


# --- the settlement: review, issue, confirmation ------------------------------------------------------------


async def _current_settlement(conn: asyncpg.Connection, case_id: int) -> asyncpg.Record:
    current = await store.lock_current_settlement(conn, case_id)
    if current is None:
        raise MediationConflict("no_settlement", "本案没有调解书")
    return current


async def issue_settlement(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    *,
    wording: object = None,
    perform_by: object = None,
    now: datetime,
) -> int:
    """The mediator reviewed the draft: the wording both parties confirmed (其他约定, optional) and the
    performance date; the 调解书 is issued for both parties to confirm. Returns the settlement id."""
    today = local_date(now)
    async with pool.acquire() as conn, conn.transaction():
        row = await _in_mediation(conn, case_id, actor)
        current = await _current_settlement(conn, case_id)
        if current["status"] != "draft":
            raise MediationConflict("settlement_issued", "调解书已出具，等待双方确认")
        review = rules.review_input(wording, perform_by, current=current["perform_by"], today=today)
        terms = _terms(row, current["remedy"], current["amount_fen"], review.perform_by, review.wording)
        await store.issue_settlement(
            conn,
            current["id"],
            terms=terms,
            wording=review.wording,
            perform_by=review.perform_by,
            at=now,
            by=actor.id,
        )
        await cases.add_event(
            conn,
            case_id,
            "settlement_issued",
            actor=actor.actor,
            at=now,
            payload={
                "settlement_id": current["id"],
                "remedy": current["remedy"],
                "amount": format_yuan(current["amount_fen"]),
                "perform_by": review.perform_by.isoformat(),
                "wording": review.wording,
            },
        )
    settlement_id: int = current["id"]
    return settlement_id


@dataclass(frozen=True, slots=True)
class Confirmed:
    party: str
    effective: bool  # both parties have confirmed: the case closed as settled
    case_status: str


async def _confirm(
    pool: asyncpg.Pool,
    case_id: int,
    party: str,
    *,
    via: str,
    actor: str,
    now: datetime,
    holder: StaffUser | None = None,  # a mediator recording it must hold the case
) -> Confirmed:
    async with pool.acquire() as conn, conn.transaction():
        row = await _in_mediation(conn, case_id, holder)
        current = await _current_settlement(conn, case_id)
        if current["status"] != "issued":
            raise MediationConflict("settlement_draft", "调解书尚在审核，出具后才能确认")
        done = await store.confirm_settlement(conn, current["id"], party, at=now, via=via)
        if done is None:
            raise MediationConflict("already_confirmed", f"{rules.PARTIES[party][0]}已确认调解书")
        await cases.add_event(
            conn,
            case_id,
            "settlement_confirmed",
            actor=actor,
            at=now,
            payload={"settlement_id": current["id"], "party": party, "via": via},
        )
        effective = done["consumer_confirmed_at"] is not None and done["merchant_confirmed_at"] is not None
        if effective:
            await _take_effect(conn, row, current, actor, now)
    return Confirmed(party, effective, Status.CLOSED.value if effective else Status.MEDIATION.value)


async def _take_effect(
    conn: asyncpg.Connection, row: asyncpg.Record, s: asyncpg.Record, actor: str, now: datetime
) -> None:
    """Both parties confirmed: the settlement is made and the case closes as settled."""
    await cases.add_event(
        conn,
        row["id"],
        "settlement_made",
        actor=actor,
        at=now,
        payload={
            "settlement_id": s["id"],
            "offer_id": s["offer_id"],
            "remedy": s["remedy"],
            "amount": format_yuan(s["amount_fen"]),
            "perform_by": s["perform_by"].isoformat(),
        },
    )
    await close_locked(
        conn,
        row,
        outcome="settled",
        actor=actor,
        now=now,
        relief_type=s["remedy"],
        relief_fen=s["amount_fen"],
        payload={"settlement_id": s["id"]},
    )


async def record_confirmation(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, *, party: object, means: object, now: datetime
) -> Confirmed:
    """A party's confirmation given to the mediator: on site, by phone, or a signature on paper."""
    c = rules.staff_confirmation_input(party, means)
    return await _confirm(pool, case_id, c.party, via=c.via, actor=actor.actor, now=now, holder=actor)


async def consumer_confirm(pool: asyncpg.Pool, case_id: int, *, now: datetime) -> Confirmed:
    """The consumer confirms on the tracking page; the caller checked the tracking number and code."""
    return await _confirm(pool, case_id, "consumer", via="tracking", actor="consumer", now=now)


async def merchant_confirm(pool: asyncpg.Pool, token: str, case_id: int, *, now: datetime) -> Confirmed:
    """The merchant confirms through its link, which must belong to the case's merchant."""
    async with pool.acquire() as conn:
        link = await _token(conn, token, now)
        row = await cases.by_id(conn, case_id)
    if (
        row is None
        or link["case_id"] not in (None, row["id"])
        or row["merchant_id"] is None
        or row["merchant_id"] != link["merchant_id"]
    ):
        raise NotFound("no settlement of this merchant")
    return await _confirm(
        pool, case_id, "merchant", via="merchant_link", actor=f"merchant:{link['merchant_id']}", now=now
    )


# --- the settlement's performance ------------------------------------------------------------------------


async def _first_payment_possible(conn: asyncpg.Connection, merchant_id: int | None, today: date) -> bool:
    """The merchant (or the platform or market it sells through) holds an active commitment."""
    if merchant_id is None:
        return False
    return any(
        rules.commitment_active(c["active_from"], c["active_until"], today)
        for c in await routing_store.commitments(conn, merchant_id)
    )


async def record_performance(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    *,
    performance: object,
    note: object = None,
    now: datetime,
) -> str:
    """Performed, or not performed by the deadline (a late performance may still be recorded)."""
    p = rules.performance_input(performance, note)
    today = local_date(now)
    async with pool.acquire() as conn, conn.transaction():
        row = await held_case(conn, case_id, actor)
        updated = await store.set_performance(
            conn, case_id, p.performance, at=now, note=p.note, by=actor.actor
        )
        if updated is None:
            current = [s for s in await store.settlements(conn, case_id) if s["superseded_at"] is None]
            if not current:
                raise MediationConflict("no_settlement", "本案没有调解书，不能登记履行情况")
            if current[-1]["consumer_confirmed_at"] is None or current[-1]["merchant_confirmed_at"] is None:
                raise MediationConflict("not_effective", "调解书尚未经双方确认生效，不能登记履行情况")
            raise MediationConflict("performance_recorded", "本案调解书的履行情况已经登记")
        payload: dict[str, Any] = {
            "settlement_id": updated["id"],
            "perform_by": updated["perform_by"].isoformat(),
            "note": p.note,
        }
        if p.performance == "not_performed":
            payload["first_payment_possible"] = await _first_payment_possible(conn, row["merchant_id"], today)
        else:
            payload["on_time"] = today <= updated["perform_by"]
        kind = "settlement_performed" if p.performance == "performed" else "settlement_not_performed"
        await cases.add_event(conn, case_id, kind, actor=actor.actor, at=now, payload=payload)
    return p.performance


async def flag_unperformed(pool: asyncpg.Pool, now: datetime) -> int:
    """Settlements past their performance deadline with nothing recorded: not performed, once each
    (the 15-minute job). The consumer's page then shows the remaining routes and first payment."""
    today = local_date(now)
    async with pool.acquire() as conn, conn.transaction():
        flagged = await store.flag_unperformed(conn, today, now)
        for r in flagged:
            row = await cases.by_id(conn, r["case_id"])
            assert row is not None
            await cases.add_event(
                conn,
                r["case_id"],
                "settlement_not_performed",
                actor="system",
                at=now,
                payload={
                    "settlement_id": r["id"],
                    "perform_by": r["perform_by"].isoformat(),
                    "flagged": True,
                    "first_payment_possible": await _first_payment_possible(conn, row["merchant_id"], today),
                },
            )
    return len(flagged)


# --- recusal ---------------------------------------------------------------------------------------------


async def request_recusal(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, *, party: object, reason: object, now: datetime
) -> int:
    """A party asks for another mediator: the clock stops until a supervisor decides."""
    r = rules.recusal_input(party, reason)
    today = local_date(now)
    async with pool.acquire() as conn, conn.transaction():
        row = await _in_mediation(conn, case_id, actor)
        if await store.open_recusal(conn, case_id):
            raise MediationConflict("recusal_pending", "本案已有待决定的回避申请")
        new = apply(_state(row), Action.PAUSE)
        recusal_id = await store.add_recusal(
            conn, case_id, party=r.party, reason=r.reason, at=now, by=actor.id, mediator=row["assigned_to"]
        )
        await cases.start_pause(
            conn,
            case_id,
            "recusal",
            f"{rules.PARTIES[r.party][0]}申请回避：{r.reason}",
            today,
            None,
            actor.id,
        )
        await cases.set_paused(
            conn, case_id, new.paused, row["mediation_due"], row["mediation_due_provisional"], now
        )
        await cases.add_event(
            conn,
            case_id,
            "recusal_requested",
            actor=actor.actor,
            at=now,
            payload={"recusal_id": recusal_id, "party": r.party, "reason": "recusal", "note": r.reason},
        )
    return recusal_id


async def decide_recusal(
    pool: asyncpg.Pool,
    case_id: int,
    recusal_id: int,
    actor: StaffUser,
    *,
    decision: object,
    new_mediator: object = None,
    note: object = None,
    now: datetime,
) -> date | None:
    """A supervisor grants (optionally naming another mediator) or denies; either way the clock restarts
    and the mediation deadline moves by the paused time. Returns the new deadline."""
    d = rules.recusal_decision(decision, new_mediator, note)
    today = local_date(now)
    async with pool.acquire() as conn, conn.transaction():
        row = await held_case(conn, case_id, actor)
        rec = await store.lock_recusal(conn, recusal_id, case_id)
        if rec is None:
            raise NotFound(f"recusal {recusal_id} of case {case_id}")
        if rec["decided_at"] is not None:
            raise MediationConflict("recusal_decided", "该回避申请已作出决定")
        if d.new_mediator is not None:
            if await store.mediator(conn, d.new_mediator) is None:
                raise ValidationFailed(
                    [FieldError("new_mediator", "not_found", "应为在职的调解员", "Not an active mediator")]
                )
            if d.new_mediator == row["assigned_to"]:
                raise ValidationFailed(
                    [
                        FieldError(
                            "new_mediator", "same_mediator", "应为另一名调解员", "Choose another mediator"
                        )
                    ]
                )
        await store.decide_recusal(
            conn,
            recusal_id,
            at=now,
            decision=d.decision,
            by=actor.id,
            new_mediator=d.new_mediator,
            note=d.note,
        )
        if d.new_mediator is not None:
            await store.assign(conn, case_id, d.new_mediator, now)
            # the same ownership story as a supervisor's reassignment in the queues
            await cases.add_event(
                conn,
                case_id,
                "reassigned",
                actor=actor.actor,
                at=now,
                payload={"from": row["assigned_to"], "to": d.new_mediator, "recusal": True},
            )
        due = None
        if row["paused"]:
            new = apply(_state(row), Action.RESUME)
            await cases.end_pause(conn, case_id, today, actor.id)
            if row["accepted_on"] is not None:
                due = await _recomputed_mediation(
                    conn, row, _as_pauses(await cases.pauses(conn, case_id)), today
                )
            await cases.set_paused(
                conn,
                case_id,
                new.paused,
                due.due if due else row["mediation_due"],
                due.provisional if due else row["mediation_due_provisional"],
                now,
            )
        await cases.add_event(
            conn,
            case_id,
            "recusal_decided",
            actor=actor.actor,
            at=now,
            payload={
                "recusal_id": recusal_id,
                "decision": d.decision,
                "new_mediator": d.new_mediator,
                "note": d.note,
                "previous_due": _iso(row["mediation_due"]),
                "mediation_due": _iso(due.due) if due else _iso(row["mediation_due"]),
            },
        )
    result: date | None = due.due if due else row["mediation_due"]
    return result


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --- termination and reopening ----------------------------------------------------------------------------


async def terminate(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, reason: object, note: object, now: datetime
) -> date:
    """End mediation on a ground of Order 121 art. 23; both parties are told within the notice period.
    Returns the notice deadline."""
    t = rules.termination_input(reason, note)
    today = local_date(now)
    async with pool.acquire() as conn, conn.transaction():
        row = await _in_mediation(conn, case_id, actor)
        if await store.open_recusal(conn, case_id):
            raise rules.recusal_open()
        days, unit = await store.notice_rule(conn, row["rule_set_id"])
        calendar = await reference.work_calendar_from(conn, today, max(NOTICE_WINDOW_DAYS, 3 * days))
        due = rules.notice_due(calendar, today, days, unit)
        withdrawn = await store.withdraw_open(conn, case_id, now)
        await store.supersede_settlement(conn, case_id, now)  # a draft or unconfirmed one lapses
        # a case reopened elsewhere (an appeal) keeps its earlier termination: superseded by this one
        await store.supersede_termination(conn, case_id, now)
        termination_id = await store.add_termination(
            conn, case_id, reason=t.reason, note=t.note, on=today, notice_due=due.due, by=actor.id
        )
        await cases.add_event(
            conn,
            case_id,
            "terminated",
            actor=actor.actor,
            at=now,
            payload={
                "termination_id": termination_id,
                "termination_reason": t.reason,
                "reason_label": rules.TERMINATION_REASONS[t.reason][0],
                "note": t.note,
                "notice_due": due.due.isoformat(),
                "offers_withdrawn": withdrawn,
            },
        )
        await close_locked(
            conn,
            row,
            outcome="terminated",
            actor=actor.actor,
            now=now,
            payload={"termination_reason": t.reason, "termination_id": termination_id},
        )
    return due.due


async def mark_notice_sent(pool: asyncpg.Pool, case_id: int, actor: StaffUser, *, now: datetime) -> bool:
    """The termination notice went to both parties. Returns whether that was within the period."""
    today = local_date(now)
    async with pool.acquire() as conn, conn.transaction():
        await held_case(conn, case_id, actor)
        sent = await store.notice_sent(conn, case_id, now, actor.id)
        if sent is None:
            current = [t for t in await store.terminations(conn, case_id) if t["superseded_at"] is None]
            if not current:
                raise MediationConflict("no_termination", "本案未终止调解，没有终止调解告知书")
            raise MediationConflict("notice_sent", "终止调解告知书已登记送达")
        on_time = bool(today <= sent["notice_due"])
        await cases.add_event(
            conn,
            case_id,
            "termination_notice_sent",
            actor=actor.actor,
            at=now,
            payload={"notice_due": sent["notice_due"].isoformat(), "on_time": on_time},
        )
    return on_time


async def reopen(pool: asyncpg.Pool, case_id: int, actor: StaffUser, reason: object, *, now: datetime) -> str:
    """A supervisor reopens a closed case (e.g. a settlement not performed, to go to first payment).
    Its settlement or termination stays on record, superseded. Returns the new status."""
    clean_reason = rules.reopen_reason(reason)
    async with pool.acquire() as conn, conn.transaction():
        row = await held_case(conn, case_id, actor)
        new = apply(_state(row), Action.REOPEN)
        await store.reopen(conn, case_id, new.status, now)
        settlement_id = await store.supersede_settlement(conn, case_id, now)
        termination_id = await store.supersede_termination(conn, case_id, now)
        await cases.add_event(
            conn,
            case_id,
            "reopened",
            actor=actor.actor,
            at=now,
            payload={
                "note": clean_reason,
                "previous_outcome": row["outcome"],
                "settlement_id": settlement_id,
                "termination_id": termination_id,
            },
        )
    return new.status.value


# --- reading the record ------------------------------------------------------------------------------------


def _label(table: dict[str, tuple[str, str]], code: str | None) -> str:
    return table.get(code or "", (code or "", ""))[0]


@dataclass(frozen=True, slots=True)
class ContactView:
    id: int
    party: str
    party_label: str
    method: str
    method_label: str
    at: datetime
    note: str | None
    by_name: str | None


@dataclass(frozen=True, slots=True)
class SessionView:
    id: int
    mode: str
    mode_label: str
    at: datetime
    place: str | None
    attendees: str
    note: str | None
    by_name: str | None


@dataclass(frozen=True, slots=True)
class OfferView:
    id: int
    parent_id: int | None
    from_party: str
    from_label: str
    to_party: str  # who answers
    to_label: str
    remedy: str
    remedy_label: str
    amount: str  # yuan
    answer_by: date
    note: str | None
    status: str  # effective: an open offer past its deadline reads as expired
    status_label: str
    answered_at: datetime | None
    answered_via: str | None
    answered_via_label: str | None
    answer_note: str | None
    created_at: datetime
    perform_by: date | None = None  # the performance date the offer asks for


@dataclass(frozen=True, slots=True)
class SettlementView:
    id: int
    offer_id: int
    terms: str
    remedy: str
    remedy_label: str
    amount: str
    perform_by: date
    created_at: datetime
    mediator: str | None
    performance: str
    performance_label: str
    performance_at: datetime | None
    performance_note: str | None
    performance_by_system: bool
    superseded: bool
    status: str = "issued"  # draft | issued | effective (both parties confirmed)
    status_label: str = ""
    wording: str | None = None  # the mediator's confirmed wording (其他约定)
    consumer_confirmed_at: datetime | None = None
    consumer_confirmed_via: str | None = None
    merchant_confirmed_at: datetime | None = None
    merchant_confirmed_via: str | None = None
    offer_notes: tuple[str, ...] = ()  # what the parties typed with their offers: for review, not terms


@dataclass(frozen=True, slots=True)
class TerminationView:
    id: int
    reason: int
    reason_label: str  # 第二十三条第（x）项：…
    reason_text: str
    note: str
    terminated_on: date
    notice_due: date
    notice_sent_at: datetime | None
    notice_overdue: bool
    by_name: str | None
    superseded: bool


@dataclass(frozen=True, slots=True)
class RecusalView:
    id: int
    party: str
    party_label: str
    reason: str
    requested_at: datetime
    decided_at: datetime | None
    decision: str | None
    decision_label: str | None
    decision_note: str | None
    decided_by_name: str | None
    new_mediator_name: str | None
    previous_mediator_name: str | None


@dataclass(frozen=True, slots=True)
class MediationRecord:
    case_id: int
    status: str
    status_label: str
    in_mediation: bool
    paused: bool
    assigned_to: int | None
    assigned_name: str | None
    contacts: list[ContactView]
    sessions: list[SessionView]
    offers: list[OfferView]
    open_offer: OfferView | None
    settlement: SettlementView | None  # the current one
    termination: TerminationView | None  # the current one
    recusals: list[RecusalView]
    open_recusal: RecusalView | None
    first_payment_possible: bool  # the settlement was not performed and a commitment is active
    remaining_routes: list[str]
    earlier_settlements: list[SettlementView] = field(default_factory=list)
    earlier_terminations: list[TerminationView] = field(default_factory=list)


def _offer_view(o: store.Offer, today: date) -> OfferView:
    status = rules.effective_status(o.status, o.answer_by, today)
    to = rules.other_party(o.from_party)
    return OfferView(
        id=o.id,
        parent_id=o.parent_id,
        from_party=o.from_party,
        from_label=_label(rules.PARTIES, o.from_party),
        to_party=to,
        to_label=_label(rules.PARTIES, to),
        remedy=o.remedy,
        remedy_label=_label(REQUEST_KINDS, o.remedy),
        amount=format_yuan(o.amount_fen),
        answer_by=o.answer_by,
        note=o.note,
        status=status,
        status_label=_label(rules.OFFER_STATUSES, status),
        answered_at=local_time(o.answered_at) if o.answered_at else None,
        answered_via=o.answered_via,
        answered_via_label=_label(rules.ANSWERED_VIA, o.answered_via) if o.answered_via else None,
        answer_note=o.answer_note,
        created_at=local_time(o.created_at),
        perform_by=o.perform_by,
    )


def _confirmation(s: asyncpg.Record, party: str) -> dict[str, Any]:
    at, via = s[f"{party}_confirmed_at"], s[f"{party}_confirmed_via"]
    return {
        f"{party}_confirmed_at": local_time(at) if at else None,
        f"{party}_confirmed_via": _label(rules.CONFIRMED_VIA, via) if via else None,
    }


def _settlement_view(
    s: asyncpg.Record, mediator: str | None, offer_notes: tuple[str, ...] = ()
) -> SettlementView:
    status = rules.settlement_status(
        s["status"], s["consumer_confirmed_at"] is not None, s["merchant_confirmed_at"] is not None
    )
    return SettlementView(
        id=s["id"],
        offer_id=s["offer_id"],
        terms=s["terms"],
        remedy=s["remedy"],
        remedy_label=_label(REQUEST_KINDS, s["remedy"]),
        amount=format_yuan(s["amount_fen"]),
        perform_by=s["perform_by"],
        created_at=local_time(s["created_at"]),
        mediator=s["created_by_name"] or mediator,
        performance=s["performance"],
        performance_label=_label(rules.PERFORMANCE, s["performance"]),
        performance_at=local_time(s["performance_at"]) if s["performance_at"] else None,
        performance_note=s["performance_note"],
        performance_by_system=s["performance_by"] == "system",
        superseded=s["superseded_at"] is not None,
        status=status,
        status_label=_label(rules.SETTLEMENT_STATUSES, status),
        wording=s["wording"],
        **_confirmation(s, "consumer"),
        **_confirmation(s, "merchant"),
        offer_notes=offer_notes,
    )


def _termination_view(t: asyncpg.Record, today: date, cites: Citations | None = None) -> TerminationView:
    label = (
        f"{cites.termination_item(t['reason'])}：{rules.TERMINATION_REASONS[t['reason']][0]}"
        if cites
        else rules.reason_label(t["reason"])
    )
    return TerminationView(
        id=t["id"],
        reason=t["reason"],
        reason_label=label,
        reason_text=rules.TERMINATION_REASONS[t["reason"]][0],
        note=t["note"],
        terminated_on=t["terminated_on"],
        notice_due=t["notice_due"],
        notice_sent_at=local_time(t["notice_sent_at"]) if t["notice_sent_at"] else None,
        notice_overdue=t["notice_sent_at"] is None and today > t["notice_due"],
        by_name=t["by_name"],
        superseded=t["superseded_at"] is not None,
    )


def _recusal_view(r: asyncpg.Record) -> RecusalView:
    return RecusalView(
        id=r["id"],
        party=r["party"],
        party_label=_label(rules.PARTIES, r["party"]),
        reason=r["reason"],
        requested_at=local_time(r["requested_at"]),
        decided_at=local_time(r["decided_at"]) if r["decided_at"] else None,
        decision=r["decision"],
        decision_label=_label(rules.RECUSAL_DECISIONS, r["decision"]) if r["decision"] else None,
        decision_note=r["decision_note"],
        decided_by_name=r["decided_by_name"],
        new_mediator_name=r["new_mediator_name"],
        previous_mediator_name=r["previous_mediator_name"],
    )


def _offer_notes(offers: list[store.Offer]) -> tuple[str, ...]:
    """Each side's remarks typed with its offers, shown beside the draft: the mediator decides what, if
    anything, both sides agreed beyond the offer's terms."""
    return tuple(f"{rules.PARTIES[o.from_party][0]}（方案 {o.id}）：{o.note}" for o in offers if o.note)


async def _mediator_name(conn: asyncpg.Connection, row: asyncpg.Record) -> str | None:
    if row["assigned_to"] is None:
        return None
    return (await staff.names(conn, [row["assigned_to"]])).get(row["assigned_to"])


async def _record(conn: asyncpg.Connection, row: asyncpg.Record, today: date) -> MediationRecord:
    case_id = row["id"]
    assigned_name = await _mediator_name(conn, row)
    raw_offers = await store.offers(conn, case_id)
    offers = [_offer_view(o, today) for o in raw_offers]
    notes = _offer_notes(raw_offers)
    settlements = [_settlement_view(s, assigned_name, notes) for s in await store.settlements(conn, case_id)]
    cites = await reference.citations(conn, row["rule_set_id"])
    terminations = [_termination_view(t, today, cites) for t in await store.terminations(conn, case_id)]
    recusals = [_recusal_view(r) for r in await store.recusals(conn, case_id)]
    settlement = next((s for s in settlements if not s.superseded), None)
    termination = next((t for t in terminations if not t.superseded), None)
    not_performed = settlement is not None and settlement.performance == "not_performed"
    return MediationRecord(
        case_id=case_id,
        status=row["status"],
        status_label=STATUS_LABELS[Status(row["status"])][0],
        in_mediation=row["status"] == Status.MEDIATION,
        paused=row["paused"],
        assigned_to=row["assigned_to"],
        assigned_name=assigned_name,
        contacts=[
            ContactView(
                id=c["id"],
                party=c["party"],
                party_label=_label(rules.PARTIES, c["party"]),
                method=c["method"],
                method_label=_label(rules.CONTACT_METHODS, c["method"]),
                at=local_time(c["at"]),
                note=c["note"],
                by_name=c["by_name"],
            )
            for c in await store.contacts(conn, case_id)
        ],
        sessions=[
            SessionView(
                id=s["id"],
                mode=s["mode"],
                mode_label=_label(rules.SESSION_MODES, s["mode"]),
                at=local_time(s["at"]),
                place=s["place"],
                attendees=s["attendees"],
                note=s["note"],
                by_name=s["by_name"],
            )
            for s in await store.sessions(conn, case_id)
        ],
        offers=offers,
        open_offer=next((o for o in offers if o.status == "open"), None),
        settlement=settlement,
        termination=termination,
        recusals=recusals,
        open_recusal=next((r for r in recusals if r.decided_at is None), None),
        first_payment_possible=not_performed
        and await _first_payment_possible(conn, row["merchant_id"], today),
        remaining_routes=[zh for zh, _ in rules.REMAINING_ROUTES] if termination or not_performed else [],
        earlier_settlements=[s for s in settlements if s.superseded],
        earlier_terminations=[t for t in terminations if t.superseded],
    )


async def record(pool: asyncpg.Pool, case_id: int, *, now: datetime | None = None) -> MediationRecord:
    """The case's mediation record (the API's GET …/mediation)."""
    today = local_date(now or utcnow())
    async with pool.acquire() as conn:
        row = await cases.by_id(conn, case_id)
        if row is None:
            raise NotFound(f"case {case_id}")
        return await _record(conn, row, today)


async def mediation_context(
    pool: asyncpg.Pool, case_id: int, *, now: datetime | None = None
) -> dict[str, Any]:
    """What templates/_case_mediation.html shows: the record, the choices of each form, the mediators."""
    moment = now or utcnow()
    today = local_date(moment)
    async with pool.acquire() as conn:
        row = await cases.by_id(conn, case_id)
        if row is None:
            raise NotFound(f"case {case_id}")
        rec = await _record(conn, row, today)
        mediators = [(m["id"], m["display_name"]) for m in await store.mediators(conn)]
        cites = await reference.citations(conn, row["rule_set_id"])
    return {
        "record": rec,
        "case_id": case_id,
        "today": today,
        "now_local": local_time(moment).replace(second=0, microsecond=0, tzinfo=None),
        "default_answer_by": today + timedelta(days=7),
        "perform_days": timedelta(days=rules.PERFORM_DAYS_DEFAULT),  # the default after the answer deadline
        "parties": [(k, v[0]) for k, v in rules.PARTIES.items()],
        "contact_methods": [(k, v[0]) for k, v in rules.CONTACT_METHODS.items()],
        "session_modes": [(k, v[0]) for k, v in rules.SESSION_MODES.items()],
        "remedies": [(k, v[0]) for k, v in REQUEST_KINDS.items()],
        "answers": [(k, v[0]) for k, v in rules.ANSWERS.items()],
        "performances": [(k, rules.PERFORMANCE[k][0]) for k in rules.PERFORMANCE_RECORDS],
        "confirm_means": [(k, rules.CONFIRMED_VIA[k][0]) for k in rules.STAFF_CONFIRM_MEANS],
        "termination_reasons": [(n, zh) for n, (zh, _) in rules.TERMINATION_REASONS.items()],
        "recusal_decisions": [(k, v[0]) for k, v in rules.RECUSAL_DECISIONS.items()],
        "mediators": [m for m in mediators if m[0] != row["assigned_to"]],
        "can_request_recusal": rec.in_mediation and not row["paused"] and rec.open_recusal is None,
        "first_payment_hint": rules.FIRST_PAYMENT_HINT[0],
        "citations": cites,  # the articles the case's rule set cites (Order 20 or Order 121)
    }


# --- what the consumer and the merchant see ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicOffer:
    id: int
    from_party: str
    from_label: str
    remedy_label: str
    amount: str
    answer_by: date
    note: str | None
    answerable: bool  # the viewer is the other side
    perform_by: date | None = None  # the performance date the offer asks for


@dataclass(frozen=True, slots=True)
class PublicSettlement:
    terms: str
    remedy_label: str
    amount: str
    perform_by: date
    performance: str
    performance_label: str
    status: str = "effective"  # issued: awaiting confirmation; effective: both confirmed
    consumer_confirmed: bool = True
    merchant_confirmed: bool = True


def _public_settlement(s: asyncpg.Record) -> PublicSettlement:
    consumer, merchant = s["consumer_confirmed_at"] is not None, s["merchant_confirmed_at"] is not None
    return PublicSettlement(
        terms=s["terms"],
        remedy_label=_label(REQUEST_KINDS, s["remedy"]),
        amount=format_yuan(s["amount_fen"]),
        perform_by=s["perform_by"],
        performance=s["performance"],
        performance_label=_label(rules.PERFORMANCE, s["performance"]),
        status=rules.settlement_status(s["status"], consumer, merchant),
        consumer_confirmed=consumer,
        merchant_confirmed=merchant,
    )


@dataclass(frozen=True, slots=True)
class PublicTermination:
    reason_label: str
    note: str
    terminated_on: date
    citation: str = ""  # 《…》第二十三条第（二）项 under the case's rule set


async def public_view(conn: asyncpg.Connection, row: asyncpg.Record, today: date) -> dict[str, Any]:
    """The consumer's tracking page: the open offer (answerable when the merchant made it), the
    settlement and its performance, a termination, and what remains (CaseView fields)."""
    offers = await store.offers(conn, row["id"])
    open_offer = next(
        (o for o in offers if rules.effective_status(o.status, o.answer_by, today) == "open"), None
    )
    settlements = [s for s in await store.settlements(conn, row["id"]) if s["superseded_at"] is None]
    terminations = [t for t in await store.terminations(conn, row["id"]) if t["superseded_at"] is None]
    closed = row["status"] == Status.CLOSED  # a case reopened elsewhere is being handled again
    s = settlements[0] if settlements and closed else None
    issued = (
        settlements[0]
        if settlements
        and not closed
        and settlements[0]["status"] == "issued"
        and row["status"] == Status.MEDIATION
        else None
    )
    t = terminations[0] if terminations and closed else None
    not_performed = s is not None and s["performance"] == "not_performed"
    cites = await reference.citations(conn, row["rule_set_id"])
    hint = not_performed and await _first_payment_possible(conn, row["merchant_id"], today)
    return {
        "open_offer": PublicOffer(
            id=open_offer.id,
            from_party=open_offer.from_party,
            from_label=_label(rules.PARTIES, open_offer.from_party),
            remedy_label=_label(REQUEST_KINDS, open_offer.remedy),
            amount=format_yuan(open_offer.amount_fen),
            answer_by=open_offer.answer_by,
            note=open_offer.note,
            answerable=open_offer.from_party == "merchant" and row["status"] == Status.MEDIATION,
            perform_by=open_offer.perform_by,
        )
        if open_offer
        else None,
        "settlement": _public_settlement(s) if s else None,
        # the issued 调解书 awaiting confirmation: the consumer confirms it on the tracking page
        "settlement_to_confirm": _public_settlement(issued) if issued else None,
        "citations": cites,
        "termination": PublicTermination(
            reason_label=rules.TERMINATION_REASONS[t["reason"]][0],
            note=t["note"],
            terminated_on=t["terminated_on"],
            citation=cites.termination_reason(t["reason"]),
        )
        if t
        else None,
        "mediation_routes": tuple(zh for zh, _ in rules.REMAINING_ROUTES) if t or not_performed else (),
        "first_payment_hint": rules.FIRST_PAYMENT_HINT[0] if hint else None,
    }


async def merchant_offers(
    pool: asyncpg.Pool, merchant_id: int, case_ids: list[int], *, now: datetime
) -> dict[int, PublicOffer]:
    """The open offers of the cases a merchant link shows, by case (answerable when the consumer made it)."""
    today = local_date(now)
    async with pool.acquire() as conn:
        rows = await store.open_offers(conn, case_ids) if case_ids else []
    return {
        r["case_id"]: PublicOffer(
            id=r["id"],
            from_party=r["from_party"],
            from_label=_label(rules.PARTIES, r["from_party"]),
            remedy_label=_label(REQUEST_KINDS, r["remedy"]),
            amount=format_yuan(r["amount_fen"]),
            answer_by=r["answer_by"],
            note=r["note"],
            answerable=r["from_party"] == "consumer",
            perform_by=r["perform_by"],
        )
        for r in rows
        if r["answer_by"] >= today
    }


async def merchant_settlements(
    pool: asyncpg.Pool, merchant_id: int, case_ids: list[int]
) -> dict[int, PublicSettlement]:
    """The issued settlements of the cases a merchant link shows, by case, awaiting confirmation."""
    async with pool.acquire() as conn:
        rows = await store.issued_settlements(conn, case_ids) if case_ids else []
    return {r["case_id"]: _public_settlement(r) for r in rows}


@dataclass(frozen=True, slots=True)
class RouteNote:
    kind: str  # commitment | food_drug | venue | mediation | arbitration | pending
    text: str


async def merchant_route_notes(pool: asyncpg.Pool, case_ids: list[int]) -> dict[int, RouteNote]:
    """What each case's route means for the merchant (its link page), from the rules that fired."""
    notes: dict[int, RouteNote] = {}
    async with pool.acquire() as conn:
        for case_id in case_ids:
            row = await cases.by_id(conn, case_id)
            if row is None:
                continue
            fired = tuple(hit.get("rule", "") for hit in (row["route_explanation"] or {}).get("fired", []))
            kind = rules.merchant_route_kind(row["route"], fired)
            notes[case_id] = RouteNote(kind, rules.ROUTE_NOTES[kind])
    return notes


async def citations(pool: asyncpg.Pool, rule_set_id: str) -> Citations:
    """What the rule set's notices cite (a rejection notice reads it too)."""
    async with pool.acquire() as conn:
        return await reference.citations(conn, rule_set_id)


# --- the printable documents ----------------------------------------------------------------------------


async def settlement_document(pool: asyncpg.Pool, case_id: int) -> dict[str, Any]:
    """The 调解书: parties, facts, terms, the performance deadline, the mediator. NotFound without one."""
    async with pool.acquire() as conn:
        row = await cases.by_id(conn, case_id)
        if row is None:
            raise NotFound(f"case {case_id}")
        settlements = await store.settlements(conn, case_id)
        if not settlements:
            raise NotFound(f"settlement of case {case_id}")
        mediator = await _mediator_name(conn, row)
    current = settlements[-1]
    s = _settlement_view(current, mediator)
    issued = local_time(current["issued_at"]).date() if current["issued_at"] else None
    return {"c": row, "s": s, "signed_on": issued or s.created_at.date(), "draft": s.status == "draft"}


async def termination_document(pool: asyncpg.Pool, case_id: int) -> dict[str, Any]:
    """终止调解告知书 to both parties: the ground, the facts, what remains. NotFound without a termination."""
    async with pool.acquire() as conn:
        row = await cases.by_id(conn, case_id)
        if row is None:
            raise NotFound(f"case {case_id}")
        terminations = await store.terminations(conn, case_id)
        if not terminations:
            raise NotFound(f"termination of case {case_id}")
        cites = await reference.citations(conn, row["rule_set_id"])
    t = _termination_view(terminations[-1], local_date(utcnow()), cites)
    return {
        "c": row,
        "t": t,
        "cite": cites,
        "received_at_local": local_time(row["received_at"]),
        "remaining_routes": [zh for zh, _ in rules.REMAINING_ROUTES],
    }
