"""A dataclass or a msgspec Struct from a row, or from other objects: each field from the column (or the
attribute) of its name, unless the caller computes it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec

T = TypeVar("T")


def from_row(cls: type[T], row: Mapping[str, Any], **computed: Any) -> T:
    """`cls(...)` with every field the row has a column for, and `computed` for the rest (or instead);
    a field with a default may be absent from both."""
    columns = set(row.keys())
    values = {name: row[name] for name in _field_names(cls) if name in columns and name not in computed}
    return cls(**values, **computed)


def from_attrs(cls: type[T], *sources: object, **computed: Any) -> T:
    """`cls(...)` with each field from the first of `sources` that has an attribute of its name, and
    `computed` for the rest (or instead); a field with a default may be absent from all."""
    values = {}
    for name in _field_names(cls):
        holder = next((s for s in sources if hasattr(s, name)), None) if name not in computed else None
        if holder is not None:
            values[name] = getattr(holder, name)
    return cls(**values, **computed)


def _field_names(cls: type[Any]) -> tuple[str, ...]:
    if issubclass(cls, msgspec.Struct):
        return cls.__struct_fields__
    return tuple(f.name for f in dataclasses.fields(cls))
