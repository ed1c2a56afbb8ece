""" "Today" for tests: the Shanghai date from the product's own clock, never the machine's or UTC's date.

The law counts local dates (DESIGN §2.2); from 16:00 to 24:00 UTC the Shanghai date is a day ahead of
the UTC one, so a test that takes UTC's date for "today" fails a third of every day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from service.usecases.clock import local_date, utcnow


def today_local(now: datetime | None = None) -> date:
    """The Shanghai date of `now` (default: the product's clock, which libfaketime shifts too)."""
    return local_date(now or utcnow())


def days_ago(days: int, now: datetime | None = None) -> date:
    return today_local(now) - timedelta(days=days)


def this_month(now: datetime | None = None) -> str:
    """The current Shanghai month as YYYY-MM (the month a return cannot yet be produced for)."""
    return today_local(now).strftime("%Y-%m")
