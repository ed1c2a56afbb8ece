"""消费评议 (issue 18 §1) on the real database: who is named (the threshold, the window, what counts), the
figures and their definitions on a small fixture, the clean-record list, a publication made once, the
merchant's own preview (what the publication then publishes) and the entry in public read from the
publication, and withholding with its office events."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest

from domain import public_records as rules
from domain.disclosure import DEFAULT_POLICY
from domain.errors import Conflict, ValidationFailed
from domain.roles import Role
from service.queries import public_merchants as read
from service.store import public_merchants as store
from service.store import reference
from service.store.staff import StaffUser
from service.usecases import public_merchants
from service.usecases.clock import local_date, local_time, utcnow
from service.usecases.public_merchant_commands import RestoreEntry, WithholdEntry
from tests.support.public_records import accepted, noon, not_accepted, own_month, verified_merchant
from workers.main import public_merchants_job

SUPERVISOR = StaffUser(0, "pm_supervisor", "评议科长", frozenset({Role.SUPERVISOR}))


def named(pub: object, merchant_id: int) -> bool:
    return any(m.merchant_id == merchant_id for m in pub.merchants)  # type: ignore[attr-defined]


async def test_a_merchant_is_named_from_the_threshold_on_within_the_window(
    pool: asyncpg.Pool, today_local: date
) -> None:
    month, period = own_month(today_local)
    below, at = await verified_merchant(pool), await verified_merchant(pool)
    inside = period.end - timedelta(days=20)
    async with pool.acquire() as conn, conn.transaction():
        await accepted(conn, below, inside, n=2)  # N - 1
        await accepted(conn, below, period.start - timedelta(days=1))  # the month before the period
        await accepted(conn, at, inside, n=2)
        await accepted(conn, at, period.start)  # the first day counts: N
        await accepted(conn, at, period.end + timedelta(days=1))  # after the period: not counted
        await not_accepted(conn, at, inside, rejected=True)
        await not_accepted(conn, at, inside, rejected=False)
        await accepted(conn, at, inside, outcome="spam", status="closed", closed_at=None)
        await accepted(conn, at, inside, outcome="duplicate", status="closed")

    pub = await public_merchants.published(pool, now=utcnow(), month=month, limit=200)

    assert (pub.period_start, pub.period_end, pub.threshold) == (period.start, period.end, 3)
    assert not named(pub, below)
    entry = next(m for m in pub.merchants if m.merchant_id == at)
    assert entry.figures.complaints == 3
    async with pool.acquire() as conn:
        ids = await store.named_merchant_ids(conn, until=period.end, policy=DEFAULT_POLICY)
    assert at in ids and below not in ids


async def test_an_unverified_merchant_is_not_named(pool: asyncpg.Pool, today_local: date) -> None:
    month, period = own_month(today_local)
    merchant_id = await verified_merchant(pool)
    await pool.execute("UPDATE merchants SET verified = false WHERE id = $1", merchant_id)
    async with pool.acquire() as conn, conn.transaction():
        await accepted(conn, merchant_id, period.end - timedelta(days=3), n=3)
    pub = await public_merchants.published(pool, now=utcnow(), month=month, limit=200)
    assert not named(pub, merchant_id)


async def first_payment(
    conn: asyncpg.Connection, case_id: int, payer: int, state: str, **cols: object
) -> None:
    reply_due = cols.pop("reply_due")
    await conn.execute(
        "INSERT INTO first_payments (case_id, payer_id, amount_fen, reply_due, state, paid_fen, paid_on,"
        " reply_overdue_at) VALUES ($1, $2, 10000, $3, $4, $5, $6, $7)",
        case_id, payer, reply_due, state,
        cols.get("paid_fen"), cols.get("paid_on"), cols.get("reply_overdue_at"),
    )  # fmt: skip


async def test_the_figures_as_defined_on_a_small_fixture(pool: asyncpg.Pool, today_local: date) -> None:
    month, period = own_month(today_local)
    m = await verified_merchant(pool, committed=True)
    clean = await verified_merchant(pool, committed=True)  # a commitment, no complaint: a clean record
    on = period.end - timedelta(days=70)
    due = on + timedelta(days=5)
    async with pool.acquire() as conn, conn.transaction():
        settled = await accepted(conn, m, on, status="closed", outcome="settled", closed_at=None)
        paid = await accepted(conn, m, on, status="closed", outcome="paid_by_merchant", route="first_payment")
        deposit = await accepted(
            conn, m, on, status="closed", outcome="paid_from_deposit", route="first_payment"
        )
        late = await accepted(conn, m, on, problem_type="price", mediation_due=on + timedelta(days=30))
        await conn.execute(
            "UPDATE cases SET closed_at = decided_at + interval '10 days' WHERE id = any($1::bigint[])",
            settled + paid + deposit,
        )
        await first_payment(conn, paid[0], m, "paid_by_merchant", reply_due=due, paid_fen=10000,
                            paid_on=due - timedelta(days=1))  # fmt: skip
        await first_payment(conn, deposit[0], m, "paid_from_deposit", reply_due=due, paid_fen=10000,
                            paid_on=due + timedelta(days=3), reply_overdue_at=noon(due))  # fmt: skip
    assert late  # open past its deadline (30 days after acceptance, within the period)

    pub = await public_merchants.published(pool, now=utcnow(), month=month, limit=200)

    f = next(e for e in pub.merchants if e.merchant_id == m).figures
    assert {p.code: p.complaints for p in f.by_problem} == {"quality": 3, "price": 1}
    assert (f.complaints, f.resolved, f.resolved_share) == (4, 3, 75)
    assert (f.replies_due, f.replies_on_time, f.on_time_share) == (2, 1, 50)
    assert (f.first_payments, f.late) == (2, 1)
    assert next(e for e in pub.merchants if e.merchant_id == m).committed
    clean_ids = {c.merchant_id for c in pub.clean_record}
    assert clean in clean_ids and m not in clean_ids  # one complaint left open past its deadline
    assert {d.name for d in pub.definitions} >= {"complaints", "on_time_share", "resolved_share", "clean"}


async def test_a_publication_is_made_once_and_the_preview_counts_live(
    pool: asyncpg.Pool, today_local: date
) -> None:
    month, period = own_month(today_local)
    merchant_id = await verified_merchant(pool)
    async with pool.acquire() as conn, conn.transaction():
        await accepted(conn, merchant_id, period.end - timedelta(days=5), n=3)
    first = await public_merchants.published(pool, now=utcnow(), month=month, limit=200)
    async with pool.acquire() as conn, conn.transaction():
        await accepted(conn, merchant_id, period.end - timedelta(days=4))  # a late entry into the period
    again = await public_merchants.published(pool, now=utcnow(), month=month, limit=200)
    count = {p.published_at: next(e.figures.complaints for e in p.merchants if e.merchant_id == merchant_id)
             for p in (first, again)}  # fmt: skip
    assert count == {first.published_at: 3}  # the same publication, as made
    async with pool.acquire() as conn:
        mine = await public_merchants.read.own_entry(conn, merchant_id, period, 3, today=today_local)
    assert mine.figures.complaints == 4 and mine.named  # the merchant's own view counts as of now


async def test_the_preview_is_what_the_publication_then_publishes(
    pool: asyncpg.Pool, today_local: date
) -> None:
    month, period = own_month(today_local)
    m = await verified_merchant(pool)
    on = period.end - timedelta(days=70)
    due, later = on + timedelta(days=5), period.end + timedelta(days=20)
    async with pool.acquire() as conn, conn.transaction():
        await accepted(conn, m, on, n=2, mediation_due=later)  # open, their deadline after the period
        await accepted(conn, m, on, problem_type="price", mediation_due=on + timedelta(days=30))  # late
        await accepted(conn, m, on, status="arbitration", mediation_due=on + timedelta(days=30))  # not late
        settled = await accepted(conn, m, on, status="closed", outcome="settled", closed_at=None)
        paid = await accepted(conn, m, on, status="closed", outcome="paid_by_merchant", route="first_payment")
        fp: dict[str, Any] = {"route": "first_payment", "mediation_due": later}
        refused = await accepted(conn, m, on, problem_type="after_sales", **fp)
        missed = await accepted(conn, m, on, **fp)
        notified = await accepted(conn, m, on, **fp)
        await accepted(conn, m, on, outcome="spam", status="closed", closed_at=None)  # not counted
        await conn.execute(
            "UPDATE cases SET closed_at = decided_at + interval '10 days' WHERE id = any($1::bigint[])",
            settled + paid,
        )
        await first_payment(conn, paid[0], m, "paid_by_merchant", reply_due=due, paid_fen=10000,
                            paid_on=due)  # fmt: skip
        await first_payment(conn, refused[0], m, "refused", reply_due=due)
        await first_payment(conn, missed[0], m, "deadline_missed", reply_due=due, reply_overdue_at=noon(due))
        await first_payment(conn, notified[0], m, "notified", reply_due=due)
    # a day of the month after: the publication of `month` is the one in public
    now = noon(rules.month_end(month) + timedelta(days=3))

    coming, before = await public_merchants.own_entries(pool, m, now=now)  # not published yet: counted
    pub = await public_merchants.published(pool, now=now, month=month, limit=200)
    _, after = await public_merchants.own_entries(pool, m, now=now)  # read from the publication

    entry = next(e for e in pub.merchants if e.merchant_id == m)
    f = before.figures
    assert (f.complaints, f.resolved, f.late, f.first_payments) == (9, 2, 1, 1)
    assert (f.replies_due, f.replies_on_time) == (3, 2)  # paid by its date, refused; not the missed one
    assert entry.figures == before.figures == after.figures
    assert (after.period_start, after.period_end, after.threshold, after.named) == (
        before.period_start, before.period_end, pub.threshold, True,
    )  # fmt: skip
    assert coming.period_end == rules.month_end(local_date(now)) and coming.figures.complaints == 9

    async with pool.acquire() as conn, conn.transaction():
        await accepted(conn, m, period.end - timedelta(days=1))  # a late entry into the period
    _, in_public = await public_merchants.own_entries(pool, m, now=now)
    assert in_public.figures == entry.figures  # what is in public, as published
    async with pool.acquire() as conn:
        live = await read.own_entry(conn, m, period, 3, today=local_date(now))
    assert live.figures.complaints == 10  # the preview counts as of now


async def test_a_merchant_without_complaints_counts_nothing(pool: asyncpg.Pool, today_local: date) -> None:
    month, period = own_month(today_local)
    m = await verified_merchant(pool)
    async with pool.acquire() as conn:
        mine = await read.own_entry(conn, m, period, 3, today=today_local)
    assert (mine.figures.complaints, mine.figures.by_problem, mine.named) == (0, [], False)
    assert mine.figures.on_time_share is None and mine.figures.resolved_share is None
    pub = await public_merchants.published(pool, now=utcnow(), month=month, limit=200)
    async with pool.acquire() as conn:
        assert await store.published_figures(conn, pub.period_end, m) == store.NO_FIGURES


async def test_withholding_is_recorded_and_lifting_it_restores_the_entry(
    pool: asyncpg.Pool, today_local: date
) -> None:
    month, period = own_month(today_local)
    merchant_id = await verified_merchant(pool, committed=True)
    async with pool.acquire() as conn, conn.transaction():
        await accepted(conn, merchant_id, period.end - timedelta(days=9), n=3)
    assert named(await public_merchants.published(pool, now=utcnow(), month=month, limit=200), merchant_id)

    with pytest.raises(ValidationFailed) as refused:
        await public_merchants.withhold(
            pool, merchant_id, SUPERVISOR, WithholdEntry(reason="  "), now=utcnow()
        )
    assert [e.field for e in refused.value.errors] == ["reason"]
    await public_merchants.withhold(
        pool, merchant_id, SUPERVISOR, WithholdEntry(reason="商家对数据提出异议，正在核实"), now=utcnow()
    )
    with pytest.raises(Conflict):
        await public_merchants.withhold(
            pool, merchant_id, SUPERVISOR, WithholdEntry(reason="再次"), now=utcnow()
        )

    pub = await public_merchants.published(pool, now=utcnow(), month=month, limit=200)
    assert not named(pub, merchant_id)
    assert merchant_id not in {c.merchant_id for c in pub.clean_record}
    async with pool.acquire() as conn:
        assert merchant_id not in await store.named_merchant_ids(
            conn, until=period.end, policy=DEFAULT_POLICY
        )

    await public_merchants.restore(
        pool, merchant_id, SUPERVISOR, RestoreEntry(reason="核实无误"), now=utcnow()
    )
    assert named(await public_merchants.published(pool, now=utcnow(), month=month, limit=200), merchant_id)

    events = await pool.fetch(
        "SELECT kind, actor, payload FROM office_events"
        " WHERE (payload->>'merchant_id')::bigint = $1 ORDER BY id",
        merchant_id,
    )
    assert [(e["kind"], e["actor"]) for e in events] == [
        (rules.WITHHELD, SUPERVISOR.actor),
        (rules.RESTORED, SUPERVISOR.actor),
    ]
    assert events[0]["payload"]["reason"] == "商家对数据提出异议，正在核实"
    assert events[1]["payload"]["reason"] == "核实无误"
    assert events[1]["payload"]["withheld_reason"] == "商家对数据提出异议，正在核实"


async def test_a_large_merchants_preview_is_counted_hourly_and_a_small_ones_live(
    pool: asyncpg.Pool, today_local: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    large, small = await verified_merchant(pool), await verified_merchant(pool)
    now = utcnow()
    period = rules.period_ending(rules.month_end(today_local), 12)
    async with pool.acquire() as conn, conn.transaction():
        await accepted(conn, large, today_local, n=2)
        await accepted(conn, large, today_local, problem_type="price")
        await accepted(conn, small, today_local, n=2)
    try:
        stored = await public_merchants.count_previews(pool, now=now, from_complaints=3)
        assert stored >= 1

        coming, _ = await public_merchants.own_entries(pool, large, now=now)
        async with pool.acquire() as conn:
            live = await store.figures_of(conn, large, period, today=today_local)
            taxonomy = await reference.taxonomy(conn)
        assert coming.counted_at == local_time(now) and coming.period_end == period.end
        assert coming.figures == read.FiguresView.of(live, taxonomy)  # what counting it live gives
        assert {p.code: p.complaints for p in coming.figures.by_problem} == {"quality": 2, "price": 1}

        async with pool.acquire() as conn, conn.transaction():
            await accepted(conn, large, today_local)
            await accepted(conn, small, today_local)
        hourly, _ = await public_merchants.own_entries(pool, large, now=now)
        as_read, _ = await public_merchants.own_entries(pool, small, now=now)
        assert (hourly.figures.complaints, hourly.counted_at) == (3, local_time(now))  # until the next count
        assert (as_read.figures.complaints, as_read.counted_at) == (3, None)  # below the mark: counted live

        monkeypatch.setattr(public_merchants, "PREVIEW_FROM", 3)
        job = await public_merchants_job({"pool": pool})  # the hourly job counts them afresh
        assert job["previews"] >= 2
        later = utcnow()
        recounted, _ = await public_merchants.own_entries(pool, large, now=later)
        small_now, _ = await public_merchants.own_entries(pool, small, now=later)
        assert recounted.figures.complaints == 4 and recounted.counted_at
        assert recounted.counted_at > local_time(now)
        assert (small_now.figures.complaints, small_now.counted_at) == (3, recounted.counted_at)  # at 3 now

        # The next day "late" is judged anew: yesterday's count is not shown, the page counts live.
        tomorrow, _ = await public_merchants.own_entries(pool, large, now=later + timedelta(days=1))
        assert (tomorrow.figures.complaints, tomorrow.counted_at) == (4, None)
    finally:
        await pool.execute("DELETE FROM public_merchant_previews")
