"""Notices derived from the case history: each event that calls for one queues it once, in order."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from service.settings import Settings
from service.store.db import create_pool
from service.usecases import intake
from service.usecases.event_notices import notify_from_events
from tests.support.channels import ANY_SMTP, channels
from tests.support.databases import Databases
from tests.support.factories import complaint_body
from tests.support.intake import ctx


async def test_events_become_notices_once(databases: Databases, settings: Settings) -> None:
    pool: asyncpg.Pool = await create_pool(await databases.create(migrated=True), max_size=2)
    try:
        receipt = await intake.submit_complaint(
            pool,
            complaint_body(consumer__email="zhang.san@example.com"),
            ctx(settings),
            now=datetime.now(UTC),
        )
        now = datetime.now(UTC)
        assert await notify_from_events(pool, now=now, channels=channels(ANY_SMTP)) == 1
        assert await notify_from_events(pool, now=now, channels=channels(ANY_SMTP)) == 0  # the cursor moved
        row = await pool.fetchrow("SELECT * FROM notifications WHERE case_id = $1", receipt.case_id)
        assert row["template"] == "complaint_registered" and row["recipient"] == "consumer"
        assert row["channel"] == "email" and row["address"] == "zhang.san@example.com"
        assert receipt.tracking_no in row["subject"] and receipt.access_code not in row["body"]
        # without SMTP the notice is stored for the case page only
        other = await intake.submit_complaint(pool, complaint_body(), ctx(settings), now=datetime.now(UTC))
        assert await notify_from_events(pool, now=now, channels=channels()) == 1
        assert (
            await pool.fetchval("SELECT channel FROM notifications WHERE case_id = $1", other.case_id)
            == "log"
        )
    finally:
        await pool.close()


async def test_closing_opens_the_survey_and_sends_its_link(databases: Databases, settings: Settings) -> None:
    import re

    from service.store import surveys
    from service.store.staff import StaffUser
    from service.usecases import auth, casework, closing
    from service.usecases.casework_commands import Close
    from service.web.pages.staff import SURVEY_LINK

    pool: asyncpg.Pool = await create_pool(await databases.create(migrated=True), max_size=2)
    try:
        receipt = await intake.submit_complaint(pool, complaint_body(), ctx(settings), now=datetime.now(UTC))
        uid = await auth.add_user(pool, "t_notice_sup", ["supervisor"], "a long enough password")
        sup = StaffUser(uid, "t_notice_sup", "科长", frozenset())
        await casework.accept(pool, receipt.case_id, sup, None, now=datetime.now(UTC))
        await closing.close(pool, receipt.case_id, sup, Close(outcome="withdrawn"), now=datetime.now(UTC))
        # issue 15: opened by the closing itself (the tracking page offers it at once); its link comes later
        assert await pool.fetchval("SELECT count(*) FROM surveys") == 1
        await notify_from_events(
            pool, now=datetime.now(UTC), channels=channels(), base_url="https://ts.example"
        )
        body = await pool.fetchval(
            "SELECT body FROM notifications WHERE case_id = $1 AND template = 'case_closed'", receipt.case_id
        )
        link = re.search(r"https://ts\.example/survey/([A-Za-z0-9_-]+)", body)
        assert link is not None
        assert (
            await pool.fetchval(
                "SELECT count(*) FROM surveys WHERE token_hash = $1", surveys.token_hash(link.group(1))
            )
            == 1
        )
        assert link.group(1) not in SURVEY_LINK.sub(r"\1…", body)  # staff see the notice without it
    finally:
        await pool.close()
