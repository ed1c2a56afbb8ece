"""A supervisor runs the office from the browser (issue 15): the registry import (a bad row, then a good
file, then the update mode), team membership and each mediator's limit, reassigning a case with a reason
(over the limit only after confirming), a deposit top-up and a payout that waits for its confirmation
page, the case queue's filters with empty fields, and case pages that offer only what the state allows.

Everything goes through the pages with a cookie session and each form's CSRF token, as a browser would.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from argon2 import PasswordHasher
from litestar.testing import AsyncTestClient

from domain.queues import OpenCaseLimit
from service.cli.merchants import cmd_merchants_import
from service.settings import Settings
from service.usecases import auth, first_payment, queues
from service.usecases.first_payment_commands import RecordDeposit
from tests.support.cases import accepted_and_routed, merchant_with_commitment
from tests.support.casework import browser_of
from tests.support.factories import complaint_body, fresh_uscc
from tests.support.html import csrf_token
from tests.support.queues import insert_cases, new_queue, new_user
from tests.support.staff import Staff

Client = AsyncTestClient  # type: ignore[type-arg]
HEADER = "name,uscc,address,subdistrict,kind,parent_uscc,contact_name,contact_phone,contact_email,ends_on\n"


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mediators made here never sign in: hash their passwords cheaply."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
async def browser(settings: Settings, staff: dict[str, Staff]) -> AsyncIterator[Client]:
    async with browser_of(settings, "t_supervisor") as b:
        yield b


async def token_of(browser: Client, path: str) -> str:
    page = await browser.get(path)
    assert page.status_code == 200, page.text
    return csrf_token(page.text)


# --- the registry import -------------------------------------------------------------------------------


async def test_import_a_bad_row_then_a_good_file_then_update_by_uscc(
    browser: Client, pool: asyncpg.Pool
) -> None:
    page = await browser.get("/staff/merchants/import")
    assert page.status_code == 200
    for code in ("shop", "platform", "market", "exhibition", "counter_lessor"):
        assert f'<td class="mono">{code}</td>' in page.text  # the allowed kind codes, on the page
    a, b = fresh_uscc(), fresh_uscc()
    bad = (
        HEADER
        + f"拱墅区导入测试电器行,{a},杭州市拱墅区湖墅南路1号,,shop,,,,,\n"
        + f"拱墅区导入测试超市,{b},杭州市拱墅区湖墅南路2号,,supermarket,,,,,\n"
    )
    r = await browser.post(
        "/staff/merchants/import",
        data={"_csrf_token": csrf_token(page.text), "mode": "create"},
        files={"file": ("merchants.csv", bad.encode(), "text/csv")},
    )
    assert r.status_code == 422
    assert "未导入任何数据" in r.text and "第 3 行" in r.text
    row = re.search(
        r"<tr><td class=\"num\">第 3 行</td><td>([^<]*)（<span class=\"mono\">kind</span>）</td>"
        r"<td>([^<]*)</td>",
        r.text,
    )
    assert row is not None, r.text
    assert "counter_lessor（柜台出租者）" in row.group(2) and "shop（商户）" in row.group(2)
    assert await pool.fetchval("SELECT count(*) FROM merchants WHERE uscc = any($1::text[])", [a, b]) == 0

    good = bad.replace("supermarket", "market")
    r = await browser.post(
        "/staff/merchants/import",
        data={"_csrf_token": csrf_token(r.text), "mode": "create"},
        files={"file": ("merchants.csv", good.encode(), "text/csv")},
    )
    assert r.status_code == 303 and r.headers["location"] == "/staff/merchants/import?created=2&updated=0"
    done = await browser.get(r.headers["location"])
    assert "新登记 2 家，更新 0 家" in done.text
    kinds = dict(await pool.fetch("SELECT uscc, kind FROM merchants WHERE uscc = any($1::text[])", [a, b]))
    assert kinds == {a: "shop", b: "market"}

    # the same file again: refused as registered, unless the update mode is chosen
    again = await browser.post(
        "/staff/merchants/import",
        data={"_csrf_token": csrf_token(done.text), "mode": "create"},
        files={"file": ("merchants.csv", good.encode(), "text/csv")},
    )
    assert again.status_code == 422 and "已登记" in again.text and "更新已登记的商家" in again.text
    renamed = good.replace("拱墅区导入测试超市", "拱墅区导入测试购物中心")
    r = await browser.post(
        "/staff/merchants/import",
        data={"_csrf_token": csrf_token(again.text), "mode": "update"},
        files={"file": ("merchants.csv", renamed.encode(), "text/csv")},
    )
    assert r.status_code == 303 and r.headers["location"].endswith("created=0&updated=2")
    assert await pool.fetchval("SELECT name FROM merchants WHERE uscc = $1", b) == "拱墅区导入测试购物中心"
    assert await pool.fetchval("SELECT count(*) FROM merchants WHERE uscc = $1", b) == 1
    logged = await pool.fetch(
        "SELECT payload FROM office_events WHERE kind = 'merchants_imported' ORDER BY id DESC LIMIT 2"
    )
    assert [e["payload"] for e in logged] == [
        {"created": 0, "updated": 2, "update_mode": True},
        {"created": 2, "updated": 0, "update_mode": False},
    ]


async def test_an_unreadable_file_is_a_message_not_an_error(browser: Client) -> None:
    token = await token_of(browser, "/staff/merchants/import")
    r = await browser.post(
        "/staff/merchants/import",
        data={"_csrf_token": token},
        files={"file": ("merchants.csv", "名称,地址\n甲,乙\n".encode("gbk"), "text/csv")},
    )
    assert r.status_code == 422 and "UTF-8" in r.text
    none = await browser.post("/staff/merchants/import", data={"_csrf_token": csrf_token(r.text)})
    assert none.status_code == 422 and "请选择要导入的 CSV 文件" in none.text


# --- queues: members and limits ------------------------------------------------------------------------


async def test_team_membership_and_a_mediators_own_limit(browser: Client, pool: asyncpg.Pool) -> None:
    queue = await new_queue(pool, max_open=30)
    m = await new_user(pool, prefix="tof")
    token = await token_of(browser, "/staff/queues")

    r = await browser.post(
        f"/staff/queues/{queue}/members", data={"_csrf_token": token, "user_id": str(m.id)}
    )
    assert r.status_code == 303 and "notice=member_added" in r.headers["location"]
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM queue_members WHERE queue = $1 AND user_id = $2", queue, m.id
        )
        == 1
    )
    page = await browser.get(r.headers["location"])
    team = re.search(rf'<td data-label="成员" id="team-{queue}">(.*?)</td>', page.text, re.S)
    assert team is not None and m.display_name in team.group(1) and "在办 0 / 上限 30" in team.group(1)
    assert "已加入调解组。" in page.text

    bad = await browser.post(
        f"/staff/mediators/{m.id}/limit", data={"_csrf_token": token, "max_open": "两件"}
    )
    assert "notice=limit_invalid" in bad.headers["location"]
    assert "上限应为1到1000之间的整数" in (await browser.get(bad.headers["location"])).text
    r = await browser.post(f"/staff/mediators/{m.id}/limit", data={"_csrf_token": token, "max_open": "2"})
    assert "notice=limit_set" in r.headers["location"]
    assert await pool.fetchval("SELECT max_open FROM mediator_limits WHERE user_id = $1", m.id) == 2
    page = await browser.get("/staff/queues")
    assert (
        f'id="limit-{m.id}" name="max_open" min="1" max="1000" step="1" inputmode="numeric" value="2"'
        in page.text
    )

    # the own limit binds claims instead of the queue's 30
    await insert_cases(pool, 3, queue=queue)
    now = datetime.now(UTC)
    assert await queues.claim(pool, queue, m, now=now) is not None
    assert await queues.claim(pool, queue, m, now=now) is not None
    with pytest.raises(OpenCaseLimit) as refused:
        await queues.claim(pool, queue, m, now=now)
    assert refused.value.limit == 2

    cleared = await browser.post(
        f"/staff/mediators/{m.id}/limit", data={"_csrf_token": token, "max_open": ""}
    )
    assert "notice=limit_set" in cleared.headers["location"]
    assert await pool.fetchval("SELECT count(*) FROM mediator_limits WHERE user_id = $1", m.id) == 0

    r = await browser.post(f"/staff/queues/{queue}/members/{m.id}/remove", data={"_csrf_token": token})
    assert r.status_code == 303 and "notice=member_removed" in r.headers["location"]
    assert await pool.fetchval("SELECT count(*) FROM queue_members WHERE queue = $1", queue) == 0
    kinds = [
        r["kind"]
        for r in await pool.fetch(
            "SELECT kind FROM office_events WHERE (payload->>'user_id')::bigint = $1 ORDER BY id", m.id
        )
    ]
    assert kinds == [
        "queue_member_added",
        "mediator_limit_set",
        "mediator_limit_set",
        "queue_member_removed",
    ]  # the refused limit wrote nothing


# --- reassigning a case ----------------------------------------------------------------------------------


async def test_reassign_with_a_reason_and_a_confirmation_over_the_limit(
    browser: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    queue = await new_queue(pool, max_open=1)
    case_id, other_id = await insert_cases(pool, 2, queue=queue)
    first, second = await new_user(pool, prefix="tof"), await new_user(pool, prefix="tof")
    sup = await pool.fetchrow("SELECT id FROM staff_users WHERE username = 't_supervisor'")
    assert sup is not None
    now = datetime.now(UTC)
    supervisor = auth_user(sup["id"])
    await queues.reassign(pool, case_id, supervisor, first.id, now=now)
    await queues.reassign(pool, other_id, supervisor, second.id, now=now)  # `second` is at the limit of 1

    page = await browser.get(f"/staff/cases/{case_id}")
    assert "改派调解员" in page.text and f"目前承办：<strong>{first.display_name}</strong>" in page.text
    assert f"{second.display_name}（在办 1 / 上限 1，已达上限）" in page.text
    token = csrf_token(page.text)

    no_reason = await browser.post(
        f"/staff/cases/{case_id}/reassign",
        data={"_csrf_token": token, "user_id": str(second.id), "reason": " "},
    )
    assert no_reason.status_code == 422 and "请写明改派原因" in no_reason.text

    asked = await browser.post(
        f"/staff/cases/{case_id}/reassign",
        data={"_csrf_token": token, "user_id": str(second.id), "reason": "原调解员休假两周"},
    )
    assert asked.status_code == 200 and "确认改派：该调解员已达在办案件上限" in asked.text
    assert await pool.fetchval("SELECT assigned_to FROM cases WHERE id = $1", case_id) == first.id  # not yet

    r = await browser.post(
        f"/staff/cases/{case_id}/reassign",
        data={
            "_csrf_token": csrf_token(asked.text),
            "user_id": str(second.id),
            "reason": "原调解员休假两周",
            "confirm_over_limit": "yes",
        },
    )
    assert r.status_code == 303 and r.headers["location"].endswith("done=reassigned")
    assert await pool.fetchval("SELECT assigned_to FROM cases WHERE id = $1", case_id) == second.id
    event = await pool.fetchrow(
        "SELECT actor, payload FROM case_events WHERE case_id = $1 AND kind = 'reassigned'"
        " ORDER BY id DESC LIMIT 1",
        case_id,
    )
    assert event["actor"] == f"staff:{sup['id']}"
    assert event["payload"] == {
        "from": first.id,
        "to": second.id,
        "from_name": first.display_name,
        "to_name": second.display_name,
        "reason": "原调解员休假两周",
    }
    after = await browser.get(r.headers["location"])
    history = after.text[after.text.index('id="timeline-title"') :]
    assert "<dt>原承办调解员</dt>" in history and first.display_name in history
    assert "<dt>改派给</dt>" in history and "<dt>改派原因</dt>" in history and "原调解员休假两周" in history


def auth_user(user_id: int) -> Any:
    from domain.roles import Role
    from service.store.staff import StaffUser

    return StaffUser(user_id, "t_supervisor", "测试t_supervisor", frozenset({Role.SUPERVISOR}))


# --- deposits: a top-up, a confirmed payout, a recovery --------------------------------------------------


async def test_a_top_up_and_a_payout_confirmed_on_its_own_page(
    browser: Client, client: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    merchant_id, uscc = await merchant_with_commitment(pool, name="拱墅区押金测试电器行")
    page = await browser.get(f"/staff/merchants/{merchant_id}")
    assert "保证金账户" in page.text and "缴存保证金" in page.text
    token = csrf_token(page.text)
    bad = await browser.post(
        f"/staff/merchants/{merchant_id}/deposit",
        data={"_csrf_token": token, "form": "deposit", "amount": "两千"},
    )
    assert bad.status_code == 422 and "金额格式不正确" in bad.text
    r = await browser.post(
        f"/staff/merchants/{merchant_id}/deposit",
        data={"_csrf_token": token, "form": "deposit", "amount": "2000.00", "memo": "首次缴纳"},
    )
    assert r.status_code == 303 and "done=deposit_top_up" in r.headers["location"]
    page = await browser.get(r.headers["location"])
    assert "保证金缴存已登记。" in page.text and "<dt>保证金余额</dt><dd>2000.00 元</dd>" in page.text
    assert "首次缴纳" in page.text and "测试t_supervisor" in page.text  # the transaction and who recorded it

    case = await accepted_and_routed(
        client, staff, pool, complaint_body(merchant__uscc=uscc, claim_amount="399.00")
    )
    case_id = case["case_id"]
    await first_payment.flag_deadlines(pool, now=datetime.now(UTC) + timedelta(days=10))  # the reply is late
    case_page = await browser.get(f"/staff/cases/{case_id}")
    assert f'href="/staff/cases/{case_id}/first-payment/payout"' in case_page.text
    assert f'action="/staff/cases/{case_id}/first-payment/payout"' not in case_page.text  # no one-click pay

    # a post that did not come from the confirmation page only shows that page
    shown = await browser.post(
        f"/staff/cases/{case_id}/first-payment/payout", data={"_csrf_token": csrf_token(case_page.text)}
    )
    assert shown.status_code == 200 and "确认从质量保证金中先行赔付" in shown.text
    assert await deposit_balance(pool, merchant_id) == 200_000
    confirm = await browser.get(f"/staff/cases/{case_id}/first-payment/payout")
    facts = confirm.text[confirm.text.index('id="payout-facts"') :]
    assert case["tracking_no"] in facts and "拱墅区押金测试电器行" in facts
    assert "<dt>支付金额</dt><dd><strong>399.00 元</strong></dd>" in facts
    assert "<dt>支付前保证金余额</dt><dd>2000.00 元</dd>" in facts
    assert "<dt>支付后保证金余额</dt><dd>1601.00 元</dd>" in facts

    # the amount the page showed is the amount paid: another is refused
    wrong = await browser.post(
        f"/staff/cases/{case_id}/first-payment/payout",
        data={"_csrf_token": csrf_token(confirm.text), "confirm": "yes", "amount_fen": "100"},
    )
    assert wrong.status_code == 409 and "赔付金额已变化" in wrong.text
    assert await deposit_balance(pool, merchant_id) == 200_000
    paid = await browser.post(
        f"/staff/cases/{case_id}/first-payment/payout",
        data={"_csrf_token": csrf_token(confirm.text), "confirm": "yes", "amount_fen": "39900"},
    )
    assert paid.status_code == 303 and paid.headers["location"].endswith("done=deposit_payout")
    assert await deposit_balance(pool, merchant_id) == 160_100
    kinds = {r["kind"] for r in await pool.fetch("SELECT kind FROM case_events WHERE case_id = $1", case_id)}
    assert {"deposit_payout", "recourse_opened"} <= kinds

    page = await browser.get(f"/staff/merchants/{merchant_id}")
    ledger = page.text[page.text.index('id="ledger-title"') :]
    assert f'<a href="/staff/cases/{case_id}">{case["tracking_no"]}</a>' in ledger and "待补足" in ledger
    assert "登记追偿款" in page.text  # money paid in now is a recovery
    token = csrf_token(page.text)
    r = await browser.post(
        f"/staff/merchants/{merchant_id}/deposit",
        data={"_csrf_token": token, "form": "deposit", "amount": "399.00"},
    )
    assert "done=deposit_recovery" in r.headers["location"]
    page = await browser.get(r.headers["location"])
    assert "追偿款已登记" in page.text and "已补足" in page.text
    assert await deposit_balance(pool, merchant_id) == 200_000
    assert "deposit_recovered" in {
        r["kind"] for r in await pool.fetch("SELECT kind FROM case_events WHERE case_id = $1", case_id)
    }


async def merchant_with_deposit(pool: asyncpg.Pool, name: str) -> str:
    """A merchant whose commitment and deposit route a small claim to first payment; its USCC."""
    merchant_id, uscc = await merchant_with_commitment(pool, name=name)
    sup_id = await pool.fetchval("SELECT id FROM staff_users WHERE username = 't_supervisor'")
    await first_payment.record_deposit(
        pool, merchant_id, auth_user(sup_id), RecordDeposit(amount="1000.00"), now=datetime.now(UTC)
    )
    return uscc


async def deposit_balance(pool: asyncpg.Pool, merchant_id: int) -> int:
    return int(
        await pool.fetchval(
            "SELECT coalesce(sum(p.amount_fen), 0) FROM ledger_postings p"
            " JOIN ledger_accounts a ON a.id = p.account_id WHERE a.merchant_id = $1 AND a.kind = 'deposit'",
            merchant_id,
        )
    )


# --- the case queue's filters, and which deadline each row counts ----------------------------------------


async def test_empty_filter_fields_are_no_filter_and_rows_name_their_deadline(
    browser: Client, client: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    received = (await client.post("/api/v1/complaints", json=complaint_body(subdistrict="kangqiao"))).json()
    r = await browser.get("/staff/cases?status=&subdistrict=&category=&due_within=&overdue=")
    assert r.status_code == 200  # was a 400 for due_within=
    r = await browser.get("/staff/cases?status=received&subdistrict=kangqiao&category=&due_within=")
    assert r.status_code == 200 and received["tracking_no"] in r.text
    assert kind_of_row(r.text, received["tracking_no"]) == "受理"
    bad = await browser.get("/staff/cases?due_within=abc")
    assert bad.status_code == 400 and "请填写0到365之间的整数，或留空表示不限" in bad.text

    uscc = await merchant_with_deposit(pool, "拱墅区期限测试电器行")
    fp = await accepted_and_routed(
        client,
        staff,
        pool,
        complaint_body(merchant__uscc=uscc, claim_amount="399.00", subdistrict="kangqiao"),
    )
    r = await browser.get("/staff/cases?status=first_payment&subdistrict=kangqiao&due_within=")
    assert kind_of_row(r.text, fp["tracking_no"]) == "答复"
    assert "期限（受理 / 答复 / 调解）" in r.text


def kind_of_row(html: str, tracking_no: str) -> str:
    row = html[html.index(f">{tracking_no}</a>") :]
    row = row[: row.index("</tr>")]
    found = re.search(r'<span class="due-kind">([^<]*)</span>', row)
    assert found, row
    return found.group(1)


# --- only what the state allows --------------------------------------------------------------------------


async def test_after_an_override_the_old_routes_actions_go_and_a_closed_case_has_no_link(
    browser: Client, client: Client, pool: asyncpg.Pool, staff: dict[str, Staff]
) -> None:
    uscc = await merchant_with_deposit(pool, f"拱墅区改道测试{uuid.uuid4().hex[:4]}")
    case = await accepted_and_routed(
        client, staff, pool, complaint_body(merchant__uscc=uscc, claim_amount="399.00")
    )
    case_id = case["case_id"]
    page = await browser.get(f"/staff/cases/{case_id}")
    assert f"/staff/cases/{case_id}/first-payment/answer" in page.text
    assert f"/staff/cases/{case_id}/merchant-link" in page.text

    r = await browser.post(
        f"/staff/cases/{case_id}/route",
        data={"_csrf_token": csrf_token(page.text), "route": "mediation", "reason": "消费者要求当面调解"},
    )
    assert r.status_code == 303
    page = await browser.get(f"/staff/cases/{case_id}")
    assert f"/staff/cases/{case_id}/first-payment/answer" not in page.text  # the first payment's forms went
    assert f"/staff/cases/{case_id}/first-payment/payout" not in page.text
    history = page.text[page.text.index('id="timeline-title"') :]
    assert "<dt>调整理由</dt>" in history and "消费者要求当面调解" in history
    overridden = history[history.index("处理方式已调整") :]
    overridden = overridden[: overridden.index("</li>")]
    assert "暂停原因" not in overridden

    r = await browser.post(
        f"/staff/cases/{case_id}/close",
        data={"_csrf_token": csrf_token(page.text), "outcome": "withdrawn", "note": "消费者撤回"},
    )
    assert r.status_code == 303, r.text
    page = await browser.get(f"/staff/cases/{case_id}")
    assert "merchant-link" not in page.text and "/reassign" not in page.text
    # and the endpoint refuses too: nothing is left for the merchant to answer
    refused = await browser.post(
        f"/staff/cases/{case_id}/merchant-link", data={"_csrf_token": csrf_token(page.text)}
    )
    assert refused.status_code == 409


async def test_the_cli_import_has_the_same_update_mode(
    settings: Settings, pool: asyncpg.Pool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code_a = fresh_uscc()
    path = tmp_path / "merchants.csv"
    path.write_text(
        HEADER + f"拱墅区命令行测试商行,{code_a},杭州市拱墅区大关路8号,,shop,,,,,\n", encoding="utf-8"
    )

    async def run(update: bool) -> tuple[int, str, str]:
        code = 0
        try:  # the CLI runs its own event loop: in a thread (as tests/integration/test_merchants_import.py)
            args = argparse.Namespace(file=str(path), update=update)
            await asyncio.to_thread(cmd_merchants_import, settings, args)
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out.strip(), err

    assert (await run(False))[:2] == (0, "imported 1 merchants")
    code, _, err = await run(False)
    assert code != 0 and "已登记" in err
    path.write_text(
        HEADER + f"拱墅区命令行测试商店,{code_a},杭州市拱墅区大关路8号,,shop,,,,,\n", encoding="utf-8"
    )
    assert (await run(True))[:2] == (0, "imported 0 merchants, updated 1")
    assert await pool.fetchval("SELECT name FROM merchants WHERE uscc = $1", code_a) == "拱墅区命令行测试商店"
