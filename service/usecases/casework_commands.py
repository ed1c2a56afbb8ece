"""The commands of staff casework, as the API takes them and the case page's forms are shaped.

Fields the domain checks with its own codes (domain.acceptance, domain.outcomes) stay permissive strings,
so every 422 code and message is the one it always was; a value of the wrong JSON type is refused before
the domain with the same 422 body. Unknown fields are ignored.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from service.usecases.wire_types import LocalDate, Yuan

Note = Annotated[
    str, Meta(description="What staff write down (at most 2000 characters)", examples=["材料齐全"])
]


class Accept(msgspec.Struct, forbid_unknown_fields=False):
    """Accept the complaint (受理): the mediation clock starts."""

    note: Note | None = None


class Reject(msgspec.Struct, forbid_unknown_fields=False):
    """Decide not to accept (不予受理) on one of the seven grounds, saying why."""

    # any JSON scalar: the domain refuses a string or a boolean with its own code (a JSON number only)
    ground: (
        Annotated[int, Meta(description="The ground, 1–7 (domain.acceptance.Ground)", examples=[3])]
        | str
        | bool
        | None
    ) = None
    note: Annotated[str, Meta(description="Why not accepted (required, at most 2000 characters)")] | None = (
        None
    )


class Pause(msgspec.Struct, forbid_unknown_fields=False):
    """Stop the clock (暂停计时) for testing, a recusal, awaited evidence or another reason."""

    reason: (
        Annotated[str, Meta(description="testing, recusal, evidence or other", examples=["evidence"])] | None
    ) = None
    note: Annotated[str, Meta(description="Required when the reason is other")] | None = None
    expected_end: LocalDate | None = None  # not in the past


class Close(msgspec.Struct, forbid_unknown_fields=False):
    """Close the case by hand (办结) with its outcome and the relief obtained."""

    outcome: (
        Annotated[
            str,
            Meta(
                description=(
                    "paid_by_merchant, paid_from_deposit, award_for_consumer, award_against_consumer,"
                    " withdrawn, referred_to_enforcement or duplicate (settlements and terminations"
                    " close themselves)"
                ),
                examples=["withdrawn"],
            ),
        ]
        | None
    ) = None
    relief_type: (
        Annotated[str, Meta(description="The remedy obtained: a request kind of the taxonomy")] | None
    ) = None
    relief: Yuan | None = None
    note: Note | None = None


class MarkSpam(msgspec.Struct, forbid_unknown_fields=False):
    """Close a fake or flooding filing as spam (虚假或恶意投诉), with the reason."""

    reason: (
        Annotated[str, Meta(description="Why this is spam (required, at most 2000 characters)")] | None
    ) = None
