"""Mediation through the API, the staff pages, the consumer's tracking page and the merchant's link: who
may do what, the wrong side answering, the printable settlement and termination notice, the case page's
mediation section, and the whole browser path (a call, an offer accepted on the tracking page, the
settlement printed, the case closed as settled).

The app here is create_app(settings) with the mediation controllers registered when the app does not
register them itself yet, so these tests run before and after the wiring.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar import Litestar
from litestar.testing import AsyncTestClient

from domain.events import confirmation
from service.queries import mediation as mediation_views
from service.settings import ROOT, Settings
from service.usecases.clock import LOCAL_TZ
from tests.support.cases import NO_CASE, mediation_case, merchant_link
from tests.support.casework import browser_of, kinds
from tests.support.consumer import track_page
from tests.support.html import csrf_token
from tests.support.mediation import (
    SETTLED,
    closing,
    consumer_confirms,
    offer_terms,
    offer_through_api,
    settled_by_refund,
)
from tests.support.staff import Staff, make_staff, signed_in

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def mediator_browser(settings: Settings, staff: dict[str, Staff]) -> AsyncIterator[Client]:
    async with browser_of(settings, "t_mediator", next_page="/staff") as browser:
        yield browser


def today() -> date:
    return datetime.now(LOCAL_TZ).date()


def days(n: int) -> str:
    return (today() + timedelta(days=n)).isoformat()


# --- who may do what ----------------------------------------------------------------------------------

WRITES = [
    ("contacts", {"party": "consumer", "method": "phone"}),
    ("sessions", {"mode": "phone", "attendees": "双方"}),
    ("offers", {"from_party": "merchant", "remedy": "refund", "amount": "1", "answer_by": days(30)}),
    ("offers/1/answer", {"answer": "refuse"}),
    ("offers/1/withdraw", {}),
    ("settlement/performance", {"performance": "performed"}),
    ("terminate", {"reason": 3, "note": "x"}),
    ("termination-notice/sent", None),
    ("recusals", {"party": "consumer", "reason": "x"}),
]
SUPERVISOR_ONLY = [("recusals/1/decide", {"decision": "denied", "note": "x"}), ("reopen", {"reason": "x"})]


async def test_roles(api: Client, staff: dict[str, Staff]) -> None:
    base = f"/api/v1/cases/{NO_CASE}"
    for path, body in WRITES:
        assert (await api.post(f"{base}/{path}", json=body)).status_code == 401, path
        for role in ("clerk", "leading_group", "admin"):
            r = await api.post(f"{base}/{path}", json=body, headers=staff[role].headers)
            assert r.status_code == 403, (path, role)
        for role in ("mediator", "supervisor"):  # allowed: the case does not exist
            r = await api.post(f"{base}/{path}", json=body, headers=staff[role].headers)
            assert r.status_code == 404, (path, role, r.text)
    for path, body in SUPERVISOR_ONLY:
        for role in ("clerk", "mediator", "leading_group", "admin"):
            r = await api.post(f"{base}/{path}", json=body, headers=staff[role].headers)
            assert r.status_code == 403, (path, role)
        r = await api.post(f"{base}/{path}", json=body, headers=staff["supervisor"].headers)
        assert r.status_code == 404, (path, r.text)
    for role, status in (("clerk", 404), ("mediator", 404), ("supervisor", 404), ("leading_group", 403)):
        assert (await api.get(f"{base}/mediation", headers=staff[role].headers)).status_code == status, role
    assert (await api.get(f"{base}/mediation")).status_code == 401


async def test_pages_need_the_same_roles(
    settings: Settings, staff: dict[str, Staff], api: Client, pool: asyncpg.Pool
) -> None:
    case = await mediation_case(api, pool, staff, "杭州页面权限商店")
    clerk = await signed_in(settings, "t_clerk", next_page="/staff")
    try:
        page = await clerk.get("/staff/cases")
        token = csrf_token(page.text)
        r = await clerk.post(
            f"/staff/cases/{case['case_id']}/contacts",
            data={"party": "consumer", "method": "phone", "_csrf_token": token},
        )
        assert r.status_code == 403
        assert (await clerk.get(f"/staff/cases/{case['case_id']}/settlement")).status_code == 404  # none yet
    finally:
        await clerk.__aexit__(None, None, None)
    mediator = await signed_in(settings, "t_mediator", next_page="/staff")
    try:
        page = await mediator.get("/staff/cases")
        r = await mediator.post(
            f"/staff/cases/{case['case_id']}/reopen",
            data={"reason": "x", "_csrf_token": csrf_token(page.text)},
        )
        assert r.status_code == 403
    finally:
        await mediator.__aexit__(None, None, None)


# --- the API at work ----------------------------------------------------------------------------------


async def test_the_record_offers_and_the_wrong_side(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    case = await mediation_case(api, pool, staff, "杭州接口调解商店")
    base = f"/api/v1/cases/{case['case_id']}"
    med = staff["mediator"].headers
    r = await api.post(
        f"{base}/contacts", json={"party": "consumer", "method": "phone", "note": "了解诉求"}, headers=med
    )
    assert r.status_code == 201 and r.json()["case_id"] == case["case_id"]
    bad = await api.post(f"{base}/sessions", json={"mode": "on_site"}, headers=med)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"place", "attendees"}
    r = await api.post(
        f"{base}/sessions",
        json={"mode": "video", "attendees": "张三；店长", "note": "双方各自陈述"},
        headers=med,
    )
    assert r.status_code == 201
    r = await api.post(
        f"{base}/offers",
        json={"from_party": "consumer", "remedy": "refund", "amount": "399.00", "answer_by": days(5)},
        headers=med,
    )
    assert r.status_code == 201, r.text
    offer_id = r.json()["id"]
    again = await api.post(
        f"{base}/offers",
        json={"from_party": "merchant", "remedy": "repair", "amount": "0", "answer_by": days(5)},
        headers=med,
    )
    assert again.status_code == 409 and "等待答复" in again.json()["detail"]
    # the consumer cannot answer its own offer
    own = await api.post(
        f"{base}/offers/{offer_id}/answer", json={"answer": "accept", "party": "consumer"}, headers=med
    )
    assert own.status_code == 409 and "应由经营者答复" in own.json()["detail"]
    # the merchant counters by phone
    r = await api.post(
        f"{base}/offers/{offer_id}/answer",
        json={"answer": "counter", **offer_terms("refund", "350.00", days(6), "折旧")},
        headers=med,
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "countered" and r.json()["case_status"] == "mediation"
    counter_id = r.json()["new_offer_id"]
    record = (await api.get(f"{base}/mediation", headers=staff["clerk"].headers)).json()
    assert [o["status"] for o in record["offers"]] == ["countered", "open"]
    assert record["open_offer"]["id"] == counter_id and record["open_offer"]["to_party"] == "consumer"
    assert record["open_offer"]["amount"] == "350.00" and record["contacts"][0]["method_label"] == "电话"
    assert record["sessions"][0]["mode_label"] == "视频调解" and record["in_mediation"] is True
    events = await pool.fetch(
        "SELECT kind, payload FROM case_events WHERE case_id = $1 AND kind LIKE 'offer%' ORDER BY id",
        case["case_id"],
    )
    assert [e["kind"] for e in events] == ["offer_made", "offer_countered"]
    assert events[1]["payload"]["by_phone"] is True and events[1]["payload"]["party"] == "merchant"


async def test_terminate_notice_and_printable_notice(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff], mediator_browser: Client
) -> None:
    case = await mediation_case(api, pool, staff, "杭州拒绝调解商店")
    base = f"/api/v1/cases/{case['case_id']}"
    med = staff["mediator"].headers
    bad = await api.post(f"{base}/terminate", json={"reason": 9, "note": ""}, headers=med)
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"reason", "note"}
    r = await api.post(f"{base}/terminate", json={"reason": 2, "note": "商家明确表示拒绝调解"}, headers=med)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and date.fromisoformat(r.json()["notice_due"]) > today()
    assert await pool.fetchval("SELECT outcome FROM cases WHERE id = $1", case["case_id"]) == "terminated"

    page = await mediator_browser.get(f"/staff/cases/{case['case_id']}/termination-notice")
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
    for text in (
        "终止调解告知书",
        "张三（投诉人）",
        "杭州拒绝调解商店（被投诉人）",
        "第二十三条第（二）项",
        "商家明确表示拒绝调解",
    ):
        assert text in page.text, text
    for text in ("仲裁", "人民法院提起诉讼", "小额诉讼程序", "杭州市拱墅区市场监督管理局"):
        assert text in page.text, text
    assert "13812345678" not in page.text

    # the consumer reads what remains
    seen = await track_page(api, case)
    assert "调解已终止" in seen and "商家明确表示拒绝调解" in seen and "小额诉讼程序" in seen

    sent = await api.post(f"{base}/termination-notice/sent", headers=med)
    assert sent.status_code == 200 and sent.json() == {"case_id": case["case_id"], "on_time": True}
    assert (await api.post(f"{base}/termination-notice/sent", headers=med)).status_code == 409
    assert (
        await api.post(f"{base}/contacts", json={"party": "consumer", "method": "phone"}, headers=med)
    ).status_code == 409


async def test_recusal_and_reopen_through_the_api(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    case = await mediation_case(api, pool, staff, "杭州回避测试商店")
    base = f"/api/v1/cases/{case['case_id']}"
    r = await api.post(
        f"{base}/recusals",
        json={"party": "merchant", "reason": "调解员是消费者亲属"},
        headers=staff["mediator"].headers,
    )
    assert r.status_code == 201, r.text
    assert await pool.fetchval("SELECT paused FROM cases WHERE id = $1", case["case_id"]) is True
    # the case is t_mediator's; the recusal hands it to another mediator, who then holds it
    second = await make_staff(pool, api, "t_mediator_recusal", ["mediator"])
    decided = await api.post(
        f"{base}/recusals/{r.json()['id']}/decide",
        json={"decision": "granted", "new_mediator": second.user_id},
        headers=staff["supervisor"].headers,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"] == "granted" and decided.json()["mediation_due"]
    row = await pool.fetchrow("SELECT paused, assigned_to FROM cases WHERE id = $1", case["case_id"])
    assert row["paused"] is False and row["assigned_to"] == second.user_id
    # reopening needs a closed case
    assert (
        await api.post(f"{base}/reopen", json={"reason": "x"}, headers=staff["supervisor"].headers)
    ).status_code == 409
    await api.post(f"{base}/terminate", json={"reason": 1, "note": "双方自行和解"}, headers=second.headers)
    missing = await api.post(f"{base}/reopen", json={}, headers=staff["supervisor"].headers)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "reason"
    r = await api.post(f"{base}/reopen", json={"reason": "和解未兑现"}, headers=staff["supervisor"].headers)
    assert r.status_code == 200 and r.json() == {"case_id": case["case_id"], "status": "accepted"}
    record = (await api.get(f"{base}/mediation", headers=staff["supervisor"].headers)).json()
    assert record["termination"] is None and len(record["earlier_terminations"]) == 1


# --- the consumer and the merchant answering ----------------------------------------------------------


async def test_consumer_counters_on_the_tracking_page_and_merchant_accepts_on_its_link(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    case = await mediation_case(api, pool, staff, "杭州链接调解商店")
    base = f"/api/v1/cases/{case['case_id']}"
    mediator = staff["mediator"]
    offer_id = await offer_through_api(
        api, mediator, case["case_id"], "repair", "0", days(3), note="免费维修"
    )
    page = await track_page(api, case)
    assert "商家提出以下方案" in page and "免费维修" in page and 'action="/track/offer"' in page
    token = csrf_token(page)
    form = {
        "tracking_no": case["tracking_no"],
        "access_code": case["access_code"],
        "offer_id": str(offer_id),
        "_csrf_token": token,
    }
    bad = await api.post("/track/offer", data={**form, "answer": "counter", "remedy": "refund"})
    assert bad.status_code == 422 and "答复未成功" in bad.text and "请填写答复期限" in bad.text
    wrong_code = await api.post("/track/offer", data={**form, "access_code": "AAAAAAAA", "answer": "refuse"})
    assert wrong_code.status_code == 404
    countered = await api.post(
        "/track/offer",
        data={**form, "answer": "counter", "remedy": "refund", "amount": "399.00", "answer_by": days(4)},
    )
    assert countered.status_code == 200 and "您的新方案已提交" in countered.text
    assert "您提出的方案已转达商家" in countered.text
    counter_id = await pool.fetchval("SELECT id FROM offers WHERE parent_id = $1", offer_id)
    # the consumer cannot answer its own counter-offer: 409
    own = await api.post("/track/offer", data={**form, "offer_id": str(counter_id), "answer": "accept"})
    assert own.status_code == 409 and "应由经营者答复" in own.text

    link = await merchant_link(api, staff, case["case_id"])
    m_page = await api.get(link)
    assert m_page.status_code == 200 and "消费者提出以下方案" in m_page.text
    assert f"/offers/{counter_id}/answer" in m_page.text
    m_token = csrf_token(m_page.text)
    no_answer = await api.post(
        f"{link}/offers/{counter_id}/answer", data={"case_id": str(case["case_id"]), "_csrf_token": m_token}
    )
    assert no_answer.status_code == 422 and "请选择：接受、拒绝或提出反方案" in no_answer.text
    other = await mediation_case(api, pool, staff, "杭州别家调解商店")
    other_link = await merchant_link(api, staff, other["case_id"])
    stolen = await api.post(
        f"{other_link}/offers/{counter_id}/answer", data={"answer": "accept", "_csrf_token": m_token}
    )
    assert stolen.status_code == 404
    api.follow_redirects = False
    try:
        ok = await api.post(
            f"{link}/offers/{counter_id}/answer", data={"answer": "accept", "_csrf_token": m_token}
        )
    finally:
        api.follow_redirects = True
    assert ok.status_code == 303 and ok.headers["location"] == f"{link}?done=offer_accept"
    done = await api.get(ok.headers["location"])
    assert "您已接受调解方案" in done.text
    # issue 12: acceptance drafts the 调解书; the mediator issues it and both parties confirm it
    assert await pool.fetchval("SELECT status FROM cases WHERE id = $1", case["case_id"]) == "mediation"
    issued = await api.post(f"{base}/settlement/issue", json={}, headers=staff["mediator"].headers)
    assert issued.status_code == 200, issued.text
    m_page = await api.get(link)
    assert f"/m/{link.rsplit('/m/', 1)[1]}/cases/{case['case_id']}/settlement/confirm" in m_page.text
    api.follow_redirects = False
    try:
        m_ok = await api.post(
            f"{link}/cases/{case['case_id']}/settlement/confirm",
            data={"_csrf_token": csrf_token(m_page.text)},
        )
    finally:
        api.follow_redirects = True
    assert m_ok.status_code == 303 and m_ok.headers["location"] == f"{link}?done=settlement_confirm"
    waiting = await track_page(api, case)
    assert "调解书待您确认" in waiting and 'action="/track/settlement/confirm"' in waiting
    confirmed = await consumer_confirms(api, case)
    assert confirmed.status_code == 200 and "双方均已确认，调解协议生效" in confirmed.text
    case_row = await pool.fetchrow(
        "SELECT status, outcome, relief_fen FROM cases WHERE id = $1", case["case_id"]
    )
    assert dict(case_row) == {"status": "closed", "outcome": "settled", "relief_fen": 39900}
    assert await pool.fetchval("SELECT answered_via FROM offers WHERE id = $1", counter_id) == "merchant_link"
    seen = await track_page(api, case)
    assert "双方达成调解协议" in seen and "人民币399.00元" in seen and "待履行" in seen


# --- the staff pages ----------------------------------------------------------------------------------


class FakeRequest:
    def __init__(self, query: dict[str, str]) -> None:
        self.query_params = query


def render_mediation(context: dict[str, Any]) -> str:
    env = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=True, undefined=StrictUndefined)
    env.globals["confirmation"] = confirmation  # as service.app registers it
    return env.from_string('{% include "_case_mediation.html" %}').render(csrf_input="<csrf>", **context)


async def test_the_mediation_section_follows_the_case(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    case = await mediation_case(api, pool, staff, "杭州页面调解商店")
    case_id = case["case_id"]
    c = await pool.fetchrow("SELECT * FROM cases WHERE id = $1", case_id)
    work = {"case_work": True, "route_override": False}
    html = render_mediation(
        {
            "c": c,
            "can": work,
            "request": FakeRequest({}),
            "mediation": await mediation_views.mediation_context(pool, case_id),
        }
    )
    for action in ("contacts", "sessions", "offers", "terminate", "recusals"):
        assert f'action="/staff/cases/{case_id}/{action}"' in html, action
    assert "（八）法律、法规、规章规定的应当终止调解的其他情形" in html and "/reopen" not in html
    viewer = render_mediation(
        {
            "c": c,
            "can": {},
            "request": FakeRequest({}),
            "mediation": await mediation_views.mediation_context(pool, case_id),
        }
    )
    assert "<form" not in viewer and "尚无调解方案" in viewer
    failed = render_mediation(
        {
            "c": c,
            "can": work,
            "mediation": await mediation_views.mediation_context(pool, case_id),
            "request": FakeRequest(
                {"med_error": "offer", "med_fields": "amount.invalid_amount,_.offer_open,<b>x</b>.y"}
            ),
        }
    )
    assert (
        "金额：金额格式不正确" in failed
        and "本案已有一份等待答复的方案" in failed
        and "<b>x</b>" not in failed
    )

    await api.post(
        f"/api/v1/cases/{case_id}/offers",
        json={"from_party": "consumer", "remedy": "refund", "amount": "399.00", "answer_by": days(2)},
        headers=staff["mediator"].headers,
    )
    await api.post(
        f"/api/v1/cases/{case_id}/recusals",
        json={"party": "consumer", "reason": "回避"},
        headers=staff["mediator"].headers,
    )
    c = await pool.fetchrow("SELECT * FROM cases WHERE id = $1", case_id)
    context = await mediation_views.mediation_context(pool, case_id)
    html = render_mediation(
        {
            "c": c,
            "can": {"case_work": True, "route_override": True},
            "request": FakeRequest({"done": "recusal_requested"}),
            "mediation": context,
        }
    )
    assert "已登记回避申请" in html and "/recusals/" in html and "作出决定并恢复计时" in html
    assert "记录经营者的电话答复" not in html  # answers wait for the recusal decision
    assert "登记回避申请" not in html.split("已登记回避申请", 1)[1]  # no second request while one is open


async def test_page_forms_redirect_with_codes_never_a_500(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff], mediator_browser: Client
) -> None:
    case = await mediation_case(api, pool, staff, "杭州表单调解商店")
    case_id = case["case_id"]
    page = await mediator_browser.get(f"/staff/cases/{case_id}")
    token = csrf_token(page.text)
    url = f"/staff/cases/{case_id}"
    cases: list[tuple[str, dict[str, str], str]] = [
        (
            "offers",
            {"from_party": "merchant", "amount": "x"},
            "med_error=offer&med_fields=remedy.required,amount.invalid_amount,answer_by.required",
        ),
        (
            "contacts",
            {"party": "consumer", "method": "phone", "at": "昨天"},
            "med_error=contact&med_fields=at.invalid_datetime",
        ),
        ("offers/999999999/answer", {"answer": "accept"}, "med_error=answer&med_fields=_.not_found"),
        (
            "settlement/performance",
            {"performance": "performed"},
            "med_error=performance&med_fields=_.no_settlement",
        ),
        ("termination-notice/sent", {}, "med_error=notice&med_fields=_.no_termination"),
        ("terminate", {"reason": "2"}, "med_error=terminate&med_fields=note.required"),
    ]
    for path, data, expected in cases:
        r = await mediator_browser.post(f"{url}/{path}", data={**data, "_csrf_token": token})
        assert r.status_code == 303, (path, r.status_code)
        assert r.headers["location"] == f"{url}?{expected}#mediation", path
    ok = await mediator_browser.post(
        f"{url}/sessions", data={"mode": "phone", "attendees": "双方", "_csrf_token": token}
    )
    assert ok.headers["location"] == f"{url}?done=session_held#mediation"


async def test_the_browser_path_a_call_an_offer_accepted_online_the_settlement_printed(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff], mediator_browser: Client
) -> None:
    case = await mediation_case(api, pool, staff, "杭州诚意电器商行")
    case_id = case["case_id"]
    url = f"/staff/cases/{case_id}"
    page = await mediator_browser.get(url)
    assert page.status_code == 200
    token = csrf_token(page.text)

    # the mediator logs a call with the merchant
    r = await mediator_browser.post(
        f"{url}/contacts",
        data={"party": "merchant", "method": "phone", "note": "商家同意全额退款", "_csrf_token": token},
    )
    assert r.status_code == 303 and r.headers["location"] == f"{url}?done=contact_logged#mediation"
    # … and records the merchant's offer
    r = await mediator_browser.post(
        f"{url}/offers",
        data={
            "from_party": "merchant",
            **offer_terms("refund", "399.00", days(3), "七日内原路退回"),
            "_csrf_token": token,
        },
    )
    assert r.headers["location"] == f"{url}?done=offer_made#mediation"
    offer_id = await pool.fetchval("SELECT id FROM offers WHERE case_id = $1 AND status = 'open'", case_id)

    # the consumer accepts on the tracking page
    seen = await track_page(api, case)
    assert "商家提出以下方案" in seen and "399.00 元" in seen
    accepted = await api.post(
        "/track/offer",
        data={
            "tracking_no": case["tracking_no"],
            "access_code": case["access_code"],
            "offer_id": str(offer_id),
            "answer": "accept",
            "_csrf_token": csrf_token(seen),
        },
    )
    assert accepted.status_code == 200 and "您已接受调解方案" in accepted.text
    assert "调解员审核后出具调解书" in accepted.text and 'action="/track/offer"' not in accepted.text

    # issue 12: the draft is built from the offer's terms; the merchant's remark is not a clause
    draft = await mediator_browser.get(f"{url}/settlement")
    assert "草稿" in draft.text and "七日内原路退回" not in draft.text.split("调解协议", 1)[1]
    case_page = await mediator_browser.get(url)
    assert "审核调解书草稿" in case_page.text and "七日内原路退回" in case_page.text  # shown for review
    r = await mediator_browser.post(
        f"{url}/settlement/issue", data={"wording": "七日内原路退回", "_csrf_token": token}
    )
    assert r.headers["location"] == f"{url}?done=settlement_issued#mediation"
    issued_page = await mediator_browser.get(url)
    assert "登记当事人确认" in issued_page.text and "其他约定：七日内原路退回。" in issued_page.text
    confirmed = await consumer_confirms(api, case)
    assert confirmed.status_code == 200 and "等待商家确认" in confirmed.text
    r = await mediator_browser.post(
        f"{url}/settlement/confirm", data={"party": "merchant", "means": "signature", "_csrf_token": token}
    )
    assert r.headers["location"] == f"{url}?done=settlement_made#mediation"

    # the mediator prints the settlement
    printed = await mediator_browser.get(f"{url}/settlement")
    assert printed.status_code == 200 and "no-store" in printed.headers["cache-control"]
    c = await pool.fetchrow("SELECT * FROM cases WHERE id = $1", case_id)
    perform_by = today() + timedelta(days=10)
    for text in (
        "调解书",
        "张三",
        "13812345678",
        "杭州市拱墅区莫干山路100号1单元101室",
        "杭州诚意电器商行",
        c["merchant_address"],
        c["merchant_uscc"],
        "使用三天后底座漏电",
        "向消费者张三退还货款和服务费用人民币399.00元",
        f"{perform_by.year}年{perform_by.month}月{perform_by.day}日前",
        "其他约定：七日内原路退回。",
        "投诉人（签名）",
        "被投诉人（签名或盖章）",
        "调解员（签名）",
        "杭州市拱墅区市场监督管理局",
        "@page{size:A4",
    ):
        assert text in printed.text, text

    # the case is closed as settled, and the case page says so
    assert await closing(pool, case_id) == settled_by_refund(39900)
    case_page = await mediator_browser.get(url)
    assert case_page.status_code == 200 and "已办结" in case_page.text
    assert (await kinds(pool, case_id))[-9:] == [
        "contact_logged",
        "offer_made",
        *SETTLED,
    ]
    actors = await pool.fetchval(
        "SELECT actor FROM case_events WHERE case_id = $1 AND kind = 'offer_accepted'", case_id
    )
    assert actors == "consumer"
    # performance is recorded on the closed case
    perf = await mediator_browser.post(
        f"{url}/settlement/performance", data={"performance": "performed", "_csrf_token": token}
    )
    assert perf.headers["location"] == f"{url}?done=settlement_performed#mediation"
    assert "已履行" in await track_page(api, case)
