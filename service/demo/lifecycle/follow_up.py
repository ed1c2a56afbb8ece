"""The consumer's side of the follow-up, and the worker's daily jobs."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from service.demo import story
from service.demo.lifecycle.mediating import override_to_mediation
from service.demo.lifecycle.office import Office, Story, local_day
from service.demo.lifecycle.signals import decide_signals
from service.queries import clusters as cluster_views
from service.usecases import (
    casework,
    clusters,
    escalation,
    first_payment,
    mediation,
    product_signals,
    satisfaction,
)
from service.usecases.clock import LOCAL_TZ
from service.usecases.cluster_commands import DecideCluster
from service.usecases.satisfaction_commands import AnswerSurvey, DecideAppeal, RequestAppeal

JOBS_AT = time(8, 40)  # the worker's daily sweeps (deadlines, clusters), before the office opens
CLUSTER_DECIDE_AFTER = 4  # working days before the supervisor decides an alert


async def follow_up(
    office: Office,
    rng: random.Random,
    case_id: int,
    outcome: str,
    who: satisfaction.Respondent,
    opened: datetime,
) -> Story:
    """The consumer answers the survey (or not); a score below 60 may bring a reopen or appeal request,
    which the supervisor answers: accepted reopens the case for another round of mediation."""
    if office.deal(story.RESPONSES) == "ignore":
        return
    now = office.consumer(rng, opened, 2, 120)
    yield now
    mood = office.deal(story.moods_for(outcome), outcome)
    answered = await satisfaction.answer(
        office.pool, who, AnswerSurvey(**story.survey_form(rng, mood)), now=now
    )
    if not answered.appeal_open or office.deal(story.APPEALS) == "none":
        return
    now = office.consumer(rng, now, 1, 48)
    yield now
    kind = rng.choice(("reopen", "appeal"))
    appeal_id = await satisfaction.request_appeal(
        office.pool, who, RequestAppeal(kind, rng.choice(story.APPEAL_REASONS)), now=now
    )
    now = office.staff(rng, now, 1, 4)
    yield now
    supervisor = office.cast.supervisor
    decision = office.deal(story.APPEAL_DECISIONS)  # "accepted" or "declined"
    notes = story.APPEAL_ACCEPTS if decision == "accepted" else story.APPEAL_DECLINES
    answer = DecideAppeal(decision, rng.choice(notes))
    await satisfaction.decide(office.pool, appeal_id, supervisor, answer, now=now)
    if decision == "accepted":
        now = office.staff(rng, now, 0, 0)
        yield now
        async for moment in override_to_mediation(
            office, rng, case_id, now, story.REOPEN_OVERRIDE_REASON, plan="settle"
        ):
            yield moment


# --- the worker's daily jobs -------------------------------------------------------------------------------


async def daily_jobs(office: Office, first: date, rng: random.Random) -> Story:
    """Every morning the sweeps a worker runs (missed replies and top-ups, unperformed settlements, expired
    offers, acceptance and mediation deadlines, clusters, product signals); on working days the supervisor
    decides the cluster alerts and product risk signals raised some days before. (The notices of the
    events are left to the worker, which queues them from its event cursor once it starts.)"""
    pool, day = office.pool, first
    while True:
        now = datetime.combine(day, JOBS_AT, LOCAL_TZ).astimezone(UTC)
        yield now
        await first_payment.flag_deadlines(pool, now=now)
        await mediation.flag_unperformed(pool, now)
        await mediation.expire_offers(pool, now)
        await casework.flag_overdue_acceptances(pool, now=now)
        await escalation.flag_mediation_deadlines(pool, now=now)
        await clusters.detect(pool, now=now)
        await product_signals.detect(pool, now=now)
        if office.calendar.is_workday(day):
            now = datetime.combine(day, time(16, 30), LOCAL_TZ).astimezone(UTC)
            yield now
            await _decide_alerts(office, rng, now)
            await decide_signals(office, now)
        day += timedelta(days=1)


async def _decide_alerts(office: Office, rng: random.Random, now: datetime) -> None:
    for alert in (await cluster_views.alerts(office.pool, now=now)).open:
        raised = alert.raised_at.astimezone(LOCAL_TZ).date()
        if office.workday(raised, CLUSTER_DECIDE_AFTER) > local_day(now):
            continue
        decision = rng.choice(story.CLUSTER_DECISIONS)
        cmd = DecideCluster(decision, story.CLUSTER_NOTES[decision])
        await clusters.decide(office.pool, alert.id, office.cast.supervisor, cmd, now=now)
