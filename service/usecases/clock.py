"""Time: stored in UTC, shown and counted in Asia/Shanghai (the law counts local dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def local_time(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)
