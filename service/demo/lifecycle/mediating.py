"""A demo case in mediation: the mediator takes it, contacts both parties, perhaps holds a session or has
the product tested; offers go back and forth; it ends settled (and performed, or reopened), terminated,
withdrawn or closed as a duplicate or a referral to enforcement."""

from __future__ import annotations

import random
from datetime import date, datetime, time

from domain.lifecycle import Status
from domain.money import format_yuan
from domain.queues import OpenCaseLimit
from service.demo import story
from service.demo.lifecycle.office import Office, Story, before_day, local_day, round_yuan
from service.queries import mediation as mediation_views
from service.usecases import mediation, product_testing, queues, routing
from service.usecases.clock import LOCAL_TZ
from service.usecases.product_testing_commands import FinishTesting, StartTesting
from service.usecases.routing_commands import OverrideRoute


async def override_to_mediation(
    office: Office, rng: random.Random, case_id: int, now: datetime, reason: str, plan: str | None = None
) -> Story:
    cmd = OverrideRoute(route="mediation", reason=reason)
    await routing.override(office.pool, case_id, office.cast.supervisor, cmd, now=now)
    async for moment in mediate(office, rng, case_id, now, violation=False, plan=plan):
        yield moment


async def _take(office: Office, case_id: int, now: datetime) -> None:
    """The mediator claims the queue's most urgent case; when that is another one (or the limit binds),
    the supervisor assigns this one to the mediator."""
    mediator = office.cast.mediator
    row = await office.case(case_id)
    if row["assigned_to"] == mediator.id:
        return
    claimed = None
    if row["assigned_to"] is None and row["queue"] is not None:
        try:
            claimed = await queues.claim(office.pool, row["queue"], mediator, now=now)
        except OpenCaseLimit:
            claimed = None
    if claimed is None or claimed.id != case_id:
        row = await office.case(case_id)
        if row["assigned_to"] != mediator.id:
            await queues.reassign(office.pool, case_id, office.cast.supervisor, mediator.id, now=now)


async def mediate(
    office: Office,
    rng: random.Random,
    case_id: int,
    now: datetime,
    *,
    violation: bool,
    plan: str | None = None,
) -> Story:
    pool, mediator = office.pool, office.cast.mediator
    if plan is None:
        referred = violation and office.deal(story.ENFORCEMENT) == "referred"
        plan = "enforcement" if referred else office.deal(story.MEDIATION_PLANS)
    now = office.staff(rng, now, 0, 2)
    yield now
    await _take(office, case_id, now)
    now = office.staff(rng, now, 0, 1)
    yield now
    contact = mediation.LogContact(
        party="consumer", method="phone", note=rng.choice(story.CONTACT_NOTES["consumer"])
    )
    await mediation.log_contact(pool, case_id, mediator, contact, now=now)
    if plan == "duplicate":
        now = office.staff(rng, now, 0, 1)
        yield now
        await office.close(case_id, "duplicate", now, note=story.DUPLICATE_NOTE)
        return  # a duplicate's follow-up is its original's
    if plan == "enforcement":
        now = office.staff(rng, now, 1, 3)
        yield now
        await office.close(case_id, "referred_to_enforcement", now, note=story.ENFORCEMENT_NOTE)
        await office.survey(rng, case_id, "referred_to_enforcement", now)
        return
    async for moment in _with_merchant(office, rng, case_id, now, plan):
        yield moment


async def _with_merchant(office: Office, rng: random.Random, case_id: int, now: datetime, plan: str) -> Story:
    """The mediator contacts the business; the consumer withdraws, nobody moves, the business refuses, or
    the parties negotiate."""
    pool, mediator = office.pool, office.cast.mediator
    now = office.staff(rng, now, 0, 2)
    yield now
    contact = mediation.LogContact(
        party="merchant",
        method=rng.choice(("phone", "phone", "visit")),
        note=rng.choice(story.CONTACT_NOTES["merchant"]),
    )
    await mediation.log_contact(pool, case_id, mediator, contact, now=now)
    if plan == "withdraw":
        now = office.staff(rng, now, 2, 8)
        yield now
        await office.close(case_id, "withdrawn", now, note=rng.choice(story.WITHDRAW_NOTES))
        await office.survey(rng, case_id, "withdrawn", now)
        return
    if plan == "stall":  # nobody moves; past the limit the mediator terminates it (or it is still overdue)
        due: date = (await office.case(case_id))["mediation_due"]
        if office.deal(story.STALLS) == "left":
            return
        after_due = datetime.combine(due, time(23, 0), LOCAL_TZ)
        rest = _terminate_later(office, rng, case_id, after_due, (1, 6), 5)
    elif plan == "terminate_refused":
        rest = _terminate_later(office, rng, case_id, now, (3, 8), 2)
    else:
        rest = _towards_agreement(office, rng, case_id, now, plan)
    async for moment in rest:
        yield moment


async def _towards_agreement(
    office: Office, rng: random.Random, case_id: int, now: datetime, plan: str
) -> Story:
    """Perhaps a product test, a link for the business, a session; offers; a settlement or termination."""
    pool, mediator = office.pool, office.cast.mediator
    if plan == "settle_after_test":
        async for moment in _product_test(office, rng, case_id, now):
            now = moment
            yield moment
    token = None
    if rng.random() < 0.5:  # the merchant answers through its link, else by phone to the mediator
        now = office.staff(rng, now, 0, 1)
        yield now
        token = await office.merchant_link(case_id, mediator, now)
    if rng.random() < 0.5:
        now = office.staff(rng, now, 1, 4)
        yield now
        session = mediation.LogSession(
            mode=rng.choice(("on_site", "phone", "video")),
            place=rng.choice(story.SESSION_PLACES),
            attendees="消费者、经营者代表、调解员",
            note=rng.choice(story.SESSION_NOTES),
        )
        await mediation.log_session(pool, case_id, mediator, session, now=now)
    agree = plan != "terminate_no_agreement"
    async for moment in _negotiate(office, rng, case_id, now, token, agree):
        now = moment
        yield moment
    row = await office.case(case_id)
    if row["status"] != Status.MEDIATION:
        return
    rest = (
        _settle(office, rng, case_id, now, token)
        if agree
        else _terminate_later(office, rng, case_id, now, (1, 3), 3)
    )
    async for moment in rest:
        yield moment


async def _terminate_later(
    office: Office, rng: random.Random, case_id: int, after: datetime, days: tuple[int, int], reason: int
) -> Story:
    """The mediator terminates the mediation some working days after `after` (art. 23, on `reason`)."""
    now = office.staff(rng, after, *days)
    yield now
    async for moment in terminate(office, rng, case_id, now, reason):
        yield moment


async def _product_test(office: Office, rng: random.Random, case_id: int, now: datetime) -> Story:
    lab, fee = rng.choice(story.TESTS)
    now = office.staff(rng, now, 1, 3)
    yield now
    sent = StartTesting(lab=lab, fee=fee, advanced_by="merchant", consumer_guarantee=fee)
    test = await product_testing.start_test(office.pool, case_id, office.cast.mediator, sent, now=now)
    now = office.staff(rng, now, 8, 18)
    yield now
    finding = FinishTesting(finding=rng.choice(story.TEST_RESULTS), at_fault="merchant")
    mediator = office.cast.mediator
    await product_testing.finish_test(office.pool, test.id, mediator, finding, now=now, case_id=case_id)


async def _negotiate(
    office: Office, rng: random.Random, case_id: int, now: datetime, token: str | None, agree: bool
) -> Story:
    """The business offers; the consumer accepts, or counters and the business answers. Ends with an
    accepted offer (a settlement drafted) when `agree`, else with refusals."""
    pool, mediator = office.pool, office.cast.mediator
    row = await office.case(case_id)
    claim, remedy = row["claim_amount_fen"], row["requests"][0]
    offer_fen = max(min(claim, 1000), round_yuan(claim * rng.uniform(0.5, 0.85), 10))
    now = office.staff(rng, now, 1, 3)
    yield now
    answer_by = office.workday(local_day(now), rng.randint(3, 5))
    offer = mediation.MakeOffer(
        from_party="merchant",
        remedy=remedy,
        amount=format_yuan(offer_fen),
        answer_by=answer_by.isoformat(),
        note=rng.choice(story.OFFER_NOTES["merchant"]),
    )
    offer_id = (await mediation.make_offer(pool, case_id, mediator, offer, now=now)).id
    now = before_day(office.consumer(rng, now, 2, 40), answer_by, now)
    yield now
    if agree and rng.random() < 0.45:
        await mediation.consumer_answer(pool, case_id, offer_id, mediation.AnswerOffer("accept"), now=now)
        return
    if not agree and rng.random() < 0.4:
        refusal = mediation.AnswerOffer("refuse", note="金额太低，不能接受。")
        await mediation.consumer_answer(pool, case_id, offer_id, refusal, now=now)
        return
    async for moment in _counter(office, rng, case_id, offer_id, offer_fen, now, token, agree):
        yield moment


async def _counter(
    office: Office,
    rng: random.Random,
    case_id: int,
    offer_id: int,
    offer_fen: int,
    now: datetime,
    token: str | None,
    agree: bool,
) -> Story:
    """The consumer counters the business's offer; the business accepts or refuses (by its link, or by
    phone to the mediator)."""
    pool, mediator = office.pool, office.cast.mediator
    row = await office.case(case_id)
    claim, remedy = row["claim_amount_fen"], row["requests"][0]
    counter_fen = max(offer_fen, round_yuan(claim * rng.uniform(0.85, 1.0), 10))
    counter_by = office.workday(local_day(now), rng.randint(3, 5))
    counter = mediation.AnswerOffer(
        "counter",
        remedy=remedy,
        amount=format_yuan(counter_fen),
        answer_by=counter_by.isoformat(),
        note=rng.choice(story.OFFER_NOTES["consumer"]),
    )
    answered = await mediation.consumer_answer(pool, case_id, offer_id, counter, now=now)
    assert answered.new_offer_id is not None
    now = office.on_or_before(rng, now, counter_by, 1, 2)
    yield now
    answer = "accept" if agree else "refuse"
    note = None if agree else "超出公司可承受范围。"
    if token is not None:
        reply = mediation.AnswerOffer(answer, note=note)
        await mediation.merchant_answer(pool, token, answered.new_offer_id, reply, now=now)
    else:
        reply = mediation.AnswerOffer(answer, party="merchant", note=note)
        await mediation.record_answer(pool, case_id, answered.new_offer_id, mediator, reply, now=now)


async def _settle(
    office: Office, rng: random.Random, case_id: int, now: datetime, token: str | None
) -> Story:
    """The mediator reviews and issues the 调解书; both parties confirm (the case closes as settled); the
    business performs by the date, or not (flagged by the daily job, then reopened)."""
    pool, mediator = office.pool, office.cast.mediator
    now = office.staff(rng, now, 0, 1)
    yield now
    wording = rng.choice(story.SETTLEMENT_WORDING) if rng.random() < 0.3 else None
    await mediation.issue_settlement(pool, case_id, mediator, mediation.IssueSettlement(wording), now=now)
    parties = ["consumer", "merchant"]
    rng.shuffle(parties)
    for party in parties:
        if party == "consumer" and rng.random() < 0.5:
            now = office.consumer(rng, now, 1, 30)
            yield now
            await mediation.consumer_confirm(pool, case_id, now=now)
        elif party == "merchant" and token is not None and rng.random() < 0.7:
            now = office.consumer(rng, now, 1, 30)
            yield now
            await mediation.merchant_confirm(pool, token, case_id, now=now)
        else:
            now = office.staff(rng, now, 0, 2)
            yield now
            means = rng.choice(("on_site", "phone", "signature"))
            confirmation = mediation.ConfirmSettlement(party, means)
            await mediation.record_confirmation(pool, case_id, mediator, confirmation, now=now)
    office.played.closures["settled"] += 1
    settlement = (await mediation_views.record(pool, case_id, now=now)).settlement
    assert settlement is not None
    perform_by: date = settlement.perform_by
    if office.deal(story.PERFORMANCE) == "not_performed":
        now = office.staff(rng, datetime.combine(perform_by, time(23, 0), LOCAL_TZ), 1, 3)
        yield now
        # the flag invited the consumer to rate the settlement (the worker's notice): it stays unanswered
        await office.open_survey(case_id, now)
        office.surveyed.add(case_id)
        supervisor = office.cast.supervisor
        await mediation.reopen(
            pool, case_id, supervisor, mediation.Reopen(story.REOPEN_AFTER_DEFAULT), now=now
        )
        now = office.staff(rng, now, 0, 0)
        yield now
        async for moment in override_to_mediation(
            office, rng, case_id, now, story.REOPEN_AFTER_DEFAULT, plan="settle"
        ):
            yield moment
        return
    now = office.on_or_before(rng, now, perform_by, 1, 5)
    yield now
    await mediation.record_performance(
        pool, case_id, mediator, mediation.RecordPerformance("performed"), now=now
    )
    await office.survey(rng, case_id, "settled", now)


async def terminate(office: Office, rng: random.Random, case_id: int, now: datetime, reason: int) -> Story:
    ending = mediation.Terminate(reason, rng.choice(story.TERMINATION_NOTES[reason]))
    await mediation.terminate(office.pool, case_id, office.cast.mediator, ending, now=now)
    office.played.closures["terminated"] += 1
    await office.survey(rng, case_id, "terminated", now)
    now = office.staff(rng, now, 1, 4)
    yield now
    await mediation.mark_notice_sent(office.pool, case_id, office.cast.mediator, now=now)
