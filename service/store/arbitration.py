"""Arbitration agreements and referrals, product tests, and cluster alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from domain.arbitration import ClusterCandidate, ClusterPolicy
from service.store.sql import SQL

# --- arbitration ---------------------------------------------------------------------------------------


async def usable_agreements(
    conn: asyncpg.Connection, case_id: int, merchant_id: int | None
) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["arbitration_agreements_usable"], case_id, merchant_id))


async def agreement(conn: asyncpg.Connection, agreement_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(SQL["arbitration_agreements_by_id"], agreement_id)


async def add_agreement(
    conn: asyncpg.Connection,
    *,
    merchant_id: int | None,
    case_id: int,
    kind: str,
    institution: str,
    signed_on: date | None,
    note: str | None,
) -> int:
    agreement_id: int = await conn.fetchval(
        SQL["arbitration_agreements_insert"], merchant_id, case_id, kind, institution, signed_on, note
    )
    return agreement_id


async def add_referral(
    conn: asyncpg.Connection, case_id: int, agreement_id: int, institution: str, on: date
) -> bool:
    """False when the case was already referred."""
    inserted = await conn.fetchval(
        SQL["arbitration_referrals_insert"], case_id, agreement_id, institution, on
    )
    return inserted is not None


async def referral(conn: asyncpg.Connection, case_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(SQL["arbitration_referrals_for_case"], case_id)


async def record_award(
    conn: asyncpg.Connection, case_id: int, award_on: date, award_for: str, amount_fen: int | None
) -> bool:
    """False when an award is already recorded (or there is no referral)."""
    done = await conn.fetchval(SQL["arbitration_referrals_award"], case_id, award_on, award_for, amount_fen)
    return done is not None


async def first_payment_note(conn: asyncpg.Connection, case_id: int) -> str | None:
    note: str | None = await conn.fetchval(SQL["arbitration_first_payment_note"], case_id)
    return note


# --- product tests -------------------------------------------------------------------------------------


async def add_product_test(
    conn: asyncpg.Connection,
    case_id: int,
    *,
    lab: str,
    fee_fen: int,
    advanced_by: str,
    consumer_guarantee_fen: int,
    started_on: date,
) -> int:
    test_id: int = await conn.fetchval(
        SQL["product_tests_insert"], case_id, lab, fee_fen, advanced_by, consumer_guarantee_fen, started_on
    )
    return test_id


async def product_test(conn: asyncpg.Connection, test_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(SQL["product_tests_by_id"], test_id)


async def product_tests(conn: asyncpg.Connection, case_id: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["product_tests_for_case"], case_id))


async def open_product_test(conn: asyncpg.Connection, case_id: int) -> int | None:
    test_id: int | None = await conn.fetchval(SQL["product_tests_open_for_case"], case_id)
    return test_id


async def finish_product_test(
    conn: asyncpg.Connection,
    test_id: int,
    *,
    finding: str,
    at_fault: str,
    on: date,
    report_evidence_id: int | None,
) -> bool:
    """False when the test was already finished."""
    done = await conn.fetchval(
        SQL["product_tests_finish"], test_id, finding, at_fault, on, report_evidence_id
    )
    return done is not None


# --- cluster alerts ------------------------------------------------------------------------------------


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
    if only is None:
        rows = await conn.fetch(SQL["cluster_alerts_candidates"], start, end, threshold)
    else:
        rows = await conn.fetch(SQL["cluster_alerts_candidates_for"], start, end, threshold, *only)
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


async def lock_alert(conn: asyncpg.Connection, alert_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(SQL["cluster_alerts_lock"], alert_id)


async def decide_alert(
    conn: asyncpg.Connection, alert_id: int, *, at: datetime, decision: str, note: str | None, by: int
) -> bool:
    done = await conn.fetchval(SQL["cluster_alerts_decide"], alert_id, at, decision, note, by)
    return done is not None


@dataclass(frozen=True, slots=True)
class AlertRow:
    id: int
    merchant_id: int
    merchant_name: str
    category: str
    category_label: str
    window_start: date
    window_end: date
    case_ids: list[int]
    tracking_nos: list[str]
    count: int
    raised_at: datetime
    decided_at: datetime | None
    decision: str | None
    decision_note: str | None
    decided_by_name: str | None


async def alerts(conn: asyncpg.Connection, *, decided_since: datetime, limit: int) -> list[AlertRow]:
    rows = await conn.fetch(SQL["cluster_alerts_list"], decided_since, limit)
    return [
        AlertRow(**{**dict(r), "case_ids": list(r["case_ids"]), "tracking_nos": list(r["tracking_nos"])})
        for r in rows
    ]


async def lock_sweep(conn: asyncpg.Connection) -> None:
    """Serialize cluster sweeps (until the transaction ends), so two workers never raise events twice."""
    await conn.execute(SQL["cluster_alerts_sweep_lock"])
