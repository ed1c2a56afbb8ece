"""One command per mediation action: the API's request body, the page's form and the use case's input.

Fields the domain checks with its own codes (domain/mediation.py: parties, codes, amounts, dates against
today) stay permissive here, so a bad value is the domain's 422 naming the field, as it always was.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

Text = Annotated[str, msgspec.Meta(description="Free text; blank is absent")]
Party = Annotated[str, msgspec.Meta(description="consumer | merchant", examples=["consumer"])]
Day = Annotated[str, msgspec.Meta(description="ISO date (YYYY-MM-DD)", extra_json_schema={"format": "date"})]
Moment = Annotated[
    str,
    msgspec.Meta(
        description="ISO date-time; a bare one is Asia/Shanghai; absent means now",
        extra_json_schema={"format": "date-time"},
    ),
]
Yuan = Annotated[
    str,
    msgspec.Meta(
        description='Yuan as a decimal string, "0" when no money changes hands',
        examples=["399.00"],
        extra_json_schema={"format": "decimal"},
    ),
]
Remedy = Annotated[
    str, msgspec.Meta(description="A statutory request kind: repair, replace, return, refund, compensate …")
]


class LogContact(msgspec.Struct, forbid_unknown_fields=False):
    """A contact with one party: a call, a visit, a message."""

    party: Party | None = None
    method: Annotated[str, msgspec.Meta(description="phone | visit | message")] | None = None
    at: Moment | None = None
    note: Text | None = None


class LogSession(msgspec.Struct, forbid_unknown_fields=False):
    """A mediation session held on site, by phone or by video."""

    mode: Annotated[str, msgspec.Meta(description="on_site | phone | video")] | None = None
    at: Moment | None = None
    place: Annotated[str, msgspec.Meta(description="Required on site")] | None = None
    attendees: Text | None = None
    note: Text | None = None


class MakeOffer(msgspec.Struct, forbid_unknown_fields=False):
    """One side's proposal; the other side answers it."""

    from_party: Party | None = None
    remedy: Remedy | None = None
    amount: Yuan | int | None = None
    answer_by: Day | None = None
    note: Annotated[str, msgspec.Meta(description="The proposing side's remark, never a clause")] | None = (
        None
    )
    perform_by: (
        Annotated[
            str,
            msgspec.Meta(description="ISO date, not before answer_by", extra_json_schema={"format": "date"}),
        ]
        | None
    ) = None


class AnswerOffer(msgspec.Struct, forbid_unknown_fields=False):
    """An answer to an offer: accept, refuse, or counter with a new proposal (remedy, amount, answer_by).

    `perform_by`: on a counter-offer the date it asks for; on acceptance recorded by the mediator, the
    agreed performance deadline (default answer_by + 7 days). `party` (staff only) names who answered."""

    answer: Annotated[str, msgspec.Meta(description="accept | refuse | counter")] | None = None
    party: Party | None = None
    remedy: Remedy | None = None
    amount: Yuan | int | None = None
    answer_by: Day | None = None
    note: Text | None = None
    perform_by: Day | None = None


class WithdrawOffer(msgspec.Struct, forbid_unknown_fields=False):
    """The proposing side takes back its open offer."""

    note: Text | None = None


class IssueSettlement(msgspec.Struct, forbid_unknown_fields=False):
    """The mediator reviewed the draft 调解书 and issues it for both parties to confirm."""

    wording: (
        Annotated[str, msgspec.Meta(description="The confirmed wording of any further agreement (其他约定)")]
        | None
    ) = None
    perform_by: (
        Annotated[
            str,
            msgspec.Meta(
                description="ISO date; blank keeps the draft's", extra_json_schema={"format": "date"}
            ),
        ]
        | None
    ) = None


class ConfirmSettlement(msgspec.Struct, forbid_unknown_fields=False):
    """A party's confirmation given to the mediator."""

    party: Party | None = None
    means: Annotated[str, msgspec.Meta(description="on_site | phone | signature")] | None = None


class RecordPerformance(msgspec.Struct, forbid_unknown_fields=False):
    performance: Annotated[str, msgspec.Meta(description="performed | not_performed")] | None = None
    note: Text | None = None


class Terminate(msgspec.Struct, forbid_unknown_fields=False):
    """End mediation on one of the eight grounds of Order 121 art. 23, with the facts in a note."""

    reason: Annotated[int, msgspec.Meta(description="1–8, Order 121 art. 23", examples=[2])] | str | None = (
        None
    )
    note: Text | None = None


class RequestRecusal(msgspec.Struct, forbid_unknown_fields=False):
    party: Party | None = None
    reason: Text | None = None


class DecideRecusal(msgspec.Struct, forbid_unknown_fields=False):
    decision: Annotated[str, msgspec.Meta(description="granted | denied")] | None = None
    new_mediator: Annotated[int, msgspec.Meta(description="A staff user id (granted only)")] | str | None = (
        None
    )
    note: Text | None = None


class Reopen(msgspec.Struct, forbid_unknown_fields=False):
    reason: Text | None = None
