"""The follow-up survey on a real database, with the clock passed in: one survey per case, answered once,
expiring after 30 days, scored with the weights in force; a low score's request, and its answer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest
from redis.asyncio import Redis

from domain.errors import Conflict, NotFound, ValidationFailed
from domain.lifecycle import InvalidTransition
from domain.satisfaction import QUESTIONS, AlreadyAnswered, AppealNotOpen, SurveyClosed
from service.adapters.throttle import Throttle
from service.queries import appeals
from service.settings import Settings
from service.store.staff import StaffUser
from service.usecases import auth, casework, closing, intake, satisfaction, tracking
from service.usecases.casework_commands import Close
from service.usecases.satisfaction import ByCode, ByToken
from service.usecases.satisfaction_commands import AnswerSurvey, DecideAppeal, RequestAppeal
from service.usecases.tracking_views import CaseView
from tests.support.factories import complaint_body
from tests.support.intake import ctx

CLOSED_ON = date(2026, 11, 2)


def at(day: date, hour: int = 2) -> datetime:
    """10:00 in Beijing on that day."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


CLOSED_AT = at(CLOSED_ON)


def form(level: str = "satisfied", **changes: str) -> AnswerSurvey:
    return AnswerSurvey(**{**dict.fromkeys(QUESTIONS, level), **changes})


LOW = form("dissatisfied", attitude="neutral", overall="very_dissatisfied")  # (30·3 + 60 + 0) / 5 = 30


@pytest.fixture(scope="module")
async def supervisor(pool: asyncpg.Pool) -> StaffUser:
    user_id = await auth.add_user(
        pool, "t_surveys_sup", ["supervisor"], "a long enough password", display_name="回访科长"
    )
    return StaffUser(user_id, "t_surveys_sup", "回访科长", frozenset())


async def closed_case(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser, closed_at: datetime = CLOSED_AT
) -> tuple[intake.Receipt, str]:
    """A case received, accepted and closed, with its survey opened at the close; returns its token."""
    received = closed_at.date() - timedelta(days=10)
    body = complaint_body(purchase_date=(received - timedelta(days=3)).isoformat())
    receipt = await intake.submit_complaint(pool, body, ctx(settings), now=at(received))
    await casework.accept(pool, receipt.case_id, supervisor, None, now=at(received + timedelta(days=1)))
    await closing.close(pool, receipt.case_id, supervisor, Close(outcome="withdrawn"), now=closed_at)
    async with pool.acquire() as conn, conn.transaction():
        # once closing opens the survey itself its token went to the notification: make a fresh one here
        await conn.execute("DELETE FROM surveys WHERE case_id = $1", receipt.case_id)
        token = await satisfaction.open_survey(conn, receipt.case_id, closed_at)
    assert token is not None
    return receipt, token


def by_code(receipt: intake.Receipt, settings: Settings, redis: Redis) -> ByCode:
    throttle = Throttle(
        redis, prefix=f"{settings.queue_name}:track-fail", window_s=900, limits={"no": 5, "ip": 50}
    )
    return ByCode(receipt.tracking_no, receipt.access_code, settings.secret_key, throttle, "127.0.0.1")


async def track(
    pool: asyncpg.Pool, receipt: intake.Receipt, settings: Settings, redis: Redis, *, now: datetime
) -> CaseView:
    """The consumer's tracking page for the case, opened with its tracking number and access code."""
    return await tracking.view_case(
        pool,
        receipt.tracking_no,
        receipt.access_code,
        secret_key=settings.secret_key,
        throttle=by_code(receipt, settings, redis).throttle,
        client="127.0.0.1",
        now=now,
    )


async def test_a_case_has_one_survey(pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser) -> None:
    receipt, token = await closed_case(pool, settings, supervisor)
    async with pool.acquire() as conn, conn.transaction():
        assert await satisfaction.open_survey(conn, receipt.case_id, CLOSED_AT + timedelta(days=1)) is None
    row = await pool.fetchrow(
        "SELECT token_hash, expires_at FROM surveys WHERE case_id = $1", receipt.case_id
    )
    assert row["expires_at"] == CLOSED_AT + timedelta(days=30)
    assert token.encode() not in row["token_hash"] and len(row["token_hash"]) == 32  # stored hashed


async def test_answered_once_scored_with_the_weights_in_force(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    receipt, token = await closed_case(pool, settings, supervisor)
    now = CLOSED_AT + timedelta(days=3)
    view = await satisfaction.survey(pool, ByToken(token), now=now)
    assert (view.tracking_no, view.answered, view.outcome) == (receipt.tracking_no, False, "withdrawn")
    done = await satisfaction.answer(
        pool, ByToken(token), form(timeliness="very_satisfied", outcome="dont_know", comment="谢谢"), now=now
    )
    assert (done.score, done.appeal_open) == (85.0, False)  # (100 + 80·3) / 4: 不了解 dropped
    row = await pool.fetchrow("SELECT * FROM surveys WHERE case_id = $1", receipt.case_id)
    assert (row["timeliness"], row["fairness"], row["outcome"], row["overall"]) == (100, 80, None, 80)
    assert (float(row["score"]), row["comment"], row["weights_version"]) == (85.0, "谢谢", "equal-2020")
    assert row["answered_at"] == now
    event = await pool.fetchrow(
        "SELECT actor, payload FROM case_events WHERE case_id = $1 AND kind = 'survey_answered'",
        receipt.case_id,
    )
    assert event["actor"] == "consumer" and event["payload"]["score"] == 85.0
    assert "comment" not in event["payload"] and "谢谢" not in str(event["payload"])

    with pytest.raises(AlreadyAnswered):
        await satisfaction.answer(pool, ByToken(token), form("very_satisfied"), now=now + timedelta(hours=1))
    assert (await satisfaction.survey(pool, ByToken(token), now=now)).answered


async def test_invalid_answers_store_nothing(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    receipt, token = await closed_case(pool, settings, supervisor)
    with pytest.raises(ValidationFailed) as caught:
        await satisfaction.answer(pool, ByToken(token), form(fairness=""), now=CLOSED_AT)
    assert [e.field for e in caught.value.errors] == ["fairness"]
    assert await pool.fetchval("SELECT answered_at FROM surveys WHERE case_id = $1", receipt.case_id) is None


async def test_the_link_expires_after_30_days(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser, redis: Redis
) -> None:
    receipt, token = await closed_case(pool, settings, supervisor)
    last_moment = CLOSED_AT + timedelta(days=30) - timedelta(seconds=1)
    assert not (await satisfaction.survey(pool, ByToken(token), now=last_moment)).answered
    expired = CLOSED_AT + timedelta(days=30)
    with pytest.raises(NotFound):
        await satisfaction.survey(pool, ByToken(token), now=expired)
    with pytest.raises(NotFound):
        await satisfaction.answer(pool, ByToken(token), form(), now=expired)
    with pytest.raises(SurveyClosed):  # from the tracking page: the code was right, the survey is over
        await satisfaction.answer(pool, by_code(receipt, settings, redis), form(), now=expired)
    seen = await track(pool, receipt, settings, redis, now=expired)
    assert not seen.survey_open
    with pytest.raises(NotFound):
        await satisfaction.survey(pool, ByToken("not-a-token"), now=CLOSED_AT)


async def test_weights_are_data_versioned_by_date(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    later = at(date(2091, 3, 1))
    await pool.execute(
        "INSERT INTO survey_weights (version, effective_from, outcome)"
        " VALUES ('t-outcome-x3', '2091-01-01', 3)"
    )
    try:
        receipt, token = await closed_case(pool, settings, supervisor, closed_at=later)
        done = await satisfaction.answer(
            pool, ByToken(token), form("very_satisfied", outcome="very_dissatisfied"), now=later
        )
        assert done.score == round(400 / 7, 2)  # (100·4 + 0·3) / 7 = 57.14: low
        assert done.appeal_open
        assert (
            await pool.fetchval("SELECT weights_version FROM surveys WHERE case_id = $1", receipt.case_id)
            == "t-outcome-x3"
        )
    finally:
        await pool.execute("DELETE FROM survey_weights WHERE version = 't-outcome-x3'")


async def test_low_score_appeal_accepted_reopens_the_case(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser, redis: Redis
) -> None:
    receipt, token = await closed_case(pool, settings, supervisor)
    now = CLOSED_AT + timedelta(days=2)
    who = by_code(receipt, settings, redis)  # from the tracking page this time
    with pytest.raises(AppealNotOpen):
        await satisfaction.request_appeal(
            pool, who, RequestAppeal("reopen", "没解决"), now=now
        )  # not rated yet
    done = await satisfaction.answer(pool, who, LOW, now=now)
    assert (done.score, done.appeal_open) == (30.0, True)
    with pytest.raises(ValidationFailed):
        await satisfaction.request_appeal(pool, who, RequestAppeal("reopen", " "), now=now)
    appeal_id = await satisfaction.request_appeal(
        pool, who, RequestAppeal("reopen", "商家至今未退款"), now=now
    )
    with pytest.raises(AppealNotOpen):
        await satisfaction.request_appeal(pool, ByToken(token), RequestAppeal("appeal", "再次申请"), now=now)
    event = await pool.fetchrow(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'appeal_requested'", receipt.case_id
    )
    assert event["payload"] == {"appeal_id": appeal_id, "kind": "reopen"}

    listed = await appeals.appeals(pool, now=now)
    mine = next(r for r in listed.open if r.appeal.id == appeal_id)
    assert (mine.tracking_no, mine.score, mine.appeal.reason) == (receipt.tracking_no, 30.0, "商家至今未退款")
    assert mine.points["attitude"] == 60

    decided = await satisfaction.decide(
        pool, appeal_id, supervisor, DecideAppeal("accepted", None), now=now + timedelta(days=1)
    )
    assert (decided.case_id, decided.decision, decided.case_status) == (
        receipt.case_id,
        "accepted",
        "accepted",
    )
    case = await pool.fetchrow("SELECT status, outcome, closed_at FROM cases WHERE id = $1", receipt.case_id)
    assert (case["status"], case["outcome"], case["closed_at"]) == ("accepted", None, None)
    reopened = await pool.fetchrow(
        "SELECT actor, payload FROM case_events WHERE case_id = $1 AND kind = 'reopened'", receipt.case_id
    )
    assert reopened["actor"] == supervisor.actor and reopened["payload"]["appeal_id"] == appeal_id
    with pytest.raises(Conflict):
        await satisfaction.decide(
            pool, appeal_id, supervisor, DecideAppeal("declined", "重复"), now=now + timedelta(days=1)
        )
    # the reopened case can close again; it keeps its one survey
    await closing.close(
        pool, receipt.case_id, supervisor, Close(outcome="withdrawn"), now=now + timedelta(days=5)
    )
    async with pool.acquire() as conn, conn.transaction():
        assert await satisfaction.open_survey(conn, receipt.case_id, now + timedelta(days=5)) is None


async def test_low_score_appeal_declined_with_a_reason_the_consumer_sees(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser, redis: Redis
) -> None:
    receipt, token = await closed_case(pool, settings, supervisor)
    now = CLOSED_AT + timedelta(days=2)
    await satisfaction.answer(pool, ByToken(token), LOW, now=now)
    appeal_id = await satisfaction.request_appeal(
        pool, ByToken(token), RequestAppeal("appeal", "调解员态度差"), now=now
    )
    with pytest.raises(ValidationFailed):
        await satisfaction.decide(pool, appeal_id, supervisor, DecideAppeal("declined", ""), now=now)
    await satisfaction.decide(
        pool, appeal_id, supervisor, DecideAppeal("declined", "经核查，调解过程依法依规。"), now=now
    )
    assert await pool.fetchval("SELECT status FROM cases WHERE id = $1", receipt.case_id) == "closed"
    seen = await track(pool, receipt, settings, redis, now=now)
    assert seen.appeal is not None
    assert (seen.appeal.decision, seen.appeal.decision_reason) == ("declined", "经核查，调解过程依法依规。")
    assert not seen.survey_open and not seen.appeal_open


async def test_a_high_score_offers_no_request(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    _, token = await closed_case(pool, settings, supervisor)
    done = await satisfaction.answer(pool, ByToken(token), form("neutral"), now=CLOSED_AT)
    assert (done.score, done.appeal_open) == (60.0, False)  # 60 is not below 60
    with pytest.raises(AppealNotOpen):
        await satisfaction.request_appeal(
            pool, ByToken(token), RequestAppeal("reopen", "想重新处理"), now=CLOSED_AT
        )


async def test_accepting_on_a_case_no_longer_closed_is_refused(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    receipt, token = await closed_case(pool, settings, supervisor)
    await satisfaction.answer(pool, ByToken(token), LOW, now=CLOSED_AT)
    appeal_id = await satisfaction.request_appeal(
        pool, ByToken(token), RequestAppeal("reopen", "未退款"), now=CLOSED_AT
    )
    await pool.execute("UPDATE cases SET status = 'accepted', outcome = NULL WHERE id = $1", receipt.case_id)
    with pytest.raises(InvalidTransition):
        await satisfaction.decide(pool, appeal_id, supervisor, DecideAppeal("accepted", None), now=CLOSED_AT)
    assert await pool.fetchval("SELECT decided_at FROM appeals WHERE id = $1", appeal_id) is None
