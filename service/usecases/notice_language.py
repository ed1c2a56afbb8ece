"""The language a notice is written in: the consumer's (the case remembers it), Chinese for everyone else.

The domain renders with a `translate` and a `day` it is given (domain.notices.render); this module builds
them from the catalog (service/i18n.py). Field values that are labels of the domain's own tables (a
route, a ground, an outcome, a remedy) have their English in those tables, so they need no catalog entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache

from domain import notices
from domain.acceptance import GROUND_LABELS, OTHER_ROUTES
from domain.outcomes import OUTCOMES
from domain.routing import ROUTE_LABELS
from domain.taxonomy import REQUEST_KINDS
from service import i18n

# the words event_notices puts into fields, with their English
_FIELD_WORDS = {
    "消费者": "the consumer",
    "经营者": "the business",
    "已履行": "was performed",
    "未按期履行": "was not performed on time",
}


@dataclass(frozen=True, slots=True)
class Wording:
    locale: str
    translate: Callable[[str], str]
    day: Callable[[date], str]


@cache
def _english_labels() -> Mapping[str, str]:
    tables: list[Iterable[tuple[str, str]]] = [
        GROUND_LABELS.values(),
        OUTCOMES.values(),
        ROUTE_LABELS.values(),
        REQUEST_KINDS.values(),
        OTHER_ROUTES,
    ]
    labels = {zh: en for table in tables for zh, en in table}
    return {**labels, **_FIELD_WORDS}


@cache
def wording(locale: str | None) -> Wording:
    """How a notice in `locale` reads; the source language (and any other) is Chinese."""
    if locale not in i18n.LOCALES or locale == i18n.SOURCE:
        return Wording(i18n.SOURCE, notices.same, notices.zh_date)
    catalog = i18n.translations(locale)
    labels = _english_labels()

    def translate(text: str) -> str:
        translated = catalog.gettext(text)
        return translated if translated != text else labels.get(text, text)

    return Wording(locale, translate, notices.en_date)


def tracking_link(base_url: str, locale: str) -> str:
    """The tracking page, in the consumer's language."""
    link = f"{base_url.rstrip('/')}/track"
    return link if locale == i18n.SOURCE else f"{link}?lang={locale}"
