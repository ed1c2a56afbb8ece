"""What cluster alerts (domain.clusters) and product risk signals (domain.product_risk) share: an alert on a
group of accepted complaints counts the last days up to today, is raised once, takes later cases while it is
open, and after a decision is raised again only when the group has grown; the supervisor's decision on it is
one of a table of actions, and one of them must say why."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from domain.fields import Fields

NOTE_MAX = 2000
A = TypeVar("A", bound=StrEnum)


def window(days: int, today: date) -> tuple[date, date]:
    """The days counted: the last `days` local days, ending today."""
    return today - timedelta(days=days - 1), today


def next_step(
    case_ids: Iterable[int], last_id: int | None, last_case_ids: Iterable[int], last_open: bool
) -> tuple[str, tuple[int, ...]] | None:
    """What a group at the thresholds calls for, given its latest alert: ("raise", all its cases) when it
    has none, or the latest was decided and the group has a case it did not cover; ("grow", the new cases)
    when the latest is open and the group has new cases; else None."""
    ids = tuple(case_ids)
    known = set(last_case_ids)
    new = tuple(i for i in ids if i not in known)
    if last_id is None:
        return "raise", ids
    if not new:
        return None
    return ("grow", new) if last_open else ("raise", ids)


def decision_input(
    actions: type[A], decision: object, note: object, *, missing: str, explained: A, why: str
) -> tuple[A, str | None]:
    """The supervisor's action (one of `actions`; `missing` when none is chosen) and its note, which the
    action `explained` requires (`why` when it is blank). Raises ValidationFailed."""
    f = Fields()
    code = f.code("decision", decision, [a.value for a in actions], missing=missing)
    clean_note = f.text("note", note, required=why if code == explained else None, max_len=NOTE_MAX)
    f.done()
    assert code is not None
    return actions(code), clean_note
