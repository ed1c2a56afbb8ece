"""Mediation steps in one line each for tests: an offer made, an answer recorded by the mediator, and the
consumer confirming the issued 调解书 on the tracking page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from service.store.staff import StaffUser
from service.usecases import mediation
from tests.support.consumer import track_page
from tests.support.html import csrf_token
from tests.support.staff import Staff


async def offer(pool: asyncpg.Pool, case_id: int, actor: StaffUser, *, now: datetime, **fields: Any) -> int:
    """The id of the offer `fields` (MakeOffer's) that `actor` records."""
    return (await mediation.make_offer(pool, case_id, actor, mediation.MakeOffer(**fields), now=now)).id


async def merchant_refund(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, *, now: datetime, amount: str, answer_by: str
) -> int:
    """The id of the merchant's refund offer of `amount` yuan, to be answered by `answer_by` (an ISO date)."""
    return await offer(
        pool,
        case_id,
        actor,
        now=now,
        from_party="merchant",
        remedy="refund",
        amount=amount,
        answer_by=answer_by,
    )


def offer_terms(remedy: str, amount: str, answer_by: str, note: str | None = None) -> dict[str, str]:
    """An offer's terms as the API and the forms take them (an offer, or a counter-offer's answer): the
    remedy, the amount in yuan, the ISO date to answer by, and a note if any."""
    terms = {"remedy": remedy, "amount": amount, "answer_by": answer_by}
    return terms if note is None else {**terms, "note": note}


async def offer_through_api(
    client: AsyncTestClient[Any],
    mediator: Staff,
    case_id: int,
    remedy: str,
    amount: str,
    answer_by: str,
    **more: Any,
) -> int:
    """The id of the merchant's offer (`more`: the API's other JSON fields) the mediator records through the
    API; `answer_by` is an ISO date."""
    fields = {"from_party": "merchant", **offer_terms(remedy, amount, answer_by), **more}
    r = await client.post(f"/api/v1/cases/{case_id}/offers", json=fields, headers=mediator.headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def answer(
    pool: asyncpg.Pool, case_id: int, offer_id: int, actor: StaffUser, *, now: datetime, **fields: Any
) -> mediation.OfferAnswered:
    """An answer (AnswerOffer's `fields`) given by phone and recorded by `actor`."""
    cmd = mediation.AnswerOffer(**fields)
    return await mediation.record_answer(pool, case_id, offer_id, actor, cmd, now=now)


async def consumer_confirms(api: AsyncTestClient[Any], case: dict[str, Any]) -> Any:
    """The consumer confirms the issued 调解书 on the tracking page; the page's response."""
    waiting = await track_page(api, case)
    return await api.post(
        "/track/settlement/confirm",
        data={
            "tracking_no": case["tracking_no"],
            "access_code": case["access_code"],
            "_csrf_token": csrf_token(waiting),
        },
    )


async def recusal(pool: asyncpg.Pool, case_id: int, actor: StaffUser, *, now: datetime, **fields: Any) -> int:
    """The id of the recusal request (RequestRecusal's `fields`) `actor` records."""
    return (
        await mediation.request_recusal(pool, case_id, actor, mediation.RequestRecusal(**fields), now=now)
    ).id


async def decide(
    pool: asyncpg.Pool, case_id: int, recusal_id: int, actor: StaffUser, *, now: datetime, **fields: Any
) -> mediation.RecusalDecided:
    """A supervisor's decision (DecideRecusal's `fields`) on a recusal request."""
    cmd = mediation.DecideRecusal(**fields)
    return await mediation.decide_recusal(pool, case_id, recusal_id, actor, cmd, now=now)


async def closing(pool: asyncpg.Pool, case_id: int) -> dict[str, Any]:
    """How the case ended: status, outcome and the relief obtained."""
    row = await pool.fetchrow(
        "SELECT status, outcome, relief_type, relief_fen FROM cases WHERE id = $1", case_id
    )
    return dict(row)


def settled_by_refund(relief_fen: int) -> dict[str, Any]:
    """What `closing` reads for a case closed by a 调解书 whose remedy is a refund of `relief_fen`."""
    return {"status": "closed", "outcome": "settled", "relief_type": "refund", "relief_fen": relief_fen}


# The events from an accepted offer to the case closed by the 调解书 both sides confirmed, in order.
SETTLED = [
    "offer_accepted",
    "settlement_drafted",
    "settlement_issued",
    "settlement_confirmed",
    "settlement_confirmed",
    "settlement_made",
    "closed",
]
