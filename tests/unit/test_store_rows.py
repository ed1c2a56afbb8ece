"""service.store.rows: a dataclass or a msgspec Struct filled by field name from a row or from objects."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
import pytest

from service.store.rows import from_attrs, from_row


class Item(msgspec.Struct, frozen=True):
    id: int
    name: str
    label: str
    note: str | None = None


@dataclass(frozen=True)
class Plain:
    id: int
    name: str


@dataclass(frozen=True)
class Inner:
    id: int
    name: str


@dataclass(frozen=True)
class Outer:
    inner: Inner
    name: str
    label: str


def test_a_struct_takes_its_columns_and_the_computed_fields_win() -> None:
    row = {"id": 7, "name": "锦绣", "label": "from the row", "extra": "ignored"}
    assert from_row(Item, row, label="computed") == Item(7, "锦绣", "computed")


def test_a_dataclass_still_takes_its_columns() -> None:
    assert from_row(Plain, {"id": 1, "name": "a", "other": 2}) == Plain(1, "a")


def test_a_missing_column_without_a_default_is_an_error() -> None:
    with pytest.raises(TypeError):
        from_row(Item, {"id": 1, "name": "a"})


def test_attributes_come_from_the_first_source_that_has_them() -> None:
    outer = Outer(Inner(3, "inner name"), "outer name", "outer label")
    item = from_attrs(Item, outer.inner, outer, note="n")
    assert item == Item(3, "inner name", "outer label", "n")
    assert from_attrs(Item, outer, outer.inner).name == "outer name"
