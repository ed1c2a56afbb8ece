"""The tests' own clock helpers give the law's date (Shanghai), not UTC's, and read the product's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from service.usecases.clock import local_date, utcnow
from tests.support import clock
from tests.support.clock_matrix import moments


@pytest.mark.parametrize(
    ("now", "today"),
    [
        (datetime(2026, 12, 1, 16, 30, tzinfo=UTC), date(2026, 12, 2)),  # 00:30 in Shanghai
        (datetime(2026, 12, 31, 16, 30, tzinfo=UTC), date(2027, 1, 1)),  # New Year's Day there
        (datetime(2026, 12, 1, 15, 59, tzinfo=UTC), date(2026, 12, 1)),  # 23:59 there
    ],
)
def test_today_is_the_shanghai_date(now: datetime, today: date) -> None:
    assert clock.today_local(now) == today


def test_relative_dates_and_the_month_follow_shanghai() -> None:
    at_1630 = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    assert clock.days_ago(30, at_1630) == date(2026, 11, 1)
    assert clock.this_month(at_1630) == "2026-12"


def test_the_default_is_the_products_clock(today_local: date) -> None:
    before = local_date(utcnow())
    assert before <= clock.today_local() <= local_date(utcnow())
    # the fixture was read just before the test began (a midnight may fall in between)
    assert 0 <= (local_date(utcnow()) - today_local).days <= 1


def test_the_clock_matrix_picks_a_month_end_and_an_unannounced_year() -> None:
    (_, month_end), (_, unannounced) = moments(datetime(2026, 12, 1, 21, 40, tzinfo=UTC))
    assert month_end == datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    assert clock.today_local(month_end) == date(2027, 1, 1)
    assert unannounced.month == 2 and clock.today_local(unannounced) == date(unannounced.year, 3, 1)
    assert unannounced.year > 2026
