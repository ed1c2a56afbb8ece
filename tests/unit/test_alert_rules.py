"""The rules cluster alerts and product risk signals share (domain.alerts), as tables: when a group at the
thresholds raises, grows or leaves its latest alert, the window counted, and the decision with its note."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import pytest

from domain import alerts
from domain.errors import ValidationFailed


class Act(StrEnum):
    REFER = "refer"
    DROP = "drop"


@pytest.mark.parametrize(
    ("case_ids", "last_id", "last_case_ids", "last_open", "step"),
    [
        ((1, 2, 3), None, (), False, ("raise", (1, 2, 3))),  # no alert yet
        ((1, 2, 3), 9, (1, 2, 3), True, None),  # open, nothing new
        ((1, 2, 3, 4), 9, (1, 2, 3), True, ("grow", (4,))),  # open, grown: only the new case
        ((2, 3, 4), 9, (1, 2, 3, 4), False, None),  # decided, one aged out but none new
        ((2, 3, 4, 5), 9, (1, 2, 3, 4), False, ("raise", (2, 3, 4, 5))),  # decided, grown: all again
    ],
)
def test_raise_grow_or_nothing(
    case_ids: tuple[int, ...],
    last_id: int | None,
    last_case_ids: tuple[int, ...],
    last_open: bool,
    step: tuple[str, tuple[int, ...]] | None,
) -> None:
    assert alerts.next_step(case_ids, last_id, last_case_ids, last_open) == step


@pytest.mark.parametrize(("days", "start"), [(1, date(2026, 5, 1)), (90, date(2026, 2, 1))])
def test_the_window_is_the_last_days_ending_today(days: int, start: date) -> None:
    assert alerts.window(days, date(2026, 5, 1)) == (start, date(2026, 5, 1))


def _decide(decision: object, note: object) -> tuple[Act, str | None]:
    return alerts.decision_input(Act, decision, note, missing="请选择", explained=Act.DROP, why="请写明理由")


def test_a_decision_is_one_of_the_table_and_its_note_is_kept() -> None:
    assert _decide("refer", None) == (Act.REFER, None)
    assert _decide("drop", "  use  ") == (Act.DROP, "use")


@pytest.mark.parametrize(
    ("decision", "note", "field", "message"),
    [
        (None, None, "decision", "请选择"),
        ("recall", None, "decision", None),  # not in the table
        ("drop", "", "note", "请写明理由"),  # the explained action without its reason
        ("refer", "x" * (alerts.NOTE_MAX + 1), "note", None),
    ],
)
def test_what_a_decision_refuses(decision: object, note: object, field: str, message: str | None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _decide(decision, note)
    (error,) = caught.value.errors
    assert error.field == field
    if message is not None:
        assert error.message == message
