"""Reference data as pages and the API read it: the taxonomy of codes and labels, a year's working
calendar, and the API's view of the taxonomy."""

from __future__ import annotations

from datetime import date

import asyncpg
import msgspec

from domain.calendar import WorkCalendar
from domain.taxonomy import CHANNELS, REQUEST_KINDS, Label, Taxonomy
from service.store import reference


async def taxonomy(pool: asyncpg.Pool) -> Taxonomy:
    """The complaint codes (quality domains, categories, problem types, sub-districts) with labels."""
    async with pool.acquire() as conn:
        return await reference.taxonomy(conn)


async def year_calendar(pool: asyncpg.Pool, year: int) -> WorkCalendar:
    """The working calendar of one year (a year not in the table counts weekends only)."""
    async with pool.acquire() as conn:
        return await reference.work_calendar(conn, date(year, 1, 1), date(year, 12, 31))


class CodeLabel(msgspec.Struct, omit_defaults=True):
    code: str
    zh: str
    en: str
    group: str | None = None

    @classmethod
    def all(cls, labels: tuple[Label, ...]) -> list[CodeLabel]:
        return [cls(label.code, label.zh, label.en, label.group) for label in labels]


class TaxonomyView(msgspec.Struct):
    quality_domains: list[CodeLabel]
    categories: list[CodeLabel]
    problem_types: list[CodeLabel]
    subdistricts: list[CodeLabel]
    requests: list[CodeLabel]
    channels: list[CodeLabel]


async def taxonomy_view(pool: asyncpg.Pool) -> TaxonomyView:
    t = await taxonomy(pool)
    return TaxonomyView(
        quality_domains=CodeLabel.all(t.quality_domains),
        categories=CodeLabel.all(t.categories),
        problem_types=CodeLabel.all(t.problem_types),
        subdistricts=CodeLabel.all(t.subdistricts),
        requests=[CodeLabel(code, zh, en) for code, (zh, en) in REQUEST_KINDS.items()],
        channels=[CodeLabel(code, zh, en) for code, (zh, en) in CHANNELS.items()],
    )
