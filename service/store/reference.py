"""Reference data: taxonomies, rule sets and the working-day calendar."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import asyncpg

from domain.acceptance import Citations
from domain.calendar import Unit, WorkCalendar
from domain.deadlines import RuleSet
from domain.taxonomy import Label, Taxonomy
from service.store.rows import from_row
from service.store.sql import SQL


async def taxonomy(conn: asyncpg.Connection) -> Taxonomy:
    groups: dict[str, list[Label]] = defaultdict(list)
    for r in await conn.fetch(SQL["taxonomy_all"]):
        groups[r["kind"]].append(Label(r["code"], r["label_zh"], r["label_en"], r["grp"]))
    return Taxonomy(
        quality_domains=tuple(groups["quality_domains"]),
        categories=tuple(groups["categories"]),
        problem_types=tuple(groups["problem_types"]),
        subdistricts=tuple(groups["subdistricts"]),
    )


async def rule_sets(conn: asyncpg.Connection) -> tuple[RuleSet, ...]:
    rows = await conn.fetch(SQL["rule_sets_all"])
    assert rows, "rule_sets is seeded by migration 0001"
    return tuple(_rule_set(r) for r in rows)


async def version(conn: asyncpg.Connection) -> int:
    """Bumped by every change to reference data (migration 0017)."""
    value: int = await conn.fetchval(SQL["reference_version"])
    return value


async def rule_set(conn: asyncpg.Connection, rule_set_id: str) -> RuleSet:
    r = await conn.fetchrow(SQL["rule_sets_by_id"], rule_set_id)
    assert r is not None, f"no rule set {rule_set_id}"
    return _rule_set(r)


async def citations(conn: asyncpg.Connection, rule_set_id: str) -> Citations:
    """The articles the rule set's notices and forms cite (migration 0023)."""
    data = await conn.fetchval(SQL["rule_sets_citations"], rule_set_id)
    assert data is not None, f"no rule set {rule_set_id}"
    return Citations.from_json(data)


def _rule_set(r: asyncpg.Record) -> RuleSet:
    units = ("acceptance_unit", "mediation_unit", "merchant_reply_unit")
    return from_row(RuleSet, r, **{name: Unit(r[name]) for name in units})


async def work_calendar(conn: asyncpg.Connection, start: date, end: date) -> WorkCalendar:
    """The calendar for [start, end]; years outside the table count as unknown (weekends only)."""
    rows = await conn.fetch(SQL["calendar_days_between"], start, end)
    years = await conn.fetch(SQL["calendar_years_list"])
    return WorkCalendar(
        workdays={r["day"]: r["is_workday"] for r in rows},
        holidays={r["day"]: r["holiday_name"] for r in rows if r["holiday_name"]},
        known_years=frozenset(r["year"] for r in years),
    )


async def work_calendar_from(conn: asyncpg.Connection, start: date, days: int = 60) -> WorkCalendar:
    """The calendar from `start` for `days` days: enough for a period counted from that day.

    Seven working days never span more than a few weeks, even across the Spring Festival; callers
    counting longer periods (mediation, pauses) pass a longer window.
    """
    return await work_calendar(conn, start, start + timedelta(days=days))
