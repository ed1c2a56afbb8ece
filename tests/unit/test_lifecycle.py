"""The case state machine as one explicit table: every (status, paused, action), written out by hand."""

from __future__ import annotations

import pickle
import re

import pytest

from domain.errors import DomainError
from domain.lifecycle import (
    ACTION_LABELS,
    PAUSABLE,
    STATUS_LABELS,
    Action,
    CaseState,
    InvalidTransition,
    Status,
    allowed_actions,
    apply,
)

HAN = re.compile(r"[\u4e00-\u9fff]")

RCV, ACC, REJ, CLO = (
    CaseState(s) for s in (Status.RECEIVED, Status.ACCEPTED, Status.REJECTED, Status.CLOSED)
)
FP, MED, ARB = (CaseState(s) for s in (Status.FIRST_PAYMENT, Status.MEDIATION, Status.ARBITRATION))
FPp, MEDp, ARBp = (CaseState(s.status, paused=True) for s in (FP, MED, ARB))
MTC = CaseState(Status.MERCHANT_TO_CONFIRM)
X = None  # InvalidTransition

COLUMNS = (
    Action.ACCEPT,
    Action.REJECT,
    Action.AWAIT_MERCHANT,
    Action.CONFIRM_MERCHANT,
    Action.ROUTE_FIRST_PAYMENT,
    Action.ROUTE_MEDIATION,
    Action.ROUTE_ARBITRATION,
    Action.PAUSE,
    Action.RESUME,
    Action.CLOSE,
    Action.REOPEN,
)

# fmt: off
EXPECTED: dict[tuple[Status, bool], tuple[CaseState | None, ...]] = {
    # accept, reject, await merchant, confirm merchant, route →fp →med →arb, pause, resume, close, reopen
    (Status.RECEIVED, False):            (ACC, REJ, X,   X,   X,   X,   X,   X,   X,   X,   X),
    (Status.ACCEPTED, False):            (X,   X,   MTC, X,   FP,  MED, ARB, X,   X,   CLO, X),
    # routing waits for a person to confirm the merchant: no route move from here
    (Status.MERCHANT_TO_CONFIRM, False): (X,   X,   X,   ACC, X,   X,   X,   X,   X,   CLO, X),
    (Status.REJECTED, False):            (X,   X,   X,   X,   X,   X,   X,   X,   X,   X,   X),
    (Status.FIRST_PAYMENT, False):       (X,   X,   X,   X,   X,   MED, ARB, FPp, X,   CLO, X),
    (Status.MEDIATION, False):           (X,   X,   X,   X,   FP,  X,   ARB, MEDp, X,   CLO, X),
    (Status.ARBITRATION, False):         (X,   X,   X,   X,   FP,  MED, X,   ARBp, X,   CLO, X),
    (Status.CLOSED, False):              (X,   X,   X,   X,   X,   X,   X,   X,   X,   X,   ACC),
    # paused: only resume, or close (which ends the pause)
    (Status.FIRST_PAYMENT, True):        (X,   X,   X,   X,   X,   X,   X,   X,   FP,  CLO, X),
    (Status.MEDIATION, True):            (X,   X,   X,   X,   X,   X,   X,   X,   MED, CLO, X),
    (Status.ARBITRATION, True):          (X,   X,   X,   X,   X,   X,   X,   X,   ARB, CLO, X),
    # never reached through apply() (only route stages pause); resume just clears the flag
    (Status.RECEIVED, True):             (X,   X,   X,   X,   X,   X,   X,   X,   RCV, X,   X),
    (Status.ACCEPTED, True):             (X,   X,   X,   X,   X,   X,   X,   X,   ACC, CLO, X),
    (Status.MERCHANT_TO_CONFIRM, True):  (X,   X,   X,   X,   X,   X,   X,   X,   MTC, CLO, X),
    (Status.REJECTED, True):             (X,   X,   X,   X,   X,   X,   X,   X,   REJ, X,   X),
    (Status.CLOSED, True):               (X,   X,   X,   X,   X,   X,   X,   X,   CLO, X,   X),
}
# fmt: on

CASES = [
    pytest.param(
        CaseState(status, paused), action, expected, id=f"{status}{'+paused' if paused else ''}-{action}"
    )
    for (status, paused), row in EXPECTED.items()
    for action, expected in zip(COLUMNS, row, strict=True)
]
STATES = [CaseState(status, paused) for status, paused in EXPECTED]


def test_the_table_covers_every_status_pause_and_action() -> None:
    assert set(EXPECTED) == {(status, paused) for status in Status for paused in (False, True)}
    assert set(COLUMNS) == set(Action) and len(COLUMNS) == len(Action)
    assert len(CASES) == 176


@pytest.mark.parametrize(("state", "action", "expected"), CASES)
def test_apply(state: CaseState, action: Action, expected: CaseState | None) -> None:
    if expected is None:
        with pytest.raises(InvalidTransition) as caught:
            apply(state, action)
        assert caught.value.state == state
        assert caught.value.action == action
    else:
        assert apply(state, action) == expected


@pytest.mark.parametrize("state", STATES, ids=str)
def test_allowed_actions_agree_with_apply(state: CaseState) -> None:
    def allowed(action: Action) -> bool:
        try:
            apply(state, action)
        except InvalidTransition:
            return False
        return True

    assert allowed_actions(state) == frozenset(a for a in Action if allowed(a))
    row = EXPECTED[(state.status, state.paused)]
    assert allowed_actions(state) == frozenset(a for a, e in zip(COLUMNS, row, strict=True) if e is not None)


def test_the_message_names_the_state_and_the_action_in_chinese() -> None:
    with pytest.raises(InvalidTransition) as caught:
        apply(CLO, Action.ACCEPT)
    assert caught.value.message == "当前状态（已办结）不能执行“受理”"
    assert str(caught.value) == caught.value.message
    assert caught.value.message_en == "“Accept” is not allowed in the current status (Closed)"
    assert isinstance(caught.value, DomainError)


def test_a_paused_state_says_so() -> None:
    with pytest.raises(InvalidTransition) as caught:
        apply(MEDp, Action.ROUTE_ARBITRATION)
    assert caught.value.message == "当前状态（调解中，已暂停计时）不能执行“转仲裁”"
    assert "clock paused" in caught.value.message_en


@pytest.mark.parametrize(
    ("state", "action"), [(c.values[0], c.values[1]) for c in CASES if c.values[2] is None]
)
def test_every_refusal_has_a_chinese_and_an_english_message(state: CaseState, action: Action) -> None:
    with pytest.raises(InvalidTransition) as caught:
        apply(state, action)
    assert HAN.search(caught.value.message)
    assert not HAN.search(caught.value.message_en)


def test_the_error_survives_pickling() -> None:
    error = InvalidTransition(FPp, Action.PAUSE)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.state, copy.action, copy.message) == (FPp, Action.PAUSE, error.message)


def test_labels_cover_everything_in_both_languages() -> None:
    assert set(STATUS_LABELS) == set(Status)
    assert set(ACTION_LABELS) == set(Action)
    for zh, en in (*STATUS_LABELS.values(), *ACTION_LABELS.values()):
        assert HAN.search(zh) and en and not HAN.search(en)
    assert STATUS_LABELS[Status.CLOSED][0] == "已办结"
    assert STATUS_LABELS[Status.MEDIATION][0] == "调解中"


def test_only_the_route_stages_pause() -> None:
    assert frozenset({Status.FIRST_PAYMENT, Status.MEDIATION, Status.ARBITRATION}) == PAUSABLE


def test_values_are_the_stored_strings() -> None:
    assert [s.value for s in Status] == [
        "received",
        "accepted",
        "merchant_to_confirm",
        "rejected",
        "first_payment",
        "mediation",
        "arbitration",
        "closed",
    ]
    assert Action("route_mediation") is Action.ROUTE_MEDIATION
