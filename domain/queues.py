"""Team queues (DESIGN §1, §2.6): which queue a case joins, how many open cases a mediator may hold,
and who may hand a case back.

A queue takes the cases of its sub-districts and of its categories (None: any); the first active one by
`sort` wins and `general` catches the rest. One column holds a case's owner, so a case has one mediator
at a time; a supervisor assigns, rebalances and releases anyone's case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.errors import CodedConflict, FieldError, ValidationFailed
from domain.roles import Permission, Role, can

FALLBACK_QUEUE = "general"
REASON_MAX = 500

# Supervisors assign, rebalance and release anyone's cases. The supervisor-only CASE_DECIDE stands in
QUEUE_MANAGE = Permission.QUEUE_MANAGE

# A case counts against a mediator's limit until it is closed (or was never accepted).
FINISHED_STATUSES = ("closed", "rejected")


@dataclass(frozen=True, slots=True)
class QueueRule:
    code: str
    subdistricts: frozenset[str] | None  # None: any sub-district
    categories: frozenset[str] | None  # None: any category
    sort: int
    active: bool = True

    def takes(self, subdistrict: str | None, category: str) -> bool:
        if self.subdistricts is not None and subdistrict not in self.subdistricts:
            return False
        return self.categories is None or category in self.categories


def choose_queue(rules: Iterable[QueueRule], subdistrict: str | None, category: str) -> str:
    """The first active queue (by sort, then code) that takes the case; else `general`."""
    for rule in sorted(rules, key=lambda r: (r.sort, r.code)):
        if rule.active and rule.takes(subdistrict, category):
            return rule.code
    return FALLBACK_QUEUE


class QueueConflict(CodedConflict):
    """A queue step clashes with what is recorded: HTTP 409.

    `code` is stable (pages put it in a redirect); str(exc) is the Chinese message.
    """


class OpenCaseLimit(QueueConflict):
    def __init__(self, limit: int) -> None:
        super().__init__("limit", limit_message(limit))
        self.limit = limit


def limit_message(limit: int) -> str:
    return f"您手上的案件已达上限（{limit}件）"


def check_limit(held: int, limit: int) -> None:
    """Refuse another claim when the mediator already holds `limit` open cases."""
    if held >= limit:
        raise OpenCaseLimit(limit)


def check_release(actor_id: int, roles: Iterable[Role], assigned_to: int | None) -> None:
    """The assigned mediator hands a case back; a supervisor may release anyone's."""
    if assigned_to is None:
        raise QueueConflict("not_assigned", "该案件目前没有承办调解员")
    if assigned_to != actor_id and not can(frozenset(roles), QUEUE_MANAGE):
        raise QueueConflict("not_assignee", "只有承办该案件的调解员或科长可以退回该案件")


def check_reassign(status: str, assigned_to: int | None, target: int) -> None:
    if status in FINISHED_STATUSES:
        raise QueueConflict("finished", "已办结或不予受理的案件不能再分派")
    if assigned_to == target:
        raise QueueConflict("same_mediator", "该案件已由这位调解员承办")


def check_mediator(roles: Iterable[str] | None, disabled: bool) -> None:
    """The target of an assignment (or a queue member) is an active account with the mediator role."""
    if roles is None or disabled or Role.MEDIATOR.value not in set(roles):
        raise ValidationFailed(
            [
                FieldError(
                    "user_id",
                    "not_a_mediator",
                    "请选择一位在岗的调解员",
                    "Choose an active user with the mediator role",
                )
            ]
        )


def parse_user_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationFailed(
            [FieldError("user_id", "invalid", "请选择调解员", "user_id must be a positive integer")]
        )
    return value


def clean_reason(value: object) -> str | None:
    """An optional reason for releasing a case, at most REASON_MAX characters."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > REASON_MAX:
        raise ValidationFailed(
            [
                FieldError(
                    "reason",
                    "invalid",
                    f"退回原因最多{REASON_MAX}个字",
                    f"A reason of at most {REASON_MAX} characters",
                )
            ]
        )
    return value.strip() or None
