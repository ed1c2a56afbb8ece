"""Free text in casework forms follows the same rules as intake's."""

from __future__ import annotations

import unicodedata

import pytest

from domain.fields import Fields, text_problem


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


def test_the_character_rule_is_the_unicode_category_rule() -> None:
    """The fast pattern refuses exactly the Cc characters (but line breaks and tabs) and the bidi controls."""
    bidi = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    for cp in [*range(0xD800), *range(0xE000, 0x10000), 0x1F600, 0xE0001]:
        ch = chr(cp)
        refused = (unicodedata.category(ch) == "Cc" and ch not in "\r\n\t") or ch in bidi
        assert (text_problem(f"a{ch}b") is not None) == refused, hex(cp)
