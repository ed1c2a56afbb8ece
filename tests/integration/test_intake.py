"""The intake use case on a real database: deadlines, provisional years, the outbox, nothing half-stored."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from domain.errors import ValidationFailed
from service.settings import Settings
from service.store.db import create_pool
from service.usecases import intake
from service.usecases.access import code_hash, hmac_pads
from tests.support.databases import Databases
from tests.support.factories import complaint_body
from tests.support.intake import ctx


@pytest.mark.parametrize(
    ("now", "due", "provisional", "rule_set"),
    [
        # 2026-12-28 (Mon): seven working days run into 2027, whose schedule is not published yet
        (datetime(2026, 12, 28, 2, 0, tzinfo=UTC), date(2027, 1, 6), True, "order121"),
        # 2026-09-29: National Day (Oct 1–7) and the make-up Saturday Oct 10
        (datetime(2026, 9, 29, 2, 0, tzinfo=UTC), date(2026, 10, 14), False, "order121"),
        # 2026-02-12: Spring Festival (Feb 15–23) and the make-up Saturday Feb 28
        (datetime(2026, 2, 12, 2, 0, tzinfo=UTC), date(2026, 2, 28), False, "order20"),
        # 23:30 in Beijing on Nov 25 is still Nov 25 there, though Nov 25 15:30 UTC
        (datetime(2026, 11, 25, 15, 30, tzinfo=UTC), date(2026, 12, 4), False, "order121"),
    ],
)
async def test_acceptance_deadline_in_working_days(
    pool: asyncpg.Pool, settings: Settings, now: datetime, due: date, provisional: bool, rule_set: str
) -> None:
    receipt = await intake.submit_complaint(
        pool, complaint_body(purchase_date="2026-01-10"), ctx(settings), now=now
    )
    assert receipt.acceptance_due == due
    assert receipt.acceptance_due_provisional is provisional
    row = await pool.fetchrow("SELECT rule_set_id, received_on FROM cases WHERE id = $1", receipt.case_id)
    assert row["rule_set_id"] == rule_set
    assert receipt.tracking_no.startswith(f"GS{row['received_on']:%Y%m%d}-")


async def test_tracking_numbers_count_up_within_a_local_day(pool: asyncpg.Pool, settings: Settings) -> None:
    now = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    numbers = [
        (
            await intake.submit_complaint(
                pool, complaint_body(purchase_date="2026-03-01"), ctx(settings), now=now
            )
        ).tracking_no
        for _ in range(3)
    ]
    assert numbers == ["GS20260303-000001", "GS20260303-000002", "GS20260303-000003"]


async def test_invalid_input_writes_nothing(pool: asyncpg.Pool, settings: Settings) -> None:
    counts = (
        "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM case_events),"
        " (SELECT count(*) FROM outbox)"
    )
    before = await pool.fetchrow(counts)
    with pytest.raises(ValidationFailed):
        await intake.submit_complaint(
            pool, complaint_body(consumer__phone="x"), ctx(settings), now=datetime.now(UTC)
        )
    assert await pool.fetchrow(counts) == before


async def test_access_code_is_never_stored(pool: asyncpg.Pool, settings: Settings) -> None:
    receipt = await intake.submit_complaint(pool, complaint_body(), ctx(settings), now=datetime.now(UTC))
    row = await pool.fetchrow("SELECT * FROM cases WHERE id = $1", receipt.case_id)
    assert receipt.access_code.encode() not in b"".join(str(v).encode() for v in row.values())
    assert len(bytes(row["access_code_hash"])) == 32


def test_evidence_dir_is_under_data(settings: Settings) -> None:
    assert Path(settings.evidence_dir).parent == settings.data_dir


async def test_a_calendar_published_after_the_cache_warmed_reaches_the_next_case(
    databases: Databases, settings: Settings
) -> None:
    """Intake caches reference data per process; the version guard makes a stale snapshot retry."""
    pool = await create_pool(await databases.create(migrated=True))
    try:
        warm = ctx(settings)
        now = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)
        before = await intake.submit_complaint(
            pool, complaint_body(purchase_date="2026-12-01"), warm, now=now
        )
        assert (before.acceptance_due, before.acceptance_due_provisional) == (date(2027, 1, 6), True)
        # 2027 is published (as it would be by `disputes calendar load`), with Jan 1 and Jan 4 off
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("INSERT INTO calendar_years (year, source) VALUES (2027, 'test')")
            await conn.execute(
                "INSERT INTO calendar_days (day, is_workday, holiday_name)"
                " VALUES ('2027-01-01', false, '元旦'), ('2027-01-04', false, '元旦')"
            )
        after = await intake.submit_complaint(pool, complaint_body(purchase_date="2026-12-01"), warm, now=now)
        assert (after.acceptance_due, after.acceptance_due_provisional) == (date(2027, 1, 8), False)
        stored = await pool.fetchrow(
            "SELECT acceptance_due, acceptance_due_provisional FROM cases WHERE id = $1", after.case_id
        )
        assert tuple(stored) == (date(2027, 1, 8), False)
    finally:
        await pool.close()


async def test_concurrent_registrations_get_distinct_numbers(pool: asyncpg.Pool, settings: Settings) -> None:
    now = datetime(2026, 4, 8, 1, 0, tzinfo=UTC)
    shared = ctx(settings)
    receipts = await asyncio.gather(
        *(
            intake.submit_complaint(pool, complaint_body(purchase_date="2026-04-01"), shared, now=now)
            for _ in range(40)
        )
    )
    numbers = sorted(r.tracking_no for r in receipts)
    assert len(set(numbers)) == 40
    assert numbers[0] == "GS20260408-000001"  # the day's first number, whichever registration took it
    assert all(n.startswith("GS20260408-") for n in numbers)


@pytest.mark.parametrize(
    "secret", ["short", "a secret longer than the sixty-four bytes of a SHA-256 block, " * 2]
)
async def test_the_access_code_hash_made_in_sql_is_the_hmac(pool: asyncpg.Pool, secret: str) -> None:
    inner, outer = hmac_pads(secret)
    made = await pool.fetchval(
        "SELECT sha256($2 || sha256($1 || convert_to($3 || ':' || $4, 'UTF8')))",
        inner,
        outer,
        "GS20261126-000001",
        "ACD34679",
    )
    assert bytes(made) == code_hash(secret, "GS20261126-000001", "ACD34679")


async def test_an_idempotency_key_past_its_ttl_registers_anew(pool: asyncpg.Pool, settings: Settings) -> None:
    now = datetime(2026, 5, 6, 1, 0, tzinfo=UTC)
    body = complaint_body(purchase_date="2026-05-01")
    key = intake.IdempotencyKey(f"ttl-{uuid.uuid4()}", b"the same body")
    keep = ctx(settings)
    first = await intake.submit_complaint(pool, body, keep, now=now, idempotency_key=key)
    again = await intake.submit_complaint(pool, body, keep, now=now, idempotency_key=key)
    assert again == first  # within the TTL: the first answer, access code included
    expired = replace(keep, idempotency_ttl_s=0)
    # past the duplicate window too (issue 12): within it the same complaint returns the first receipt
    later = await intake.submit_complaint(
        pool, body, expired, now=now + timedelta(minutes=11), idempotency_key=key
    )
    assert later.case_id != first.case_id
    stored = await pool.fetchval("SELECT response->>'case_id' FROM idempotency_keys WHERE key = $1", key.key)
    assert int(stored) == later.case_id
