"""Product risk signals as the supervisor sees them (the page and the API): open ones, then those decided
lately; one with its history. Business data only: the product, merchants' names, problem types, counts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec

from domain.errors import NotFound
from service.queries import alerts
from service.store import product_signals as store

LIST_LIMIT = 200
PAGE_SIZE = 50


class SignalCase(msgspec.Struct, frozen=True):
    id: int
    tracking_no: str


class SignalEvent(msgspec.Struct, frozen=True):
    kind: str
    actor: str
    actor_name: str | None  # the staff member's display name, when a person acted
    at: datetime
    payload: dict[str, Any]


class ProductSignal(msgspec.Struct, frozen=True):
    id: int
    brand: str
    model: str
    batches: list[str]  # the batches or production dates the complaints name
    category: str
    category_label: str
    window_start: date
    window_end: date
    count: int  # complaints
    merchants: list[str]  # the registry merchants' names
    problem_types: list[str]  # "质量×3": the cases' problem types with their counts, most first
    injuries: int  # complaints reporting a physical injury
    cases: list[SignalCase]
    raised_at: datetime
    decided_at: datetime | None
    decision: str | None  # spot_check | recall_notice | dismissed
    decision_note: str | None
    decided_by: str | None  # the supervisor's display name
    events: list[SignalEvent] = msgspec.field(default_factory=list)  # the detail only


class ProductSignals(msgspec.Struct, frozen=True):
    open: list[ProductSignal]
    recent: list[ProductSignal]  # decided in the last alerts.RECENT_DAYS days, newest first
    open_total: int = 0
    total: int = 0


_PLAIN = ("id", "brand", "model", "category", "category_label", "window_start", "window_end", "count")
_DECIDED = ("raised_at", "decided_at", "decision", "decision_note", "problem_types", "batches", "injuries")


def _signal(r: asyncpg.Record, events: list[SignalEvent] | None = None) -> ProductSignal:
    cases = [SignalCase(i, t) for i, t in zip(r["case_ids"], r["tracking_nos"], strict=False)]
    return ProductSignal(
        **{k: r[k] for k in _PLAIN},
        **{k: r[k] for k in _DECIDED},
        merchants=list(r["merchant_names"]),
        cases=cases,
        decided_by=r["decided_by_name"],
        events=events or [],
    )


async def signals(
    pool: asyncpg.Pool, *, now: datetime, limit: int = PAGE_SIZE, offset: int = 0
) -> ProductSignals:
    """`limit` signals from row `offset`: open ones first (newest first), then those decided lately."""
    async with pool.acquire() as conn:
        rows = await store.signals(conn, decided_since=alerts.decided_since(now), limit=limit, offset=offset)
    open_total, total = alerts.totals(rows)
    opened, recent = alerts.split(rows, _signal)
    return ProductSignals(open=opened, recent=recent, open_total=open_total, total=total)


async def signal(pool: asyncpg.Pool, signal_id: int, *, now: datetime) -> ProductSignal:
    """One signal with its history. Raises NotFound."""
    async with pool.acquire() as conn:
        row = await store.signal(conn, signal_id)
        if row is None:
            raise NotFound(f"product signal {signal_id}")
        history = [
            SignalEvent(e["kind"], e["actor"], e["actor_name"], e["at"], dict(e["payload"]))
            for e in await store.events(conn, signal_id)
        ]
    return _signal(row, history)
