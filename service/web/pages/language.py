"""The language of a public page: chosen per request (service.i18n.choose), remembered in a cookie, shown
by the switch (中文 | English) on every public page. Staff pages never pass a locale: they stay Chinese."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

import asyncpg
from babel.support import NullTranslations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Template

from domain.errors import FieldError
from service import i18n
from service.queries import reference

COOKIE_MAX_AGE_S = 365 * 24 * 3600  # a year


# Jinja: `{{ _('…') }}` and `{% trans %}` translate to the page's `locale` (a context variable that public
# pages set, service.web.pages.language); a page without one (every staff page) stays in the source.
def _translations(context: Context) -> NullTranslations:
    return i18n.translations(str(context.get("locale") or i18n.SOURCE))


@pass_context
def _page_gettext(context: Context, message: str) -> str:
    return _translations(context).gettext(message)


@pass_context
def _page_ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _translations(context).ngettext(singular, plural, n)


@pass_context
def _page_translate(context: Context, text: object) -> object:
    """`{{ value|tr }}`: a text the code made (a status, a label) in the page's language, if the catalog
    has it; anything else (a name the consumer typed, a number) as it is."""
    if not isinstance(text, str) or not text:
        return text
    return _translations(context).gettext(text)


@pass_context
def _page_pick(context: Context, zh: str, en: str | None) -> str:
    """`{{ bi(label.zh, label.en) }}`: a label that carries both languages (the taxonomy), in the page's."""
    return en if en and context.get("locale") == "en" else zh


def install(env: Environment) -> None:
    """Jinja's i18n extension on `env`, translating per page (new-style: `_('…%(n)s', n=3)`)."""
    env.add_extension("jinja2.ext.i18n")
    env.filters["tr"] = _page_translate
    env.globals["bi"] = _page_pick
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the extension
        gettext=_page_gettext, ngettext=_page_ngettext, newstyle=True
    )


def of(request: Request[Any, Any, Any]) -> str:
    """The request's language: `?lang=`, then the cookie, then Accept-Language, else Chinese."""
    return i18n.choose(
        request.query_params.get("lang"),
        request.cookies.get(i18n.COOKIE),
        request.headers.get("accept-language"),
    )


def switch(request: Request[Any, Any, Any], locale: str) -> list[dict[str, Any]]:
    """The switch's links: the same path and query, with `lang` set to each offered language."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return [
        {
            "locale": other,
            "label": i18n.LABELS[other],
            "hreflang": i18n.HTML_LANG[other],
            "href": f"{request.url.path}?{urlencode([*query, ('lang', other)])}",
            "current": other == locale,
        }
        for other in i18n.LOCALES
    ]


def context(request: Request[Any, Any, Any], locale: str | None = None) -> dict[str, Any]:
    """What base.html needs to speak `locale` (default: the request's) and show the switch."""
    locale = locale or of(request)
    return {"locale": locale, "html_lang": i18n.HTML_LANG[locale], "lang_switch": switch(request, locale)}


def page(
    request: Request[Any, Any, Any],
    template_name: str,
    *,
    context: dict[str, Any] | None = None,
    locale: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Template:
    """A public page in the request's language (or `locale`)."""
    page = Template(template_name, context=context or {}, status_code=status_code, headers=headers)
    return localize(request, page, locale)


def localize(request: Request[Any, Any, Any], page: Template, locale: str | None = None) -> Template:
    """`page` in the request's language (or `locale`); a choice made with `?lang=` is remembered for a
    year (SameSite=Lax; nothing secret in it)."""
    page.context = {**page.context, **_language_context(request, locale)}
    chosen = i18n.normalize(request.query_params.get("lang"))
    if chosen and chosen != i18n.normalize(request.cookies.get(i18n.COOKIE)):
        page.cookies.append(
            Cookie(
                key=i18n.COOKIE,
                value=chosen,
                max_age=COOKIE_MAX_AGE_S,
                path="/",
                samesite="lax",
                httponly=False,
                secure=request.url.scheme == "https",
            )
        )
    return page


def field_message(error: FieldError, locale: str) -> str:
    """A field's message in `locale`: the catalog's (the domain's Chinese is the message id), else the
    English the domain wrote beside it (a message with the value in it is not a catalog entry)."""
    if locale == i18n.SOURCE:
        return error.message
    translated = i18n.translations(locale).gettext(error.message)
    return translated if translated != error.message else error.message_en


def field_messages(errors: Iterable[FieldError], locale: str) -> dict[str, str]:
    """The first message for each field, in `locale`: what a page shows beside it."""
    out: dict[str, str] = {}
    for e in errors:
        out.setdefault(e.field, field_message(e, locale))
    return out


async def taxonomy_en(pool: asyncpg.Pool) -> dict[str, str]:
    """The case view names its codes by their Chinese labels; an English page looks each one up here."""
    t = await reference.taxonomy(pool)
    groups = (t.quality_domains, t.categories, t.problem_types, t.subdistricts)
    return {label.zh: label.en for group in groups for label in group}


_language_context = context  # `page` has a parameter of that name
