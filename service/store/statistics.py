"""Statistics and monthly returns: aggregates by local month (GROUP BY in SQL over indexed ranges; no case is
ever loaded), the indicator definitions of a version, and the stored return snapshots.

Only classification columns, dates, amounts and business names are read: never a consumer's details, a
description, a note or a survey comment.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from domain.indicators import Definition, MonthCounts
from domain.return_figures import MerchantRow, MonthTables
from service.store.rows import from_row
from service.store.sql import SQL

TIMEOUT_S = 600  # a month of a million cases is read in seconds, not in the pool's default 30


@dataclass(frozen=True, slots=True)
class Return:
    """One version of a month's return, as stored (frozen); `created`: stored by the call that returned it."""

    month: date
    version: int
    definitions: str
    figures: dict[str, Any]
    content_hash: str
    created_at: datetime
    created_by: str
    restatement_of: int | None
    changes: list[dict[str, Any]] | None
    reason: str | None
    created: bool = False


@dataclass(frozen=True, slots=True)
class ReturnListItem:
    month: date
    version: int
    versions: int
    definitions: str
    content_hash: str
    created_at: datetime
    created_by: str
    restatement_of: int | None


async def prepare_session(conn: asyncpg.Connection) -> None:
    """Settings for the aggregates, until the (statistics) transaction ends: call it first inside one."""
    await conn.execute(SQL["stats_session"])


SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


async def export_snapshot(conn: asyncpg.Connection) -> str:
    """The id of this (repeatable read) transaction's snapshot, for `import_snapshot` elsewhere."""
    snapshot: str = await conn.fetchval("SELECT pg_export_snapshot()")
    return snapshot


async def import_snapshot(conn: asyncpg.Connection, snapshot: str) -> None:
    """Read what the exporting transaction reads: the first statement of a repeatable read transaction."""
    if not SNAPSHOT_ID.match(snapshot):  # SET takes no parameters: never interpolate anything else
        raise ValueError(f"not a snapshot id: {snapshot!r}")
    await conn.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")


async def wal_position(conn: asyncpg.Connection) -> str:
    """The primary's current log position, as text."""
    position: str = await conn.fetchval(SQL["stats_wal_position"])
    return position


async def replica_behind(conn: asyncpg.Connection, position: str) -> bool:
    """Whether this (read) server is a standby that has not replayed the log up to `position` yet."""
    return bool(await conn.fetchval(SQL["stats_replica_behind"], position))


class Reader:
    """Runs the statistics queries on one or more connections in one snapshot, several at a time.

    The month's aggregates are independent scans; on separate connections (sharing the snapshot the
    first one exported) they run side by side instead of one after another (tests/bench).
    """

    def __init__(self, conns: Sequence[asyncpg.Connection]) -> None:
        self._free: asyncio.Queue[asyncpg.Connection] = asyncio.Queue()
        for conn in conns:
            self._free.put_nowait(conn)

    async def fetch(self, name: str, *args: Any) -> list[asyncpg.Record]:
        conn = await self._free.get()
        try:
            return list(await conn.fetch(SQL[name], *args, timeout=TIMEOUT_S))
        finally:
            self._free.put_nowait(conn)


async def month_counts(
    read: Reader, first: date, end: date, today: date | None = None
) -> dict[date, MonthCounts]:
    """The aggregates of each local month in [first, end) (month starts); months without any are absent.

    `today` (local): an undecided complaint whose acceptance deadline is before it is late; by default
    the range's end, which is right for ended months (a return is made only for those)."""
    late_from = min(today, end) if today is not None else end
    acc: dict[date, dict[str, Any]] = defaultdict(
        lambda: {
            "rejections_by_ground": {},
            "outcomes": {},
            "handling_days": {},
            "awards_by_party": {},
            "survey_scores": {},
        }
    )
    received, decided, closed, first_payments, arbitration, reports, surveys, due = await asyncio.gather(
        *(
            read.fetch(name, first, end)
            for name in (
                "stats_received",
                "stats_decided",
                "stats_closed",
                "stats_first_payments",
                "stats_arbitration",
                "stats_reports",
                "stats_surveys",
            )
        ),
        read.fetch("stats_acceptance_due", first, end, late_from),
    )
    for r in received:
        acc[r["month"]]["received"] = r["received"]
    _add_decided(acc, decided)
    _add_closed(acc, closed)
    for r in first_payments:
        who = "by_merchant" if r["state"] == "paid_by_merchant" else "from_deposit"
        acc[r["month"]][f"first_payments_{who}"] = r["payments"]
        acc[r["month"]][f"first_payments_{who}_fen"] = r["paid_fen"]
    for r in arbitration:
        if r["kind"] == "referral":
            acc[r["month"]]["arbitration_referrals"] = r["n"]
        else:
            acc[r["month"]]["awards_by_party"][r["award_for"]] = r["n"]
    for r in reports:
        acc[r["month"]]["reports_split"] = r["reports"]
    _add_surveys(acc, surveys)
    for r in due:
        acc[r["month"]].update(
            acceptance_due=r["due"],
            acceptance_on_time=r["on_time"],
            acceptance_overdue_undecided=r["undecided_late"],
        )
    return {month: MonthCounts(**values) for month, values in acc.items()}


def _add_decided(acc: dict[date, dict[str, Any]], rows: list[asyncpg.Record]) -> None:
    """Acceptance decisions: the month's totals (by_ground = 1) and the rejections by ground."""
    for r in rows:
        m = acc[r["month"]]
        if r["by_ground"] == 1:
            m.update(decided=r["decided"], decided_on_time=r["on_time"], accepted=r["accepted"])
            m["rejected"] = r["rejected"]
        elif r["rejection_ground"] is not None:
            m["rejections_by_ground"][r["rejection_ground"]] = r["decided"]


def _add_closed(acc: dict[date, dict[str, Any]], rows: list[asyncpg.Record]) -> None:
    """Closings: by outcome, by handling days, and the month's totals."""
    for r in rows:
        m = acc[r["month"]]
        if r["by_outcome"] == 0:
            m["outcomes"][r["outcome"]] = r["closed"]
        elif r["by_days"] == 0:
            m["handling_days"][r["days"]] = r["closed"]
        else:
            m.update(
                closed=r["closed"],
                closed_on_time=r["on_time"],
                relief_beyond_first_payment_fen=r["relief_extra_fen"],
            )


def _add_surveys(acc: dict[date, dict[str, Any]], rows: list[asyncpg.Record]) -> None:
    """Surveys by the month sent: the totals (by_score = 1) and the histogram of scores."""
    for r in rows:
        m = acc[r["month"]]
        if r["by_score"] == 1:
            m.update(surveys_sent=r["surveys"], surveys_responded=r["answered"])
        elif r["score"] is not None and r["answered"]:
            m["survey_scores"][Decimal(r["score"])] = r["answered"]


async def month_tables(read: Reader, month: date, end: date, top_merchants: int) -> MonthTables:
    """The breakdowns of complaints received in one month, and the merchants with most of them."""
    by_dimension: dict[str, dict[str | None, int]] = defaultdict(dict)
    breakdowns, top = await asyncio.gather(
        read.fetch("stats_breakdowns", month, end), read.fetch("stats_merchants", month, end, top_merchants)
    )
    for r in breakdowns:
        by_dimension[r["dimension"]][r["code"]] = r["n"]
    merchants = [
        MerchantRow(r["key"], r["name"], r["uscc"], r["complaints"], r["replies_due"], r["replies_on_time"])
        for r in top
    ]
    return MonthTables(by_dimension=dict(by_dimension), merchants=tuple(merchants))


async def first_month(conn: asyncpg.Connection) -> date | None:
    """The local month of the first complaint ever received."""
    month: date | None = await conn.fetchval(SQL["stats_first_month"])
    return month


async def definitions(conn: asyncpg.Connection, version: str) -> list[Definition]:
    return [
        from_row(Definition, r, target=float(r["target"]) if r["target"] is not None else None)
        for r in await conn.fetch(SQL["stats_definitions"], version)
    ]


# --- monthly returns --------------------------------------------------------------------------------


def _return(r: asyncpg.Record, figures: bool = True) -> Return:
    return from_row(Return, r, figures=r["figures"] if figures else {})


async def lock_month(conn: asyncpg.Connection, month: date) -> None:
    await conn.execute(SQL["monthly_returns_lock"], month)


async def latest_return(conn: asyncpg.Connection, month: date) -> Return | None:
    r = await conn.fetchrow(SQL["monthly_returns_latest"], month)
    return _return(r) if r else None


async def get_return(conn: asyncpg.Connection, month: date, version: int) -> Return | None:
    r = await conn.fetchrow(SQL["monthly_returns_get"], month, version)
    return _return(r) if r else None


async def insert_return(
    conn: asyncpg.Connection,
    *,
    month: date,
    version: int,
    definitions: str,
    figures: dict[str, Any],
    content_hash: str,
    created_at: datetime,
    created_by: str,
    restatement_of: int | None,
    changes: list[dict[str, Any]] | None,
    reason: str | None,
) -> Return:
    r = await conn.fetchrow(
        SQL["monthly_returns_insert"],
        month,
        version,
        definitions,
        figures,
        content_hash,
        created_at,
        created_by,
        restatement_of,
        changes,
        reason,
    )
    assert r is not None
    return _return(r)


async def list_returns(conn: asyncpg.Connection, limit: int) -> list[ReturnListItem]:
    return [from_row(ReturnListItem, r) for r in await conn.fetch(SQL["monthly_returns_list"], limit)]


async def versions(conn: asyncpg.Connection, month: date) -> list[Return]:
    """Every version of a month's return, oldest first, without their figures (the history)."""
    return [_return(r, figures=False) for r in await conn.fetch(SQL["monthly_returns_versions"], month)]


async def summaries(conn: asyncpg.Connection, months: Sequence[date]) -> dict[date, dict[str, Any]]:
    """The latest stored summary of each of `months` that has a return: month → {version, summary}."""
    rows = await conn.fetch(SQL["monthly_returns_summaries"], list(months))
    return {r["month"]: {"version": r["version"], "summary": r["summary"]} for r in rows}
