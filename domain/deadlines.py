"""A case's legal deadlines from its rule set, the calendar and its pauses (DESIGN §2.1, §2.2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.calendar import Deadline, Pause, Unit, WorkCalendar, compute_deadline


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A procedural rule set, bound to a case by its date of receipt."""

    id: str
    name_zh: str
    effective_from: date
    acceptance_days: int
    acceptance_unit: Unit
    mediation_days: int
    mediation_unit: Unit
    merchant_reply_days: int = 5
    merchant_reply_unit: Unit = Unit.CALENDAR_DAYS


def acceptance_deadline(cal: WorkCalendar, rules: RuleSet, received_on: date) -> Deadline:
    """Decide acceptance within N (working) days of receipt; the receipt day itself is not counted."""
    return compute_deadline(cal, received_on, rules.acceptance_days, rules.acceptance_unit)


def mediation_deadline(
    cal: WorkCalendar, rules: RuleSet, accepted_on: date, pauses: Sequence[Pause], today: date
) -> Deadline:
    """Mediation runs from acceptance; time paused for testing, a recusal or evidence does not count."""
    return compute_deadline(cal, accepted_on, rules.mediation_days, rules.mediation_unit, pauses, today)


def reply_deadline(cal: WorkCalendar, rules: RuleSet, notified_on: date) -> Deadline:
    """A merchant answers within N days of notice; one that does not is "wilfully delaying"
    (Zhejiang measures art. 31), which triggers first payment where a commitment exists."""
    return compute_deadline(cal, notified_on, rules.merchant_reply_days, rules.merchant_reply_unit)
