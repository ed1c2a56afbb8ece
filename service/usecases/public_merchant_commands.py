"""The commands of merchants' records in public: a merchant's public reply, staff withholding an entry and
lifting the withholding (each with its reason). The API's bodies and the pages' forms."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec


class WriteReply(msgspec.Struct, forbid_unknown_fields=True):
    body: (
        Annotated[
            str,
            msgspec.Meta(description="Plain text, at most 500 characters; no phone, ID number or e-mail"),
        ]
        | None
    ) = None


class WithholdEntry(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(description="Why the entry is kept off the public list")] | None = (
        None
    )


class RestoreEntry(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(description="Why the entry is published again")] | None = None


class EntryState(msgspec.Struct, frozen=True):
    merchant_id: int
    withheld: bool
    reason: str


class ReplyWritten(msgspec.Struct, frozen=True):
    merchant_id: int
    version: int
    written_on: date
