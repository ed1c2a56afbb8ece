"""The command of a cluster alert: the supervisor's decision."""

from __future__ import annotations

from typing import Annotated

import msgspec


class DecideCluster(msgspec.Struct, forbid_unknown_fields=False):
    decision: (
        Annotated[
            str,
            msgspec.Meta(
                description="joint_complaint | enforcement_referral | public_interest_litigation | no_action",
                examples=["joint_complaint"],
            ),
        ]
        | None
    ) = None
    note: Annotated[str, msgspec.Meta(description="Required with no_action: why")] | None = None


class ClusterDecided(msgspec.Struct, frozen=True):
    id: int
    decision: str
