"""The commands of product testing: send the product for testing (the clock stops), record the finding."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from service.usecases.wire_types import Yuan


class StartTesting(msgspec.Struct, forbid_unknown_fields=False):
    lab: (
        Annotated[
            str,
            msgspec.Meta(
                description="The testing, inspection or appraisal body", examples=["浙江省质量检测研究院"]
            ),
        ]
        | None
    ) = None
    fee: Annotated[Yuan, msgspec.Meta(description="The test fee in yuan; 0 when free")] | None = None
    advanced_by: (
        Annotated[str, msgspec.Meta(description="merchant (default) | consumer", examples=["merchant"])]
        | None
    ) = None
    consumer_guarantee: (
        Annotated[
            Yuan, msgspec.Meta(description="Yuan; default: the fee when the business advances it, else 0")
        ]
        | None
    ) = None


class FinishTesting(msgspec.Struct, forbid_unknown_fields=False):
    finding: (
        Annotated[str, msgspec.Meta(description="The test's conclusion", examples=["底座绝缘不合格"])] | None
    ) = None
    at_fault: (
        Annotated[str, msgspec.Meta(description="merchant | consumer | none", examples=["merchant"])] | None
    ) = None
    report_evidence_id: (
        Annotated[int, msgspec.Meta(description="The report: one of the case's evidence files")] | None
    ) = None


class TestingStarted(msgspec.Struct, frozen=True):
    __test__ = False  # not a pytest class

    id: int
    case_id: int
    status: str = "testing"


class TestingFinished(msgspec.Struct, frozen=True):
    __test__ = False

    id: int
    status: str
    mediation_due: date | None
