"""消费评议 (issue 18 §1) through the app: the public page (zh and en) and API, the merchant's right of reply
on its link, and staff withholding an entry through the API and the merchant's file."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import asyncpg

from domain import public_records as rules
from service.settings import Settings
from service.usecases import public_merchants
from service.usecases.clock import utcnow
from tests.support.cases import mediation_case, merchant_link
from tests.support.casework import browser_of
from tests.support.html import csrf_token, leftovers
from tests.support.public_records import accepted, own_month, verified_merchant
from tests.support.staff import Client, Staff


async def published_month(pool: asyncpg.Pool, today: date, merchant_ids: list[int]) -> str:
    """A month of the test's own in which each merchant has three accepted complaints (the threshold)."""
    month, period = own_month(today)
    async with pool.acquire() as conn, conn.transaction():
        for merchant_id in merchant_ids:
            await accepted(conn, merchant_id, period.end - timedelta(days=12), n=3)
    return f"{month:%Y-%m}"


def entry(body: dict[str, Any], merchant_id: int) -> dict[str, Any] | None:
    return next((m for m in body["merchants"] if m["merchant_id"] == merchant_id), None)


async def test_the_public_list_and_its_page(client: Client, pool: asyncpg.Pool, today_local: date) -> None:
    name = "杭州公示测试电器有限公司"
    merchant_id = await verified_merchant(pool, name)
    month = await published_month(pool, today_local, [merchant_id])

    r = await client.get(f"/api/v1/public/merchants?month={month}&limit=200")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["threshold"] == 3 and body["period_end"].startswith(month)
    shown = entry(body, merchant_id)
    assert shown is not None and shown["name"] == name and shown["figures"]["complaints"] == 3
    assert shown["figures"]["by_problem"] == [
        {"code": "quality", "zh": "质量", "en": "Quality", "complaints": 3}
    ]
    assert {d["name"] for d in body["definitions"]} >= {"complaints", "on_time_share", "resolved_share"}

    page = await client.get(f"/public/merchants?month={month}", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and name in page.text
    for words in ("统计期", "按时答复率", "解决率", "放心消费承诺", "指标说明", "守诺商家"):
        assert words in page.text
    assert 'href="/public/merchants"' in (await client.get("/", headers={"Accept-Language": "zh-CN"})).text

    bad = await client.get("/api/v1/public/merchants?month=2026-13")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "month"
    future = await client.get(f"/api/v1/public/merchants?month={today_local:%Y-%m}")  # not ended yet
    assert future.status_code == 422 and future.json()["errors"][0]["code"] == "out_of_range"
    bad_page = await client.get("/public/merchants?month=xx", headers={"Accept-Language": "zh-CN"})
    assert bad_page.status_code == 422 and "月份格式应为 YYYY-MM" in bad_page.text


async def test_the_page_in_english(api: Client, pool: asyncpg.Pool, today_local: date) -> None:
    name = "杭州英文公示测试商店"
    merchant_id = await verified_merchant(pool, name, committed=True)
    month = await published_month(pool, today_local, [merchant_id])
    page = await api.get(f"/public/merchants?month={month}&lang=en")
    assert page.status_code == 200 and '<html lang="en">' in page.text
    assert "Accepted complaints" in page.text and "On-time replies" in page.text and name in page.text
    listed = (await api.get(f"/api/v1/public/merchants?month={month}&limit=200")).json()
    names = [
        m["name"] for m in listed["merchants"] + listed["clean_record"]
    ]  # businesses' names, as registered
    assert name in names and leftovers(page.text, names) == []


async def test_the_right_of_reply(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff], today_local: date
) -> None:
    api.cookies.clear()  # the English test's language cookie
    mine = await mediation_case(api, pool, staff, "杭州回应测试商店甲")
    other = await mediation_case(api, pool, staff, "杭州回应测试商店乙")
    ids = [
        await pool.fetchval("SELECT merchant_id FROM cases WHERE id = $1", c["case_id"])
        for c in (mine, other)
    ]
    await pool.execute("UPDATE merchants SET verified = true WHERE id = any($1::bigint[])", ids)
    month = await published_month(pool, today_local, ids)
    link, other_link = merchant_link_pair = [
        await merchant_link(api, staff, c["case_id"]) for c in (mine, other)
    ]
    assert len(set(merchant_link_pair)) == 2

    page = await api.get(link, headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and "消费评议：贵单位的公示数据" in page.text
    token = csrf_token(page.text)

    async def reply(path: str, text: str) -> Any:
        return await api.post(f"{path}/public-reply", data={"body": text, "_csrf_token": token},
                              headers={"Accept-Language": "zh-CN"}, follow_redirects=False)  # fmt: skip

    too_long = await reply(link, "好" * (rules.REPLY_MAX + 1))
    assert too_long.status_code == 422 and f"回应不能超过{rules.REPLY_MAX}字" in too_long.text
    phone = await reply(link, "请致电13812345678联系我们")
    assert phone.status_code == 422 and "公开回应不能包含电话号码" in phone.text
    named = await reply(
        link, "张三的说法与事实不符"
    )  # the consumer of its complaint (tests.support.factories)
    assert named.status_code == 422 and "公开回应不能包含消费者的姓名" in named.text

    written = await reply(link, "<b>感谢监督</b>，我店已整改。")
    assert written.status_code == 303 and written.headers["location"].endswith(
        "?done=public_reply#public-entry"
    )
    assert (await reply(link, "我店已全部整改，欢迎监督。")).status_code == 303  # an edit replaces it
    assert (await reply(other_link, "乙店的回应")).status_code == 303  # the other merchant writes its own

    body = (await api.get(f"/api/v1/public/merchants?month={month}&limit=200")).json()
    a, b = entry(body, ids[0]), entry(body, ids[1])
    assert a is not None and b is not None
    assert a["reply"]["body"] == "我店已全部整改，欢迎监督。" and a["reply"]["version"] == 2
    assert b["reply"]["body"] == "乙店的回应" and b["reply"]["version"] == 1
    kept = await pool.fetch(
        "SELECT body FROM public_merchant_replies WHERE merchant_id = $1 ORDER BY version", ids[0]
    )
    assert [r["body"] for r in kept] == ["<b>感谢监督</b>，我店已整改。", "我店已全部整改，欢迎监督。"]
    events = await pool.fetch(
        "SELECT kind, actor FROM office_events WHERE kind = $1 AND (payload->>'merchant_id')::bigint = $2",
        rules.REPLY_WRITTEN, ids[0],
    )  # fmt: skip
    assert [e["actor"] for e in events] == [f"merchant:{ids[0]}"] * 2

    await pool.execute(  # the first version shown again, to see the page escape it
        "INSERT INTO public_merchant_replies (merchant_id, version, body, written_at)"
        " VALUES ($1, 3, $2, now())",
        ids[0], "<b>感谢监督</b>",
    )  # fmt: skip
    shown = await api.get(f"/public/merchants?month={month}", headers={"Accept-Language": "zh-CN"})
    assert "&lt;b&gt;感谢监督&lt;/b&gt;" in shown.text and "<b>感谢监督</b>" not in shown.text
    assert (await reply("/m/no-such-token", "回应")).status_code == 404


async def test_withholding_through_the_api_and_the_merchant_file(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], settings: Settings, today_local: date
) -> None:
    merchant_id = await verified_merchant(pool, "杭州暂停公示测试商店")
    month = await published_month(pool, today_local, [merchant_id])
    url = f"/api/v1/merchants/{merchant_id}/public-entry"
    reason = {"reason": "商家申请复核数据"}
    assert (await client.post(f"{url}/withhold", json=reason)).status_code == 401
    assert (
        await client.post(f"{url}/withhold", json=reason, headers=staff["mediator"].headers)
    ).status_code == 403
    blank = await client.post(f"{url}/withhold", json={"reason": ""}, headers=staff["supervisor"].headers)
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "reason"
    done = await client.post(f"{url}/withhold", json=reason, headers=staff["supervisor"].headers)
    assert done.status_code == 200 and done.json() == {"merchant_id": merchant_id, "withheld": True,
                                                       "reason": "商家申请复核数据"}  # fmt: skip
    listed = (await client.get(f"/api/v1/public/merchants?month={month}&limit=200")).json()
    assert entry(listed, merchant_id) is None

    async with browser_of(settings, "t_supervisor") as supervisor:
        file = await supervisor.get(f"/staff/merchants/{merchant_id}")
        assert file.status_code == 200 and "公示已暂停" in file.text and "商家申请复核数据" in file.text
        assert f"/staff/merchants/{merchant_id}/public-restore" in file.text
        form = {"reason": "", "form": "public_restored", "_csrf_token": csrf_token(file.text)}
        failed = await supervisor.post(f"/staff/merchants/{merchant_id}/public-restore", data=form)
        assert failed.status_code == 422 and "请填写理由" in failed.text
        form["reason"] = "复核完毕，数据无误"
        restored = await supervisor.post(f"/staff/merchants/{merchant_id}/public-restore", data=form)
        assert restored.status_code == 303 and "done=public_restored" in restored.headers["location"]
        after = await supervisor.get(restored.headers["location"])
        assert "已恢复该商家在消费评议中的公示" in after.text
    async with browser_of(settings, "t_mediator") as mediator:
        seen = await mediator.get(f"/staff/merchants/{merchant_id}")
        assert seen.status_code == 200 and "public-withhold" not in seen.text  # no form for a mediator
    listed = (await client.get(f"/api/v1/public/merchants?month={month}&limit=200")).json()
    assert entry(listed, merchant_id) is not None


async def test_a_large_merchants_hourly_preview_on_its_link_and_file(
    api: Client, pool: asyncpg.Pool, staff: dict[str, Staff], settings: Settings, today_local: date
) -> None:
    api.cookies.clear()
    case = await mediation_case(api, pool, staff, "杭州预览计数测试商店")
    merchant_id = await pool.fetchval("SELECT merchant_id FROM cases WHERE id = $1", case["case_id"])
    async with pool.acquire() as conn, conn.transaction():
        await accepted(conn, merchant_id, today_local, n=3)
    link = await merchant_link(api, staff, case["case_id"])
    hint = "以上数据统计于今日"
    async with browser_of(settings, "t_supervisor") as supervisor:
        try:
            before = await api.get(link, headers={"Accept-Language": "zh-CN"})
            assert before.status_code == 200 and hint not in before.text  # counted as the page was read
            assert await public_merchants.count_previews(pool, now=utcnow(), from_complaints=3) >= 1
            zh = await api.get(link, headers={"Accept-Language": "zh-CN"})
            assert zh.status_code == 200 and hint in zh.text and "每小时更新" in zh.text
            en = await api.get(f"{link}?lang=en")
            assert en.status_code == 200 and "; updated hourly." in en.text and hint not in en.text
            file = await supervisor.get(f"/staff/merchants/{merchant_id}")
            assert file.status_code == 200 and "每小时更新" in file.text
        finally:
            await pool.execute("DELETE FROM public_merchant_previews")
        file = await supervisor.get(f"/staff/merchants/{merchant_id}")
        assert file.status_code == 200 and "每小时更新" not in file.text
    api.cookies.clear()  # the English page's language cookie
