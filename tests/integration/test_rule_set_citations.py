"""Issue 12 §3: a case governed by SAMR Order 20 (received before 2026-04-15) cites Order 20's articles in
its notices and forms — non-acceptance under art. 15, termination under art. 26 — not Order 121's arts. 16
and 23. The citations are data of the rule set (migration 0023), read like its limits.

The dates here are about that date: each step passes `now` explicitly.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from domain.acceptance import Citations
from domain.roles import Role
from service.queries import mediation_documents, mediation_public
from service.settings import ROOT, Settings
from service.store import reference
from service.store.staff import StaffUser
from service.usecases import auth, casework, intake, mediation
from service.usecases.casework_commands import Reject
from service.usecases.clock import LOCAL_TZ
from tests.support.factories import complaint_body
from tests.support.intake import ctx

ORDER_121_FROM = date(2026, 4, 15)


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), LOCAL_TZ)


def render(name: str, context: dict[str, Any]) -> str:
    env = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=True, undefined=StrictUndefined)
    return env.get_template(name).render(**context)


@pytest.fixture(scope="module")
async def sup(pool: asyncpg.Pool) -> StaffUser:
    user_id = await auth.add_user(pool, "t_cite_sup", ["supervisor"], "a long enough password")
    return StaffUser(user_id, "t_cite_sup", "t_cite_sup", frozenset({Role.SUPERVISOR}))


async def received(pool: asyncpg.Pool, settings: Settings, day: date) -> int:
    body = complaint_body(purchase_date=(day - timedelta(days=10)).isoformat())
    return (await intake.submit_complaint(pool, body, ctx(settings), now=at(day))).case_id


@pytest.mark.parametrize(
    ("day", "rule_set", "title", "reason_cited", "ground_cited"),
    [
        (
            ORDER_121_FROM - timedelta(days=5),
            "order20",
            "《市场监督管理投诉举报处理暂行办法》",
            "第二十六条第（三）项",  # refusing mediation: Order 20 art. 26(3)
            "第十五条第（五）项",  # identity refused: no item of its own under Order 20 art. 15
        ),
        (
            ORDER_121_FROM,
            "order121",
            "《市场监督管理投诉举报处理办法》",
            "第二十三条第（二）项",
            "第十六条第（六）项",
        ),
    ],
)
async def test_notices_cite_the_rule_set_of_the_day_of_receipt(
    pool: asyncpg.Pool,
    settings: Settings,
    sup: StaffUser,
    day: date,
    rule_set: str,
    title: str,
    reason_cited: str,
    ground_cited: str,
) -> None:
    # a termination (ground 2: the merchant refused mediation) on a case received that day
    case_id = await received(pool, settings, day)
    await casework.accept(pool, case_id, sup, None, now=at(day + timedelta(days=1)))
    await pool.execute("UPDATE cases SET status = 'mediation', route = 'mediation' WHERE id = $1", case_id)
    assert await pool.fetchval("SELECT rule_set_id FROM cases WHERE id = $1", case_id) == rule_set
    await mediation.terminate(
        pool,
        case_id,
        sup,
        mediation.Terminate(reason=2, note="经营者明确拒绝调解"),
        now=at(day + timedelta(days=3)),
    )
    doc = await mediation_documents.termination_document(pool, case_id)
    notice = render("staff_termination_notice.html", {**doc, "printed_on": day})
    assert f"根据{title}{reason_cited}之规定" in notice
    assert doc["t"].reason_label.startswith(reason_cited)
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM cases WHERE id = $1", case_id)
        seen = await mediation_public.public_view(conn, row, day + timedelta(days=3))
    assert seen["termination"].citation == f"{title}{reason_cited}"
    other_article = "第二十三条" if rule_set == "order20" else "第二十六条"
    assert other_article not in notice

    # a rejection (ground 6: identity) on another case received that day
    rejected = await received(pool, settings, day)
    await casework.reject(
        pool, rejected, sup, Reject(ground=6, note="拒绝核实身份"), now=at(day + timedelta(days=1))
    )
    async with pool.acquire() as conn:
        cites = await reference.citations(conn, rule_set)
    assert cites.ground(6) == f"{title}{ground_cited}"
    c = await pool.fetchrow(
        "SELECT id, tracking_no, merchant_name, con.name AS consumer_name FROM cases"
        " JOIN case_consumers con ON con.case_id = cases.id WHERE cases.id = $1",
        rejected,
    )
    letter = render(
        "staff_notice.html",
        {
            "c": c,
            "ground": 6,
            "ground_label": "冒用他人身份或者拒绝核实身份",
            "note": None,
            "decided_at_local": at(day),
            "other_routes": ["向人民法院提起诉讼"],
            "received_at_local": at(day),
            "cite": cites,
        },
    )
    assert f"根据{title}{ground_cited}之规定" in letter


async def test_the_citations_are_rows_of_the_rule_set(pool: asyncpg.Pool) -> None:
    """Every rule set carries its articles; the codes are Order 121's and each maps to an item."""
    rows = await pool.fetch(
        "SELECT id, citations FROM rule_sets WHERE id = any($1::text[])", ["order20", "order121"]
    )
    assert {r["id"] for r in rows} == {"order20", "order121"}
    for r in rows:
        cites = Citations.from_json(r["citations"])
        assert sorted(cites.non_acceptance_items) == list(range(1, 8))
        assert sorted(cites.termination_items) == list(range(1, 9))
    order20 = Citations.from_json(next(r["citations"] for r in rows if r["id"] == "order20"))
    assert max(order20.non_acceptance_items.values()) == 6 and max(order20.termination_items.values()) == 7
    assert order20.termination_reason(5) == "《市场监督管理投诉举报处理暂行办法》第二十六条第（五）项"
