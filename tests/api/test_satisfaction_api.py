"""The follow-up survey as the consumer meets it (the link, the tracking page), a low score's request,
and the supervisor's answer on the page and through the API; role checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from domain.satisfaction import QUESTIONS
from service.settings import Settings
from service.usecases import satisfaction
from tests.support.cases import filed_and_accepted
from tests.support.casework import browser_of
from tests.support.consumer import consumer_view, track_page
from tests.support.factories import GOOD, complaint_body
from tests.support.html import csrf_token
from tests.support.staff import Staff

Client = AsyncTestClient  # type: ignore[type-arg]
LOW = {**dict.fromkeys(QUESTIONS, "dissatisfied"), "overall": "very_dissatisfied"}  # 24


@pytest.fixture
async def supervisor_browser(settings: Settings, staff: dict[str, Staff]) -> AsyncIterator[Client]:
    async with browser_of(settings, "t_supervisor", next_page="/staff/appeals") as browser:
        yield browser


async def closed_case(api: Client, staff: dict[str, Staff], pool: asyncpg.Pool) -> tuple[dict[str, Any], str]:
    """A complaint filed, accepted and closed through the API, with a survey token for it."""
    case = await filed_and_accepted(api, pool, staff, complaint_body())
    case_id = case["case_id"]
    r = await api.post(
        f"/api/v1/cases/{case_id}/close",
        json={"outcome": "withdrawn", "note": "消费者撤回"},
        headers=staff["mediator"].headers,
    )
    assert r.status_code == 200, r.text
    async with pool.acquire() as conn, conn.transaction():
        # once closing opens the survey itself its token went to the notification: make a fresh one here
        await conn.execute("DELETE FROM surveys WHERE case_id = $1", case_id)
        token = await satisfaction.open_survey(conn, case_id, datetime.now(UTC))
    assert token is not None
    return case, token


def creds(case: dict[str, Any], html: str, **more: str) -> dict[str, str]:
    return {
        "tracking_no": case["tracking_no"],
        "access_code": case["access_code"],
        "_csrf_token": csrf_token(html),
        **more,
    }


async def test_the_survey_link_works_once(api: Client, staff: dict[str, Staff], pool: asyncpg.Pool) -> None:
    case, token = await closed_case(api, staff, pool)
    page = await api.get(f"/survey/{token}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    for zh in ("办理及时", "处理公正", "工作人员态度", "处理结果", "总体评价", "不了解", case["tracking_no"]):
        assert zh in page.text

    bad = await api.post(
        f"/survey/{token}", data={"_csrf_token": csrf_token(page.text), "timeliness": "satisfied"}
    )
    assert bad.status_code == 422
    assert "请选择对“处理公正”的评价" in bad.text and 'value="satisfied" required checked' in bad.text

    done = await api.post(
        f"/survey/{token}", data={**GOOD, "comment": "很满意", "_csrf_token": csrf_token(page.text)}
    )
    assert done.status_code == 200, done.text
    assert "感谢您的评价" in done.text and "100分" in done.text and "申请重新处理" not in done.text

    again = await api.post(f"/survey/{token}", data={**LOW, "_csrf_token": csrf_token(page.text)})
    assert again.status_code == 409 and "您已评价过" in again.text
    assert (
        float(await pool.fetchval("SELECT score FROM surveys WHERE case_id = $1", case["case_id"])) == 100.0
    )
    shown = await api.get(f"/survey/{token}")
    assert shown.status_code == 200 and "您已评价过" in shown.text


async def test_an_unknown_link_is_a_friendly_404(api: Client) -> None:
    r = await api.get("/survey/no-such-token")
    assert r.status_code == 404 and "链接无效" in r.text and "已过期" in r.text


async def test_the_tracking_page_offers_the_survey(
    api: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    case, _ = await closed_case(api, staff, pool)
    html = await track_page(api, case)
    assert "评价本次处理" in html and 'action="/track/survey"' in html

    form = await api.post("/track/survey", data=creds(case, html))
    assert form.status_code == 200 and "提交评价" in form.text
    assert f'name="access_code" value="{case["access_code"]}"' in form.text

    wrong = await api.post("/track/survey", data={**creds(case, html), "access_code": "AAAAAAAA"})
    assert wrong.status_code == 404 and "查询码不正确" in wrong.text

    done = await api.post("/track/survey", data=creds(case, form.text, step="answer", **LOW))
    assert done.status_code == 200, done.text
    assert "24分" in done.text and 'action="/track/survey/appeal"' in done.text

    again = await api.post("/track/survey", data=creds(case, form.text, step="answer", **GOOD))
    assert again.status_code == 409 and "您已评价过" in again.text

    after = await track_page(api, case)  # rated low: the page now offers the request instead of the survey
    assert "开始评价" not in after and 'action="/track/survey/appeal"' in after


async def test_low_score_request_accepted_by_the_supervisor_reopens_the_case(
    api: Client, staff: dict[str, Staff], pool: asyncpg.Pool, supervisor_browser: Client
) -> None:
    case, token = await closed_case(api, staff, pool)
    page = await api.get(f"/survey/{token}")
    done = await api.post(f"/survey/{token}", data={**LOW, "_csrf_token": csrf_token(page.text)})
    assert "申请重新处理" in done.text and "申诉" in done.text

    async def request(kind: str, reason: str, **more: str) -> Any:
        """The request form of the survey's result page, sent."""
        form = {"kind": kind, "reason": reason, **more, "_csrf_token": csrf_token(done.text)}
        return await api.post(f"/survey/{token}/appeal", data=form)

    missing = await request("reopen", "")
    assert missing.status_code == 422 and "请写明理由" in missing.text
    sent = await request("reopen", "商家至今未退款", step="send")
    assert sent.status_code == 201 and "已提交您的申请" in sent.text
    twice = await request("appeal", "再来一次")
    assert twice.status_code == 409 and "已提交过申请" in twice.text

    listing = await supervisor_browser.get("/staff/appeals")
    assert listing.status_code == 200
    appeal_id = await pool.fetchval("SELECT id FROM appeals WHERE case_id = $1", case["case_id"])
    assert f'id="appeal-{appeal_id}"' in listing.text and "商家至今未退款" in listing.text
    assert f'href="/staff/cases/{case["case_id"]}"' in listing.text
    assert 'aria-current="page"' in listing.text  # the nav marks the page

    r = await supervisor_browser.post(
        f"/staff/appeals/{appeal_id}/decide",
        data={"decision": "accepted", "_csrf_token": csrf_token(listing.text)},
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/staff/appeals?done=accepted")
    seen = await consumer_view(api, case)
    assert seen["status"] == "accepted"
    events = "SELECT kind FROM case_events WHERE case_id = $1 ORDER BY id"
    kinds = [r["kind"] for r in await pool.fetch(events, case["case_id"])]
    assert kinds[-3:] == ["survey_answered", "appeal_requested", "reopened"]
    html = await track_page(api, case)
    assert "科长已同意您的申请" in html


async def test_declined_request_shows_the_reason_on_the_tracking_page(
    api: Client, staff: dict[str, Staff], pool: asyncpg.Pool
) -> None:
    case, _ = await closed_case(api, staff, pool)
    html = await track_page(api, case)
    form = await api.post("/track/survey", data=creds(case, html))
    done = await api.post("/track/survey", data=creds(case, form.text, step="answer", **LOW))
    sent = await api.post(
        "/track/survey/appeal", data=creds(case, done.text, step="send", kind="appeal", reason="调解员态度差")
    )
    assert sent.status_code == 201, sent.text
    appeal_id = await pool.fetchval("SELECT id FROM appeals WHERE case_id = $1", case["case_id"])
    sup = staff["supervisor"].headers

    listed = (await api.get("/api/v1/appeals", headers=sup)).json()
    mine = next(a for a in listed["open"] if a["id"] == appeal_id)
    assert (mine["tracking_no"], mine["kind"], mine["reason"], mine["score"]) == (
        case["tracking_no"],
        "appeal",
        "调解员态度差",
        24.0,
    )
    assert mine["answers"]["overall"] == "very_dissatisfied"

    url = f"/api/v1/appeals/{appeal_id}/decide"
    r = await api.post(url, json={"decision": "declined"}, headers=sup)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = await api.post(
        url, json={"decision": "declined", "reason": "经核查，调解过程依法依规。"}, headers=sup
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "id": appeal_id,
        "case_id": case["case_id"],
        "decision": "declined",
        "case_status": "closed",
    }
    again = await api.post(url, json={"decision": "accepted"}, headers=sup)
    assert again.status_code == 409

    html = await track_page(api, case)
    assert "科长未同意您的申请" in html and "经核查，调解过程依法依规。" in html


async def test_only_a_supervisor_answers_requests(api: Client, staff: dict[str, Staff]) -> None:
    assert (await api.get("/api/v1/appeals")).status_code == 401
    assert (await api.post("/api/v1/appeals/1/decide", json={"decision": "accepted"})).status_code == 401
    for role in ("clerk", "mediator", "leading_group", "admin"):
        headers = staff[role].headers
        assert (await api.get("/api/v1/appeals", headers=headers)).status_code == 403, role
        r = await api.post("/api/v1/appeals/1/decide", json={"decision": "accepted"}, headers=headers)
        assert r.status_code == 403, role
        # a bearer token does not open a page (issue 13): sign in first
        page = await api.get("/staff/appeals", headers=headers, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/staff/login"), role
    assert (await api.get("/api/v1/appeals", headers=staff["supervisor"].headers)).status_code == 200
    r = await api.post(
        "/api/v1/appeals/999999999/decide", json={"decision": "accepted"}, headers=staff["supervisor"].headers
    )
    assert r.status_code == 404
    page = await api.get("/staff/appeals", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/staff/login")
