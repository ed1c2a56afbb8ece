"""A demo complaint arrives (by the web form or recorded by the clerk), is accepted or not, and is routed;
its route's story follows."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from domain.acceptance import Ground
from domain.lifecycle import Status
from service.adapters import evidence_files
from service.adapters.evidence_files import StagedFile
from service.demo import story
from service.demo.catalog import MERCHANTS
from service.demo.lifecycle.mediating import mediate
from service.demo.lifecycle.office import Office, Story, local_day
from service.demo.lifecycle.routes import arbitration_story, first_payment_story
from service.usecases import case_merchant, casework, routing, spam
from service.usecases.casework_commands import MarkSpam, Reject
from service.usecases.intake import Receipt, submit_complaint
from service.usecases.routing_commands import ConfirmMerchant

SHORT_NAMES = {m.name: m.short for m in MERCHANTS}
REJECTION_NOTES = {
    Ground.TIME_BARRED: "购买时间已超过三年，超过投诉时效。",
    Ground.NOT_A_CONSUMER_DISPUTE: "经核实，所购商品用于经营，不属于生活消费。",
    Ground.MATERIALS_MISSING_OR_FALSE: "经两次电话联系，投诉人未能补充购物凭证等必要材料。",
}
DECISION_DAYS = (1, 1, 2, 3, 4, 5, 6)  # working days from receipt to the acceptance decision
# recent complaints of which a few are left undecided, past their 7 working days (story.UNDECIDED)
UNDECIDED_WITHIN = timedelta(days=45)
UNDECIDED_AFTER = timedelta(days=12)
REJECTED_SHARE = 0.05  # not accepted on a ground the supervisor finds (time-barred ones besides)


async def _evidence(office: Office, rng: random.Random) -> list[StagedFile]:
    async def chunks() -> AsyncIterator[bytes]:
        yield story.receipt_png(rng)

    name = rng.choice(("购物小票.png", "付款截图.png", "发票.png"))
    return [
        await evidence_files.stage(office.ctx.evidence_dir, name, chunks(), office.ctx.evidence_max_bytes)
    ]


async def complaint(office: Office, index: int, received_at: datetime, body: dict[str, Any]) -> Story:
    rng = random.Random(f"demo:{office.seed}:{index}")
    channel = office.deal(story.CHANNELS)
    yield received_at
    meant = body["merchant"]["name"]  # the business the consumer means
    receipt = await _file(office, rng, channel, received_at, body)
    office.played.receipts.append(receipt)
    office.receipts[receipt.case_id] = receipt
    case_id = receipt.case_id

    # the acceptance decision (受理 / 不予受理) within a few working days; a few recent ones wait too long
    recent = office.scheduler.end - UNDECIDED_WITHIN < received_at < office.scheduler.end - UNDECIDED_AFTER
    if recent and office.deal(story.UNDECIDED) == "waiting":
        return
    days = rng.choice(DECISION_DAYS)
    now = office.staff(rng, received_at, days, days)
    yield now
    supervisor = office.cast.supervisor
    if office.deal(story.SPAM) == "spam":
        await spam.mark_spam(office.pool, case_id, supervisor, MarkSpam(reason=story.SPAM_REASON), now=now)
        office.played.closures["spam"] += 1
        return
    ground = await _ground_for(office, case_id, rng)
    if ground is not None:
        note = REJECTION_NOTES[ground]
        await casework.reject(
            office.pool, case_id, supervisor, Reject(ground=int(ground), note=note), now=now
        )
        office.played.rejected += 1
        return
    await casework.accept(office.pool, case_id, supervisor, None, now=now)
    office.played.accepted += 1

    # the routing job runs a minute or two after the acceptance commits
    now += timedelta(seconds=rng.randint(20, 180))
    yield now
    await routing.route_case(office.pool, case_id, now=now)
    row = await office.case(case_id)
    if row["status"] == Status.MERCHANT_TO_CONFIRM:
        now = office.staff(rng, now, 0, 1)
        yield now
        await _confirm_merchant(office, row, meant, now)
        row = await office.case(case_id)
    violation = bool(body.get("reports_violation"))
    async for moment in _routed(office, rng, row, now, violation):
        yield moment


async def _file(
    office: Office, rng: random.Random, channel: str, received_at: datetime, body: dict[str, Any]
) -> Receipt:
    """The consumer files on the web (perhaps with a photo of the receipt, perhaps naming the business as
    people say it), or the clerk records a call, a counter visit or a letter (with the day it arrived)."""
    meant = body["merchant"]["name"]
    files: list[StagedFile] = []
    clerk = None
    if channel == "web":
        files = await _evidence(office, rng) if rng.random() < story.EVIDENCE_SHARE else []
        if office.deal(story.NAMING) == "short":
            merchant = {k: v for k, v in body["merchant"].items() if k != "uscc"}
            body = {**body, "merchant": {**merchant, "name": SHORT_NAMES[meant]}}
    else:  # the clerk records a call, a counter visit or a letter (with the day the letter arrived)
        clerk = office.cast.clerk
        body = {**body, "channel": channel}
        if channel == "letter":
            arrived = local_day(received_at) - timedelta(days=rng.randint(*story.LETTER_DAYS))
            body["received_on"] = arrived.isoformat()
    return await submit_complaint(
        office.pool,
        body,
        office.ctx,
        now=received_at,
        files=files,
        recorded_by=clerk,
        code_choice=office.code_choice,
    )


async def _ground_for(office: Office, case_id: int, rng: random.Random) -> Ground | None:
    row = await office.case(case_id)
    if (row["received_on"] - row["purchase_date"]).days > 3 * 366:
        return Ground.TIME_BARRED
    if rng.random() < REJECTED_SHARE:
        return rng.choice((Ground.NOT_A_CONSUMER_DISPUTE, Ground.MATERIALS_MISSING_OR_FALSE))
    return None


async def _confirm_merchant(office: Office, row: asyncpg.Record, meant: str, now: datetime) -> None:
    """The registry search found only plausible candidates: the supervisor picks the one the consumer
    meant (the demo knows its registered name), or says it is not in the registry; routing then runs."""
    named = [c for c in row["merchant_candidates"] or [] if c["name"] == meant]
    choice = ConfirmMerchant(
        merchant_id=named[0]["merchant_id"] if named else None, not_in_registry=not named
    )
    await case_merchant.confirm_merchant(office.pool, row["id"], office.cast.supervisor, choice, now=now)


async def _routed(
    office: Office, rng: random.Random, row: asyncpg.Record, now: datetime, violation: bool
) -> Story:
    status = row["status"]
    if status == Status.FIRST_PAYMENT:
        story = first_payment_story(office, rng, row, now)
    elif status == Status.ARBITRATION:
        story = arbitration_story(office, rng, row, now)
    elif status == Status.MEDIATION:
        story = mediate(office, rng, row["id"], now, violation=violation)
    else:
        return
    async for moment in story:
        yield moment
