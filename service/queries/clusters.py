"""The cluster alerts as staff see them: open ones, and those decided lately (the page and the API)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import asyncpg
import msgspec

from service.store import cluster_alerts as store

RECENT_DAYS = 90  # decided alerts listed beside the open ones
LIST_LIMIT = 200


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
    recent: list[ClusterAlert]  # decided in the last RECENT_DAYS days, newest first


_COLUMNS = [name for name in ClusterAlert.__struct_fields__ if name not in ("cases", "decided_by")]


def _alert(r: asyncpg.Record) -> ClusterAlert:
    cases = [ClusterCase(i, t) for i, t in zip(r["case_ids"], r["tracking_nos"], strict=False)]
    columns = {name: r[name] for name in _COLUMNS}
    return ClusterAlert(**columns, cases=cases, decided_by=r["decided_by_name"])


async def alerts(pool: asyncpg.Pool, *, now: datetime) -> ClusterAlerts:
    async with pool.acquire() as conn:
        rows = await store.alerts(conn, decided_since=now - timedelta(days=RECENT_DAYS), limit=LIST_LIMIT)
    return ClusterAlerts(
        open=[_alert(r) for r in rows if r["decided_at"] is None],
        recent=[_alert(r) for r in rows if r["decided_at"] is not None],
    )
