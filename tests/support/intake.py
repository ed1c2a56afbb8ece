"""Use-case-level intake for tests: the intake context and complaints submitted without HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import asyncpg

from service.settings import Settings
from service.usecases import intake
from tests.support.factories import complaint_body


def ctx(settings: Settings) -> intake.IntakeContext:
    """The intake context the app builds from these settings."""
    return intake.IntakeContext(
        secret_key=settings.secret_key,
        evidence_dir=settings.evidence_dir,
        evidence_max_files=10,
        evidence_max_bytes=10 * 1024 * 1024,
        idempotency_ttl_s=86400,
    )


def at(day: date, hour: int = 2) -> datetime:
    """10:00 in Beijing on that day."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def new_case(pool: asyncpg.Pool, settings: Settings, received: date) -> int:
    """A complaint submitted at 10:00 on `received`, bought three days before; returns the case id."""
    body = complaint_body(purchase_date=(received - timedelta(days=3)).isoformat())
    return (await intake.submit_complaint(pool, body, ctx(settings), now=at(received))).case_id
