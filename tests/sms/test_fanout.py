"""Which channels a notice goes by (queuing only, no gateway): SMS to a reachable mobile, e-mail to an
address, both or the preferred one (NOTIFY_BOTH), the log when nothing reaches; one row per channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import asyncpg
import pytest

from service.adapters.channels import Channels, configured_channels
from service.settings import Settings
from service.store.db import create_pool
from service.usecases.notifications import queue_notices
from tests.support.databases import Databases

pytestmark = pytest.mark.db
FIELDS = {"tracking_no": "GS20261126-000001", "accepted_on": date(2026, 11, 26)}
MAINLAND, ABROAD, MAIL = "13812345678", "+447400123456", "zhang@example.com"


@pytest.fixture(scope="module")
async def fpool(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(await databases.create(migrated=True), max_size=2)
    yield pool
    await pool.close()


def both_configured() -> Channels:
    """E-mail and SMS configured (nothing is sent here: only queued)."""
    return configured_channels(
        Settings(smtp_host="smtp.invalid", sms_gateway_url="http://sms.invalid/cgi-bin/sendsms")
    )


async def queued(
    pool: asyncpg.Pool,
    key: str,
    contacts: dict[str, str | None],
    *,
    recipient: str = "consumer",
    **kw: object,
) -> list[tuple[str, str | None, str | None]]:
    async with pool.acquire() as conn, conn.transaction():
        ids = await queue_notices(
            conn,
            case_id=None,
            recipient=recipient,
            template="acceptance_accepted",
            fields=FIELDS,
            dedupe_key=key,
            contacts=contacts,
            channels=both_configured(),
            base_url="https://tousu.example",
            **kw,  # type: ignore[arg-type]
        )
    rows = await pool.fetch(
        "SELECT channel, address, dedupe_key FROM notifications WHERE id = any($1) ORDER BY id", ids
    )
    return [(r["channel"], r["address"], r["dedupe_key"]) for r in rows]


async def test_a_phone_alone_gets_the_text(fpool: asyncpg.Pool) -> None:
    [(channel, address, key)] = await queued(fpool, "phone", {"phone": MAINLAND, "email": None})
    assert (channel, address, key) == ("sms", MAINLAND, "phone:sms")
    body = await fpool.fetchval("SELECT body FROM notifications WHERE dedupe_key = 'phone:sms'")
    assert body.startswith("【拱墅区市场监管局】") and "https://tousu.example/track" in body


async def test_an_address_alone_gets_the_e_mail(fpool: asyncpg.Pool) -> None:
    assert await queued(fpool, "mail", {"phone": None, "email": MAIL}) == [("email", MAIL, "mail")]


async def test_both_contacts_get_both_or_the_preferred_one(fpool: asyncpg.Pool) -> None:
    contacts: dict[str, str | None] = {"phone": MAINLAND, "email": MAIL}
    assert await queued(fpool, "both", contacts) == [("email", MAIL, "both"), ("sms", MAINLAND, "both:sms")]
    assert await queued(fpool, "both", contacts) == []  # each channel's copy is queued once
    assert await queued(fpool, "one", contacts, both=False) == [("email", MAIL, "one")]


async def test_a_number_the_gateway_does_not_reach_gets_e_mail_or_a_recorded_notice(
    fpool: asyncpg.Pool,
) -> None:
    assert await queued(fpool, "abroad+mail", {"phone": ABROAD, "email": MAIL}) == [
        ("email", MAIL, "abroad+mail")
    ]
    assert await queued(fpool, "abroad", {"phone": ABROAD, "email": None}) == [("log", None, "abroad")]
    assert await queued(fpool, "landline", {"phone": "0571-87654321"}) == [("log", None, "landline")]


async def test_merchants_get_no_text(fpool: asyncpg.Pool) -> None:
    rows = await queued(fpool, "merchant", {"phone": MAINLAND, "email": None}, recipient="merchant:1")
    assert rows == [("log", None, "merchant")]


async def test_an_english_consumer_is_written_to_in_english(fpool: asyncpg.Pool) -> None:
    contacts: dict[str, str | None] = {"phone": MAINLAND, "email": MAIL}
    await queued(fpool, "english", contacts, locale="en")
    rows = await fpool.fetch(
        "SELECT channel, subject, body FROM notifications WHERE dedupe_key LIKE 'english%' ORDER BY id"
    )
    mail, text = rows
    assert mail["subject"] == "Complaint accepted (GS20261126-000001)" and "26 November 2026" in mail["body"]
    assert text["body"].startswith("Gongshu Market Regulation: ") and "/track?lang=en" in text["body"]
