"""The catalogs (issue 16): every message the code and templates mark has its English, the code's own
(Chinese, English) texts are the catalog's (a domain error's message_en is what the English page shows),
and a fuzzy guess counts as missing."""

from __future__ import annotations

from pathlib import Path

from service import i18n, i18n_check


def test_every_marked_message_has_its_english() -> None:
    assert list(i18n_check.problems()) == []


def test_the_code_english_is_the_catalogs() -> None:
    pairs = i18n_check.code_pairs()
    assert len(pairs) > 100  # the domain's field errors and label tables
    overridden = {zh: i18n.gettext("en", zh) for zh, en in pairs.items() if i18n.gettext("en", zh) != en}
    assert overridden == {}


def test_the_chinese_page_is_the_message_id() -> None:
    assert i18n.gettext("zh_CN", "查询进度") == "查询进度"
    assert i18n.gettext("en", "查询进度") == "Track a complaint"


def test_a_fuzzy_or_empty_entry_is_not_a_translation(tmp_path: Path) -> None:
    po = tmp_path / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, fuzzy\nmsgid "猜的"\nmsgstr "A guess"\n\n'
        'msgid "空的"\nmsgstr ""\n\n'
        'msgid "译好的"\nmsgstr "Translated"\n',
        encoding="utf-8",
    )
    assert i18n_check.translated(po) == {"译好的"}
