"""The team queues' actions as the API takes them (the pages post the same fields). A user id stays loose:
domain.queues reads it with its own code, so a bad one is a 422 naming the field."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

UserId = Annotated[int | str, Meta(description="A staff user's id (a JSON number)", examples=[7])]


class ReleaseCase(msgspec.Struct, forbid_unknown_fields=False):
    """Hand the case back to its queue."""

    reason: Annotated[str | None, Meta(description="Why (optional, at most 500 characters)")] = None


class AssignCase(msgspec.Struct, forbid_unknown_fields=False):
    """A supervisor gives the case to an active mediator."""

    user_id: UserId | None = None


class AddQueueMember(msgspec.Struct, forbid_unknown_fields=False):
    """Add a mediator to a queue's team."""

    user_id: UserId | None = None
