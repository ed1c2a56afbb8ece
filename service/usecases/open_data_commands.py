"""The open dataset's wire types (issue 18 §2): a restatement asked for by staff, a month's file as JSON, the
list of files and the data dictionary."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

REASON_MAX = 500


class RestateFile(msgspec.Struct, forbid_unknown_fields=True):
    """Recompute an ended month's file: a new version when the rows changed (the reason is kept with it)."""

    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=REASON_MAX)]


class Counts(msgspec.Struct, frozen=True):
    rows_in: int
    rows: int
    generalised: int
    generalised_merchant: int
    generalised_category: int
    generalised_subdistrict: int
    suppressed: int


class Changes(msgspec.Struct, frozen=True):
    added: int
    removed: int


class OpenDataFile(msgspec.Struct, frozen=True):
    """One version of a month's file. `content_hash` is the SHA-256 of the canonical JSON (sorted keys, no
    white space, UTF-8) of {month, dictionary, k, counts, columns, rows as lists in column order}."""

    month: str
    version: int
    dictionary: str
    k: int
    content_hash: str
    counts: Counts
    created_at: datetime
    restatement_of: int | None
    changes: Changes | None
    columns: list[str]
    rows: list[dict[str, Any]]
    created: bool = False  # stored by this call (a restatement's answer)


class FileVersion(msgspec.Struct, frozen=True):
    version: int
    content_hash: str
    k: int
    counts: Counts
    created_at: datetime
    restatement_of: int | None
    changes: Changes | None
    csv: str  # the path of this version's CSV
    json: str


class MonthFiles(msgspec.Struct, frozen=True):
    month: str
    latest: FileVersion
    earlier: list[FileVersion]


class Code(msgspec.Struct, frozen=True):
    code: str
    zh: str
    en: str


class Column(msgspec.Struct, frozen=True):
    name: str
    zh: str
    en: str
    codes: list[Code] | None


class OpenDataIndex(msgspec.Struct, frozen=True):
    dictionary: str
    k: int  # in force for the last ended month
    months: list[MonthFiles]
    columns: list[Column]
