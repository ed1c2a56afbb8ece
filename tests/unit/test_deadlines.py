"""A case's deadlines from its rule set (pure): acceptance, mediation with pauses, merchant reply."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import Pause, Unit, WorkCalendar
from domain.deadlines import RuleSet, acceptance_deadline, mediation_deadline, reply_deadline
from service.store.calendar_source import chinesecalendar_rows

ORDER20 = RuleSet("order20", "20号令", date(2020, 1, 1), 7, Unit.WORKING_DAYS, 45, Unit.WORKING_DAYS)
ORDER121 = RuleSet("order121", "121号令", date(2026, 4, 15), 7, Unit.WORKING_DAYS, 60, Unit.CALENDAR_DAYS)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    rows = [r for year in (2025, 2026) for r in chinesecalendar_rows(year)]
    return WorkCalendar(
        workdays={r.day: r.is_workday for r in rows},
        holidays={r.day: r.holiday_name for r in rows if r.holiday_name},
        known_years=frozenset({2025, 2026}),
    )


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 9, 29), date(2026, 10, 14)),  # across National Day, Oct 10 (Sat) a make-up workday
        (date(2026, 2, 12), date(2026, 2, 28)),  # across the Spring Festival, Feb 28 (Sat) a make-up workday
        (date(2026, 11, 26), date(2026, 12, 7)),  # an ordinary week and a half
    ],
)
def test_acceptance(cal: WorkCalendar, received: date, due: date) -> None:
    assert acceptance_deadline(cal, ORDER121, received).due == due


def test_mediation_in_calendar_days_rolls_off_a_holiday(cal: WorkCalendar) -> None:
    # Aug 2 + 60 days = Oct 1, National Day: the period ends on the first working day after it
    assert mediation_deadline(cal, ORDER121, date(2026, 8, 2), (), date(2026, 8, 2)).due == date(2026, 10, 8)


def test_mediation_in_working_days_under_order_20(cal: WorkCalendar) -> None:
    # 21 working days left in March, 21 in April (Qingming Apr 4–6 off), then May 6, 7, 8 after Labour Day
    due = mediation_deadline(cal, ORDER20, date(2026, 3, 2), (), date(2026, 3, 2))
    assert due.due == date(2026, 5, 8) and not due.provisional


def test_a_pause_adds_its_time_in_the_rules_unit(cal: WorkCalendar) -> None:
    base = mediation_deadline(cal, ORDER121, date(2026, 5, 7), (), date(2026, 5, 7)).due
    paused = mediation_deadline(
        cal, ORDER121, date(2026, 5, 7), [Pause(date(2026, 5, 11), date(2026, 5, 21))], date(2026, 6, 1)
    )
    assert (base, paused.due) == (date(2026, 7, 6), date(2026, 7, 16))


def test_merchant_reply_in_five_calendar_days(cal: WorkCalendar) -> None:
    assert reply_deadline(cal, ORDER121, date(2026, 11, 23)).due == date(
        2026, 11, 30
    )  # Sat 28 rolls to Mon 30
    assert reply_deadline(cal, ORDER121, date(2026, 11, 24)).due == date(
        2026, 11, 30
    )  # Sun 29 rolls to Mon 30
    assert reply_deadline(cal, ORDER121, date(2026, 11, 25)).due == date(2026, 11, 30)


def test_a_deadline_in_an_unannounced_year_is_provisional(cal: WorkCalendar) -> None:
    # Dec 1 + 60 days = Sat Jan 30, 2027: whether it rolls depends on a schedule not yet published
    due = mediation_deadline(cal, ORDER121, date(2026, 12, 1), (), date(2026, 12, 1))
    assert due.due == date(2027, 2, 1) and due.provisional
    late = acceptance_deadline(cal, ORDER121, date(2026, 12, 28))
    assert late.due == date(2027, 1, 6) and late.provisional
