"""The notifications job in a burst arq worker on real Redis: due notices go out, a logged one and an e-mail
to a real SMTP server; a second run sends nothing again."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest
from arq import create_pool as arq_pool
from arq.connections import RedisSettings
from arq.worker import Worker, func

from service.settings import Settings
from service.usecases.clock import utcnow
from service.usecases.notifications import queue_notification
from tests.support.channels import ANY_SMTP, channels
from tests.support.databases import Databases
from tests.support.smtp import SmtpServer
from workers.notifications import notifications_job


@pytest.fixture
async def own_pool(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    """A database of its own: the job sends every due notice it finds."""
    async with databases.pool(max_size=4) as p:
        yield p


async def run_job_in_burst_worker(settings: Settings, pool: asyncpg.Pool, smtp: SmtpServer) -> Any:
    assert settings.redis_url
    redis_settings = RedisSettings.from_dsn(settings.redis_url)
    queue_name = f"{settings.queue_name}:notices:{uuid.uuid4().hex[:6]}"

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["pool"] = pool
        ctx["channels"] = channels(smtp.config)

    redis = await arq_pool(redis_settings)
    try:
        job = await redis.enqueue_job(
            "notifications_job", _job_id=f"{queue_name}:run", _queue_name=queue_name
        )
        assert job is not None
        worker = Worker(
            functions=[func(notifications_job, name="notifications_job", max_tries=3)],
            redis_settings=redis_settings,
            queue_name=queue_name,
            on_startup=startup,
            burst=True,
            handle_signals=False,
            keep_result=60,
        )
        try:
            await worker.main()
        finally:
            await worker.close()
        return await job.result(timeout=5)
    finally:
        await redis.aclose()


async def test_the_job_sends_what_is_due(settings: Settings, own_pool: asyncpg.Pool) -> None:
    smtp = SmtpServer()
    smtp.start()
    try:
        now = utcnow() - timedelta(seconds=5)
        fields = {"tracking_no": "GS20261126-0042", "accepted_on": date(2026, 11, 26)}
        async with own_pool.acquire() as conn, conn.transaction():
            for channel, address in (("log", None), ("email", "zhang@example.com")):
                await queue_notification(
                    conn,
                    case_id=None,
                    recipient="consumer",
                    template="acceptance_accepted",
                    fields=fields,
                    contacts={"email": address},
                    channels=channels(ANY_SMTP),
                    dedupe_key=f"worker:{channel}",
                    now=now,
                )
        assert await run_job_in_burst_worker(settings, own_pool, smtp) == {"sent": 2, "failed": 0}
        statuses = await own_pool.fetch("SELECT channel, status FROM notifications ORDER BY id")
        assert [(r["channel"], r["status"]) for r in statuses] == [("log", "sent"), ("email", "sent")]
        [(rcpt, message)] = smtp.inbox.messages
        assert rcpt == ["zhang@example.com"] and message["Subject"] == "投诉已受理（GS20261126-0042）"
        assert await run_job_in_burst_worker(settings, own_pool, smtp) == {"sent": 0, "failed": 0}
        assert len(smtp.inbox.messages) == 1
    finally:
        smtp.stop()
