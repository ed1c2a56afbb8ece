"""The supervisor's list of reopen and appeal requests: open ones, and those decided lately."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg
import msgspec

from domain.satisfaction import level_of
from service.store import surveys
from service.store.rows import from_attrs
from service.store.surveys import AppealRow

RECENT_DAYS = 90  # decided requests listed beside the open ones
LIST_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Appeals:
    open: list[AppealRow]
    recent: list[AppealRow]


async def appeals(pool: asyncpg.Pool, *, now: datetime) -> Appeals:
    """Open requests for the supervisor, and those decided in the last RECENT_DAYS (the page's rows)."""
    async with pool.acquire() as conn:
        rows = await surveys.appeals(conn, decided_since=now - timedelta(days=RECENT_DAYS), limit=LIST_LIMIT)
    return Appeals(
        open=[r for r in rows if r.appeal.decided_at is None],
        recent=[r for r in rows if r.appeal.decided_at is not None],
    )


class AppealView(msgspec.Struct):
    """A request as the API lists it: its case, the answers that led to it, and its decision."""

    id: int
    case_id: int
    tracking_no: str
    merchant_name: str
    case_status: str
    kind: str  # reopen | appeal
    reason: str
    requested_at: datetime
    score: float | None
    answers: dict[str, str]  # question → level code (dont_know when not rated)
    comment: str | None
    decided_at: datetime | None
    decision: str | None  # accepted | declined
    decision_reason: str | None
    decided_by: int | None

    @classmethod
    def of(cls, r: AppealRow) -> AppealView:
        return from_attrs(cls, r.appeal, r, answers={q: level_of(p) for q, p in r.points.items()})


class AppealList(msgspec.Struct):
    open: list[AppealView]
    recent: list[AppealView]  # decided in the last 90 days


async def appeal_list(pool: asyncpg.Pool, *, now: datetime) -> AppealList:
    found = await appeals(pool, now=now)
    return AppealList([AppealView.of(r) for r in found.open], [AppealView.of(r) for r in found.recent])
