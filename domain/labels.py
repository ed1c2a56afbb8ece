"""Codes with their Chinese and English labels, written once as rows (code, zh, en)."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Labelled(StrEnum):
    """A StrEnum whose members are rows `NAME = code, "中文", "English"`: the member is its code (as
    stored, sent and compared), and `labels()` is the (zh, en) table that pages and documents read."""

    _value_: str
    zh: str
    en: str

    # Only the class body calls this, with a whole row; `Status("closed")` looks a member up by its code
    # (Enum's own call), which the type checker sees as this call with one argument.
    def __new__(cls, code: str, zh: str | None = None, en: str | None = None) -> Self:
        if zh is None or en is None:
            raise TypeError(f"{cls.__name__}.{code}: a labelled code needs its Chinese and English labels")
        member = str.__new__(cls, code)
        member._value_ = code
        member.zh, member.en = zh, en
        return member

    @classmethod
    def labels(cls) -> dict[Self, tuple[str, str]]:
        return {member: (member.zh, member.en) for member in cls}
