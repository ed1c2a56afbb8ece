"""Issue 13, attack 6: any mediator could act on another mediator's case (close, terminate, offers,
contacts). Now one guard (service.usecases.case_step, the rule in domain.roles) runs under the
case's row lock in every staff action on a case: only the assigned mediator or a supervisor may act on
an assigned case, others get 403 naming the holder, and an unassigned case in mediation is claimed first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient

from domain.errors import Forbidden
from domain.roles import Role
from service.store.staff import StaffUser
from service.usecases import closing, mediation
from service.usecases.casework_commands import Close
from tests.support.cases import mediation_case
from tests.support.live import unique
from tests.support.staff import Staff, hand_to_mediator, make_staff

Client = AsyncTestClient[Any]


async def case_in_mediation(client: Client, pool: asyncpg.Pool, staff: dict[str, Staff]) -> int:
    """Filed, accepted by the supervisor, routed to mediation (no commitment); nobody holds it yet."""
    case = await mediation_case(client, pool, staff, "杭州承办测试商店", hand_over=False)
    case_id: int = case["case_id"]
    return case_id


async def log_contact(client: Client, case_id: int, by: Staff, party: str, method: str) -> httpx.Response:
    """A contact logged on the case through the API by `by`."""
    body = {"party": party, "method": method}
    return await client.post(f"/api/v1/cases/{case_id}/contacts", json=body, headers=by.headers)


def actions(today: date) -> list[tuple[str, dict[str, Any]]]:
    """What the issue names (contacts, offers, terminate, close) and the rest of a mediator's work."""
    return [
        ("contacts", {"party": "consumer", "method": "phone", "note": "回访"}),
        ("sessions", {"mode": "phone", "attendees": "消费者、经营者"}),
        (
            "offers",
            {
                "from_party": "merchant",
                "remedy": "refund",
                "amount": "100.00",
                "answer_by": (today + timedelta(days=5)).isoformat(),
            },
        ),
        ("pause", {"reason": "evidence"}),
        ("recusals", {"party": "consumer", "reason": "调解员与商家相识"}),
        ("merchant-link", {}),
        ("terminate", {"reason": 1, "note": "双方自行和解"}),
        ("close", {"outcome": "withdrawn", "note": "消费者撤回"}),
    ]


async def test_another_mediator_is_refused_with_the_holders_name(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], today_local: date
) -> None:
    case_id = await case_in_mediation(client, pool, staff)
    await hand_to_mediator(client, pool, staff, case_id)  # held by s_mediator (测试s_mediator)
    other = await make_staff(pool, client, unique("m2"), ["mediator"])
    events_before = await pool.fetchval("SELECT count(*) FROM case_events WHERE case_id = $1", case_id)
    for path, body in actions(today_local):
        r = await client.post(f"/api/v1/cases/{case_id}/{path}", json=body, headers=other.headers)
        assert r.status_code == 403, (path, r.text)
        assert r.json()["code"] == "held_by_other" and "测试s_mediator" in r.json()["detail"], (
            path,
            r.json(),
        )
    # nothing was written for the other mediator
    assert (
        await pool.fetchval("SELECT count(*) FROM case_events WHERE case_id = $1", case_id) == events_before
    )
    row = await pool.fetchrow("SELECT status, paused, assigned_to FROM cases WHERE id = $1", case_id)
    assert dict(row) == {"status": "mediation", "paused": False, "assigned_to": staff["mediator"].user_id}
    # the holder and a supervisor may act
    mine = await log_contact(client, case_id, staff["mediator"], "merchant", "phone")
    assert mine.status_code == 201, mine.text
    overseen = await log_contact(client, case_id, staff["supervisor"], "consumer", "visit")
    assert overseen.status_code == 201, overseen.text


async def test_an_offer_of_another_mediators_case_cannot_be_answered_or_withdrawn(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], today_local: date
) -> None:
    case_id = await case_in_mediation(client, pool, staff)
    await hand_to_mediator(client, pool, staff, case_id)
    _, offer_body = actions(today_local)[2]
    offer = await client.post(
        f"/api/v1/cases/{case_id}/offers", json=offer_body, headers=staff["mediator"].headers
    )
    assert offer.status_code == 201, offer.text
    offer_id = offer.json()["id"]
    other = await make_staff(pool, client, unique("m3"), ["mediator"])
    base = f"/api/v1/cases/{case_id}/offers/{offer_id}"
    answered = await client.post(f"{base}/answer", json={"answer": "accept"}, headers=other.headers)
    withdrawn = await client.post(f"{base}/withdraw", json={}, headers=other.headers)
    assert (answered.status_code, withdrawn.status_code) == (403, 403), (answered.text, withdrawn.text)
    assert await pool.fetchval("SELECT status FROM offers WHERE id = $1", offer_id) == "open"


async def test_an_unassigned_case_is_claimed_first(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], today_local: date
) -> None:
    case_id = await case_in_mediation(client, pool, staff)
    for path, body in actions(today_local):
        r = await client.post(f"/api/v1/cases/{case_id}/{path}", json=body, headers=staff["mediator"].headers)
        assert r.status_code == 403 and r.json()["code"] == "claim_first", (path, r.text)
    await hand_to_mediator(client, pool, staff, case_id)  # as the queue's claim does
    r = await log_contact(client, case_id, staff["mediator"], "consumer", "phone")
    assert r.status_code == 201, r.text


async def test_the_use_case_refuses_whatever_the_entry_point(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    """The guard is in the use case under the row lock, so the staff pages (which call the same use
    cases) and anything else refuse too."""
    case_id = await case_in_mediation(client, pool, staff)
    await hand_to_mediator(client, pool, staff, case_id)
    other = await make_staff(pool, client, unique("m4"), ["mediator"])
    as_other = StaffUser(other.user_id, other.username, "另一名调解员", frozenset({Role.MEDIATOR}))
    with pytest.raises(Forbidden) as refused:
        await mediation.terminate(
            pool,
            case_id,
            as_other,
            mediation.Terminate(reason="1", note="双方自行和解"),
            now=datetime.now(UTC),
        )
    assert refused.value.code == "held_by_other" and "测试s_mediator" in refused.value.message
    with pytest.raises(Forbidden):
        await closing.close(pool, case_id, as_other, Close(outcome="withdrawn"), now=datetime.now(UTC))
    assert await pool.fetchval("SELECT status FROM cases WHERE id = $1", case_id) == "mediation"
