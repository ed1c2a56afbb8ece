"""The commands of routing and the case's merchant, as the API takes them and the case page's forms
are shaped. Permissive where the domain checks with its own codes (route, reason, merchant id)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

MerchantId = Annotated[
    int | str, Meta(description="A registry merchant's id (a number, or its digits)", examples=[42])
]


class OverrideRoute(msgspec.Struct, forbid_unknown_fields=False):
    """A supervisor sends the case down another route, saying why."""

    route: (
        Annotated[str, Meta(description="first_payment, mediation or arbitration", examples=["mediation"])]
        | None
    ) = None
    reason: (
        Annotated[str, Meta(description="Why the route changes (required, at most 2000 characters)")] | None
    ) = None


class ConfirmMerchant(msgspec.Struct, forbid_unknown_fields=False):
    """The answer to `merchant_to_confirm`: this registry merchant, or none of them."""

    merchant_id: MerchantId | None = None
    not_in_registry: Annotated[
        bool, Meta(description="True: none of them; an unverified merchant is made from the complaint")
    ] = False


class RelinkMerchant(msgspec.Struct, forbid_unknown_fields=False):
    """Link a routed, open case to another registry merchant, saying why; routing runs again."""

    merchant_id: MerchantId | None = None
    reason: (
        Annotated[str, Meta(description="Why the merchant changes (required, at most 500 characters)")] | None
    ) = None
