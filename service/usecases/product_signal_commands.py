"""The command of a product risk signal: the supervisor's action on it."""

from __future__ import annotations

from typing import Annotated

import msgspec


class DecideProductSignal(msgspec.Struct, forbid_unknown_fields=False):
    decision: (
        Annotated[
            str,
            msgspec.Meta(
                description="spot_check (监督抽查) | recall_notice (缺陷产品召回) | dismissed (with a note)",
                examples=["spot_check"],
            ),
        ]
        | None
    ) = None
    note: Annotated[str, msgspec.Meta(description="Required when dismissed: why")] | None = None


class ProductSignalDecided(msgspec.Struct, frozen=True):
    id: int
    decision: str
