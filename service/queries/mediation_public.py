"""What the consumer (tracking page) and the merchant (its link page) see of a case's mediation: the open
offer, the settlement to confirm or its performance, a termination and the routes that remain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec

from domain import mediation as rules
from domain import mediation_offers as offer_rules
from domain import mediation_terms as terms
from domain.lifecycle import Status
from domain.money import format_yuan
from domain.taxonomy import REQUEST_KINDS
from service.queries.mediation import first_payment_possible, label
from service.store import cases, reference
from service.store import mediation as store
from service.usecases.clock import local_date


class PublicOffer(msgspec.Struct, frozen=True):
    id: int
    from_party: str
    from_label: str
    remedy_label: str
    amount: str
    answer_by: date
    note: str | None
    answerable: bool  # the viewer is the other side
    perform_by: date | None = None  # the performance date the offer asks for


class PublicSettlement(msgspec.Struct, frozen=True):
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
        remedy_label=label(REQUEST_KINDS, s["remedy"]),
        amount=format_yuan(s["amount_fen"]),
        perform_by=s["perform_by"],
        performance=s["performance"],
        performance_label=label(rules.PERFORMANCE, s["performance"]),
        status=rules.settlement_status(s["status"], consumer, merchant),
        consumer_confirmed=consumer,
        merchant_confirmed=merchant,
    )


class PublicTermination(msgspec.Struct, frozen=True):
    reason_label: str
    note: str
    terminated_on: date
    citation: str = ""  # 《…》第二十三条第（二）项 under the case's rule set


async def public_view(conn: asyncpg.Connection, row: asyncpg.Record, today: date) -> dict[str, Any]:
    """The consumer's tracking page: the open offer (answerable when the merchant made it), the
    settlement and its performance, a termination, and what remains (CaseView fields)."""
    offers = await store.offers(conn, row["id"])
    open_offer = next(
        (o for o in offers if offer_rules.effective_status(o.status, o.answer_by, today) == "open"), None
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
    hint = not_performed and await first_payment_possible(conn, row["merchant_id"], today)
    return {
        "open_offer": PublicOffer(
            id=open_offer.id,
            from_party=open_offer.from_party,
            from_label=label(rules.PARTIES, open_offer.from_party),
            remedy_label=label(REQUEST_KINDS, open_offer.remedy),
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
            reason_label=terms.TERMINATION_REASONS[t["reason"]][0],
            note=t["note"],
            terminated_on=t["terminated_on"],
            citation=cites.termination_reason(t["reason"]),
        )
        if t
        else None,
        "mediation_routes": tuple(zh for zh, _ in terms.REMAINING_ROUTES) if t or not_performed else (),
        "first_payment_hint": terms.FIRST_PAYMENT_HINT[0] if hint else None,
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
            from_label=label(rules.PARTIES, r["from_party"]),
            remedy_label=label(REQUEST_KINDS, r["remedy"]),
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


class RouteNote(msgspec.Struct, frozen=True):
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
            kind = terms.merchant_route_kind(row["route"], fired)
            notes[case_id] = RouteNote(kind, terms.ROUTE_NOTES[kind])
    return notes
