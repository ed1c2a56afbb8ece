"""The field types commands and views share on the wire, each documented once in the OpenAPI schema:
money as decimal yuan text, a local date as YYYY-MM-DD text (the domain checks both with its own codes)."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

Yuan = Annotated[
    str,
    Meta(
        description="Decimal yuan, at most two decimals",
        examples=["399.00"],
        extra_json_schema={"format": "decimal"},
    ),
]
LocalDate = Annotated[
    str,
    Meta(
        description="A local date (Asia/Shanghai), YYYY-MM-DD",
        examples=["2026-03-01"],
        extra_json_schema={"format": "date"},
    ),
]
