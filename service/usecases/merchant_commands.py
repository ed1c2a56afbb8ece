"""The merchant registry's actions, one command each: the API's body and the staff page's form.

The fields stay loose where domain.merchants checks them with its own codes, so that one bad value
does not hide the others: a 422 lists every bad field (a number where a phone number or a yuan amount
belongs is the domain's `invalid_type`, beside the rest)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

from service.usecases.routing_commands import MerchantId

Text = Annotated[str | None, Meta(description="Text, checked by domain.merchants")]
Day = Annotated[str | None, Meta(description="A date, YYYY-MM-DD", examples=["2026-03-01"])]
Phone = Annotated[
    Any, Meta(description="A phone number, as text (a JSON number is refused)", examples=["0571-88886666"])
]
Yuan = Annotated[
    Any, Meta(description="Yuan as a decimal string (a JSON number is refused)", examples=["2000.00"])
]
Codes = Annotated[list[str] | None, Meta(description="Codes of /api/v1/taxonomy")]


class RegisterMerchant(msgspec.Struct, forbid_unknown_fields=False):
    """A (verified) merchant for the registry."""

    name: Text = None
    address: Text = None
    uscc: Annotated[str | None, Meta(description="统一社会信用代码", examples=["91330105MA2H3X4Y5Z"])] = None
    subdistrict: Text = None
    kind: Annotated[
        str | None,
        Meta(description="shop (default), platform, market, exhibition or counter_lessor", examples=["shop"]),
    ] = None
    parent_id: Annotated[
        MerchantId | None, Meta(description="The platform, market, fair or counter lessor it sells through")
    ] = None
    contact_name: Text = None
    contact_phone: Phone = None
    contact_email: Text = None
    ends_on: Annotated[Day, Meta(description="Required for exhibition and counter_lessor")] = None


class EditMerchant(msgspec.Struct, forbid_unknown_fields=False):
    """Corrections to a merchant made from a complaint; a field left out keeps its value, "" clears it."""

    name: Text = None
    address: Text = None
    uscc: Text = None
    subdistrict: Text = None
    contact_phone: Phone = None


class AddCommitment(msgspec.Struct, forbid_unknown_fields=False):
    """A first-payment commitment (先行赔付承诺) of the merchant."""

    scope_requests: Annotated[Codes, Meta(examples=[["return", "refund"]])] = None
    scope_categories: Annotated[Codes, Meta(description="Category codes; none or empty: every one")] = None
    per_claim_cap: Yuan = None
    active_from: Day = None
    active_until: Day = None


class AddArbitrationClause(msgspec.Struct, forbid_unknown_fields=False):
    """An arbitration clause the merchant publishes (e.g. in its terms of sale)."""

    institution: Annotated[str | None, Meta(examples=["杭州仲裁委员会"])] = None
    kind: Annotated[str | None, Meta(description='"published", the only kind a merchant holds')] = None
    signed_on: Day = None
    note: Text = None


class MergeMerchant(msgspec.Struct, forbid_unknown_fields=False):
    """Merge an unverified duplicate into another (usually the registered) merchant."""

    into_id: MerchantId | None = None
