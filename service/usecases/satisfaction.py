"""The follow-up survey (回访) and what a low score leads to (DESIGN §2.8).

A survey opens when a case closes: a long random token, stored hashed, valid 30 days, answered once.
The consumer reaches it by the link in the closing notification or from the tracking page (tracking
number and access code). A score below 60 offers a reopen or appeal request; a supervisor answers it:
accepted reopens the case, declined says why, and the consumer sees the answer on the tracking page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import asyncpg

from domain import mediation as mediation_rules
from domain import satisfaction as rules
from domain.errors import Conflict, NotFound
from domain.lifecycle import Action, apply
from service.store import cases, surveys
from service.store import mediation as mediation_store
from service.store.staff import StaffUser
from service.store.surveys import Appeal, AppealRow, Survey
from service.throttle import Throttle
from service.usecases.casework import _locked, _state
from service.usecases.clock import local_date
from service.usecases.tracking import _authorised_case, slowed_when_wrong

RECENT_DAYS = 90  # decided requests listed beside the open ones
LIST_LIMIT = 200


_hash = surveys.token_hash
open_survey = surveys.open_for_case  # closing calls the store directly (tracking imports would cycle)


async def survey_due(conn: asyncpg.Connection, case_id: int, outcome: str | None, today: date) -> bool:
    """Whether a closed case's survey is offered now: at closing, except a settlement, which is rated once
    its performance is known (recorded, or its date passed: DESIGN §2.8, issue 12)."""
    if outcome != "settled":
        return True
    current = [s for s in await mediation_store.settlements(conn, case_id) if s["superseded_at"] is None]
    return not current or mediation_rules.survey_ready(
        current[-1]["performance"], current[-1]["perform_by"], today
    )


@dataclass(frozen=True, slots=True)
class ByToken:
    """The consumer holds the link from the closing notification."""

    token: str


@dataclass(frozen=True, slots=True)
class ByCode:
    """The consumer came from the tracking page: tracking number and access code, checked and throttled."""

    tracking_no: str
    access_code: str
    secret_key: str
    throttle: Throttle
    client: str


Respondent = ByToken | ByCode


@dataclass(frozen=True, slots=True)
class SurveyView:
    case_id: int
    tracking_no: str
    outcome: str | None  # the case's outcome code when closed
    closed_at: datetime | None
    expires_at: datetime
    answered: bool
    score: float | None
    appeal_open: bool  # the consumer may still ask for a reopen or appeal
    appeal: Appeal | None


@dataclass(frozen=True, slots=True)
class Answered:
    case_id: int
    tracking_no: str
    score: float | None
    appeal_open: bool


async def _find(conn: asyncpg.Connection, who: Respondent, now: datetime) -> Survey:
    """The survey the respondent may see. An unknown or expired link is NotFound; a tracking number
    whose case has no open survey is SurveyClosed (the code was right: say why)."""
    if isinstance(who, ByToken):
        if not who.token or len(who.token) > 200:
            raise NotFound("survey link")
        found = await surveys.by_token(conn, _hash(who.token))
        if found is None or now >= found.state.expires_at:
            raise NotFound("survey link")
        return found
    row = await _authorised_case(
        conn, who.tracking_no, who.access_code, who.secret_key, who.throttle, who.client
    )
    found = await surveys.for_case(conn, row["id"])
    if found is None or now >= found.state.expires_at:
        raise rules.SurveyClosed()
    return found


async def survey(pool: asyncpg.Pool, who: Respondent, *, now: datetime) -> SurveyView:
    async with slowed_when_wrong(), pool.acquire() as conn:
        found = await _find(conn, who, now)
        appeal = await surveys.latest_appeal(conn, found.case_id)
    return SurveyView(
        case_id=found.case_id,
        tracking_no=found.tracking_no,
        outcome=found.case_outcome,
        closed_at=found.closed_at,
        expires_at=found.state.expires_at,
        answered=found.state.answered_at is not None,
        score=found.state.score,
        appeal_open=found.state.appeal_open(now),
        appeal=appeal,
    )


async def answer(
    pool: asyncpg.Pool, who: Respondent, form: Mapping[str, object], *, now: datetime
) -> Answered:
    """Store the answers and the score (with the weights in force), once. Raises NotFound (link),
    SurveyClosed, AlreadyAnswered or ValidationFailed (Chinese field messages)."""
    async with slowed_when_wrong(), pool.acquire() as conn, conn.transaction():
        found = await _find(conn, who, now)
        if found.state.answered_at is not None:
            raise rules.AlreadyAnswered()
        answers = rules.validate_answers(form)
        await cases.lock(conn, found.case_id)  # answers, requests and decisions on a case take turns
        version, weights = await surveys.weights_in_force(conn, local_date(now))
        value = rules.score(answers.points, weights)
        stored = await surveys.answer(
            conn,
            found.case_id,
            at=now,
            points=answers.points,
            score=value,
            comment=answers.comment,
            weights_version=version,
        )
        if not stored:  # answered by a second tab between the read and the lock
            raise rules.AlreadyAnswered()
        await cases.add_event(
            conn,
            found.case_id,
            "survey_answered",
            actor="consumer",
            at=now,
            payload={"score": value, "weights_version": version},  # never the comment
        )
    return Answered(found.case_id, found.tracking_no, value, rules.is_low(value) and found.state.appeals == 0)


async def request_appeal(
    pool: asyncpg.Pool, who: Respondent, kind: object, reason: object, *, now: datetime
) -> int:
    """A reopen or appeal request after a score below 60 (once per case); returns its id."""
    async with slowed_when_wrong(), pool.acquire() as conn, conn.transaction():
        found = await _find(conn, who, now)
        await cases.lock(conn, found.case_id)
        current = await surveys.for_case(conn, found.case_id)
        assert current is not None
        if current.state.answered_at is None:
            raise rules.AppealNotOpen("请先完成评价")
        if current.state.appeals:
            raise rules.AppealNotOpen("您已提交过申请，请在投诉进度页面查看处理结果")
        if not current.state.appeal_open(now):
            raise rules.AppealNotOpen("评分在60分以下时才可以申请重新处理或申诉")
        clean_kind, clean_reason = rules.validate_appeal(kind, reason)
        appeal_id = await surveys.add_appeal(conn, found.case_id, clean_kind, clean_reason, now)
        if appeal_id is None:
            raise rules.AppealNotOpen("您已提交过申请，请在投诉进度页面查看处理结果")
        await cases.add_event(
            conn,
            found.case_id,
            "appeal_requested",
            actor="consumer",
            at=now,
            payload={"appeal_id": appeal_id, "kind": clean_kind},  # the reason stays in appeals
        )
    return appeal_id


@dataclass(frozen=True, slots=True)
class Appeals:
    open: list[AppealRow]
    recent: list[AppealRow]


async def appeals(pool: asyncpg.Pool, *, now: datetime) -> Appeals:
    """Open requests for the supervisor, and those decided in the last RECENT_DAYS."""
    async with pool.acquire() as conn:
        rows = await surveys.appeals(conn, decided_since=now - timedelta(days=RECENT_DAYS), limit=LIST_LIMIT)
    return Appeals(
        open=[r for r in rows if r.appeal.decided_at is None],
        recent=[r for r in rows if r.appeal.decided_at is not None],
    )


@dataclass(frozen=True, slots=True)
class Decided:
    appeal_id: int
    case_id: int
    decision: str
    case_status: str


async def decide(
    pool: asyncpg.Pool,
    appeal_id: int,
    actor: StaffUser,
    decision: object,
    reason: object,
    *,
    now: datetime,
) -> Decided:
    """The supervisor's answer. Accepted: the case reopens (closed → accepted) for a new route.
    Declined: the reason is shown to the consumer. Raises NotFound, Conflict (already decided),
    InvalidTransition (the case is no longer closed) or ValidationFailed."""
    clean_decision, clean_reason = rules.validate_decision(decision, reason)
    async with pool.acquire() as conn, conn.transaction():
        seen = await surveys.appeal(conn, appeal_id)
        if seen is None:
            raise NotFound(f"appeal {appeal_id}")
        row = await _locked(conn, seen.case_id)  # the case first, then the request: one lock order
        current = await surveys.lock_appeal(conn, appeal_id)
        assert current is not None
        if current.decided_at is not None:
            raise Conflict("该申请已处理")
        status = row["status"]
        if clean_decision == "accepted":
            status = apply(_state(row), Action.REOPEN).status
            await surveys.reopen_case(conn, row["id"], status=status, at=now)
        await surveys.decide_appeal(
            conn, appeal_id, decision=clean_decision, reason=clean_reason, at=now, by=actor.id
        )
        if clean_decision == "accepted":
            await cases.add_event(
                conn,
                row["id"],
                "reopened",
                actor=actor.actor,
                at=now,
                payload={"appeal_id": appeal_id, "kind": current.kind, "note": clean_reason},
            )
        else:
            await cases.add_event(
                conn,
                row["id"],
                "appeal_declined",
                actor=actor.actor,
                at=now,
                payload={"appeal_id": appeal_id, "kind": current.kind, "reason": clean_reason},
            )
    return Decided(appeal_id, row["id"], clean_decision, str(status))
