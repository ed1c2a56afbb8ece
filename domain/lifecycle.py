"""The case state machine (DESIGN §2.1, §2.5): one table of moves between stages, plus the pause rules.

A case is registered, accepted or rejected, waits while a person confirms which registry merchant it is
against when the search found only plausible candidates (DESIGN §2.5 item 6), is routed to first
payment, mediation or arbitration (and between them, when a route fails or a supervisor overrides
it), and closed; a closed case may be reopened. The clock of a route stage may stop (product testing,
appraisal): while it is stopped the case can only resume or close. Everything not listed here is
refused with InvalidTransition.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from domain.errors import DomainError
from domain.labels import Labelled


class Status(Labelled):
    RECEIVED = "received", "已登记，待受理", "Registered, awaiting acceptance"
    ACCEPTED = "accepted", "已受理", "Accepted"
    # accepted; routing waits for a person to name the merchant
    MERCHANT_TO_CONFIRM = "merchant_to_confirm", "已受理，待确认商家", "Accepted, merchant to confirm"
    REJECTED = "rejected", "不予受理", "Not accepted"
    FIRST_PAYMENT = "first_payment", "先行赔付", "First payment"
    MEDIATION = "mediation", "调解中", "In mediation"
    ARBITRATION = "arbitration", "仲裁", "Arbitration"
    CLOSED = "closed", "已办结", "Closed"


class Action(Labelled):
    ACCEPT = "accept", "受理", "Accept"
    REJECT = "reject", "不予受理", "Reject"
    AWAIT_MERCHANT = "await_merchant", "等待确认商家", "Wait for the merchant to be confirmed"
    CONFIRM_MERCHANT = "confirm_merchant", "确认商家", "Confirm the merchant"
    ROUTE_FIRST_PAYMENT = "route_first_payment", "转先行赔付", "Route to first payment"
    ROUTE_MEDIATION = "route_mediation", "转调解", "Route to mediation"
    ROUTE_ARBITRATION = "route_arbitration", "转仲裁", "Refer to arbitration"
    PAUSE = "pause", "暂停计时", "Pause the clock"
    RESUME = "resume", "恢复计时", "Resume the clock"
    CLOSE = "close", "办结", "Close"
    REOPEN = "reopen", "重新办理", "Reopen"


@dataclass(frozen=True, slots=True)
class CaseState:
    status: Status
    paused: bool = False  # the stage's clock is stopped (检验、检测、鉴定 …)


STATUS_LABELS: dict[Status, tuple[str, str]] = Status.labels()

ACTION_LABELS: dict[Action, tuple[str, str]] = Action.labels()

# Stages whose clock may stop.
PAUSABLE: frozenset[Status] = frozenset({Status.FIRST_PAYMENT, Status.MEDIATION, Status.ARBITRATION})

ROUTES: dict[Action, Status] = {
    Action.ROUTE_FIRST_PAYMENT: Status.FIRST_PAYMENT,
    Action.ROUTE_MEDIATION: Status.MEDIATION,
    Action.ROUTE_ARBITRATION: Status.ARBITRATION,
}
ROUTE_STAGES: frozenset[Status] = frozenset(ROUTES.values())

# The moves that change the stage. A route stage may hand over to another route stage (first payment
# refused → mediation; mediation failed → arbitration; a supervisor's override), never to itself.
# A case whose merchant awaits confirmation has no route move: routing never decides on a merchant a
# person has not confirmed; confirming returns it to `accepted`, to be routed.
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.RECEIVED, Action.ACCEPT): Status.ACCEPTED,
    (Status.RECEIVED, Action.REJECT): Status.REJECTED,
    **{(Status.ACCEPTED, action): target for action, target in ROUTES.items()},
    **{
        (stage, action): target
        for stage in ROUTE_STAGES
        for action, target in ROUTES.items()
        if target != stage
    },
    (Status.ACCEPTED, Action.AWAIT_MERCHANT): Status.MERCHANT_TO_CONFIRM,
    (Status.MERCHANT_TO_CONFIRM, Action.CONFIRM_MERCHANT): Status.ACCEPTED,
    (Status.MERCHANT_TO_CONFIRM, Action.CLOSE): Status.CLOSED,
    (Status.ACCEPTED, Action.CLOSE): Status.CLOSED,
    **{(stage, Action.CLOSE): Status.CLOSED for stage in ROUTE_STAGES},
    (Status.CLOSED, Action.REOPEN): Status.ACCEPTED,
}

# While the clock is stopped only these may happen; closing ends the pause.
WHILE_PAUSED: frozenset[Action] = frozenset({Action.RESUME, Action.CLOSE})


class InvalidTransition(DomainError):
    """The action is not allowed in the case's current state (the web edge maps it to 409)."""

    def __init__(self, state: CaseState, action: Action) -> None:
        self.state = state
        self.action = action
        status_zh, status_en = STATUS_LABELS[state.status]
        action_zh, action_en = ACTION_LABELS[action]
        if state.paused:
            status_zh, status_en = f"{status_zh}，已暂停计时", f"{status_en}, clock paused"
        self.message = f"当前状态（{status_zh}）不能执行“{action_zh}”"
        self.message_en = f"“{action_en}” is not allowed in the current status ({status_en})"
        super().__init__(self.message)

    def __reduce__(self) -> tuple[Any, ...]:  # picklable (arq stores a failed job's exception)
        return (type(self), (self.state, self.action))


def apply(state: CaseState, action: Action) -> CaseState:
    """The state after `action`, or InvalidTransition."""
    after = _next(state, action)
    if after is None:
        raise InvalidTransition(state, action)
    return after


def allowed_actions(state: CaseState) -> frozenset[Action]:
    return frozenset(action for action in Action if _next(state, action) is not None)


def _next(state: CaseState, action: Action) -> CaseState | None:
    if action == Action.RESUME:
        return replace(state, paused=False) if state.paused else None
    if state.paused and action not in WHILE_PAUSED:
        return None
    if action == Action.PAUSE:
        return replace(state, paused=True) if state.status in PAUSABLE else None
    target = TRANSITIONS.get((state.status, action))
    return None if target is None else CaseState(target)
