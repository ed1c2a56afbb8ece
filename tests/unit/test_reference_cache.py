"""Which rule set a cached snapshot binds a case to (as the removed SQL lookup did)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import Unit, WorkCalendar
from domain.deadlines import RuleSet
from domain.taxonomy import Taxonomy
from service.usecases.reference_cache import Reference


def rules(rule_id: str, start: date) -> RuleSet:
    return RuleSet(rule_id, rule_id, start, 7, Unit.WORKING_DAYS, 30, Unit.WORKING_DAYS)


SNAPSHOT = Reference(
    version=1,
    taxonomy=Taxonomy((), (), (), ()),
    rule_sets=(rules("order20", date(2020, 1, 1)), rules("order121", date(2026, 7, 1))),
    calendar=WorkCalendar({}, {}, frozenset()),
    calendar_from=date(2026, 11, 24),
    calendar_to=date(2027, 3, 26),
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 6, 1), "order20"),  # before the first: the earliest
        (date(2020, 1, 1), "order20"),
        (date(2026, 6, 30), "order20"),
        (date(2026, 7, 1), "order121"),  # the day it takes effect
        (date(2027, 1, 5), "order121"),
    ],
)
def test_the_rule_set_in_force_on_a_day(day: date, expected: str) -> None:
    assert SNAPSHOT.rule_set_on(day).id == expected


def test_a_snapshot_covers_the_days_a_deadline_counts_through() -> None:
    assert SNAPSHOT.covers(date(2026, 11, 26))
    assert not SNAPSHOT.covers(date(2026, 11, 23))  # before the window
    assert not SNAPSHOT.covers(date(2027, 2, 1))  # its 60 days would run past the window
