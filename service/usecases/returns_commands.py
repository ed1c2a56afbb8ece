"""What a person asks of the monthly returns, and what the API answers: commands and views as msgspec
Structs (the API's bodies and responses as they are; the pages build the same command from the form)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from domain import indicators as ind

# A JSON number: counts stay ints on the wire (msgspec encodes what it holds). Typed float so the schema
# says `number`: `int | float` renders as a oneOf that every integer matches twice, which is invalid.
Number = float | None
REASON_MAX = 500


class ProduceReturn(msgspec.Struct, forbid_unknown_fields=False):
    """Produce (or restate) an ended month's return now."""

    reason: Annotated[
        str | None,
        msgspec.Meta(
            description="Why a restatement is made (kept with the new version); at most 500 characters",
            examples=["更正3月的退款金额"],
        ),
    ] = None


class IndicatorDefinition(msgspec.Struct):
    code: str
    name_zh: str
    name_en: str
    formula: str
    numerator: str | None
    denominator: str | None
    unit: str
    period: str
    kind: str
    target: float | None

    @classmethod
    def of(cls, d: ind.Definition) -> IndicatorDefinition:
        return cls(**{name: getattr(d, name) for name in cls.__struct_fields__})


class IndicatorMonth(msgspec.Struct):
    month: Annotated[str, msgspec.Meta(description="YYYY-MM", examples=["2026-05"])]
    partial: bool  # the current month, still running
    values: dict[str, Number]
    mom: dict[str, dict[str, Number]] | None  # None: no earlier month to compare with
    yoy: dict[str, dict[str, Number]] | None


class Indicators(msgspec.Struct):
    first: str = msgspec.field(name="from")
    last: str = msgspec.field(name="to")
    definitions_version: str = ind.VERSION
    definitions: list[IndicatorDefinition] = msgspec.field(default_factory=list)
    months: list[IndicatorMonth] = msgspec.field(default_factory=list)


class MonthlyReturn(msgspec.Struct):
    month: str
    version: int
    content_hash: str
    definitions: str
    created_at: datetime
    created_by: str
    restatement_of: int | None
    changes: list[dict[str, Any]] | None
    reason: str | None
    figures: dict[str, Any]
    created: bool = False  # POST: True when this request stored a new version


class MonthlyReturnListItem(msgspec.Struct):
    month: str
    version: int
    versions: int
    content_hash: str
    definitions: str
    created_at: datetime
    restatement_of: int | None
