"""What the cluster alerts' and the product signals' lists share (service.queries.clusters, .product_signals):
how far back decided ones are listed, and a page's rows split into open ones and decided ones."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

import asyncpg

T = TypeVar("T")
RECENT_DAYS = 90  # decided alerts listed beside the open ones


def decided_since(now: datetime) -> datetime:
    return now - timedelta(days=RECENT_DAYS)


def split(rows: Sequence[asyncpg.Record], to: Callable[[asyncpg.Record], T]) -> tuple[list[T], list[T]]:
    """The open ones (not decided) and the decided ones, in the rows' order, each mapped by `to`."""
    return [to(r) for r in rows if r["decided_at"] is None], [
        to(r) for r in rows if r["decided_at"] is not None
    ]


def totals(rows: Sequence[asyncpg.Record]) -> tuple[int, int]:
    """The open ones and all, as the list statement counts them (its open_total and total columns)."""
    return (rows[0]["open_total"], rows[0]["total"]) if rows else (0, 0)
