"""The follow-up survey (回访) and what a low score leads to (DESIGN §2.8).

A survey opens when a case closes: a long random token, stored hashed, valid 30 days, answered once.
The consumer reaches it by the link in the closing notification or from the tracking page (tracking
number and access code). A score below 60 offers a reopen or appeal request; a supervisor answers it:
accepted reopens the case, declined says why, and the consumer sees the answer on the tracking page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg
import msgspec

from domain import mediation as mediation_rules
from domain import satisfaction as rules
from domain.errors import Conflict, NotFound
from domain.events import EventKind
from domain.lifecycle import Action, apply
from service.adapters.throttle import Throttle
from service.store import cases, surveys
from service.store import mediation as mediation_store
from service.store.staff import StaffUser
from service.store.surveys import Appeal, Survey
from service.usecases.case_step import case_step, locked_case
from service.usecases.clock import local_date
from service.usecases.satisfaction_commands import AnswerSurvey, DecideAppeal, RequestAppeal
from service.usecases.tracking import _authorised_case, slowed_when_wrong

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


async def answer(pool: asyncpg.Pool, who: Respondent, cmd: AnswerSurvey, *, now: datetime) -> Answered:
    """Store the answers and the score (with the weights in force), once. Raises NotFound (link),
    SurveyClosed, AlreadyAnswered or ValidationFailed (Chinese field messages)."""
    async with slowed_when_wrong(), pool.acquire() as conn, conn.transaction():
        found = await _find(conn, who, now)
        if found.state.answered_at is not None:
            raise rules.AlreadyAnswered()
        answers = rules.validate_answers(msgspec.structs.asdict(cmd))
        await locked_case(conn, found.case_id)  # answers, requests and decisions on a case take turns
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
            EventKind.SURVEY_ANSWERED,
            actor="consumer",
            at=now,
            payload={"score": value, "weights_version": version},  # never the comment
        )
    return Answered(found.case_id, found.tracking_no, value, rules.is_low(value) and found.state.appeals == 0)


async def request_appeal(pool: asyncpg.Pool, who: Respondent, cmd: RequestAppeal, *, now: datetime) -> int:
    """A reopen or appeal request after a score below 60 (once per case); returns its id."""
    async with slowed_when_wrong(), pool.acquire() as conn, conn.transaction():
        found = await _find(conn, who, now)
        await locked_case(conn, found.case_id)
        current = await surveys.for_case(conn, found.case_id)
        assert current is not None
        if current.state.answered_at is None:
            raise rules.AppealNotOpen("请先完成评价")
        if current.state.appeals:
            raise rules.AppealNotOpen("您已提交过申请，请在投诉进度页面查看处理结果")
        if not current.state.appeal_open(now):
            raise rules.AppealNotOpen("评分在60分以下时才可以申请重新处理或申诉")
        clean_kind, clean_reason = rules.validate_appeal(cmd.kind, cmd.reason)
        appeal_id = await surveys.add_appeal(conn, found.case_id, clean_kind, clean_reason, now)
        if appeal_id is None:
            raise rules.AppealNotOpen("您已提交过申请，请在投诉进度页面查看处理结果")
        await cases.add_event(
            conn,
            found.case_id,
            EventKind.APPEAL_REQUESTED,
            actor="consumer",
            at=now,
            payload={"appeal_id": appeal_id, "kind": clean_kind},  # the reason stays in appeals
        )
    return appeal_id


class AppealDecided(msgspec.Struct):
    """The supervisor's answer as recorded, and the case's status after it."""

    id: int  # the request's
    case_id: int
    decision: str  # accepted | declined
    case_status: str


async def decide(
    pool: asyncpg.Pool, appeal_id: int, actor: StaffUser, cmd: DecideAppeal, *, now: datetime
) -> AppealDecided:
    """The supervisor's answer. Accepted: the case reopens (closed → accepted) for a new route.
    Declined: the reason is shown to the consumer. Raises NotFound, Conflict (already decided),
    InvalidTransition (the case is no longer closed) or ValidationFailed."""
    decision, reason = rules.validate_decision(cmd.decision, cmd.reason)
    async with pool.acquire() as conn:
        seen = await surveys.appeal(conn, appeal_id)  # which case: a request never changes case
    if seen is None:
        raise NotFound(f"appeal {appeal_id}")
    # the case first, then the request: one lock order (and no holder: a closed case has none)
    async with case_step(pool, seen.case_id, now=now, actor=actor.actor) as step:
        current = await surveys.lock_appeal(step.conn, appeal_id)
        assert current is not None
        if current.decided_at is not None:
            raise Conflict("该申请已处理")
        status = step.case.status
        if decision == "accepted":
            status = apply(step.case.state, Action.REOPEN).status
            await surveys.reopen_case(step.conn, step.case.id, status=status, at=now)
        await surveys.decide_appeal(
            step.conn, appeal_id, decision=decision, reason=reason, at=now, by=actor.id
        )
        if decision == "accepted":
            note = {"appeal_id": appeal_id, "kind": current.kind, "note": reason}
            await step.event(EventKind.REOPENED, note)
        else:
            answer = {"appeal_id": appeal_id, "kind": current.kind, "reason": reason}
            await step.event(EventKind.APPEAL_DECLINED, answer)
    return AppealDecided(appeal_id, step.case.id, decision, str(status))
