"""A whole case, from the consumer's submission to the satisfaction survey, through the HTTP API and the real
routing and notification jobs, with known personal values; then every log line is scanned for them."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.identifiers import uscc_check_char
from service.logs import configure_logging
from service.settings import Settings
from service.usecases import satisfaction
from service.usecases.clock import LOCAL_TZ
from tests.support.factories import GOOD, complaint_body
from tests.support.html import csrf_token
from tests.support.staff import Staff
from tests.support.workers import run_burst_worker

Client = AsyncTestClient  # type: ignore[type-arg]

USCC_BASE = "91330105MA2LG999"
USCC = USCC_BASE + "0" + uscc_check_char(USCC_BASE + "0")
CONSUMER = {
    "name": "司马青云",
    "phone": "139 0571 2468",
    "address": "杭州市拱墅区丽水路777号9幢3单元1203室",
    "id_number": "330105198808081238",
    "email": "sima.qingyun.private@example.cn",
}
MERCHANT_CONTACT = {
    "contact_name": "诸葛明月",
    "contact_phone": "0571-8765 4321",
    "contact_email": "zhuge.boss@shop.example.cn",
}
NOTE = "已电话联系司马青云，其住址丽水路777号"  # what a mediator might type, personal data included


def variants(value: str) -> set[str]:
    """The value and the forms it could take on the way to a log: without spaces or dashes, with a
    country code, upper or lower case, JSON-escaped (\\uXXXX) as a serializer might write it."""
    bare = value.replace(" ", "").replace("-", "")
    forms = {value, bare, value.lower(), value.upper()}
    if bare.isdigit() and len(bare) == 11:
        forms |= {"+86" + bare, bare[:3] + " " + bare[3:7] + " " + bare[7:], bare[-8:]}
    forms |= {json.dumps(f)[1:-1] for f in set(forms)}
    return {f for f in forms if len(f) >= 4}


def secrets(receipt: dict[str, Any], token: str) -> dict[str, set[str]]:
    found = {key: variants(value) for key, value in {**CONSUMER, **MERCHANT_CONTACT}.items()}
    found["address_part"] = {"丽水路777号"}
    found["access_code"] = {receipt["access_code"]}
    found["survey_token"] = {token}
    return found


@pytest.fixture
def all_logs(capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> Any:
    """Everything logged from here on, as the production renderer writes it (JSON lines on stderr), plus
    the stdlib records themselves (arq, asyncpg, the access line), at the most talkative level."""
    configure_logging(json=True, level="DEBUG")
    logging.getLogger().addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)

    def read() -> tuple[list[str], str]:
        err = capsys.readouterr()
        lines = [line for line in (err.err + err.out).splitlines() if line.strip()]
        return lines, caplog.text

    yield read
    logging.getLogger().removeHandler(caplog.handler)


async def test_a_full_case_lifecycle_logs_no_personal_data(
    client: Client, pool: asyncpg.Pool, settings: Settings, staff: dict[str, Staff], all_logs: Any
) -> None:
    sup, med = staff["supervisor"].headers, staff["mediator"].headers
    admin = staff["admin"].headers
    rid = "lifecycle-logs-1"

    # the merchant, registered with its contact person
    r = await client.post(
        "/api/v1/merchants",
        json={
            "name": "拱墅日志测试电器店",
            "address": "杭州市拱墅区湖墅南路1号",
            "uscc": USCC,
            **MERCHANT_CONTACT,
        },
        headers=admin,
    )
    assert r.status_code == 201, r.text

    # 1. the consumer submits
    body = complaint_body(consumer=dict(CONSUMER), merchant__uscc=USCC, merchant__name="拱墅日志测试电器店")
    r = await client.post("/api/v1/complaints", json=body, headers={"X-Request-ID": rid})
    assert r.status_code == 201, r.text
    receipt = r.json()
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", receipt["tracking_no"])
    mine = await client.get(
        f"/api/v1/complaints/{receipt['tracking_no']}", headers={"X-Access-Code": receipt["access_code"]}
    )
    assert mine.status_code == 200
    # a wrong code and an invalid submission log too
    await client.get(f"/api/v1/complaints/{receipt['tracking_no']}", headers={"X-Access-Code": "WRONGCOD"})
    bad = await client.post(
        "/api/v1/complaints", json=complaint_body(consumer={**CONSUMER, "phone": CONSUMER["phone"][:6]})
    )
    assert bad.status_code == 422

    # 2. accepted by the supervisor, 3. routed by the real job (outbox → relay → arq worker, in process)
    r = await client.post(f"/api/v1/cases/{case_id}/accept", json={"note": NOTE}, headers=sup)
    assert r.status_code == 200, r.text
    await run_burst_worker(settings)
    route = await pool.fetchval("SELECT route FROM cases WHERE id = $1", case_id)
    assert route == "mediation"

    # 4. mediation: the case assigned to the mediator, both parties contacted, an offer, its acceptance
    r = await client.post(
        f"/api/v1/cases/{case_id}/assign", json={"user_id": staff["mediator"].user_id}, headers=sup
    )
    assert r.status_code == 200, r.text
    base = f"/api/v1/cases/{case_id}"
    for party in ("consumer", "merchant"):
        r = await client.post(
            f"{base}/contacts", json={"party": party, "method": "phone", "note": NOTE}, headers=med
        )
        assert r.status_code == 201, r.text
    r = await client.post(
        f"{base}/sessions",
        json={
            "mode": "video",
            "attendees": f"{CONSUMER['name']}；{MERCHANT_CONTACT['contact_name']}",
            "note": NOTE,
        },
        headers=med,
    )
    assert r.status_code == 201, r.text
    answer_by = (datetime.now(LOCAL_TZ).date() + timedelta(days=5)).isoformat()
    r = await client.post(
        f"{base}/offers",
        json={"from_party": "merchant", "remedy": "refund", "amount": "399.00", "answer_by": answer_by},
        headers=med,
    )
    assert r.status_code == 201, r.text
    r = await client.post(
        f"{base}/offers/{r.json()['id']}/answer", json={"answer": "accept", "party": "consumer"}, headers=med
    )
    assert r.status_code == 200, r.text

    # 5. the mediator issues the 调解书, both parties confirm it (issue 12) and the case closes; its
    # performance is recorded; notices go out (the jobs run)
    r = await client.post(f"{base}/settlement/issue", json={}, headers=med)
    assert r.status_code == 200, r.text
    for party in ("consumer", "merchant"):
        r = await client.post(
            f"{base}/settlement/confirm", json={"party": party, "means": "signature"}, headers=med
        )
        assert r.status_code == 200, r.text
    assert await pool.fetchval("SELECT status FROM cases WHERE id = $1", case_id) == "closed"
    r = await client.post(f"{base}/settlement/performance", json={"performance": "performed"}, headers=med)
    assert r.status_code in (200, 201), r.text
    await run_burst_worker(settings)
    staff_view = await client.get(f"/api/v1/cases/{case_id}", headers=med)
    assert staff_view.json()["consumer"]["name"] == CONSUMER["name"]  # the values were really handled

    # 6. the satisfaction survey, answered through its link
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM surveys WHERE case_id = $1", case_id)
        token = await satisfaction.open_survey(conn, case_id, datetime.now(UTC))
    assert token
    page = await client.get(f"/survey/{token}")
    done = await client.post(
        f"/survey/{token}", data={**GOOD, "comment": NOTE, "_csrf_token": csrf_token(page.text)}
    )
    assert done.status_code == 200, done.text

    lines, stdlib_text = all_logs()
    assert len(lines) > 20  # the lifecycle really logged (requests, jobs)
    assert any(rid in line and '"event":"request"' in line for line in lines)
    assert any("route_case" in line for line in [*lines, stdlib_text])  # the job's lines are in the scan
    leaks = {
        key: [f for f in forms if any(f in line for line in lines) or f in stdlib_text]
        for key, forms in secrets(receipt, token).items()
    }
    assert {k: v for k, v in leaks.items() if v} == {}
