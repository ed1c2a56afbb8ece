"""A dataclass from a row: each field from the column of its name, unless the caller computes it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


def from_row(cls: type[T], row: Mapping[str, Any], **computed: Any) -> T:
    """`cls(...)` with every field the row has a column for, and `computed` for the rest (or instead);
    a field with a default may be absent from both."""
    columns = set(row.keys())
    values = {f.name: row[f.name] for f in fields(cls) if f.name in columns and f.name not in computed}
    return cls(**values, **computed)
