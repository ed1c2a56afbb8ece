"""Free text in casework forms follows the same rules as intake's."""

from __future__ import annotations

import pytest

from domain.fields import Fields


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("调解笔录：双方同意退款\r\n第二行", "调解笔录：双方同意退款\r\n第二行"),
        ("مرحبا shop 商店 🙂", "مرحبا shop 商店 🙂"),
        ("'; DROP TABLE cases; --", "'; DROP TABLE cases; --"),
    ],
)
def test_text_is_kept_as_written(raw: str, kept: str) -> None:
    f = Fields()
    assert f.text("note", raw, required="必填", max_len=200) == kept
    assert f.errors == []


@pytest.mark.parametrize("raw", ["商家\u202e名称", "isolate\u2066x\u2069", "bell\x07", "nul\x00"])
def test_hidden_characters_are_refused_by_field(raw: str) -> None:
    f = Fields()
    assert f.text("note", raw, required="必填", max_len=200) is None
    assert [(e.field, e.code) for e in f.errors] == [("note", "invalid_chars")]
    assert f.errors[0].message  # a Chinese message for the form
