"""The read side of mediation for staff: the case's mediation record (the API's GET …/mediation and the
case page's section), the choices of its forms, and the printable 调解书 and 终止调解告知书.
What the consumer and the merchant see is service.queries.mediation_public."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import asyncpg
import msgspec

from domain import mediation as rules
from domain import mediation_offers as offer_rules
from domain import mediation_terms as terms
from domain.acceptance import Citations
from domain.errors import NotFound
from domain.lifecycle import STATUS_LABELS, Status
from domain.money import format_yuan
from domain.taxonomy import REQUEST_KINDS
from service.store import cases, reference, staff
from service.store import mediation as store
from service.store import routing as routing_store
from service.usecases.clock import local_date, local_time, utcnow


def label(table: dict[str, tuple[str, str]], code: str | None) -> str:
    """The Chinese label of `code` in one of the domain's tables (the code itself when unknown)."""
    return table.get(code or "", (code or "", ""))[0]


async def case_record(conn: asyncpg.Connection, case_id: int) -> asyncpg.Record:
    """The case's row (with its consumer's name), or NotFound."""
    row = await cases.by_id(conn, case_id)
    if row is None:
        raise NotFound(f"case {case_id}")
    return row


async def first_payment_possible(conn: asyncpg.Connection, merchant_id: int | None, today: date) -> bool:
    """The merchant (or the platform or market it sells through) holds an active commitment."""
    if merchant_id is None:
        return False
    return any(
        rules.commitment_active(c["active_from"], c["active_until"], today)
        for c in await routing_store.commitments(conn, merchant_id)
    )


class ContactView(msgspec.Struct, frozen=True):
    id: int
    party: str
    party_label: str
    method: str
    method_label: str
    at: datetime
    note: str | None
    by_name: str | None


class SessionView(msgspec.Struct, frozen=True):
    id: int
    mode: str
    mode_label: str
    at: datetime
    place: str | None
    attendees: str
    note: str | None
    by_name: str | None


class OfferView(msgspec.Struct, frozen=True):
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


class SettlementView(msgspec.Struct, frozen=True):
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


class TerminationView(msgspec.Struct, frozen=True):
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


class RecusalView(msgspec.Struct, frozen=True):
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


class MediationRecord(msgspec.Struct, frozen=True):
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
    earlier_settlements: list[SettlementView] = []
    earlier_terminations: list[TerminationView] = []


def _offer_view(o: store.Offer, today: date) -> OfferView:
    status = offer_rules.effective_status(o.status, o.answer_by, today)
    to = offer_rules.other_party(o.from_party)
    return OfferView(
        id=o.id,
        parent_id=o.parent_id,
        from_party=o.from_party,
        from_label=label(rules.PARTIES, o.from_party),
        to_party=to,
        to_label=label(rules.PARTIES, to),
        remedy=o.remedy,
        remedy_label=label(REQUEST_KINDS, o.remedy),
        amount=format_yuan(o.amount_fen),
        answer_by=o.answer_by,
        note=o.note,
        status=status,
        status_label=label(rules.OFFER_STATUSES, status),
        answered_at=local_time(o.answered_at) if o.answered_at else None,
        answered_via=o.answered_via,
        answered_via_label=label(rules.ANSWERED_VIA, o.answered_via) if o.answered_via else None,
        answer_note=o.answer_note,
        created_at=local_time(o.created_at),
        perform_by=o.perform_by,
    )


def _confirmation(s: asyncpg.Record, party: str) -> dict[str, Any]:
    at, via = s[f"{party}_confirmed_at"], s[f"{party}_confirmed_via"]
    return {
        f"{party}_confirmed_at": local_time(at) if at else None,
        f"{party}_confirmed_via": label(rules.CONFIRMED_VIA, via) if via else None,
    }


def settlement_view(
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
        remedy_label=label(REQUEST_KINDS, s["remedy"]),
        amount=format_yuan(s["amount_fen"]),
        perform_by=s["perform_by"],
        created_at=local_time(s["created_at"]),
        mediator=s["created_by_name"] or mediator,
        performance=s["performance"],
        performance_label=label(rules.PERFORMANCE, s["performance"]),
        performance_at=local_time(s["performance_at"]) if s["performance_at"] else None,
        performance_note=s["performance_note"],
        performance_by_system=s["performance_by"] == "system",
        superseded=s["superseded_at"] is not None,
        status=status,
        status_label=label(rules.SETTLEMENT_STATUSES, status),
        wording=s["wording"],
        **_confirmation(s, "consumer"),
        **_confirmation(s, "merchant"),
        offer_notes=offer_notes,
    )


def termination_view(t: asyncpg.Record, today: date, cites: Citations | None = None) -> TerminationView:
    label = (
        f"{cites.termination_item(t['reason'])}：{terms.TERMINATION_REASONS[t['reason']][0]}"
        if cites
        else terms.reason_label(t["reason"])
    )
    return TerminationView(
        id=t["id"],
        reason=t["reason"],
        reason_label=label,
        reason_text=terms.TERMINATION_REASONS[t["reason"]][0],
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
        party_label=label(rules.PARTIES, r["party"]),
        reason=r["reason"],
        requested_at=local_time(r["requested_at"]),
        decided_at=local_time(r["decided_at"]) if r["decided_at"] else None,
        decision=r["decision"],
        decision_label=label(rules.RECUSAL_DECISIONS, r["decision"]) if r["decision"] else None,
        decision_note=r["decision_note"],
        decided_by_name=r["decided_by_name"],
        new_mediator_name=r["new_mediator_name"],
        previous_mediator_name=r["previous_mediator_name"],
    )


def _offer_notes(offers: list[store.Offer]) -> tuple[str, ...]:
    """Each side's remarks typed with its offers, shown beside the draft: the mediator decides what, if
    anything, both sides agreed beyond the offer's terms."""
    return tuple(f"{rules.PARTIES[o.from_party][0]}（方案 {o.id}）：{o.note}" for o in offers if o.note)


async def mediator_name(conn: asyncpg.Connection, row: asyncpg.Record) -> str | None:
    if row["assigned_to"] is None:
        return None
    return (await staff.names(conn, [row["assigned_to"]])).get(row["assigned_to"])


async def _record(conn: asyncpg.Connection, row: asyncpg.Record, today: date) -> MediationRecord:
    case_id = row["id"]
    assigned_name = await mediator_name(conn, row)
    raw_offers = await store.offers(conn, case_id)
    offers = [_offer_view(o, today) for o in raw_offers]
    notes = _offer_notes(raw_offers)
    settlements = [settlement_view(s, assigned_name, notes) for s in await store.settlements(conn, case_id)]
    cites = await reference.citations(conn, row["rule_set_id"])
    terminations = [termination_view(t, today, cites) for t in await store.terminations(conn, case_id)]
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
                party_label=label(rules.PARTIES, c["party"]),
                method=c["method"],
                method_label=label(rules.CONTACT_METHODS, c["method"]),
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
                mode_label=label(rules.SESSION_MODES, s["mode"]),
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
        and await first_payment_possible(conn, row["merchant_id"], today),
        remaining_routes=[zh for zh, _ in terms.REMAINING_ROUTES] if termination or not_performed else [],
        earlier_settlements=[s for s in settlements if s.superseded],
        earlier_terminations=[t for t in terminations if t.superseded],
    )


async def record(pool: asyncpg.Pool, case_id: int, *, now: datetime | None = None) -> MediationRecord:
    """The case's mediation record (the API's GET …/mediation)."""
    today = local_date(now or utcnow())
    async with pool.acquire() as conn:
        row = await case_record(conn, case_id)
        return await _record(conn, row, today)


async def mediation_context(
    pool: asyncpg.Pool, case_id: int, *, now: datetime | None = None
) -> dict[str, Any]:
    """What templates/_case_mediation.html shows: the record, the choices of each form, the mediators."""
    moment = now or utcnow()
    today = local_date(moment)
    async with pool.acquire() as conn:
        row = await case_record(conn, case_id)
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
        "termination_reasons": [(n, zh) for n, (zh, _) in terms.TERMINATION_REASONS.items()],
        "recusal_decisions": [(k, v[0]) for k, v in rules.RECUSAL_DECISIONS.items()],
        "mediators": [m for m in mediators if m[0] != row["assigned_to"]],
        "can_request_recusal": rec.in_mediation and not row["paused"] and rec.open_recusal is None,
        "first_payment_hint": terms.FIRST_PAYMENT_HINT[0],
        "citations": cites,  # the articles the case's rule set cites (Order 20 or Order 121)
    }
