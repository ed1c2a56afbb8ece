"""The field types commands and views share on the wire, each documented once in the OpenAPI schema:
money as decimal yuan text, a local date as YYYY-MM-DD text (the domain checks both with its own codes)."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta


def _formatted_text(description: str, example: str, fmt: str) -> Meta:
    """Text the schema documents with a `format`; the domain parses and checks it."""
    return Meta(description=description, examples=[example], extra_json_schema={"format": fmt})


Yuan = Annotated[str, _formatted_text("Decimal yuan, at most two decimals", "399.00", "decimal")]
LocalDate = Annotated[str, _formatted_text("A local date (Asia/Shanghai), YYYY-MM-DD", "2026-03-01", "date")]
