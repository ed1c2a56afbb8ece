"""The open dataset's frozen files (issue 18 §2, migration 0037) and the facts they are made of: codes,
months, handling days, the relief amount and the survey score of each case closed in a month (banded by
the use case), and the registry name of a merchant only for the businesses named in public."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from domain import open_data as rules
from service.store.sql import SQL


@dataclass(frozen=True, slots=True)
class Fact:
    """One closed case as the store reads it (no personal data, free text or exact date)."""

    month_received: str
    subdistrict: str | None
    quality_domain: str
    category: str
    category_group: str  # "goods" or "services"
    problem_type: str
    channel: str
    route: str | None
    outcome: str
    handling_days: int
    relief_fen: int | None
    score: Decimal | None
    merchant: str | None  # the registry name, only for a business named in public


@dataclass(frozen=True, slots=True)
class FileListItem:
    month: date
    version: int
    dictionary: str
    k: int
    content_hash: str
    counts: rules.Counts
    created_at: datetime
    restatement_of: int | None
    changes: dict[str, int] | None


@dataclass(frozen=True, slots=True)
class File(FileListItem):
    """One version of a month's file, as stored (frozen); `created`: stored by the call that returned it."""

    columns: tuple[str, ...]
    rows: tuple[rules.Row, ...]
    created_by: str
    reason: str | None
    created: bool = False


async def closed_facts(conn: asyncpg.Connection, start: date, end: date, *, named: set[int]) -> list[Fact]:
    rows = await conn.fetch(SQL["open_data_closed"], start, end, list(rules.EXCLUDED_OUTCOMES), sorted(named))
    return [Fact(**dict(r)) for r in rows]


async def lock_month(conn: asyncpg.Connection, month: date) -> None:
    await conn.execute(SQL["open_data_lock"], month)


def _counts(row: asyncpg.Record) -> rules.Counts:
    return rules.Counts(
        rows_in=row["rows_in"],
        rows=row["row_count"],
        generalised_merchant=row["generalised_merchant"],
        generalised_category=row["generalised_category"],
        generalised_subdistrict=row["generalised_subdistrict"],
        suppressed=row["suppressed"],
    )


def _list_item(row: asyncpg.Record) -> FileListItem:
    return FileListItem(
        month=row["month"],
        version=row["version"],
        dictionary=row["dictionary"],
        k=row["k"],
        content_hash=row["content_hash"],
        counts=_counts(row),
        created_at=row["created_at"],
        restatement_of=row["restatement_of"],
        changes=row["changes"],
    )


def _file(row: asyncpg.Record) -> File:
    item = _list_item(row)
    return File(
        **{name: getattr(item, name) for name in FileListItem.__dataclass_fields__},
        columns=tuple(row["columns"]),
        rows=tuple(rules.from_list(values) for values in row["rows"]),
        created_by=row["created_by"],
        reason=row["reason"],
    )


async def latest(conn: asyncpg.Connection, month: date) -> File | None:
    row = await conn.fetchrow(SQL["open_data_latest"], month)
    return _file(row) if row else None


async def get(conn: asyncpg.Connection, month: date, version: int) -> File | None:
    row = await conn.fetchrow(SQL["open_data_get"], month, version)
    return _file(row) if row else None


async def files(conn: asyncpg.Connection, months: int) -> list[FileListItem]:
    """Every version of the last `months` months with a file, newest month first, newest version first."""
    return [_list_item(r) for r in await conn.fetch(SQL["open_data_list"], months)]


async def insert(
    conn: asyncpg.Connection,
    *,
    month: date,
    version: int,
    k: int,
    counts: rules.Counts,
    rows: list[rules.Row],
    content_hash: str,
    created_at: datetime,
    created_by: str,
    restatement_of: int | None,
    changes: dict[str, int] | None,
    reason: str | None,
) -> File:
    values: list[Any] = [
        month, version, rules.DICTIONARY_VERSION, k, list(rules.COLUMNS), [rules.as_list(r) for r in rows],
        content_hash, counts.rows_in, counts.rows, counts.generalised_merchant, counts.generalised_category,
        counts.generalised_subdistrict, counts.suppressed, created_at, created_by, restatement_of, changes,
        reason,
    ]  # fmt: skip
    row = await conn.fetchrow(SQL["open_data_insert"], *values)
    assert row is not None
    return _file(row)
