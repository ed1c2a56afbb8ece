"""Product risk signals: the candidate products, the signals, their events and decisions, and the
monthly return's share of them. Business data only (brand, model, merchants' names): never a consumer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import asyncpg

from domain.product_risk import ProductCandidate, ProductCase
from domain.return_figures import NamedProduct, SignalCategoryRow, SignalTables
from service.store import alerts
from service.store.sql import SQL, one_row
from service.store.statistics import Reader


async def candidates(
    conn: asyncpg.Connection,
    window: tuple[date, date],
    complaints: int,
    merchants: int,
    *,
    only: str | None = None,
) -> list[ProductCandidate]:
    """The products at the thresholds in the window; `only` (a product key) narrows it to one."""
    rows = await conn.fetch(
        SQL["product_signals_candidates"], window[0], window[1], complaints, merchants, only
    )
    return [
        ProductCandidate(
            product_key=r["product_key"],
            cases=tuple(
                ProductCase(*fields)
                for fields in zip(
                    r["case_ids"], r["merchant_keys"], r["accepted_ons"], r["categories"], strict=True
                )
            ),
            last_signal_id=r["last_signal_id"],
            last_signal_case_ids=tuple(r["last_signal_case_ids"] or ()),
            last_signal_open=bool(r["last_signal_id"] is not None and r["last_signal_open"]),
        )
        for r in rows
    ]


async def add_signal(
    conn: asyncpg.Connection,
    key: str,
    category: str,
    window: tuple[date, date],
    case_ids: list[int],
    merchants: list[str],
    at: datetime,
) -> int | None:
    """None when the product already has an open signal."""
    signal_id: int | None = await conn.fetchval(
        SQL["product_signals_insert"], key, category, window[0], window[1], case_ids, merchants, at
    )
    return signal_id


async def grow_signal(
    conn: asyncpg.Connection, signal_id: int, case_ids: list[int], merchants: list[str], window_end: date
) -> int | None:
    """The open signal's new case count; None when it was decided meanwhile."""
    row = await conn.fetchrow(SQL["product_signals_grow"], signal_id, case_ids, merchants, window_end)
    return row["count"] if row else None


lock_signal = one_row("product_signals_lock", int)
signal = one_row("product_signals_get", int)
decide_signal = alerts.decide_once("product_signals_decide")
# Serialize sweeps (until the transaction ends), so two workers never raise a signal twice.
lock_sweep = alerts.sweep_lock("product_signals_sweep_lock")


async def add_event(
    conn: asyncpg.Connection,
    signal_id: int,
    kind: str,
    *,
    actor: str,
    at: datetime,
    payload: Mapping[str, Any] | None = None,
) -> int:
    """An entry of the signal's own history (append-only), beside the events on its cases."""
    event_id: int = await conn.fetchval(
        SQL["product_signal_events_add"], signal_id, kind, actor, at, dict(payload or {})
    )
    return event_id


async def events(conn: asyncpg.Connection, signal_id: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["product_signal_events_for_signal"], signal_id))


async def signals(
    conn: asyncpg.Connection, *, decided_since: datetime, limit: int, offset: int = 0
) -> list[asyncpg.Record]:
    """Open signals, then those decided since `decided_since`, `limit` rows from row `offset`."""
    return list(await conn.fetch(SQL["product_signals_list"], decided_since, limit, offset))


async def month_tables(read: Reader, month: date, end: date) -> SignalTables:
    """The return's product signals for local months [month, end), in the statistics snapshot: per
    category, and the products referred or notified (named)."""
    rows = await read.fetch("product_signals_month", month, end)
    return SignalTables(
        categories=tuple(
            SignalCategoryRow(
                r["code"], r["label"], r["raised"], r["spot_check"], r["recall_notice"], r["dismissed"]
            )
            for r in rows
            if r["part"] == "category"
        ),
        products=tuple(
            NamedProduct(r["label"], r["brand"], r["model"], r["decision"], r["complaints"])
            for r in rows
            if r["part"] == "product"
        ),
    )


async def case_product_key(conn: asyncpg.Connection, case_id: int) -> str | None:
    key: str | None = await conn.fetchval(SQL["product_signals_case_key"], case_id)
    return key
