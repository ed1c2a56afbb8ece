"""Clusters of complaints (DESIGN §2.5.5): when accepted complaints against the same merchant and category
reach the routing policy's threshold within its window, the supervisor is alerted once; joint complaint,
enforcement referral or support for public-interest litigation are decisions for people. The alerts
as listed are read by service.queries.clusters.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from domain import clusters as rules
from domain.events import EventKind
from service.store import cases
from service.store import cluster_alerts as store
from service.store.staff import StaffUser
from service.usecases import alerts
from service.usecases.clock import local_date
from service.usecases.cluster_commands import ClusterDecided, DecideCluster

DECISIONS = alerts.Decisions(
    store.lock_alert, store.decide_alert, "cluster alert", ("alert_decided", "该预警已作出处置决定")
)


async def detect(pool: asyncpg.Pool, *, now: datetime) -> list[int]:
    """Raise an alert for each new cluster (an event on each of its cases); returns the new alert ids.

    Idempotent: a cluster with an open alert raises nothing new (later cases join the open alert); after
    a decision, a new alert only when the cluster has grown beyond the cases the decision covered.
    """
    async with pool.acquire() as conn, conn.transaction():
        return await _detect(conn, now, only=None)


async def detect_on_acceptance(
    conn: asyncpg.Connection, merchant_id: int | None, category: str, *, now: datetime
) -> list[int]:
    """In the acceptance's transaction: the check for the accepted case's merchant and category, so the
    supervisor hears of a cluster when its last case is accepted, not at the next hourly sweep.

    A case whose merchant is not linked yet is left to the sweep. Holds the sweep lock until the commit:
    two acceptances in one cluster are checked one after the other, the second seeing the first.
    """
    if merchant_id is None:
        return []
    return await _detect(conn, now, only=(merchant_id, category))


async def _detect(conn: asyncpg.Connection, now: datetime, *, only: tuple[int, str] | None) -> list[int]:
    today = local_date(now)
    raised: list[int] = []
    await store.lock_sweep(conn)
    policy = await store.cluster_policy(conn, today)
    window = rules.cluster_window(policy, today)
    candidates = await store.cluster_candidates(conn, window[0], window[1], policy.threshold, only=only)
    for step in rules.cluster_steps(candidates, policy):
        c = step.candidate
        if step.kind == "raise":
            alert_id = await store.add_alert(conn, c.merchant_id, c.category, window, list(c.case_ids), now)
            if alert_id is None:
                continue
            count: int | None = len(c.case_ids)
            raised.append(alert_id)
        else:
            assert c.last_alert_id is not None
            alert_id = c.last_alert_id
            count = await store.grow_alert(conn, alert_id, list(step.new_case_ids), window[1])
            if count is None:
                continue
        for case_id in step.new_case_ids:
            alerted = {
                "alert_id": alert_id,
                "count": count,
                "merchant_id": c.merchant_id,
                "category": c.category,
                "window_start": window[0].isoformat(),
                "window_end": window[1].isoformat(),
            }
            await cases.add_system_event(conn, case_id, EventKind.CLUSTER_ALERT, alerted, at=now)
    return raised


async def decide(
    pool: asyncpg.Pool, alert_id: int, actor: StaffUser, cmd: DecideCluster, *, now: datetime
) -> ClusterDecided:
    """The supervisor's decision on an alert (once); recorded on the alert and on each of its cases."""
    chosen, clean_note = rules.cluster_decision_input(cmd.decision, cmd.note)
    async with pool.acquire() as conn, conn.transaction():
        payload = {"alert_id": alert_id, "decision": chosen.value, "note": clean_note}
        await DECISIONS.record(conn, alert_id, EventKind.CLUSTER_DECIDED, payload, actor=actor, now=now)
    return ClusterDecided(alert_id, chosen.value)
