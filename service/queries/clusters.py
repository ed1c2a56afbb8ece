"""The cluster alerts as staff see them: open ones, and those decided lately (the page and the API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg
import msgspec

from service.queries import alerts as common
from service.queries import cursors
from service.store import cluster_alerts as store

LIST_LIMIT = 200
PAGE_SIZE = 50  # the page's and the API's default: an alert lists every case, so pages stay short
CURSOR_KIND = "cluster-alerts"


class ClusterCase(msgspec.Struct, frozen=True):
    id: int
    tracking_no: str


class ClusterAlert(msgspec.Struct, frozen=True):
    id: int
    merchant_id: int
    merchant_name: str
    category: str
    category_label: str
    window_start: date
    window_end: date
    count: int
    cases: list[ClusterCase]
    raised_at: datetime
    decided_at: datetime | None
    decision: str | None
    decision_note: str | None
    decided_by: str | None  # the supervisor's display name


class ClusterAlerts(msgspec.Struct, frozen=True):
    open: list[ClusterAlert]
    recent: list[ClusterAlert]  # decided in the last alerts.RECENT_DAYS days, newest first
    next_cursor: str | None = None  # the page after this one (open alerts first); null on the last page


_COLUMNS = [name for name in ClusterAlert.__struct_fields__ if name not in ("cases", "decided_by")]


def _alert(r: asyncpg.Record) -> ClusterAlert:
    cases = [ClusterCase(i, t) for i, t in zip(r["case_ids"], r["tracking_nos"], strict=False)]
    columns = {name: r[name] for name in _COLUMNS}
    return ClusterAlert(**columns, cases=cases, decided_by=r["decided_by_name"])


async def alerts(
    pool: asyncpg.Pool, *, now: datetime, limit: int = LIST_LIMIT, cursor: str | None = None
) -> ClusterAlerts:
    """`limit` alerts after `cursor` (a `next_cursor` of an earlier page). Raises cursors.BadCursor."""
    rows = await _rows(pool, now, limit + 1, after=_position(cursor) if cursor else None)
    return _listed(rows[:limit], more=len(rows) > limit)


@dataclass(frozen=True, slots=True)
class AlertsPage:
    """The staff page's share of the list: `size` alerts from row `offset`, and how many there are."""

    alerts: ClusterAlerts
    open_total: int
    total: int
    offset: int


async def alerts_page(
    pool: asyncpg.Pool, *, now: datetime, offset: int = 0, size: int = PAGE_SIZE
) -> AlertsPage:
    rows = await _rows(pool, now, size + 1, offset=offset)
    listed = _listed(rows[:size], more=len(rows) > size)
    return AlertsPage(listed, *common.totals(rows), offset)


async def _rows(
    pool: asyncpg.Pool,
    now: datetime,
    limit: int,
    *,
    after: tuple[bool, datetime, int] | None = None,
    offset: int = 0,
) -> list[asyncpg.Record]:
    async with pool.acquire() as conn:
        since = common.decided_since(now)
        return await store.alerts(conn, decided_since=since, limit=limit, after=after, offset=offset)


def _listed(rows: list[asyncpg.Record], *, more: bool) -> ClusterAlerts:
    opened, recent = common.split(rows, _alert)
    return ClusterAlerts(open=opened, recent=recent, next_cursor=_cursor_after(rows[-1]) if more else None)


def _cursor_after(r: asyncpg.Record) -> str:
    decided = r["decided_at"] is not None
    at = r["decided_at"] if decided else r["raised_at"]
    return cursors.encode(CURSOR_KIND, (int(decided), cursors.micros(at), r["id"]))


def _position(cursor: str) -> tuple[bool, datetime, int]:
    decided, at, alert_id = cursors.decode(CURSOR_KIND, cursor, 3)
    if decided not in (0, 1):
        raise cursors.BadCursor(cursor)
    return bool(decided), cursors.instant(at), alert_id
