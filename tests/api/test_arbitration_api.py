"""Arbitration through the API and the staff pages: who may refer and read, the referral and award, the
printable bundle, and the case page's work section (templates/_case_work.html)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from domain.events import confirmation
from domain.roles import Role
from service.queries import arbitration as queries
from service.settings import ROOT, Settings
from service.store import cases
from service.store.staff import StaffUser
from service.usecases import arbitration, product_testing
from service.usecases.arbitration_commands import Refer
from service.usecases.product_testing_commands import StartTesting
from tests.support.casework import (
    CASE_WORKERS,
    browser_of,
    case_in,
    form_browser,
    new_merchant,
    published_clause,
    statuses_by_role,
)
from tests.support.clock import today_local
from tests.support.staff import Client, Staff

NO_CASE = 999_999_999


async def test_writes_need_case_work_and_the_bundle_case_view(
    client: Client, staff: dict[str, Staff]
) -> None:
    base = f"/api/v1/cases/{NO_CASE}/arbitration"
    refer = {"kind": "written", "institution": "杭州仲裁委员会"}
    assert await statuses_by_role(client, staff, f"{base}/referral", refer) == CASE_WORKERS
    award = {"award_on": "2026-01-01", "award_for": "merchant"}
    assert await statuses_by_role(client, staff, f"{base}/award", award) == CASE_WORKERS
    readers = {**CASE_WORKERS, "clerk": 404}
    assert await statuses_by_role(client, staff, f"{base}/bundle") == readers


async def test_referral_award_and_bundle(client: Client, pool: asyncpg.Pool, staff: dict[str, Staff]) -> None:
    mediator = staff["mediator"].headers
    in_mediation = await case_in(client, pool, staff, "mediation")
    body = {"kind": "written", "institution": "杭州仲裁委员会", "signed_on": "2026-01-05"}
    r = await client.post(f"/api/v1/cases/{in_mediation}/arbitration/referral", json=body, headers=mediator)
    assert r.status_code == 409 and "仲裁" in r.json()["detail"]

    case_id = await case_in(client, pool, staff, "arbitration")
    url = f"/api/v1/cases/{case_id}/arbitration/referral"
    none = await client.post(url, json={}, headers=mediator)
    assert none.status_code == 422
    assert [e["field"] for e in none.json()["errors"]] == ["agreement"]
    assert "没有仲裁协议不能移送仲裁" in none.json()["errors"][0]["message"]
    bad = await client.post(url, json={"kind": "oral", "institution": ""}, headers=mediator)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"kind", "institution"}

    sha = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    async with pool.acquire() as conn:
        await cases.add_evidence(
            conn, case_id, sha256=sha, size=4096, content_type="image/jpeg", name="发票.jpg", by="consumer"
        )
    done = await client.post(url, json=body, headers=mediator)
    assert done.status_code == 201, done.text
    assert done.json()["case_id"] == case_id and done.json()["agreement_id"] > 0
    assert done.json()["status"] == "referred"
    assert (await client.post(url, json=body, headers=mediator)).status_code == 409

    award = f"/api/v1/cases/{case_id}/arbitration/award"
    missing = await client.post(
        award, json={"award_on": "2026-01-01", "award_for": "consumer"}, headers=mediator
    )
    assert missing.status_code == 422
    assert "amount" in {e["field"] for e in missing.json()["errors"]}
    given = {"award_on": today_local().isoformat(), "award_for": "consumer", "amount": "399.00"}
    ok = await client.post(award, json=given, headers=mediator)
    assert ok.status_code == 200, ok.text
    assert ok.json() == {"case_id": case_id, "status": "award_recorded"}

    r = await client.get(f"/api/v1/cases/{case_id}/arbitration/bundle", headers=staff["clerk"].headers)
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


async def test_a_wrongly_typed_field_is_a_422_naming_it(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    case_id = await case_in(client, pool, staff, "arbitration")
    url = f"/api/v1/cases/{case_id}/arbitration/referral"
    r = await client.post(url, json={"agreement_id": "abc"}, headers=staff["mediator"].headers)
    assert r.status_code == 422
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("agreement_id", "invalid_type")]


# --- pages ----------------------------------------------------------------------------------------------


async def test_the_bundle_page(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], settings: Settings
) -> None:
    case_id = await case_in(client, pool, staff, "arbitration")
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
    async with browser_of(settings, "t_clerk") as browser:
        page = await browser.get(f"/staff/cases/{case_id}/arbitration-bundle")
        assert page.status_code == 200
        assert "第三方质量争议仲裁移送材料" in page.text and "@page{size:A4" in page.text
        assert "<title>第三方质量争议仲裁移送材料 GS" in page.text
        assert sha in page.text and "合同.pdf" in page.text
        assert "本案尚未登记仲裁移送" in page.text and "商家尚未提交书面意见" in page.text
        assert "13812345678" not in page.text
        assert page.headers["cache-control"] == "no-store"


async def test_the_referral_forms_redirect_back_to_the_case(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], settings: Settings
) -> None:
    case_id = await case_in(client, pool, staff, "arbitration")
    async with form_browser(settings, "t_supervisor") as (browser, token):
        refer = f"/staff/cases/{case_id}/arbitration/referral"
        r = await browser.post(refer, data={"agreement": "", "_csrf_token": token})
        assert r.status_code == 303
        assert (
            r.headers["location"]
            == f"/staff/cases/{case_id}?work_error=refer&work_fields=agreement.required#work"
        )
        new = {"agreement": "new", "kind": "implied", "institution": "杭州仲裁委员会", "_csrf_token": token}
        r = await browser.post(refer, data=new)
        assert r.status_code == 303 and r.headers["location"].endswith("?done=arbitration_referred#work")
        r = await browser.post(refer, data=new)
        assert r.headers["location"].endswith("work_error=refer&work_fields=_.already_referred#work")
        r = await browser.post(
            f"/staff/cases/{case_id}/arbitration/award",
            data={"award_on": "", "award_for": "consumer", "amount": "", "_csrf_token": token},
        )
        assert r.headers["location"].endswith("work_fields=award_on.required,amount.required#work")
        assert (
            await pool.fetchval("SELECT award_on FROM arbitration_referrals WHERE case_id = $1", case_id)
            is None
        )


# --- the case page's work section (templates/_case_work.html) ------------------------------------------


class FakeRequest:
    def __init__(self, query: dict[str, str]) -> None:
        self.query_params = query


def render_work(c: Any, work: queries.CaseWork, can: dict[str, bool], actions: set[str], **query: str) -> str:
    env = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=True, undefined=StrictUndefined)
    env.globals["confirmation"] = confirmation
    context = {"c": c, "can": can, "actions": actions, "work": work, "request": FakeRequest(query), "f": None}
    return env.from_string('{% include "_case_work.html" %}').render(csrf_input="<csrf>", **context)


def as_user(s: Staff) -> StaffUser:
    return StaffUser(s.user_id, s.username, "测试", frozenset({Role(s.username.removeprefix("t_"))}))


async def test_the_work_section_follows_the_case(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    merchant_id = await new_merchant(pool, "拱墅区公开仲裁条款商店")
    clause = await published_clause(pool, merchant_id)
    case_id = await case_in(client, pool, staff, "arbitration", merchant_id)
    c = await pool.fetchrow("SELECT * FROM cases WHERE id = $1", case_id)
    can = {"case_work": True}
    work = await queries.case_work(pool, case_id)
    html = render_work(c, work, can, {"pause", "close"})
    assert f'value="{clause}"' in html and "经营者公开承诺的仲裁条款：杭州仲裁委员会" in html
    assert f"/staff/cases/{case_id}/arbitration/referral" in html and f"/staff/cases/{case_id}/tests" in html
    assert "行政机关不能单方将案件移送仲裁" in html

    viewer = render_work(c, work, {}, {"pause"})
    assert "<form" not in viewer and "本案尚未移送仲裁" in viewer

    codes = "agreement.required,institution.too_long,_.already_referred"
    failed = render_work(c, work, can, {"pause"}, work_error="refer", work_fields=codes)
    assert "没有仲裁协议不能移送仲裁" in failed and "仲裁机构：内容过长" in failed
    assert "本案已移送仲裁，不能重复移送" in failed
    spoofed = render_work(c, work, can, {"pause"}, work_error="refer", work_fields="<b>请拨打电话</b>.x")
    assert "请拨打电话" not in spoofed  # codes only: text from the URL is never shown

    supervisor = as_user(staff["supervisor"])
    now = datetime.now(UTC)
    test = await product_testing.start_test(
        pool, case_id, supervisor, StartTesting(lab="某检测机构", fee="20"), now=now
    )
    await arbitration.refer(pool, case_id, supervisor, Refer(agreement_id=clause), now=now)
    work = await queries.case_work(pool, case_id)
    assert work.referral is not None and work.referral.institution == "杭州仲裁委员会"
    assert [t.id for t in work.tests] == [test.id]
    c = await pool.fetchrow("SELECT * FROM cases WHERE id = $1", case_id)
    html = render_work(c, work, can, {"resume", "close"}, done="arbitration_referred")
    assert "已登记仲裁移送。" in html and "检验中，暂停计时" in html
    assert f"/staff/cases/{case_id}/tests/{test.id}/finish" in html
    assert f"/staff/cases/{case_id}/arbitration/award" in html
    assert f'action="/staff/cases/{case_id}/tests"' not in html  # one test at a time
    assert f"/staff/cases/{case_id}/arbitration-bundle" in html
