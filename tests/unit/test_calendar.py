"""Deadlines on the real 2025–2026 schedule, as the chinesecalendar package records it.

2026 make-up workdays in the package: Sun 01-04, Sat 02-14, Sat 02-28, Sat 05-09, Sun 09-20, Sat 10-10.
2026 breaks used here: Spring Festival 02-15..02-23, Mid-autumn 09-25..09-27, National Day 10-01..10-07.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import (
    Deadline,
    Pause,
    Unit,
    WorkCalendar,
    add_calendar_days,
    add_working_days,
    compute_deadline,
    countdowns,
    paused_amount,
    working_days_between,
)
from service.store.calendar_source import chinesecalendar_rows


def _calendar(years: tuple[int, ...]) -> WorkCalendar:
    rows = [row for year in years for row in chinesecalendar_rows(year)]
    return WorkCalendar(
        workdays={row.day: row.is_workday for row in rows},
        holidays={row.day: row.holiday_name for row in rows if row.holiday_name is not None},
        known_years=frozenset(years),
    )


CAL = _calendar((2025, 2026))
D = date.fromisoformat


@pytest.mark.parametrize(
    ("day", "workday", "holiday", "known"),
    [
        ("2026-10-01", False, True, True),  # National Day
        ("2026-10-10", True, False, True),  # make-up Saturday
        ("2026-10-11", False, False, True),  # ordinary Sunday
        ("2026-10-12", True, False, True),
        ("2027-01-01", True, False, False),  # unannounced year: Mon–Fri only
        ("2027-01-02", False, False, False),
    ],
)
def test_work_calendar(day: str, workday: bool, holiday: bool, known: bool) -> None:
    assert CAL.is_workday(D(day)) is workday
    assert CAL.is_holiday(D(day)) is holiday
    assert CAL.is_known(D(day)) is known


def test_holiday_names_are_chinese() -> None:
    assert CAL.holidays[D("2026-10-01")] == "国庆节"
    assert CAL.holidays[D("2026-02-17")] == "春节"
    assert CAL.holidays[D("2026-09-25")] == "中秋节"


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Across National Day: 09-30, [10-01..07 off], 10-08, 10-09, 10-10 (make-up Sat), 10-12, 10-13, 10-14.
        ("2026-09-29", 7, "2026-10-14"),
        # Make-up Sunday 09-20 counts; Mid-autumn 09-25 does not.
        ("2026-09-18", 7, "2026-09-29"),
        # Spring Festival: 02-13, 02-14 (make-up Sat), [02-15..23 off], 02-24..27, 02-28 (make-up Sat).
        ("2026-02-12", 7, "2026-02-28"),
        # First day not counted, also when the start is a rest day.
        ("2026-03-02", 1, "2026-03-03"),
        ("2026-03-07", 1, "2026-03-09"),
        ("2026-03-02", 0, "2026-03-02"),
        # 2025 National Day + Mid-autumn 10-01..08, make-up Sat 10-11.
        ("2025-09-30", 3, "2025-10-11"),
    ],
)
def test_add_working_days(start: str, n: int, due: str) -> None:
    assert add_working_days(CAL, D(start), n) == Deadline(D(due), provisional=False)


def test_working_days_into_unannounced_year_are_provisional() -> None:
    # 12-29, 12-30, 12-31, then 2027 on the Mon–Fri rule: 01-01 (Fri), 01-04, 01-05, 01-06.
    assert add_working_days(CAL, D("2026-12-28"), 7) == Deadline(D("2027-01-06"), provisional=True)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        ("2026-08-02", 60, "2026-10-08"),  # last day 10-01 is National Day: ends on 10-08
        ("2026-09-01", 30, "2026-10-08"),
        ("2026-03-01", 6, "2026-03-09"),  # last day a Saturday: rolls to Monday
        ("2026-09-10", 30, "2026-10-10"),  # last day a make-up Saturday: a working day, no roll
        ("2026-03-02", 10, "2026-03-12"),  # ordinary Thursday: no roll
        ("2026-03-02", 1, "2026-03-03"),  # first day not counted
    ],
)
def test_add_calendar_days(start: str, n: int, due: str) -> None:
    assert add_calendar_days(CAL, D(start), n) == Deadline(D(due), provisional=False)


def test_calendar_days_into_unannounced_year_are_provisional() -> None:
    assert add_calendar_days(CAL, D("2026-12-01"), 31) == Deadline(D("2027-01-01"), provisional=True)
    assert add_calendar_days(CAL, D("2026-11-01"), 30) == Deadline(D("2026-12-01"), provisional=False)


@pytest.mark.parametrize("fn", [add_working_days, add_calendar_days])
@pytest.mark.parametrize("n", [-1, 10_001])
def test_absurd_periods_are_refused(fn: object, n: int) -> None:
    with pytest.raises(ValueError):
        fn(CAL, D("2026-03-02"), n)  # type: ignore[operator]
    with pytest.raises(ValueError):
        compute_deadline(CAL, D("2026-03-02"), n, Unit.WORKING_DAYS)


MON = D("2026-03-02")
PAUSE = Pause(D("2026-03-04"), D("2026-03-09"))  # Wed..Sun: 3 working days, 5 calendar days


# Base: 7 working days from Mon 03-02 → Wed 03-11; 10 calendar days → Thu 03-12.
@pytest.mark.parametrize(
    ("start", "n", "unit", "pauses", "today", "due"),
    [
        (MON, 7, Unit.WORKING_DAYS, [], None, "2026-03-11"),
        (MON, 7, Unit.WORKING_DAYS, [PAUSE], None, "2026-03-16"),
        (MON, 10, Unit.CALENDAR_DAYS, [], None, "2026-03-12"),
        (MON, 10, Unit.CALENDAR_DAYS, [PAUSE], None, "2026-03-17"),
        # Still paused: counted up to today (exclusive).
        (MON, 7, Unit.WORKING_DAYS, [Pause(PAUSE.start, None)], D("2026-03-09"), "2026-03-16"),
        (MON, 10, Unit.CALENDAR_DAYS, [Pause(PAUSE.start, None)], D("2026-03-09"), "2026-03-17"),
        # Paused today: nothing given back yet.
        (MON, 7, Unit.WORKING_DAYS, [Pause(PAUSE.start, None)], PAUSE.start, "2026-03-11"),
        # Overlapping pauses give each day back once.
        (MON, 7, Unit.WORKING_DAYS, [PAUSE, Pause(D("2026-03-05"), D("2026-03-06"))], None, "2026-03-16"),
        # The start day is not counted, so pausing on it (or before it) gives nothing back.
        (MON, 7, Unit.WORKING_DAYS, [Pause(MON, D("2026-03-03"))], None, "2026-03-11"),
        (MON, 7, Unit.WORKING_DAYS, [Pause(D("2026-02-20"), MON)], None, "2026-03-11"),
        # After Spring Festival: 02-24..27 paused (4 working days); 3 + 4 after 02-23 ends on make-up
        # Saturday 02-28 (5th), then 03-02, 03-03.
        (
            D("2026-02-23"),
            3,
            Unit.WORKING_DAYS,
            [Pause(D("2026-02-24"), D("2026-02-28"))],
            None,
            "2026-03-03",
        ),
        # Calendar days: 60 + 3 paused from 08-02 lands on 10-04 (National Day) and rolls to 10-08.
        (
            D("2026-08-02"),
            60,
            Unit.CALENDAR_DAYS,
            [Pause(D("2026-08-10"), D("2026-08-13"))],
            None,
            "2026-10-08",
        ),
    ],
)
def test_compute_deadline_with_pauses(
    start: date, n: int, unit: Unit, pauses: list[Pause], today: date | None, due: str
) -> None:
    assert compute_deadline(CAL, start, n, unit, pauses, today) == Deadline(D(due), provisional=False)


def test_open_pause_needs_today() -> None:
    with pytest.raises(ValueError):
        compute_deadline(CAL, D("2026-03-02"), 7, Unit.WORKING_DAYS, [Pause(D("2026-03-04"), None)])


def test_pause_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        Pause(D("2026-03-04"), D("2026-03-03"))


@pytest.mark.parametrize(
    ("pauses", "unit", "today", "expected"),
    [
        ([Pause(D("2026-09-30"), D("2026-10-09"))], Unit.WORKING_DAYS, None, (2, False)),  # 09-30, 10-08
        ([Pause(D("2026-09-30"), D("2026-10-09"))], Unit.CALENDAR_DAYS, None, (9, False)),
        ([Pause(D("2026-12-30"), D("2027-01-05"))], Unit.WORKING_DAYS, None, (4, True)),  # 2027-01-01 guessed
        ([Pause(D("2026-12-30"), D("2027-01-05"))], Unit.CALENDAR_DAYS, None, (6, False)),  # no schedule read
        ([Pause(D("2026-12-30"), None)], Unit.WORKING_DAYS, D("2027-01-02"), (3, True)),
        ([], Unit.WORKING_DAYS, None, (0, False)),
    ],
)
def test_paused_amount(
    pauses: list[Pause], unit: Unit, today: date | None, expected: tuple[int, bool]
) -> None:
    assert paused_amount(CAL, pauses, unit, today) == expected


def test_paused_deadline_into_unannounced_year_is_provisional() -> None:
    deadline = compute_deadline(
        CAL, D("2026-12-01"), 7, Unit.WORKING_DAYS, [Pause(D("2026-12-02"), None)], today=D("2026-12-28")
    )
    assert deadline.provisional
    assert deadline.due.year == 2027


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("2026-09-29", "2026-10-14", 7),
        ("2026-10-14", "2026-10-14", 0),
        ("2026-10-14", "2026-09-29", -7),
        ("2026-03-06", "2026-03-07", 0),  # only a Saturday ahead
        ("2026-03-07", "2026-03-06", -1),  # due Friday, today Saturday: overdue, not "0 days left"
        ("2026-03-09", "2026-03-06", -1),
        ("2026-03-10", "2026-03-06", -2),
    ],
)
def test_working_days_between(start: str, end: str, days: int) -> None:
    assert working_days_between(CAL, D(start), D(end)) == days


@settings(max_examples=200, deadline=None)
@given(
    today=st.dates(date(2024, 6, 1), date(2027, 6, 30)),
    offsets=st.lists(st.integers(-900, 400), max_size=60),
)
def test_countdowns_agree_with_one_countdown_per_deadline(today: date, offsets: list[int]) -> None:
    """The queue's page-at-once countdowns (holidays, make-up days, unannounced years, rest days on either
    side) are exactly working_days_between for every deadline, repeated deadlines included."""
    dues = [today + timedelta(days=n) for n in offsets]
    left = countdowns(CAL, today, iter(dues))  # any iterable, read once
    assert set(left) == set(dues)
    assert all(left[due] == working_days_between(CAL, today, due) for due in dues)
