"""Cluster alerts through the API and the staff page: who may list and decide, the list, the decision."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from service.settings import Settings
from service.usecases import clusters
from tests.support.casework import browser_of, case_in, new_merchant, statuses_by_role
from tests.support.html import csrf_token
from tests.support.staff import Client, Staff

NO_ALERT = 999_999_999


async def test_the_list_needs_case_view_and_a_decision_the_supervisor(
    client: Client, staff: dict[str, Staff]
) -> None:
    readers = {
        "anonymous": 401,
        "leading_group": 403,
        "admin": 403,
        "clerk": 200,
        "mediator": 200,
        "supervisor": 200,
    }
    assert await statuses_by_role(client, staff, "/api/v1/clusters") == readers
    decide = f"/api/v1/clusters/{NO_ALERT}/decide"
    deciders = {
        "anonymous": 401,
        "clerk": 403,
        "mediator": 403,
        "leading_group": 403,
        "admin": 403,
        "supervisor": 404,
    }
    assert await statuses_by_role(client, staff, decide, {"decision": "no_action", "note": "x"}) == deciders


async def alert_on(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], merchant: str
) -> tuple[int, list[int]]:
    """Five complaints against a new merchant in mediation, and the alert they raise."""
    merchant_id = await new_merchant(pool, merchant)
    ids = [await case_in(client, pool, staff, "mediation", merchant_id) for _ in range(5)]
    raised = await clusters.detect(pool, now=datetime.now(UTC))
    alert_id: int = await pool.fetchval(
        "SELECT id FROM cluster_alerts WHERE merchant_id = $1 AND decided_at IS NULL", merchant_id
    )
    assert alert_id in raised
    return alert_id, ids


async def test_cluster_list_and_decision(client: Client, pool: asyncpg.Pool, staff: dict[str, Staff]) -> None:
    alert_id, ids = await alert_on(client, pool, staff, "拱墅区接口测试电器店")
    listed = await client.get("/api/v1/clusters", headers=staff["mediator"].headers)
    shown = next(a for a in listed.json()["open"] if a["id"] == alert_id)
    assert shown["merchant_name"] == "拱墅区接口测试电器店" and shown["count"] == 5
    assert shown["category_label"] == "家用电器" and [c["id"] for c in shown["cases"]] == ids

    url = f"/api/v1/clusters/{alert_id}/decide"
    sup = staff["supervisor"].headers
    bad = await client.post(url, json={"decision": "ignore"}, headers=sup)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "decision"
    no_reason = await client.post(url, json={"decision": "no_action"}, headers=sup)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "note"
    ok = await client.post(
        url, json={"decision": "enforcement_referral", "note": "疑似批次质量问题"}, headers=sup
    )
    assert ok.status_code == 200 and ok.json() == {"id": alert_id, "decision": "enforcement_referral"}
    assert (
        await client.post(url, json={"decision": "no_action", "note": "x"}, headers=sup)
    ).status_code == 409
    recent = (await client.get("/api/v1/clusters", headers=sup)).json()["recent"]
    decided = next(a for a in recent if a["id"] == alert_id)
    assert decided["decision"] == "enforcement_referral" and decided["decided_by"] == "测试t_supervisor"


async def test_the_clusters_page_and_its_decision_form(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], settings: Settings
) -> None:
    alert_id, _ = await alert_on(client, pool, staff, "拱墅区页面测试家电行")
    async with browser_of(settings, "t_mediator") as mediator:
        seen = await mediator.get("/staff/clusters")
        assert seen.status_code == 200 and "拱墅区页面测试家电行" in seen.text
        assert f"/staff/clusters/{alert_id}/decide" not in seen.text and "处置决定由科长作出" in seen.text
        form = {"decision": "no_action", "note": "x", "_csrf_token": csrf_token(seen.text)}
        assert (await mediator.post(f"/staff/clusters/{alert_id}/decide", data=form)).status_code == 403

    async with browser_of(settings, "t_supervisor") as supervisor:
        page = await supervisor.get("/staff/clusters")
        assert f"/staff/clusters/{alert_id}/decide" in page.text
        for words in ("共同投诉", "移送执法（诉转案）", "支持提起公益诉讼（消法第四十七条）", "不采取措施"):
            assert words in page.text
        token = csrf_token(page.text)
        url = f"/staff/clusters/{alert_id}/decide"
        failed = await supervisor.post(url, data={"decision": "no_action", "note": "", "_csrf_token": token})
        assert failed.status_code == 422 and "决定不采取措施的，请写明理由" in failed.text
        assert f'id="decide-{alert_id}-note-error"' in failed.text
        done = await supervisor.post(
            url, data={"decision": "public_interest_litigation", "note": "", "_csrf_token": token}
        )
        assert done.status_code == 303
        assert done.headers["location"] == f"/staff/clusters?done=cluster_decided#alert-{alert_id}"
        after = await supervisor.get(done.headers["location"])
        assert "已作出处置决定" in after.text and "测试t_supervisor" in after.text
        again = await supervisor.post(url, data={"decision": "no_action", "note": "x", "_csrf_token": token})
        assert again.status_code == 409 and "该预警已作出处置决定" in again.text
