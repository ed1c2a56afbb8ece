"""Counting legal periods in working days and calendar days (DESIGN §2.1, §2.2).

Pure: the schedule arrives as a WorkCalendar and `today` is passed in; nothing here reads a clock.
Years without an official schedule fall back to Monday–Friday, and any deadline that leaned on such
a year is marked provisional so it can be recomputed once the administrator loads that year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

MAX_PERIOD = 10_000  # far beyond any statutory limit; larger values are input errors, not periods
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    workdays: Mapping[date, bool]  # known years: True = working day (incl. make-up workdays 调休)
    holidays: Mapping[date, str]  # statutory holiday days -> name, e.g. "国庆节"
    known_years: frozenset[int]  # years whose official schedule is loaded

    def is_known(self, day: date) -> bool:
        return day.year in self.known_years

    def is_workday(self, day: date) -> bool:
        if self.is_known(day) and day in self.workdays:
            return self.workdays[day]
        return day.weekday() < 5

    def is_holiday(self, day: date) -> bool:
        return self.is_known(day) and day in self.holidays


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


@dataclass(frozen=True, slots=True)
class Pause:
    """The clock stopped from `start` (inclusive) to `end` (exclusive); `end` None = still paused."""

    start: date
    end: date | None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"pause ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True, slots=True)
class Deadline:
    due: date
    provisional: bool  # some day the count depended on lies in a year without an official schedule


def add_working_days(cal: WorkCalendar, start: date, n: int) -> Deadline:
    """The n-th working day after `start`; the start day itself is not counted."""
    _check_period(n)
    return _add_working_days(cal, start, n)


def add_calendar_days(cal: WorkCalendar, start: date, n: int) -> Deadline:
    """`start` + n days (the first day is not counted, Civil Code art. 201).

    A period whose last day is a rest day ends on the next working day (art. 203).
    """
    _check_period(n)
    return _add_calendar_days(cal, start, n)


def paused_amount(
    cal: WorkCalendar, pauses: Sequence[Pause], unit: Unit, today: date | None
) -> tuple[int, bool]:
    """How many units the pauses consumed, and whether that count is provisional.

    Overlapping pauses are merged so no day is given back twice. An open pause runs up to `today`
    (exclusive): today is still being spent, and is given back once it has passed.
    """
    amount, provisional = 0, False
    for first, stop in _merged(pauses, today):
        if unit == Unit.CALENDAR_DAYS:
            amount += (stop - first).days  # reads no schedule, so never provisional
        else:
            count, unknown = _count_workdays(cal, first, stop)
            amount += count
            provisional = provisional or unknown
    return amount, provisional


def compute_deadline(
    cal: WorkCalendar,
    start: date,
    n: int,
    unit: Unit,
    pauses: Sequence[Pause] = (),
    today: date | None = None,
) -> Deadline:
    """The period of n units from `start`, extended by what the pauses consumed in the same unit."""
    _check_period(n)
    # The start day is not part of the period, so pausing on it (or before it) gives nothing back.
    first = start + _DAY
    counted = [Pause(max(p.start, first), p.end) for p in pauses if p.end is None or p.end > first]
    paused, paused_provisional = paused_amount(cal, counted, unit, today)
    # Extending the count (not the rolled due date) keeps art. 203's roll applied once, at the real end.
    add = _add_working_days if unit == Unit.WORKING_DAYS else _add_calendar_days
    deadline = add(cal, start, n + paused)
    return Deadline(deadline.due, deadline.provisional or paused_provisional)


def working_days_between(cal: WorkCalendar, start: date, end: date) -> int:
    """Countdown: working days after `start` up to and including `end`; negative once `end` has passed.

    An overdue deadline is at least one day overdue, even when only rest days have passed since.
    """
    if end >= start:
        return _count_workdays(cal, start + _DAY, end + _DAY)[0]
    return -max(1, _count_workdays(cal, end + _DAY, start + _DAY)[0])


def countdowns(cal: WorkCalendar, today: date, dues: Iterable[date]) -> dict[date, int]:
    """`working_days_between(cal, today, due)` for each due date, counting each day between them once:
    a page of cases long overdue (a queue sorted by deadline starts with the oldest) costs one walk from
    the oldest deadline to today, not one per case."""
    out: dict[date, int] = {}
    given = set(dues)
    ahead, day, count = sorted(d for d in given if d >= today), today + _DAY, 0
    for due in ahead:
        count += _count_workdays(cal, day, due + _DAY)[0]
        out[due], day = count, due + _DAY
    behind, stop, count = sorted((d for d in given if d < today), reverse=True), today + _DAY, 0
    for due in behind:
        count += _count_workdays(cal, due + _DAY, stop)[0]
        out[due], stop = -max(1, count), due + _DAY
    return out


def _check_period(n: int) -> None:
    if not 0 <= n <= MAX_PERIOD:
        raise ValueError(f"period must be between 0 and {MAX_PERIOD} days, got {n}")


def _add_working_days(cal: WorkCalendar, start: date, n: int) -> Deadline:
    day, left, provisional = start, n, False
    while left > 0:
        day += _DAY
        provisional = provisional or not cal.is_known(day)
        if cal.is_workday(day):
            left -= 1
    return Deadline(day, provisional)


def _add_calendar_days(cal: WorkCalendar, start: date, n: int) -> Deadline:
    due = start + timedelta(days=n)
    provisional = not cal.is_known(due)
    while not cal.is_workday(due):
        due += _DAY
        provisional = provisional or not cal.is_known(due)
    return Deadline(due, provisional)


def _count_workdays(cal: WorkCalendar, first: date, stop: date) -> tuple[int, bool]:
    """Working days in [first, stop), and whether any day lies in an unknown year."""
    count, unknown, day = 0, False, first
    while day < stop:
        if cal.is_workday(day):
            count += 1
        unknown = unknown or not cal.is_known(day)
        day += _DAY
    return count, unknown


def _merged(pauses: Sequence[Pause], today: date | None) -> list[tuple[date, date]]:
    spans: list[tuple[date, date]] = []
    for pause in sorted(pauses, key=lambda p: p.start):
        if pause.end is not None:
            stop = pause.end
        elif today is not None:
            stop = max(pause.start, today)
        else:
            raise ValueError("an open pause needs `today` to be measured")
        if spans and pause.start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], stop))
        else:
            spans.append((pause.start, stop))
    return spans
