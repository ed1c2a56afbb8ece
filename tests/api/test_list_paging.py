"""Paging of the long staff lists beside the case queue (issue 17): the cluster alerts (API and page) and a
busy mediator's own cases on the workbench."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest

from service.settings import Settings
from service.usecases import auth
from tests.support.casework import browser_of, new_merchant
from tests.support.queues import insert_cases
from tests.support.staff import PASSWORD, Client, Staff

# the alerts list's order, as cluster_alerts_list.sql defines it: open ones newest first, then decided ones
ALERT_ORDER = """
    SELECT id FROM cluster_alerts WHERE decided_at IS NULL OR decided_at >= now() - interval '90 days'
    ORDER BY decided_at IS NOT NULL, coalesce(decided_at, raised_at) DESC, id DESC
"""


@pytest.fixture(scope="module")
async def many_alerts(pool: asyncpg.Pool) -> list[int]:
    """Seven open and four decided alerts, three of them raised at one moment (ties broken by id)."""
    now = datetime.now(UTC)
    ids = []
    for n in range(11):
        merchant_id = await new_merchant(pool)
        decided = now - timedelta(hours=n) if n >= 7 else None
        ids.append(
            await pool.fetchval(
                "INSERT INTO cluster_alerts (merchant_id, category, window_start, window_end, case_ids,"
                " raised_at, decided_at, decision)"
                " VALUES ($1, 'food', $2, $2, '{}', $3, $4, $5) RETURNING id",
                merchant_id,
                now.date(),
                now - timedelta(days=min(n, 3)),
                decided,
                "no_action" if decided else None,
            )
        )
    return ids


async def test_the_cluster_api_pages_by_cursor(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], many_alerts: list[int]
) -> None:
    h = staff["mediator"].headers
    seen: list[int] = []
    cursor = None
    for _ in range(100):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/clusters", params=params, headers=h)).json()
        assert len(page["open"]) + len(page["recent"]) <= 2
        seen += [a["id"] for a in page["open"] + page["recent"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [r["id"] for r in await pool.fetch(ALERT_ORDER)]
    assert set(many_alerts) <= set(seen)
    default = (await client.get("/api/v1/clusters", headers=h)).json()
    assert len(default["open"]) + len(default["recent"]) <= 50
    bad = await client.get("/api/v1/clusters", params={"cursor": cursor or "nonsense"}, headers=h)
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "cursor"


async def test_the_clusters_page_shows_fifty_alerts_a_page(
    pool: asyncpg.Pool, settings: Settings, many_alerts: list[int]
) -> None:
    now = datetime.now(UTC)
    for _ in range(50):  # past one page whatever the other tests left
        await pool.execute(
            "INSERT INTO cluster_alerts (merchant_id, category, window_start, window_end, case_ids,"
            " raised_at) VALUES ($1, 'clothing_shoes', $2, $2, '{}', $3)",
            await new_merchant(pool),
            now.date(),
            now - timedelta(days=5),
        )
    order = [r["id"] for r in await pool.fetch(ALERT_ORDER)]
    async with browser_of(settings, "t_supervisor", next_page="/staff/clusters") as browser:
        first = await browser.get("/staff/clusters")
        assert first.status_code == 200
        assert _alert_ids(first.text) == order[:50]
        next_url = _link(first.text, "next")
        assert _link(first.text, "prev") is None
        second = await browser.get(next_url)
        assert _alert_ids(second.text) == order[50:100]
        assert _link(second.text, "prev") == "/staff/clusters"


async def test_a_busy_mediator_s_cases_come_fifty_a_page(
    pool: asyncpg.Pool, settings: Settings, today_local: date
) -> None:
    username = f"tp_{uuid.uuid4().hex[:10]}"
    user_id = await auth.add_user(pool, username, ["mediator"], PASSWORD, display_name="翻页测试调解员")
    ids = await insert_cases(pool, 120, queue=None, first_due=today_local, spread_days=40)
    await pool.execute("UPDATE cases SET assigned_to = $1 WHERE id = any($2)", user_id, ids)
    order = [
        r["id"]
        for r in await pool.fetch(
            "SELECT id FROM cases WHERE id = any($1) ORDER BY mediation_due NULLS LAST, id", ids
        )
    ]
    async with browser_of(settings, username, next_page="/staff/queue") as browser:
        pages, url = [], "/staff/queue"
        while url:
            page = await browser.get(url)
            assert page.status_code == 200, page.text
            assert "（120件）" in page.text
            pages.append(_case_ids(page.text))
            url = _link(page.text, "next")
        assert [len(p) for p in pages] == [50, 50, 20]
        assert [i for p in pages for i in p] == order
        assert _link((await browser.get("/staff/queue?offset=50")).text, "prev") == "/staff/queue#mine"


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _alert_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'id="alert-(\d+)"(?: |>)', html)]


def _case_ids(html: str) -> list[int]:
    """The workbench's own cases (the table before the team queues)."""
    mine = html.split('id="teams"')[0]
    return [int(i) for i in re.findall(r'action="/staff/queue/release/(\d+)"', mine)]
