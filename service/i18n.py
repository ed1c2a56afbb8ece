"""The consumer's language: gettext catalogs (Babel) and how a request's language is chosen.

Chinese is the source language: a message id is the zh-CN text as the code and templates write it, and
`service/locales/en/LC_MESSAGES/messages.po` holds its English. The `.po` files are the only source; they
are compiled in memory when first used, so there is no build step and no `.mo` file to go stale
(`pybabel extract/update` keep them in step with the code: `make i18n`; `make check` fails on a
message without an English translation). Staff pages stay Chinese; the public ones, the merchant link,
the survey, e-mails and SMS speak both.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
SOURCE = "zh_CN"  # the language the message ids are written in
LOCALES = ("zh_CN", "en")  # what a consumer can choose, in the order the switch shows them
LABELS: Mapping[str, str] = {"zh_CN": "中文", "en": "English"}
PAIRS_FILE = "pairs.po"  # generated from the code's (zh, en) texts: python -m service.i18n_check --update
COOKIE = "lang"  # remembers the switch for a year
HTML_LANG: Mapping[str, str] = {"zh_CN": "zh-CN", "en": "en"}


def is_cjk(ch: str) -> bool:
    """A Chinese character or CJK / full-width punctuation: what an English page must not show."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def normalize(value: str | None) -> str | None:
    """One of LOCALES for a tag as browsers, links and cookies spell it ('en-GB', 'zh-hans', 'EN'); None
    when it names no language offered here."""
    if not value:
        return None
    tag = value.strip().replace("-", "_")
    try:
        parsed = Locale.parse(tag)
    except (ValueError, UnknownLocaleError):
        return None
    if parsed.language == "en":
        return "en"
    if parsed.language == "zh":
        return "zh_CN"
    return None


def from_accept_language(header: str | None) -> str | None:
    """The offered language the browser prefers most (RFC 9110 quality values); None: none offered."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        locale = normalize(tag)
        if locale and quality > 0 and (best is None or (quality, -position) > (best[0], best[1])):
            best = (quality, -position, locale)
    return best[2] if best else None


def choose(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The request's language: `?lang=` (the switch), then the remembered cookie, then the browser's."""
    return normalize(query) or normalize(cookie) or from_accept_language(accept_language) or SOURCE


@cache
def translations(locale: str) -> NullTranslations:
    """The catalog of one locale; the source language (and any unknown one) translates to itself."""
    folder = LOCALES_DIR / locale / "LC_MESSAGES"
    path = folder / f"{DOMAIN}.po"
    if locale == SOURCE or not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=locale)
    if (folder / PAIRS_FILE).exists():  # the code's own (zh, en) texts, where messages.po has none
        with (folder / PAIRS_FILE).open("rb") as po:
            for message in read_po(po, locale=locale):
                mine = catalog.get(message.id) if message.id else None
                if message.id and (mine is None or not mine.string or mine.fuzzy):
                    if mine is not None:
                        del catalog[message.id]  # assigning over an entry would keep its empty text
                    catalog[message.id] = message
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def gettext(locale: str, message: str, **fields: object) -> str:
    """`message` in `locale`, with str.format fields filled after translating."""
    text = translations(locale).gettext(message)
    return text.format(**fields) if fields else text


def N_(message: str) -> str:
    """Marks a message id for `pybabel extract` where it is defined (a table of texts); translated where
    it is shown (`|tr` in a template, `gettext` in code)."""
    return message


def ngettext(locale: str, singular: str, plural: str, n: int, **fields: object) -> str:
    text = translations(locale).ngettext(singular, plural, n)
    return text.format(n=n, **fields)
