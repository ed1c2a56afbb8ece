"""Demo data: a year of fictional complaints through the real use cases, from intake to the follow-up,
into an empty database only.

The demo staff and the registry (merchants with first-payment commitments and deposits, one with a
published arbitration clause) come first; then `service.demo.lifecycle.play_year` plays every complaint
from its own receipt moment through acceptance, routing and its route's ending — settlements and their
performance, first payments by merchants and from deposits with recourse, arbitration awards,
terminations, withdrawals, surveys, appeals and reopened cases, cluster alerts — in one time order, each
step at a plausible moment before the day of loading. Everything is deterministic for the seed except the
demo accounts' passwords (random and shown once) and the tokens of links.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import asyncpg

from domain.roles import Role
from service.adapters.throttle import Throttle
from service.demo.bodies import demo_access_code_choice, demo_bodies
from service.demo.catalog import MERCHANTS
from service.demo.lifecycle import Cast, play_year
from service.store import cases
from service.store import staff as staff_store
from service.store.staff import StaffUser
from service.usecases import auth, first_payment, merchants
from service.usecases.clock import LOCAL_TZ
from service.usecases.first_payment_commands import RecordDeposit
from service.usecases.intake import IntakeContext, Receipt
from service.usecases.merchant_commands import AddArbitrationClause, AddCommitment, RegisterMerchant

DEMO_ACCOUNTS = {
    "demo.supervisor": (["supervisor"], "演示科长"),
    "demo.mediator": (["mediator"], "演示调解员"),
    "demo.clerk": (["clerk"], "演示登记员"),
    "demo.leader": (["leading_group"], "演示领导小组办公室"),
}
REGISTRY_SINCE_DAYS = 400  # commitments and deposits date from before the demo year
ARBITRATION_CLAUSE_HOLDER = "杭州匠心家居装饰设计有限公司"  # its contracts name 杭州仲裁委员会


@dataclass
class DemoResult:
    receipts: list[Receipt] = field(default_factory=list)
    accounts: dict[str, str] = field(default_factory=dict)  # username → password, shown once
    accepted: int = 0
    rejected: int = 0
    closures: Counter[str] = field(default_factory=Counter)  # outcome → closings (a reopened case twice)


async def seed_demo(
    pool: asyncpg.Pool,
    ctx: IntakeContext,
    *,
    count: int,
    seed: int,
    today: date,
    throttle: Throttle | None = None,
) -> DemoResult:
    """Play `count` demo complaints through the year before `today`; nothing when cases already exist.

    `throttle` (the tracking page's) lets consumers rate a closed case from the tracking page, as the
    survey of a case that is not a settlement is offered there at closing; without it only the surveys
    reached by a link (settlements, once performed) are answered."""
    result = DemoResult()
    async with pool.acquire() as conn:
        if await cases.count(conn) > 0:
            return result
    cast = await _demo_accounts(pool, result)
    await _demo_registry(pool, cast.supervisor, today)
    played = await play_year(
        pool,
        ctx,
        cast,
        demo_bodies(seed, count, today),
        seed=seed,
        today=today,
        code_choice=demo_access_code_choice(seed),
        throttle=throttle,
    )
    result.receipts, result.accepted, result.rejected = played.receipts, played.accepted, played.rejected
    result.closures = played.closures
    return result


async def _demo_accounts(pool: asyncpg.Pool, result: DemoResult) -> Cast:
    """The demo staff; an account that exists already (staff but no cases) is used as it is."""
    users: dict[str, StaffUser] = {}
    for username, (roles, name) in DEMO_ACCOUNTS.items():
        password = secrets.token_urlsafe(12)
        try:
            await auth.add_user(pool, username, roles, password, display_name=name)
            result.accounts[username] = password
        except Exception:  # the account exists already (a database that had staff but no cases)
            pass
        async with pool.acquire() as conn:
            row = await staff_store.by_username(conn, username)
        assert row is not None
        users[username] = StaffUser(
            row["id"], row["username"], row["display_name"], frozenset(Role(r) for r in row["roles"])
        )
    return Cast(
        supervisor=users["demo.supervisor"], mediator=users["demo.mediator"], clerk=users["demo.clerk"]
    )


async def _demo_registry(pool: asyncpg.Pool, supervisor: StaffUser, today: date) -> None:
    """The busiest demo merchants are registered with a first-payment commitment and a deposit, and a
    decoration firm publishes an arbitration clause in its contracts, so that routing has every route."""
    since = today - timedelta(days=REGISTRY_SINCE_DAYS)
    busiest = sorted((m for m in MERCHANTS if m.weight > 0), key=lambda m: (-m.weight, m.name))[:6]
    clause = next(m for m in MERCHANTS if m.name == ARBITRATION_CLAUSE_HOLDER)
    for m in (*busiest, clause):
        created = await merchants.create_merchant(
            pool,
            RegisterMerchant(
                name=m.name, uscc=m.uscc, address=m.address, subdistrict=m.subdistrict, kind="shop"
            ),
        )
        merchant_id = created.merchant.id
        if m is clause:
            await merchants.add_agreement(
                pool, merchant_id, AddArbitrationClause(institution="杭州仲裁委员会")
            )
            continue
        await merchants.add_commitment(
            pool,
            merchant_id,
            AddCommitment(
                scope_requests=["repair", "replace", "return", "refund", "compensate"],
                per_claim_cap="3000.00",
                active_from=since.isoformat(),
            ),
        )
        await first_payment.record_deposit(
            pool,
            merchant_id,
            supervisor,
            RecordDeposit(amount="20000.00", memo="质量保证金（演示）"),
            now=datetime.combine(since, time(10, 0), LOCAL_TZ),
        )
