"""Cluster alerts: the routing policy's threshold, the candidate clusters, the alerts and their decisions."""

from __future__ import annotations

from datetime import date, datetime

import asyncpg

from domain.clusters import ClusterCandidate, ClusterPolicy
from service.store import alerts as common
from service.store.sql import SQL, one_row


async def cluster_policy(conn: asyncpg.Connection, day: date) -> ClusterPolicy:
    row = await conn.fetchrow(SQL["cluster_alerts_policy"], day)
    assert row is not None, "routing_policies is seeded by migration 0005"
    return ClusterPolicy(threshold=row["cluster_threshold"], window_days=row["cluster_window_days"])


async def cluster_candidates(
    conn: asyncpg.Connection,
    start: date,
    end: date,
    threshold: int,
    *,
    only: tuple[int, str] | None = None,
) -> list[ClusterCandidate]:
    """The clusters in the window; `only` (merchant id, category) narrows it to one (on acceptance)."""
    merchant_id, category = only if only is not None else (None, None)
    rows = await conn.fetch(SQL["cluster_alerts_candidates"], start, end, threshold, merchant_id, category)
    return [
        ClusterCandidate(
            merchant_id=r["merchant_id"],
            category=r["category"],
            case_ids=tuple(r["case_ids"]),
            last_alert_id=r["last_alert_id"],
            last_alert_case_ids=tuple(r["last_alert_case_ids"] or ()),
            last_alert_open=bool(r["last_alert_id"] is not None and r["last_alert_open"]),
        )
        for r in rows
    ]


async def add_alert(
    conn: asyncpg.Connection,
    merchant_id: int,
    category: str,
    window: tuple[date, date],
    case_ids: list[int],
    at: datetime,
) -> int | None:
    """None when the merchant and category already have an open alert."""
    alert_id: int | None = await conn.fetchval(
        SQL["cluster_alerts_insert"], merchant_id, category, window[0], window[1], case_ids, at
    )
    return alert_id


async def grow_alert(
    conn: asyncpg.Connection, alert_id: int, case_ids: list[int], window_end: date
) -> int | None:
    """The open alert's new case count; None when it was decided meanwhile."""
    row = await conn.fetchrow(SQL["cluster_alerts_grow"], alert_id, case_ids, window_end)
    return row["count"] if row else None


lock_alert = one_row("cluster_alerts_lock", int)
decide_alert = common.decide_once("cluster_alerts_decide")
# Serialize cluster sweeps (until the transaction ends), so two workers never raise events twice.
lock_sweep = common.sweep_lock("cluster_alerts_sweep_lock")


async def alerts(
    conn: asyncpg.Connection,
    *,
    decided_since: datetime,
    limit: int,
    after: tuple[bool, datetime, int] | None = None,
    offset: int = 0,
) -> list[asyncpg.Record]:
    """Open alerts, then those decided since `decided_since`: each with its merchant's name, its category's
    label, its case ids and their tracking numbers (in the same order), and who decided it. `after`: the
    (decided?, decided or raised at, id) of the row before the page; then `offset` rows skipped."""
    decided, at, alert_id = after or (None, None, None)
    return list(
        await conn.fetch(SQL["cluster_alerts_list"], decided_since, limit, decided, at, alert_id, offset)
    )
