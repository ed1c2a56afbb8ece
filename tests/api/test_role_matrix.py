"""Who may call what: every route the app serves, for each staff role and for no session.

The tables below are the spec (DESIGN §1: the clerk records, the supervisor decides, pays out and manages
queues, the mediator works cases, the leading-group office reads statistics and never a case, the
administrator keeps merchants and never sees a case). The routes come from the app itself, so a new route
fails `test_every_route_is_classified` until someone writes down who may call it.

The matrix calls each route with ids that do not exist and empty bodies: an allowed caller gets past the
guard (2xx, 3xx, 404, 400/422 for the empty body), a refused one gets 401 with no session and 403 with the
wrong role; a page without a session redirects to the sign-in page. Nothing here changes any data.

Below the matrix: a consumer's access code opens its own case only, a merchant's link its own cases only,
and guessing codes is slowed per client and per tracking number (service/adapters/throttle.py).
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import Settings
from service.usecases import routing
from service.usecases.clock import LOCAL_TZ
from tests.support.consumer import open_tracking
from tests.support.factories import complaint_body, fresh_uscc
from tests.support.html import csrf_token
from tests.support.staff import ROLES, Staff, hand_to_mediator, signed_in

Client = AsyncTestClient[Any]
ANONYMOUS = "anonymous"
NO_ID = 999_999_999
STRING_PARAMS = {  # all refused or unknown: nothing is made
    "queue": "no_such_queue",
    "month": "1999-13",
    "action": "unlock",  # of an account that does not exist
    "fingerprint": "000000000000",
    "year": "1999",  # before the first counted year: refused with a 422, nothing produced
}

# The role sets, written out (not read from domain/roles.py, so a change to the grants shows up here).
CASE_READERS = frozenset({"clerk", "mediator", "supervisor"})  # a case with its parties and evidence
RECORDERS = frozenset({"clerk", "supervisor"})  # complaints received by phone, letter, at the counter
CASE_WORKERS = frozenset({"mediator", "supervisor"})  # mediation, testing, arbitration, pauses, closing
SUPERVISOR = frozenset({"supervisor"})  # acceptance, payouts, route overrides, appeals, clusters, queues
STATS_READERS = frozenset({"leading_group", "supervisor"})  # statistics and returns, never a case
RETURN_MAKERS = frozenset({"supervisor", "admin"})  # producing or restating a return (and the scheduled job)
ADMIN = frozenset({"admin"})  # staff accounts, and the list of live API tokens
MERCHANT_READERS = frozenset({"clerk", "mediator", "supervisor", "admin"})
MERCHANT_KEEPERS = frozenset({"supervisor", "admin"})  # merchants, commitments, agreements, deposits
ANY_STAFF = frozenset(ROLES)

STAFF_ROUTES: dict[tuple[str, str], frozenset[str]] = {
    # JSON API (bearer tokens)
    ("GET", "/api/v1/appeals"): SUPERVISOR,
    ("POST", "/api/v1/appeals/{appeal_id:int}/decide"): SUPERVISOR,
    ("GET", "/api/v1/cases"): CASE_READERS,
    ("POST", "/api/v1/cases"): RECORDERS,
    ("GET", "/api/v1/cases/{case_id:int}"): CASE_READERS,
    ("POST", "/api/v1/cases/{case_id:int}/accept"): SUPERVISOR,
    ("POST", "/api/v1/cases/{case_id:int}/arbitration/award"): CASE_WORKERS,
    ("GET", "/api/v1/cases/{case_id:int}/arbitration/bundle"): CASE_READERS,
    ("POST", "/api/v1/cases/{case_id:int}/arbitration/referral"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/assign"): SUPERVISOR,
    ("POST", "/api/v1/cases/{case_id:int}/close"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/contacts"): CASE_WORKERS,
    ("GET", "/api/v1/cases/{case_id:int}/damages"): CASE_READERS,
    ("GET", "/api/v1/cases/{case_id:int}/evidence/{evidence_id:int}"): CASE_READERS,
    ("POST", "/api/v1/cases/{case_id:int}/first-payment/answer"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/first-payment/payout"): SUPERVISOR,
    ("GET", "/api/v1/cases/{case_id:int}/mediation"): CASE_READERS,
    ("GET", "/api/v1/cases/{case_id:int}/merchant"): CASE_READERS,
    ("POST", "/api/v1/cases/{case_id:int}/merchant/confirm"): RECORDERS,  # a clerk or supervisor names it
    ("POST", "/api/v1/cases/{case_id:int}/merchant/relink"): RECORDERS,
    ("POST", "/api/v1/cases/{case_id:int}/merchant-link"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/offers"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/offers/{offer_id:int}/answer"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/offers/{offer_id:int}/withdraw"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/pause"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/recusals"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/recusals/{recusal_id:int}/decide"): SUPERVISOR,
    ("POST", "/api/v1/cases/{case_id:int}/reject"): SUPERVISOR,
    ("POST", "/api/v1/cases/{case_id:int}/spam"): SUPERVISOR,
    ("POST", "/api/v1/cases/{case_id:int}/release"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/reopen"): SUPERVISOR,
    ("POST", "/api/v1/cases/{case_id:int}/resume"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/route"): SUPERVISOR,
    ("POST", "/api/v1/cases/{case_id:int}/sessions"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/settlement/performance"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/settlement/issue"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/settlement/confirm"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/terminate"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/termination-notice/sent"): CASE_WORKERS,
    ("POST", "/api/v1/cases/{case_id:int}/tests"): CASE_WORKERS,
    ("GET", "/api/v1/clusters"): CASE_READERS,
    ("POST", "/api/v1/clusters/{alert_id:int}/decide"): SUPERVISOR,
    ("GET", "/api/v1/product-signals"): SUPERVISOR,
    ("GET", "/api/v1/product-signals/{signal_id:int}"): SUPERVISOR,
    ("POST", "/api/v1/product-signals/{signal_id:int}/decide"): SUPERVISOR,
    ("GET", "/api/v1/indicators"): STATS_READERS,
    ("GET", "/api/v1/merchants"): MERCHANT_READERS,
    ("POST", "/api/v1/merchants"): MERCHANT_KEEPERS,
    ("GET", "/api/v1/merchants/{merchant_id:int}"): MERCHANT_READERS,
    ("PATCH", "/api/v1/merchants/{merchant_id:int}"): MERCHANT_KEEPERS,
    ("POST", "/api/v1/merchants/{merchant_id:int}/merge"): MERCHANT_KEEPERS,
    ("POST", "/api/v1/merchants/{merchant_id:int}/agreements"): MERCHANT_KEEPERS,
    ("POST", "/api/v1/merchants/{merchant_id:int}/commitments"): MERCHANT_KEEPERS,
    ("POST", "/api/v1/merchants/{merchant_id:int}/deposit"): MERCHANT_KEEPERS,
    ("GET", "/api/v1/merchants/{merchant_id:int}/ledger"): MERCHANT_READERS,
    ("POST", "/api/v1/merchants/{merchant_id:int}/verify"): MERCHANT_KEEPERS,
    ("POST", "/api/v1/merchants/{merchant_id:int}/public-entry/withhold"): MERCHANT_KEEPERS,
    ("POST", "/api/v1/merchants/{merchant_id:int}/public-entry/restore"): MERCHANT_KEEPERS,
    ("GET", "/api/v1/queues"): CASE_READERS,
    ("POST", "/api/v1/queues/{queue:str}/claim"): CASE_WORKERS,
    ("POST", "/api/v1/queues/{queue:str}/members"): SUPERVISOR,
    ("DELETE", "/api/v1/queues/{queue:str}/members/{user_id:int}"): SUPERVISOR,
    ("GET", "/api/v1/returns"): STATS_READERS,
    ("GET", "/api/v1/returns/{month:str}"): STATS_READERS,
    ("POST", "/api/v1/returns/{month:str}"): RETURN_MAKERS,
    ("POST", "/api/v1/open-data/{month:str}/restatements"): RETURN_MAKERS,  # restating an open-data file
    ("GET", "/api/v1/auth/tokens"): ADMIN,
    ("POST", "/api/v1/tests/{test_id:int}/finish"): CASE_WORKERS,
    # staff pages (session cookie; forms carry a CSRF token)
    ("GET", "/staff"): ANY_STAFF,
    ("GET", "/staff/appeals"): SUPERVISOR,
    ("POST", "/staff/appeals/{appeal_id:int}/decide"): SUPERVISOR,
    ("GET", "/staff/cases"): CASE_READERS,
    ("GET", "/staff/cases/{case_id:int}"): CASE_READERS,
    ("POST", "/staff/cases/{case_id:int}/accept"): SUPERVISOR,
    ("GET", "/staff/cases/{case_id:int}/arbitration-bundle"): CASE_READERS,
    ("POST", "/staff/cases/{case_id:int}/arbitration/award"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/arbitration/referral"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/close"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/contacts"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/first-payment/answer"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/first-payment/payout"): SUPERVISOR,
    ("GET", "/staff/cases/{case_id:int}/first-payment/payout"): SUPERVISOR,  # the confirmation page
    ("POST", "/staff/cases/{case_id:int}/merchant-link"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/merchant/confirm"): RECORDERS,
    ("POST", "/staff/cases/{case_id:int}/merchant/relink"): RECORDERS,
    ("GET", "/staff/cases/{case_id:int}/notice"): CASE_READERS,
    ("POST", "/staff/cases/{case_id:int}/offers"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/offers/{offer_id:int}/answer"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/offers/{offer_id:int}/withdraw"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/pause"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/recusals"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/recusals/{recusal_id:int}/decide"): SUPERVISOR,
    ("POST", "/staff/cases/{case_id:int}/reject"): SUPERVISOR,
    ("POST", "/staff/cases/{case_id:int}/reassign"): SUPERVISOR,
    ("POST", "/staff/cases/{case_id:int}/spam"): SUPERVISOR,
    ("POST", "/staff/cases/{case_id:int}/reopen"): SUPERVISOR,
    ("POST", "/staff/cases/{case_id:int}/resume"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/route"): SUPERVISOR,
    ("POST", "/staff/cases/{case_id:int}/sessions"): CASE_WORKERS,
    ("GET", "/staff/cases/{case_id:int}/settlement"): CASE_READERS,
    ("POST", "/staff/cases/{case_id:int}/settlement/performance"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/settlement/issue"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/settlement/confirm"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/terminate"): CASE_WORKERS,
    ("GET", "/staff/cases/{case_id:int}/termination-notice"): CASE_READERS,
    ("POST", "/staff/cases/{case_id:int}/termination-notice/sent"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/tests"): CASE_WORKERS,
    ("POST", "/staff/cases/{case_id:int}/tests/{test_id:int}/finish"): CASE_WORKERS,
    ("GET", "/staff/clusters"): CASE_READERS,
    ("POST", "/staff/clusters/{alert_id:int}/decide"): SUPERVISOR,
    ("GET", "/staff/product-signals"): SUPERVISOR,
    ("GET", "/staff/product-signals/{signal_id:int}"): SUPERVISOR,
    ("POST", "/staff/product-signals/{signal_id:int}/decide"): SUPERVISOR,
    ("GET", "/staff/complaints/new"): RECORDERS,
    ("POST", "/staff/complaints/new"): RECORDERS,
    ("GET", "/staff/evidence/{case_id:int}/{evidence_id:int}"): CASE_READERS,
    ("GET", "/staff/indicators"): STATS_READERS,
    ("GET", "/staff/merchants"): MERCHANT_READERS,
    ("POST", "/staff/merchants"): MERCHANT_KEEPERS,
    ("GET", "/staff/merchants/import"): MERCHANT_KEEPERS,
    ("POST", "/staff/merchants/import"): MERCHANT_KEEPERS,
    ("GET", "/staff/merchants/{merchant_id:int}"): MERCHANT_READERS,
    ("POST", "/staff/merchants/{merchant_id:int}/agreements"): MERCHANT_KEEPERS,
    ("POST", "/staff/merchants/{merchant_id:int}/commitments"): MERCHANT_KEEPERS,
    ("POST", "/staff/merchants/{merchant_id:int}/deposit"): MERCHANT_KEEPERS,
    ("POST", "/staff/merchants/{merchant_id:int}/edit"): MERCHANT_KEEPERS,
    ("POST", "/staff/merchants/{merchant_id:int}/merge"): MERCHANT_KEEPERS,
    ("POST", "/staff/merchants/{merchant_id:int}/verify"): MERCHANT_KEEPERS,
    ("POST", "/staff/merchants/{merchant_id:int}/public-withhold"): MERCHANT_KEEPERS,
    ("POST", "/staff/merchants/{merchant_id:int}/public-restore"): MERCHANT_KEEPERS,
    ("GET", "/staff/queue"): CASE_WORKERS,
    ("POST", "/staff/queue/release/{case_id:int}"): CASE_WORKERS,
    ("POST", "/staff/queue/{queue:str}/claim"): CASE_WORKERS,
    ("GET", "/staff/queues"): SUPERVISOR,
    ("POST", "/staff/queues/{queue:str}/members"): SUPERVISOR,
    ("POST", "/staff/queues/{queue:str}/members/{user_id:int}/remove"): SUPERVISOR,
    ("POST", "/staff/mediators/{user_id:int}/limit"): SUPERVISOR,
    ("GET", "/staff/returns"): STATS_READERS,
    ("POST", "/staff/returns"): RETURN_MAKERS,
    ("GET", "/staff/returns/{month:str}"): STATS_READERS,
    ("GET", "/staff/reports"): STATS_READERS,
    ("GET", "/staff/reports/{year:str}"): STATS_READERS,  # the annual report, and its .docx
    ("POST", "/staff/reports/{year:str}/returns"): RETURN_MAKERS,  # freeze the missing months
    ("POST", "/staff/reports/{year:str}/typical-cases/{case_id:int}"): SUPERVISOR,  # from case files
    ("POST", "/staff/reports/{year:str}/typical-cases/{case_id:int}/remove"): SUPERVISOR,
    ("GET", "/staff/admin/users"): ADMIN,
    ("POST", "/staff/admin/users"): ADMIN,
    ("GET", "/staff/admin/users/{user_id:int}"): ADMIN,
    ("POST", "/staff/admin/users/{user_id:int}/roles"): ADMIN,
    ("POST", "/staff/admin/users/{user_id:int}/{action:str}"): ADMIN,
    ("POST", "/staff/admin/users/{user_id:int}/sessions/{fingerprint:str}/revoke"): ADMIN,
    ("GET", "/staff/admin/calendar"): ADMIN,
    ("POST", "/staff/admin/calendar/preview"): ADMIN,  # with no file: the page again, 422
    ("POST", "/staff/admin/calendar/load"): ADMIN,
}

# Open to anyone: the consumer's pages and API (guarded by the access code), the merchant's and the
# survey's token links (guarded by the token), signing in and out, health, taxonomy, the API schema.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/"),
        ("GET", "/en"),  # the home page in English (a redirect to /?lang=en)
        ("POST", "/api/v1/auth/token"),
        ("DELETE", "/api/v1/auth/token"),  # revokes the token it carries (like /staff/logout); none: 401
        ("POST", "/api/v1/complaints"),
        ("GET", "/api/v1/complaints/{tracking_no:str}"),
        ("GET", "/api/v1/merchants/suggest"),  # the registry's public business data, for the form
        ("POST", "/api/v1/complaints/{tracking_no:str}/evidence"),
        ("GET", "/api/v1/taxonomy"),
        ("GET", "/api/v1/sms/reports"),  # Kannel's delivery reports: the HMAC in `sig` is the credential
        ("GET", "/complaints/new"),
        ("POST", "/complaints/new"),
        ("GET", "/health"),
        ("GET", "/favicon.ico"),
        ("GET", "/static/staff.css"),
        ("GET", "/metrics"),  # its own bearer token, METRICS_TOKEN (tests/api/test_metrics.py); 404 without
        ("GET", "/m/{token:str}"),
        ("POST", "/m/{token:str}/cases/{case_id:int}/answer"),
        ("POST", "/m/{token:str}/offers/{offer_id:int}/answer"),
        ("POST", "/m/{token:str}/cases/{case_id:int}/settlement/confirm"),
        ("POST", "/m/{token:str}/public-reply"),  # the merchant's public response (消费评议), by its token
        ("GET", "/public/merchants"),  # 消费评议: businesses only
        ("GET", "/api/v1/public/merchants"),
        ("GET", "/public/data"),  # the open dataset (issue 18 §2): k-anonymous, no personal data
        ("GET", "/api/v1/open-data"),
        ("GET", "/api/v1/open-data/{name:str}"),
        ("GET", "/staff/login"),
        ("POST", "/staff/login"),
        ("POST", "/staff/logout"),
        ("GET", "/staff/password/new"),
        ("POST", "/staff/password/new"),
        ("GET", "/survey/{token:str}"),
        ("POST", "/survey/{token:str}"),
        ("POST", "/survey/{token:str}/appeal"),
        ("GET", "/track"),
        ("POST", "/track"),
        ("POST", "/track/evidence"),
        ("POST", "/track/offer"),
        ("POST", "/track/settlement/confirm"),
        ("POST", "/track/survey"),
        ("POST", "/track/survey/appeal"),
    }
)


def served_routes(app: Litestar) -> set[tuple[str, str]]:
    """(method, path) for every handler the app serves, OPTIONS and the OpenAPI schema pages aside."""
    return {
        (method, route.path)
        for route in app.routes
        if not route.path.startswith("/schema")
        for handler in getattr(route, "route_handlers", ())
        for method in handler.http_methods
        if method != "OPTIONS"
    }


def concrete(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2)
        return str(NO_ID) if kind == "int" else STRING_PARAMS[name]

    return re.sub(r"\{(\w+):(\w+)\}", value, path)


def test_every_route_is_classified(settings: Settings) -> None:
    served = served_routes(create_app(settings))
    unclassified = served - STAFF_ROUTES.keys() - PUBLIC_ROUTES
    assert not unclassified, f"say who may call these routes in STAFF_ROUTES or PUBLIC_ROUTES: {unclassified}"
    gone = (STAFF_ROUTES.keys() | PUBLIC_ROUTES) - served
    assert not gone, f"routes in the table the app no longer serves: {gone}"
    assert not STAFF_ROUTES.keys() & PUBLIC_ROUTES
    assert {concrete(p) for _, p in STAFF_ROUTES}  # every path parameter has a value to send


def test_staff_pages_and_api_are_guarded_by_the_app_not_by_luck(settings: Settings) -> None:
    """Every staff route except the home page (which checks the session itself) carries a guard."""
    app = create_app(settings)
    unguarded = {
        (method, route.path)
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
        for method in handler.http_methods
        if (method, route.path) in STAFF_ROUTES and not handler.resolve_guards()
    }
    assert unguarded == {("GET", "/staff")}


@pytest.fixture(scope="module")
async def browsers(settings: Settings, staff: dict[str, Staff]) -> AsyncIterator[dict[str, Client]]:
    opened = {ANONYMOUS: await signed_in(settings, None, next_page="/staff")}
    for role in ROLES:
        opened[role] = await signed_in(settings, staff[role].username, next_page="/staff")
    yield opened
    for browser in opened.values():
        await browser.__aexit__(None, None, None)


Call = Callable[[str, str], Awaitable[Any]]


@pytest.mark.parametrize("who", [ANONYMOUS, *ROLES])
async def test_the_role_matrix(
    who: str, client: Client, staff: dict[str, Staff], browsers: dict[str, Client]
) -> None:
    browser = browsers[who]
    token = csrf_token((await browser.get("/staff/login")).text)
    api_headers = {} if who == ANONYMOUS else staff[who].headers
    wrong: list[str] = []
    for (method, template), allowed in sorted(STAFF_ROUTES.items()):
        path = concrete(template)
        if path.startswith("/api/"):
            r = await client.request(method, path, json={}, headers=api_headers)
            refused = {401} if who == ANONYMOUS else {403}
        else:
            data = {"_csrf_token": token} if method == "POST" else None
            r = await browser.request(method, path, data=data)
            refused = {303} if who == ANONYMOUS else {403}
        to_sign_in = r.status_code == 303 and r.headers.get("location", "").startswith("/staff/login")
        if who in allowed:
            ok = r.status_code < 500 and r.status_code not in (401, 403) and not to_sign_in
        else:
            ok = r.status_code in refused and (r.status_code != 303 or to_sign_in)
        if not ok:
            expected = "allowed" if who in allowed else f"refused {refused}"
            wrong.append(f"{method} {path}: {r.status_code} (expected {expected})")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


async def test_the_api_takes_bearer_tokens_only(browsers: dict[str, Client]) -> None:
    """A signed-in browser's cookie riding along to the JSON API acts for nobody (the API has no CSRF)."""
    r = await browsers["supervisor"].get("/api/v1/cases")
    assert r.status_code == 401


# --- consumers: an access code opens its own case only ---------------------------------------------


async def file_complaint(client: Client, **changes: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/complaints", json=complaint_body(**changes))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_an_access_code_opens_its_own_case_only(client: Client) -> None:
    mine, theirs = await file_complaint(client), await file_complaint(client)
    own = await client.get(
        f"/api/v1/complaints/{mine['tracking_no']}", headers={"X-Access-Code": mine["access_code"]}
    )
    assert own.status_code == 200
    other = await client.get(
        f"/api/v1/complaints/{theirs['tracking_no']}", headers={"X-Access-Code": mine["access_code"]}
    )
    assert other.status_code == 404 and theirs["tracking_no"] not in other.text
    evidence = await client.post(
        f"/api/v1/complaints/{theirs['tracking_no']}/evidence",
        headers={"X-Access-Code": mine["access_code"]},
        files=[("files", ("receipt.png", b"\x89PNG\r\n\x1a\n" + b"x" * 64, "image/png"))],
    )
    assert evidence.status_code == 404
    page = await open_tracking(client, theirs["tracking_no"], mine["access_code"])
    assert page.status_code == 404 and "投诉编号或查询码不正确" in page.text
    assert theirs["tracking_no"] not in page.text.replace(f'value="{theirs["tracking_no"]}"', "")


# --- merchants: a link opens its own merchant's cases only -----------------------------------------


def in_days(n: int) -> str:
    return (datetime.now(LOCAL_TZ).date() + timedelta(days=n)).isoformat()


async def routed_to_mediation(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], name: str
) -> dict[str, Any]:
    receipt = await file_complaint(client, merchant__uscc=fresh_uscc(), merchant__name=name)
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", receipt["tracking_no"])
    r = await client.post(f"/api/v1/cases/{case_id}/accept", json={}, headers=staff["supervisor"].headers)
    assert r.status_code == 200, r.text
    assert await routing.route_case(pool, case_id, now=datetime.now(UTC)) == "mediation"
    await hand_to_mediator(client, pool, staff, case_id)  # only its mediator works it (issue 13)
    return {**receipt, "case_id": case_id}


async def test_a_merchant_link_opens_its_own_cases_only(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    mediator = staff["mediator"].headers
    ours = await routed_to_mediation(client, pool, staff, "杭州矩阵甲商店")
    theirs = await routed_to_mediation(client, pool, staff, "杭州矩阵乙商店")
    links = {}
    for case in (ours, theirs):
        r = await client.post(f"/api/v1/cases/{case['case_id']}/merchant-link", headers=mediator)
        assert r.status_code == 201, r.text
        links[case["case_id"]] = "/m/" + str(r.json()["url"]).rsplit("/m/", 1)[1]
    offer = await client.post(
        f"/api/v1/cases/{theirs['case_id']}/offers",
        json={"from_party": "consumer", "remedy": "refund", "amount": "399.00", "answer_by": in_days(10)},
        headers=mediator,
    )
    assert offer.status_code == 201, offer.text

    page = await client.get(links[ours["case_id"]])
    assert page.status_code == 200
    assert ours["tracking_no"] in page.text and theirs["tracking_no"] not in page.text
    token = csrf_token((await client.get("/track")).text)  # the page has no form: nothing of ours is open
    # our link cannot answer the other merchant's offer, nor its case
    stolen_offer = await client.post(
        f"{links[ours['case_id']]}/offers/{offer.json()['id']}/answer",
        data={"answer": "accept", "case_id": str(theirs["case_id"]), "_csrf_token": token},
    )
    assert stolen_offer.status_code == 404 and theirs["tracking_no"] not in stolen_offer.text
    stolen_case = await client.post(
        f"{links[ours['case_id']]}/cases/{theirs['case_id']}/answer",
        data={"answer": "refuse", "note": "不是我们", "_csrf_token": token},
    )
    assert stolen_case.status_code == 404
    state = await pool.fetchval("SELECT status FROM offers WHERE id = $1", offer.json()["id"])
    assert state == "open"
    # a made-up or mangled token opens nothing
    assert (await client.get(links[ours["case_id"]] + "x")).status_code == 404


# --- guessing is slowed per client and per tracking number -----------------------------------------


def from_address(app: Litestar, host: str) -> Callable[..., Awaitable[None]]:
    """The app as seen from another client address (the test client always says 'testclient')."""

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = {**scope, "client": (host, 50000)}
        await app(scope, receive, send)

    return asgi


@pytest.fixture
async def two_clients(settings: Settings) -> AsyncIterator[tuple[Client, Client]]:
    a: Client = AsyncTestClient(app=from_address(create_app(settings), "198.51.100.1"))  # type: ignore[arg-type]
    b: Client = AsyncTestClient(app=from_address(create_app(settings), "198.51.100.2"))  # type: ignore[arg-type]
    async with a, b:
        yield a, b


async def test_a_guessing_client_is_slowed_and_another_is_not(
    two_clients: tuple[Client, Client], settings: Settings
) -> None:
    guesser, neighbour = two_clients
    case = await file_complaint(neighbour)
    limit = settings.track_max_failures_per_client
    assert limit > settings.track_max_failures  # a whole office behind one address gets more tries
    # one wrong code each for many made-up numbers: under the per-number limit, over the per-client one
    for n in range(limit):
        r = await guesser.get(f"/api/v1/complaints/GS20200101-{n:06d}", headers={"X-Access-Code": "WRONG999"})
        assert r.status_code == 404, (n, r.text)
    blocked = await guesser.get(
        f"/api/v1/complaints/{case['tracking_no']}", headers={"X-Access-Code": case["access_code"]}
    )
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    # the tracking page counts against the same client
    page = await open_tracking(guesser, case["tracking_no"], case["access_code"])
    assert page.status_code == 429
    # the other client is not held back: its own case opens with its code
    ok = await neighbour.get(
        f"/api/v1/complaints/{case['tracking_no']}", headers={"X-Access-Code": case["access_code"]}
    )
    assert ok.status_code == 200, ok.text


async def test_guesses_at_one_number_from_many_clients_are_slowed_too(
    settings: Settings, two_clients: tuple[Client, Client]
) -> None:
    """Spreading the guesses for one tracking number over addresses does not escape the per-number limit:
    past it wrong answers come late (never a refusal, issue 13 item 3), and the right code still opens."""
    first, second = two_clients
    case = await file_complaint(first)
    url = f"/api/v1/complaints/{case['tracking_no']}"
    statuses, waited = [], 0.0
    for n in range(settings.track_max_failures + 1):
        c = first if n % 2 else second
        started = time.monotonic()
        statuses.append((await c.get(url, headers={"X-Access-Code": "WRONG999"})).status_code)
        waited = time.monotonic() - started
    assert statuses == [404] * (settings.track_max_failures + 1)
    assert waited >= settings.track_slowdown_base_s  # the answer past the limit waited
    right = await second.get(url, headers={"X-Access-Code": case["access_code"]})
    assert right.status_code == 200, right.text
