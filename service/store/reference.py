"""Reference data: taxonomies, rule sets and the working-day calendar."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import asyncpg

from domain.calendar import Unit, WorkCalendar
from domain.taxonomy import Label, Taxonomy
from service.store.sql import SQL


@dataclass(frozen=True, slots=True)
class RuleSet:
    id: str
    name_zh: str
    effective_from: date
    acceptance_days: int
    acceptance_unit: Unit
    mediation_days: int
    mediation_unit: Unit


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


async def rule_set_in_force(conn: asyncpg.Connection, day: date) -> RuleSet:
    r = await conn.fetchrow(SQL["rule_sets_in_force"], day)
    assert r is not None, "rule_sets is seeded by migration 0001"
    return RuleSet(
        id=r["id"],
        name_zh=r["name_zh"],
        effective_from=r["effective_from"],
        acceptance_days=r["acceptance_days"],
        acceptance_unit=Unit(r["acceptance_unit"]),
        mediation_days=r["mediation_days"],
        mediation_unit=Unit(r["mediation_unit"]),
    )


async def work_calendar(conn: asyncpg.Connection, start: date, end: date) -> WorkCalendar:
    """The calendar for [start, end]; years outside the table count as unknown (weekends only)."""
    rows = await conn.fetch(SQL["calendar_days_between"], start, end)
    years = await conn.fetch(SQL["calendar_years_list"])
    return WorkCalendar(
        workdays={r["day"]: r["is_workday"] for r in rows},
        holidays={r["day"]: r["holiday_name"] for r in rows if r["holiday_name"]},
        known_years=frozenset(r["year"] for r in years),
    )
