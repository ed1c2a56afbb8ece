"""The consumer's and the supervisor's actions on a survey, one command each (the API's body, the page's
form). Their fields stay text: domain.satisfaction checks them with its own codes and Chinese messages."""

from __future__ import annotations

from typing import Annotated

import msgspec

Text = Annotated[str | None, msgspec.Meta(description="free text, checked by domain.satisfaction")]
Level = Annotated[
    str | None,
    msgspec.Meta(
        description="very_satisfied, satisfied, neutral, dissatisfied, very_dissatisfied or dont_know",
        examples=["satisfied"],
    ),
]


class AnswerSurvey(msgspec.Struct, forbid_unknown_fields=False):
    """One level per question of domain.satisfaction.QUESTIONS, and an optional comment."""

    timeliness: Level = None
    fairness: Level = None
    attitude: Level = None
    outcome: Level = None
    overall: Level = None
    comment: Text = None


class RequestAppeal(msgspec.Struct, forbid_unknown_fields=False):
    """A reopen or appeal request after a score below 60."""

    kind: Annotated[str | None, msgspec.Meta(description="reopen | appeal", examples=["reopen"])] = None
    reason: Annotated[str | None, msgspec.Meta(description="why (required)", examples=["商家至今未退款"])] = (
        None
    )


class DecideAppeal(msgspec.Struct, forbid_unknown_fields=False):
    """The supervisor's answer to a request."""

    decision: Annotated[
        str | None, msgspec.Meta(description="accepted | declined", examples=["declined"])
    ] = None
    reason: Annotated[
        str | None, msgspec.Meta(description="required when declined: the consumer sees it")
    ] = None
