"""Typical cases of the annual report: the year's consented closed cases to choose from, the chosen ones,
and saving and removing one. The consumer's values are read only to check a text against them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from domain.annual_report import PersonalValues
from service.store.sql import SQL

CANDIDATES_MAX = 200  # a year's consented closings the form lists, newest first


@dataclass(frozen=True, slots=True)
class Candidate:
    case_id: int
    tracking_no: str
    category: str
    category_label: str
    outcome: str | None
    closed_at: datetime
    title: str | None  # the typical case written from it, if any
    summary: str | None
    saved_at: datetime | None


@dataclass(frozen=True, slots=True)
class TypicalCase:
    case_id: int
    title: str
    summary: str
    saved_at: datetime
    category: str
    category_label: str
    outcome: str | None


async def candidates(conn: asyncpg.Connection, year: int, limit: int = CANDIDATES_MAX) -> list[Candidate]:
    rows = await conn.fetch(
        SQL["typical_cases_candidates"], year, date(year, 1, 1), date(year + 1, 1, 1), limit
    )
    return [Candidate(**dict(r)) for r in rows]


async def for_year(conn: asyncpg.Connection, year: int) -> list[TypicalCase]:
    return [TypicalCase(**dict(r)) for r in await conn.fetch(SQL["typical_cases_for_year"], year)]


async def lock_eligible(
    conn: asyncpg.Connection, year: int, case_id: int
) -> tuple[str, PersonalValues] | None:
    """The case's tracking number and its consumer's values, locked, when it may be a typical case of the
    year; None otherwise."""
    r = await conn.fetchrow(SQL["typical_cases_eligible"], case_id, date(year, 1, 1), date(year + 1, 1, 1))
    if r is None:
        return None
    return r["tracking_no"], PersonalValues(r["name"], r["phone"], r["address"], r["id_number"], r["email"])


async def save(
    conn: asyncpg.Connection, year: int, case_id: int, *, title: str, summary: str, at: datetime, by: str
) -> bool:
    """True when the case was not yet a typical case of the year."""
    inserted: bool = await conn.fetchval(SQL["typical_cases_upsert"], year, case_id, title, summary, at, by)
    return inserted


async def remove(conn: asyncpg.Connection, year: int, case_id: int) -> str | None:
    """The removed typical case's title; None when there was none."""
    title: str | None = await conn.fetchval(SQL["typical_cases_delete"], year, case_id)
    return title
