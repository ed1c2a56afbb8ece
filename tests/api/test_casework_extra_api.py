"""Arbitration, product testing and clusters through the API and the staff pages: who may do what, the
referral bundle, the clock stopping for a test, cluster decisions, and the case page's work section.

The app here is create_app(settings) with the casework-extra controllers registered when the app does not
register them itself yet, so these tests run before and after the wiring.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar import Litestar
from litestar.testing import AsyncTestClient

from domain.roles import Role
from service.app import create_app
from service.settings import ROOT, Settings
from service.store import cases
from service.store.staff import StaffUser
from service.usecases import arbitration, clusters, testing
from service.web.api.casework_extra import CaseworkExtraController
from service.web.pages.casework_extra import CaseworkExtraPages
from tests.api.staff_fixtures import PASSWORD, Staff, hand_to_mediator
from tests.api.test_pages import csrf_token
from tests.factories import complaint_body
from tests.support.clock import today_local

Client = AsyncTestClient[Litestar]
NO_CASE = 999_999_999


def build_app(settings: Settings) -> Litestar:
    app = create_app(settings)
    if "/api/v1/clusters" not in {route.path for route in app.routes}:
        app.register(CaseworkExtraController)
        app.register(CaseworkExtraPages)
    return app


@pytest.fixture(scope="module")
async def api(settings: Settings) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=build_app(settings)) as c:
        yield c


async def browser_for(settings: Settings, username: str) -> Client:
    """A fresh browser signed in as `username`; the caller closes it."""
    browser: Client = AsyncTestClient(app=build_app(settings))
    await browser.__aenter__()
    browser.follow_redirects = False
    page = await browser.get("/staff/login")
    r = await browser.post(
        "/staff/login",
        data={
            "username": username,
            "password": PASSWORD,
            "next": "/staff",
            "_csrf_token": csrf_token(page.text),
        },
    )
    assert r.status_code == 303, r.text
    return browser


@pytest.fixture
async def supervisor_browser(settings: Settings, staff: dict[str, Staff]) -> AsyncIterator[Client]:
    browser = await browser_for(settings, "t_supervisor")
    yield browser
    await browser.__aexit__(None, None, None)


async def case_in(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff], status: str, merchant_id: int | None = None
) -> int:
    """A complaint filed through the API, accepted by the supervisor, then moved to `status`."""
    r = await api.post("/api/v1/complaints", json=complaint_body())
    assert r.status_code == 201, r.text
    case_id: int = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", r.json()["tracking_no"])
    if status != "received":
        accepted = await api.post(f"/api/v1/cases/{case_id}/accept", headers=staff["supervisor"].headers)
        assert accepted.status_code == 200, accepted.text
        await pool.execute(
            "UPDATE cases SET status = $2, merchant_id = $3 WHERE id = $1", case_id, status, merchant_id
        )
        await hand_to_mediator(api, pool, staff, case_id)
    return case_id


async def new_merchant(pool: asyncpg.Pool, name: str) -> int:
    merchant_id: int = await pool.fetchval(
        "INSERT INTO merchants (name, address) VALUES ($1, '杭州市拱墅区接口测试路1号') RETURNING id", name
    )
    return merchant_id


def as_user(s: Staff, display_name: str = "测试") -> StaffUser:
    return StaffUser(s.user_id, s.username, display_name, frozenset({Role(s.username.removeprefix("t_"))}))


# --- who may do what -------------------------------------------------------------------------------------

WRITES = [
    ("/api/v1/cases/{case}/arbitration/referral", {"kind": "written", "institution": "杭州仲裁委员会"}),
    ("/api/v1/cases/{case}/arbitration/award", {"award_on": "2026-01-01", "award_for": "merchant"}),
    ("/api/v1/cases/{case}/tests", {"lab": "某检测机构", "fee": "1"}),
    ("/api/v1/tests/{test}/finish", {"finding": "x", "at_fault": "none"}),
]


async def test_writes_need_case_work_and_reads_case_view(api: Client, staff: dict[str, Staff]) -> None:
    for path, body in WRITES:
        url = path.format(case=NO_CASE, test=NO_CASE)
        assert (await api.post(url, json=body)).status_code == 401, url
        for role in ("clerk", "leading_group", "admin"):
            r = await api.post(url, json=body, headers=staff[role].headers)
            assert r.status_code == 403, (role, url)
        for role in ("mediator", "supervisor"):
            r = await api.post(url, json=body, headers=staff[role].headers)
            assert r.status_code == 404, (role, url, r.text)  # allowed in; no such case or test
    for url in (f"/api/v1/cases/{NO_CASE}/arbitration/bundle", "/api/v1/clusters"):
        assert (await api.get(url)).status_code == 401
        for role in ("leading_group", "admin"):
            assert (await api.get(url, headers=staff[role].headers)).status_code == 403, (role, url)
        for role in ("clerk", "mediator", "supervisor"):
            expected = 404 if "bundle" in url else 200
            assert (await api.get(url, headers=staff[role].headers)).status_code == expected, (role, url)
    decide = f"/api/v1/clusters/{NO_CASE}/decide"
    assert (await api.post(decide, json={"decision": "no_action", "note": "x"})).status_code == 401
    for role in ("clerk", "mediator", "leading_group", "admin"):
        r = await api.post(decide, json={"decision": "no_action", "note": "x"}, headers=staff[role].headers)
        assert r.status_code == 403, role
    r = await api.post(
        decide, json={"decision": "no_action", "note": "x"}, headers=staff["supervisor"].headers
    )
    assert r.status_code == 404


# --- arbitration -----------------------------------------------------------------------------------------


async def test_referral_award_and_bundle(api: Client, pool: asyncpg.Pool, staff: dict[str, Staff]) -> None:
    mediator = staff["mediator"].headers
    in_mediation = await case_in(api, pool, staff, "mediation")
    body = {"kind": "written", "institution": "杭州仲裁委员会", "signed_on": "2026-01-05"}
    r = await api.post(f"/api/v1/cases/{in_mediation}/arbitration/referral", json=body, headers=mediator)
    assert r.status_code == 409 and "仲裁" in r.json()["detail"]

    case_id = await case_in(api, pool, staff, "arbitration")
    url = f"/api/v1/cases/{case_id}/arbitration/referral"
    none = await api.post(url, json={}, headers=mediator)
    assert none.status_code == 422
    assert [e["field"] for e in none.json()["errors"]] == ["agreement"]
    assert "没有仲裁协议不能移送仲裁" in none.json()["errors"][0]["message"]
    bad = await api.post(url, json={"kind": "oral", "institution": ""}, headers=mediator)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"kind", "institution"}

    sha = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    async with pool.acquire() as conn:
        await cases.add_evidence(
            conn, case_id, sha256=sha, size=4096, content_type="image/jpeg", name="发票.jpg", by="consumer"
        )
    done = await api.post(url, json=body, headers=mediator)
    assert done.status_code == 201, done.text
    assert done.json()["case_id"] == case_id and done.json()["agreement_id"] > 0
    again = await api.post(url, json=body, headers=mediator)
    assert again.status_code == 409

    award = f"/api/v1/cases/{case_id}/arbitration/award"
    missing = await api.post(
        award, json={"award_on": "2026-01-01", "award_for": "consumer"}, headers=mediator
    )
    assert missing.status_code == 422
    fields = {e["field"] for e in missing.json()["errors"]}
    assert "amount" in fields
    today = today_local().isoformat()
    ok = await api.post(
        award, json={"award_on": today, "award_for": "consumer", "amount": "399.00"}, headers=mediator
    )
    assert ok.status_code == 200, ok.text

    r = await api.get(f"/api/v1/cases/{case_id}/arbitration/bundle", headers=staff["clerk"].headers)
    assert r.status_code == 200
    b = r.json()
    assert [e["sha256"] for e in b["evidence"]] == [sha]
    assert b["agreement"]["kind"] == "written" and b["institution"] == "杭州仲裁委员会"
    assert b["award"]["amount"] == "399.00"
    times = [t["at"] for t in b["timeline"]]
    assert times == sorted(times) and b["timeline"][0]["kind"] == "registered"
    assert [t["kind"] for t in b["timeline"]][-2:] == ["arbitration_referred", "arbitration_award"]
    assert b["merchant_position"] == [{"label": "", "text": "商家尚未提交书面意见"}]
    assert b["offers"] == [{"label": "", "text": "无"}]
    assert "access_code" not in r.text and "13812345678" not in r.text


# --- product testing ------------------------------------------------------------------------------------


async def test_a_test_stops_and_restarts_the_clock(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    headers = staff["mediator"].headers
    received = await case_in(api, pool, staff, "received")
    r = await api.post(
        f"/api/v1/cases/{received}/tests", json={"lab": "某检测机构", "fee": "100"}, headers=headers
    )
    assert r.status_code == 409  # a registered complaint has no clock to stop yet

    case_id = await case_in(api, pool, staff, "mediation")
    bad = await api.post(f"/api/v1/cases/{case_id}/tests", json={"fee": "1.234"}, headers=headers)
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"lab", "fee"}
    started = await api.post(
        f"/api/v1/cases/{case_id}/tests",
        json={"lab": "浙江省质量检测研究院", "fee": "300.00"},
        headers=headers,
    )
    assert started.status_code == 201, started.text
    test_id = started.json()["id"]
    assert await pool.fetchval("SELECT paused FROM cases WHERE id = $1", case_id)
    before = await pool.fetchval("SELECT mediation_due FROM cases WHERE id = $1", case_id)

    finish = f"/api/v1/tests/{test_id}/finish"
    assert (await api.post(finish, json={"finding": "合格"}, headers=headers)).status_code == 422
    done = await api.post(finish, json={"finding": "不合格", "at_fault": "merchant"}, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["mediation_due"] == before.isoformat()  # resumed the same day: nothing paused
    assert not await pool.fetchval("SELECT paused FROM cases WHERE id = $1", case_id)
    assert (
        await api.post(finish, json={"finding": "x", "at_fault": "none"}, headers=headers)
    ).status_code == 409


# --- clusters -------------------------------------------------------------------------------------------


async def test_cluster_list_and_decision(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff], settings: Settings
) -> None:
    merchant_id = await new_merchant(pool, "拱墅区接口测试电器店")
    ids = [await case_in(api, pool, staff, "mediation", merchant_id) for _ in range(5)]
    raised = await clusters.detect(pool, now=datetime.now(UTC))
    alert_id = await pool.fetchval(
        "SELECT id FROM cluster_alerts WHERE merchant_id = $1 AND decided_at IS NULL", merchant_id
    )
    assert alert_id in raised

    listed = await api.get("/api/v1/clusters", headers=staff["mediator"].headers)
    shown = next(a for a in listed.json()["open"] if a["id"] == alert_id)
    assert shown["merchant_name"] == "拱墅区接口测试电器店" and shown["count"] == 5
    assert shown["category_label"] == "家用电器" and [c["id"] for c in shown["cases"]] == ids

    url = f"/api/v1/clusters/{alert_id}/decide"
    sup = staff["supervisor"].headers
    bad = await api.post(url, json={"decision": "ignore"}, headers=sup)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "decision"
    no_reason = await api.post(url, json={"decision": "no_action"}, headers=sup)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "note"
    ok = await api.post(
        url, json={"decision": "enforcement_referral", "note": "疑似批次质量问题"}, headers=sup
    )
    assert ok.status_code == 200 and ok.json() == {"id": alert_id, "decision": "enforcement_referral"}
    assert (await api.post(url, json={"decision": "no_action", "note": "x"}, headers=sup)).status_code == 409
    recent = (await api.get("/api/v1/clusters", headers=sup)).json()["recent"]
    decided = next(a for a in recent if a["id"] == alert_id)
    assert decided["decision"] == "enforcement_referral" and decided["decided_by"] == "测试t_supervisor"


# --- pages ----------------------------------------------------------------------------------------------


async def test_the_bundle_page(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff], settings: Settings
) -> None:
    case_id = await case_in(api, pool, staff, "arbitration")
    sha = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    async with pool.acquire() as conn:
        await cases.add_evidence(
            conn,
            case_id,
            sha256=sha,
            size=100,
            content_type="application/pdf",
            name="合同.pdf",
            by="consumer",
        )
    browser = await browser_for(settings, "t_clerk")
    try:
        page = await browser.get(f"/staff/cases/{case_id}/arbitration-bundle")
        assert page.status_code == 200
        assert "第三方质量争议仲裁移送材料" in page.text and "@page{size:A4" in page.text
        assert sha in page.text and "合同.pdf" in page.text
        assert "本案尚未登记仲裁移送" in page.text and "商家尚未提交书面意见" in page.text
        assert "13812345678" not in page.text
        assert page.headers["cache-control"] == "no-store"
    finally:
        await browser.__aexit__(None, None, None)


async def test_the_work_forms_redirect_back_to_the_case(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff], supervisor_browser: Client
) -> None:
    case_id = await case_in(api, pool, staff, "arbitration")
    token = csrf_token((await supervisor_browser.get("/staff/clusters")).text)
    r = await supervisor_browser.post(
        f"/staff/cases/{case_id}/arbitration/referral", data={"agreement": "", "_csrf_token": token}
    )
    assert r.status_code == 303
    assert (
        r.headers["location"]
        == f"/staff/cases/{case_id}?work_error=refer&work_fields=agreement.required#work"
    )
    r = await supervisor_browser.post(
        f"/staff/cases/{case_id}/arbitration/referral",
        data={"agreement": "new", "kind": "implied", "institution": "杭州仲裁委员会", "_csrf_token": token},
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?done=referred#work")
    r = await supervisor_browser.post(
        f"/staff/cases/{case_id}/arbitration/referral",
        data={"agreement": "new", "kind": "implied", "institution": "杭州仲裁委员会", "_csrf_token": token},
    )
    assert r.headers["location"].endswith("work_error=refer&work_fields=_.already_referred#work")

    r = await supervisor_browser.post(
        f"/staff/cases/{case_id}/tests", data={"lab": "某检测机构", "fee": "50", "_csrf_token": token}
    )
    assert r.status_code == 303 and r.headers["location"].endswith("done=testing_started#work")
    test_id = await pool.fetchval("SELECT id FROM product_tests WHERE case_id = $1", case_id)
    r = await supervisor_browser.post(
        f"/staff/cases/{case_id}/tests", data={"lab": "某检测机构", "fee": "50", "_csrf_token": token}
    )
    assert r.headers["location"].endswith("work_fields=_.not_allowed#work")  # already paused
    r = await supervisor_browser.post(
        f"/staff/cases/{case_id + 1}/tests/{test_id}/finish",
        data={"finding": "合格", "at_fault": "consumer", "_csrf_token": token},
    )
    assert r.headers["location"].endswith("work_fields=_.not_found#work")  # the test is not that case's
    r = await supervisor_browser.post(
        f"/staff/cases/{case_id}/tests/{test_id}/finish",
        data={"finding": "合格", "at_fault": "consumer", "_csrf_token": token},
    )
    assert r.status_code == 303 and r.headers["location"].endswith("done=testing_finished#work")
    r = await supervisor_browser.post(
        f"/staff/cases/{case_id}/arbitration/award",
        data={"award_on": "", "award_for": "consumer", "amount": "", "_csrf_token": token},
    )
    assert r.headers["location"].endswith("work_fields=award_on.required,amount.required#work")
    assert (
        await pool.fetchval("SELECT award_on FROM arbitration_referrals WHERE case_id = $1", case_id) is None
    )


async def test_only_case_workers_post_work_forms(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff], settings: Settings
) -> None:
    case_id = await case_in(api, pool, staff, "mediation")
    browser = await browser_for(settings, "t_clerk")
    try:
        token = csrf_token((await browser.get("/staff/clusters")).text)
        r = await browser.post(
            f"/staff/cases/{case_id}/tests", data={"lab": "某检测机构", "fee": "50", "_csrf_token": token}
        )
        assert r.status_code == 403
        assert not await pool.fetchval("SELECT paused FROM cases WHERE id = $1", case_id)
    finally:
        await browser.__aexit__(None, None, None)


async def test_the_clusters_page_and_its_decision_form(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff], settings: Settings, supervisor_browser: Client
) -> None:
    merchant_id = await new_merchant(pool, "拱墅区页面测试家电行")
    for _ in range(5):
        await case_in(api, pool, staff, "mediation", merchant_id)
    await clusters.detect(pool, now=datetime.now(UTC))
    alert_id = await pool.fetchval(
        "SELECT id FROM cluster_alerts WHERE merchant_id = $1 AND decided_at IS NULL", merchant_id
    )
    mediator = await browser_for(settings, "t_mediator")
    try:
        seen = await mediator.get("/staff/clusters")
        assert seen.status_code == 200 and "拱墅区页面测试家电行" in seen.text
        assert f"/staff/clusters/{alert_id}/decide" not in seen.text and "处置决定由科长作出" in seen.text
        token = csrf_token(seen.text)
        r = await mediator.post(
            f"/staff/clusters/{alert_id}/decide",
            data={"decision": "no_action", "note": "x", "_csrf_token": token},
        )
        assert r.status_code == 403
    finally:
        await mediator.__aexit__(None, None, None)

    page = await supervisor_browser.get("/staff/clusters")
    assert f"/staff/clusters/{alert_id}/decide" in page.text
    for words in ("共同投诉", "移送执法（诉转案）", "支持提起公益诉讼（消法第四十七条）", "不采取措施"):
        assert words in page.text
    token = csrf_token(page.text)
    failed = await supervisor_browser.post(
        f"/staff/clusters/{alert_id}/decide", data={"decision": "no_action", "note": "", "_csrf_token": token}
    )
    assert failed.status_code == 422 and "决定不采取措施的，请写明理由" in failed.text
    done = await supervisor_browser.post(
        f"/staff/clusters/{alert_id}/decide",
        data={"decision": "public_interest_litigation", "note": "", "_csrf_token": token},
    )
    assert (
        done.status_code == 303
        and done.headers["location"] == f"/staff/clusters?done=decided#alert-{alert_id}"
    )
    after = await supervisor_browser.get(done.headers["location"])
    assert "已作出处置决定" in after.text and "测试t_supervisor" in after.text
    again = await supervisor_browser.post(
        f"/staff/clusters/{alert_id}/decide",
        data={"decision": "no_action", "note": "x", "_csrf_token": token},
    )
    assert again.status_code == 409 and "该预警已作出处置决定" in again.text


# --- the case page's work section (templates/_case_work.html) ------------------------------------------


class FakeRequest:
    def __init__(self, query: dict[str, str]) -> None:
        self.query_params = query


def render_work(context: dict[str, Any]) -> str:
    env = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=True, undefined=StrictUndefined)
    return env.from_string('{% include "_case_work.html" %}').render(csrf_input="<csrf>", **context)


async def test_the_work_section_follows_the_case(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    merchant_id = await new_merchant(pool, "拱墅区公开仲裁条款商店")
    clause = await pool.fetchval(
        "INSERT INTO arbitration_agreements (merchant_id, kind, institution) "
        "VALUES ($1, 'published', '杭州仲裁委员会') RETURNING id",
        merchant_id,
    )
    case_id = await case_in(api, pool, staff, "arbitration", merchant_id)
    c = await pool.fetchrow("SELECT * FROM cases WHERE id = $1", case_id)
    can = {"case_work": True}
    work = await arbitration.case_work_context(pool, case_id)
    assert set(work) == {"tests", "referral", "agreements"}
    html = render_work(
        {
            "c": c,
            "can": can,
            "actions": {"pause", "close"},
            "work": work,
            "request": FakeRequest({}),
            "f": None,
        }
    )
    assert f'value="{clause}"' in html and "经营者公开承诺的仲裁条款：杭州仲裁委员会" in html
    assert f"/staff/cases/{case_id}/arbitration/referral" in html and f"/staff/cases/{case_id}/tests" in html
    assert "行政机关不能单方将案件移送仲裁" in html

    viewer = render_work(
        {"c": c, "can": {}, "actions": {"pause"}, "work": work, "request": FakeRequest({}), "f": None}
    )
    assert "<form" not in viewer and "本案尚未移送仲裁" in viewer

    failed = render_work(
        {
            "c": c,
            "can": can,
            "actions": {"pause"},
            "work": work,
            "f": None,
            "request": FakeRequest(
                {
                    "work_error": "refer",
                    "work_fields": "agreement.required,institution.too_long,_.already_referred",
                }
            ),
        }
    )
    assert "没有仲裁协议不能移送仲裁" in failed and "仲裁机构：内容过长" in failed
    assert "本案已移送仲裁，不能重复移送" in failed
    spoofed = render_work(
        {
            "c": c,
            "can": can,
            "actions": {"pause"},
            "work": work,
            "f": None,
            "request": FakeRequest({"work_error": "refer", "work_fields": "<b>请拨打电话</b>.x"}),
        }
    )
    assert "请拨打电话" not in spoofed  # codes only: text from the URL is never shown

    supervisor = as_user(staff["supervisor"])
    test_id = await testing.start_test(
        pool, case_id, supervisor, lab="某检测机构", fee="20", now=datetime.now(UTC)
    )
    await arbitration.refer(
        pool,
        case_id,
        supervisor,
        agreement_id=clause,
        kind=None,
        institution=None,
        signed_on=None,
        note=None,
        now=datetime.now(UTC),
    )
    work = await arbitration.case_work_context(pool, case_id)
    assert work["referral"]["institution"] == "杭州仲裁委员会" and [t["id"] for t in work["tests"]] == [
        test_id
    ]
    c = await pool.fetchrow("SELECT * FROM cases WHERE id = $1", case_id)
    html = render_work(
        {
            "c": c,
            "can": can,
            "actions": {"resume", "close"},
            "work": work,
            "f": None,
            "request": FakeRequest({"done": "referred"}),
        }
    )
    assert "已登记仲裁移送。" in html and "检验中，暂停计时" in html
    assert f"/staff/cases/{case_id}/tests/{test_id}/finish" in html
    assert f"/staff/cases/{case_id}/arbitration/award" in html
    assert f'action="/staff/cases/{case_id}/tests"' not in html  # one test at a time
    assert f"/staff/cases/{case_id}/arbitration-bundle" in html
