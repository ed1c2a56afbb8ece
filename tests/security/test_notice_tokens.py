"""Survey and merchant link tokens are not kept in clear text in stored notices once the notice is sent:
the stored body has them redacted, and the SHA-256 of the body exactly as sent is kept as proof."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

import asyncpg

from service.settings import Settings
from service.store import surveys
from service.store.db import create_pool
from service.store.staff import StaffUser
from service.usecases import auth, casework, closing, intake
from service.usecases.casework_commands import Close
from service.usecases.event_notices import notify_from_events
from service.usecases.notifications import send_due
from tests.support.channels import channels
from tests.support.databases import Databases
from tests.support.factories import complaint_body
from tests.support.intake import ctx

LINK = re.compile(r"https://ts\.example/survey/([A-Za-z0-9_-]+)")


async def test_a_sent_survey_notice_keeps_no_token(databases: Databases, settings: Settings) -> None:
    pool: asyncpg.Pool = await create_pool(await databases.create(migrated=True), max_size=2)
    try:
        now = datetime.now(UTC)
        receipt = await intake.submit_complaint(pool, complaint_body(), ctx(settings), now=now)
        uid = await auth.add_user(pool, "t_token_sup", ["supervisor"], "a long enough password")
        sup = StaffUser(uid, "t_token_sup", "科长", frozenset())
        await casework.accept(pool, receipt.case_id, sup, None, now=now)
        await closing.close(pool, receipt.case_id, sup, Close(outcome="withdrawn"), now=now)
        await notify_from_events(pool, now=now, channels=channels(), base_url="https://ts.example")
        query = (
            "SELECT id, body, status, sent_body_sha256 FROM notifications"
            " WHERE case_id = $1 AND template = 'case_closed'"
        )
        queued = await pool.fetchrow(query, receipt.case_id)
        link = LINK.search(queued["body"])
        assert link is not None and queued["status"] == "pending"
        token, original = link.group(1), queued["body"]

        sent, failed = await send_due(pool, channels(), now=now)
        assert sent >= 1 and failed == 0
        stored = await pool.fetchrow(query, receipt.case_id)
        assert stored["status"] == "sent"
        assert token not in stored["body"], stored["body"]
        assert "https://ts.example/survey/[已隐去]" in stored["body"]
        assert stored["sent_body_sha256"] == hashlib.sha256(original.encode()).hexdigest()
        # nowhere else in the database either, and the consumer's link still opens the survey
        dump = await pool.fetchval("SELECT string_agg(t::text, ' ') FROM notifications t")
        assert token not in dump
        assert (
            await pool.fetchval(
                "SELECT count(*) FROM surveys WHERE token_hash = $1", surveys.token_hash(token)
            )
            == 1
        )
    finally:
        await pool.close()


def test_redaction_covers_survey_and_merchant_links() -> None:
    from service.usecases.notifications import redact_link_tokens

    body = (
        "评价：https://tousu.example/survey/AbCdEfGh12345678_-x\n"
        "答复：https://tousu.example/m/Zz9-Yy8_Xx7Ww6Vv5Uu4\n"
        "查询：https://tousu.example/track"
    )
    out = redact_link_tokens(body)
    assert "AbCdEfGh12345678_-x" not in out and "Zz9-Yy8_Xx7Ww6Vv5Uu4" not in out
    assert "https://tousu.example/survey/[已隐去]" in out and "https://tousu.example/m/[已隐去]" in out
    assert "https://tousu.example/track" in out
