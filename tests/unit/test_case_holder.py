"""The one ownership rule of every staff action on a case (issue 13, attack 6)."""

from __future__ import annotations

import pytest

from domain.roles import Role, case_holder_refusal

ME, OTHER = 7, 8


@pytest.mark.parametrize(
    ("roles", "assigned_to", "claimable", "refusal"),
    [
        ({Role.MEDIATOR}, ME, True, None),  # my case
        ({Role.MEDIATOR}, OTHER, True, "held_by_other"),  # another mediator's case
        ({Role.MEDIATOR}, OTHER, False, "held_by_other"),  # still theirs once closed or moved on
        ({Role.MEDIATOR}, None, True, "claim_first"),  # waiting in a queue: claim it first
        ({Role.MEDIATOR}, None, False, None),  # a stage nobody holds (first payment, registered)
        ({Role.SUPERVISOR}, OTHER, True, None),  # a supervisor may act on any case
        ({Role.SUPERVISOR}, None, True, None),
        ({Role.MEDIATOR, Role.SUPERVISOR}, OTHER, True, None),
        (set(), None, True, "claim_first"),
        ({Role.ADMIN}, OTHER, True, "held_by_other"),
    ],
)
def test_who_may_act_on_a_case(
    roles: set[Role], assigned_to: int | None, claimable: bool, refusal: str | None
) -> None:
    assert case_holder_refusal(ME, roles, assigned_to=assigned_to, claimable=claimable) == refusal
