"""Satisfaction surveys (one per case, reached by a hashed token), their weights, and the reopen or
appeal requests a low score offers."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from domain.satisfaction import QUESTIONS, SURVEY_VALID, SurveyState
from service.store.rows import from_row
from service.store.sql import SQL, one_of


@dataclass(frozen=True, slots=True)
class Survey:
    case_id: int
    tracking_no: str
    case_status: str
    case_outcome: str | None
    closed_at: datetime | None
    state: SurveyState
    points: Mapping[str, int | None]  # question → stored points (None: don't know, or not answered yet)
    comment: str | None


@dataclass(frozen=True, slots=True)
class Appeal:
    id: int
    case_id: int
    kind: str
    reason: str
    requested_at: datetime
    decided_at: datetime | None
    decision: str | None
    decision_reason: str | None
    decided_by: int | None


@dataclass(frozen=True, slots=True)
class AppealRow:
    """An appeal as the supervisor's list shows it: with its case and the answers that led to it."""

    appeal: Appeal
    tracking_no: str
    case_status: str
    merchant_name: str
    case_outcome: str | None
    closed_at: datetime | None
    score: float | None
    points: Mapping[str, int | None]
    comment: str | None
    answered_at: datetime | None
    decided_by_name: str | None


def _score(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _to_survey(row: asyncpg.Record) -> Survey:
    state = from_row(SurveyState, row, score=_score(row["score"]))
    return from_row(Survey, row, state=state, points={q: row[q] for q in QUESTIONS})


def _to_appeal(row: asyncpg.Record) -> Appeal:
    return from_row(Appeal, row)


async def insert(
    conn: asyncpg.Connection, case_id: int, token_hash: bytes, created_at: datetime, expires_at: datetime
) -> bool:
    """A new survey; False when the case already has one."""
    return await conn.fetchval(SQL["surveys_insert"], case_id, token_hash, created_at, expires_at) is not None


by_token = one_of("surveys_by_token", bytes, _to_survey)


for_case = one_of("surveys_for_case", int, _to_survey)


async def answer(
    conn: asyncpg.Connection,
    case_id: int,
    *,
    at: datetime,
    points: Mapping[str, int | None],
    score: float | None,
    comment: str | None,
    weights_version: str,
) -> bool:
    """Store the answers once; False when the survey was already answered."""
    done = await conn.fetchval(
        SQL["surveys_answer"],
        case_id,
        at,
        *(points.get(q) for q in QUESTIONS),
        score,
        comment,
        weights_version,
    )
    return done is not None


async def weights_in_force(conn: asyncpg.Connection, on: date) -> tuple[str, dict[str, float]]:
    """The question weights in force on a local date, and their version."""
    row = await conn.fetchrow(SQL["survey_weights_in_force"], on)
    if row is None:
        raise LookupError(f"no survey weights in force on {on}")
    return row["version"], {q: float(row[q]) for q in QUESTIONS}


async def add_appeal(
    conn: asyncpg.Connection, case_id: int, kind: str, reason: str, at: datetime
) -> int | None:
    """A new request; None when the case already has an open one."""
    appeal_id: int | None = await conn.fetchval(SQL["appeals_insert"], case_id, kind, reason, at)
    return appeal_id


appeal = one_of("appeals_by_id", int, _to_appeal)


lock_appeal = one_of("appeals_lock", int, _to_appeal)


async def decide_appeal(
    conn: asyncpg.Connection, appeal_id: int, *, decision: str, reason: str | None, at: datetime, by: int
) -> bool:
    return await conn.fetchval(SQL["appeals_decide"], appeal_id, at, decision, reason, by) is not None


latest_appeal = one_of("appeals_latest_for_case", int, _to_appeal)


async def appeals(conn: asyncpg.Connection, *, decided_since: datetime, limit: int) -> list[AppealRow]:
    """Open requests (oldest first), then those decided since `decided_since` (newest first)."""
    rows = await conn.fetch(SQL["appeals_list"], decided_since, limit)
    return [
        from_row(
            AppealRow, r, appeal=_to_appeal(r), score=_score(r["score"]), points={q: r[q] for q in QUESTIONS}
        )
        for r in rows
    ]


async def reopen_case(conn: asyncpg.Connection, case_id: int, *, status: str, at: datetime) -> None:
    """A closed case back to work: its outcome and relief are cleared (the `closed` event keeps them)."""
    await conn.execute(SQL["cases_reopen"], case_id, status, at)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def open_for_case(conn: asyncpg.Connection, case_id: int, now: datetime) -> str | None:
    """Open the case's survey in the caller's transaction (closing); return the link's token, once.

    A case has one survey: when it already has one (a reopened case closing again), None. Only the
    token's hash is stored.
    """
    token = secrets.token_urlsafe(32)
    if await insert(conn, case_id, token_hash(token), now, now + SURVEY_VALID):
        return token
    return None
