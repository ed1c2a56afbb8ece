"""The commands of arbitration: refer a case under an agreement, record the institution's award.

Fields stay permissive where domain.arbitration checks them with its own codes (a 422 names the field).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from service.usecases.wire_types import Yuan


class Refer(msgspec.Struct, forbid_unknown_fields=False):
    """Either an agreement on record (`agreement_id`: the merchant's published clause or one recorded for
    this case) or a new case-level agreement (`kind`, `institution`, `signed_on`, `note`)."""

    agreement_id: Annotated[int, msgspec.Meta(description="An agreement on record", examples=[12])] | None = (
        None
    )
    kind: Annotated[str, msgspec.Meta(description="written | implied", examples=["written"])] | None = None
    institution: (
        Annotated[
            str, msgspec.Meta(description="The institution the agreement names", examples=["杭州仲裁委员会"])
        ]
        | None
    ) = None
    signed_on: Annotated[date, msgspec.Meta(description="When a written agreement was signed")] | None = None
    note: Annotated[str, msgspec.Meta(description="Anything the institution should know")] | None = None


class RecordAward(msgspec.Struct, forbid_unknown_fields=False):
    award_on: (
        Annotated[date, msgspec.Meta(description="The award's date, not before the referral")] | None
    ) = None
    award_for: (
        Annotated[str, msgspec.Meta(description="consumer | partial | merchant", examples=["consumer"])]
        | None
    ) = None
    amount: (
        Annotated[Yuan, msgspec.Meta(description="Yuan awarded; none for an award for the business")] | None
    ) = None


class ArbitrationReferral(msgspec.Struct, frozen=True):
    case_id: int
    agreement_id: int
    status: str = "referred"


class ArbitrationAwardRecorded(msgspec.Struct, frozen=True):
    case_id: int
    status: str = "award_recorded"
