"""Demo data: a year of fictional complaints through the real intake and decision paths, into an empty
database only.

Each body goes through `submit_complaint` at its own receipt moment, in time order, so tracking numbers, the
rule set in force, acceptance deadlines, split-off reports and routing jobs come from the same code as real
complaints; older complaints are then accepted or rejected by demo staff through the real use cases, at
plausible moments, so the queue looks like a working office. Everything is deterministic for the seed
except the demo accounts' passwords, which are random and shown once.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import asyncpg

from domain.acceptance import Ground
from domain.demo import MERCHANTS, demo_access_code_choice, demo_bodies
from service.store import cases
from service.store.staff import StaffUser
from service.usecases import auth, casework, first_payment, merchants
from service.usecases.intake import IntakeContext, Receipt, submit_complaint

DEMO_ACCOUNTS = {
    "demo.supervisor": (["supervisor"], "演示科长"),
    "demo.mediator": (["mediator"], "演示调解员"),
    "demo.clerk": (["clerk"], "演示登记员"),
    "demo.leader": (["leading_group"], "演示领导小组办公室"),
}
REJECTION_NOTES = {
    Ground.TIME_BARRED: "购买时间已超过三年，超过投诉时效。",
    Ground.NOT_A_CONSUMER_DISPUTE: "经核实，所购商品用于经营，不属于生活消费。",
    Ground.MATERIALS_MISSING_OR_FALSE: "经两次电话联系，投诉人未能补充购物凭证等必要材料。",
}


@dataclass
class DemoResult:
    receipts: list[Receipt] = field(default_factory=list)
    accounts: dict[str, str] = field(default_factory=dict)  # username → password, shown once
    accepted: int = 0
    rejected: int = 0


async def seed_demo(
    pool: asyncpg.Pool, ctx: IntakeContext, *, count: int, seed: int, today: date
) -> DemoResult:
    """Register `count` demo complaints and decide the older ones; nothing when cases already exist."""
    result = DemoResult()
    async with pool.acquire() as conn:
        if await cases.count(conn) > 0:
            return result
    choice = demo_access_code_choice(seed)
    for received_at, body in demo_bodies(seed, count, today):
        result.receipts.append(await submit_complaint(pool, body, ctx, now=received_at, code_choice=choice))
    supervisor = await _demo_accounts(pool, result)
    if supervisor is not None:
        await _demo_registry(pool, supervisor, today)
        await _decide(pool, supervisor, result, random.Random(seed ^ 0xDEC1DE), today)
    return result


async def _demo_accounts(pool: asyncpg.Pool, result: DemoResult) -> StaffUser | None:
    supervisor = None
    for username, (roles, name) in DEMO_ACCOUNTS.items():
        password = secrets.token_urlsafe(12)
        try:
            user_id = await auth.add_user(pool, username, roles, password, display_name=name)
        except Exception:  # the account exists already (a database that had staff but no cases)
            continue
        result.accounts[username] = password
        if "supervisor" in roles:
            supervisor = StaffUser(user_id, username, name, frozenset())
    return supervisor


async def _demo_registry(pool: asyncpg.Pool, supervisor: StaffUser, today: date) -> None:
    """The busiest demo merchants are registered with a first-payment commitment and a deposit, and
    one publishes an arbitration clause, so that routing has every route to show."""
    busiest = sorted((m for m in MERCHANTS if m.weight > 0), key=lambda m: (-m.weight, m.name))[:6]
    for i, m in enumerate(busiest):
        created = await merchants.create_merchant(
            pool,
            {
                "name": m.name,
                "uscc": m.uscc,
                "address": m.address,
                "subdistrict": m.subdistrict,
                "kind": "shop",
            },
        )
        merchant_id = created.merchant.id
        if i == 5:
            await merchants.add_agreement(pool, merchant_id, {"institution": "杭州仲裁委员会"})
            continue
        await merchants.add_commitment(
            pool,
            merchant_id,
            {
                "scope_requests": ["repair", "replace", "return", "refund", "compensate"],
                "per_claim_cap": "3000.00",
                "active_from": (today - timedelta(days=400)).isoformat(),
            },
        )
        await first_payment.record_deposit(
            pool,
            merchant_id,
            "20000.00",
            "质量保证金（演示）",
            supervisor,
            now=datetime.combine(today - timedelta(days=400), datetime.min.time(), tzinfo=UTC),
        )


async def _decide(
    pool: asyncpg.Pool, supervisor: StaffUser, result: DemoResult, rng: random.Random, today: date
) -> None:
    """Most complaints are decided within a few days; a few are rejected; a few wait too long."""
    for receipt in result.receipts:
        roll = rng.random()
        decided_at = receipt.received_at + timedelta(
            days=rng.choice((1, 1, 2, 3, 4, 6, 8)), hours=rng.randint(0, 5)
        )
        if decided_at.date() >= today or roll > 0.93:
            continue  # still undecided: recent, or one of the few left too long
        ground = await _ground_for(pool, receipt, rng) if roll > 0.85 else None
        if ground is None:
            await casework.accept(pool, receipt.case_id, supervisor, None, now=_office_hours(decided_at))
            result.accepted += 1
        else:
            await casework.reject(
                pool,
                receipt.case_id,
                supervisor,
                int(ground),
                REJECTION_NOTES[ground],
                now=_office_hours(decided_at),
            )
            result.rejected += 1


async def _ground_for(pool: asyncpg.Pool, receipt: Receipt, rng: random.Random) -> Ground:
    async with pool.acquire() as conn:
        row = await cases.by_id(conn, receipt.case_id)
    assert row is not None
    if (row["received_on"] - row["purchase_date"]).days > 3 * 366:
        return Ground.TIME_BARRED
    return rng.choice((Ground.NOT_A_CONSUMER_DISPUTE, Ground.MATERIALS_MISSING_OR_FALSE))


def _office_hours(moment: datetime) -> datetime:
    """Keep demo decisions between 09:00 and 17:00 Beijing time (01:00–09:00 UTC)."""
    return moment.replace(hour=1 + moment.hour % 8)
