"""The commands of the first-payment flow (先行赔付), as the API takes them and the pages' forms are
shaped. Permissive where the domain checks with its own codes (answer, amounts, note)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from service.usecases.wire_types import Yuan


class MerchantAnswer(msgspec.Struct, forbid_unknown_fields=False):
    """The merchant's answer: it paid the consumer itself, or it refuses (saying why)."""

    answer: Annotated[str, Meta(description="pay or refuse", examples=["pay"])] | None = None
    note: Annotated[str, Meta(description="Required for a refusal (at most 2000 characters)")] | None = None
    amount: Yuan | None = None  # what was paid; default the claimed amount


class RecordDeposit(msgspec.Struct, forbid_unknown_fields=False):
    """Money paid into a merchant's guarantee deposit (a recovery when payouts await their top-up)."""

    amount: Yuan | None = None
    memo: Annotated[str, Meta(description="What the payment was (at most 500 characters kept)")] | None = None
