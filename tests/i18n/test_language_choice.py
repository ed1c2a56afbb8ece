"""How a public page's language is chosen (issue 16): the switch (`?lang=`), remembered in the `lang`
cookie, else the browser's Accept-Language, else Chinese; staff pages stay Chinese whatever was chosen;
the case remembers the language the consumer filed in, from the form or the API."""

from __future__ import annotations

import html
import re

import asyncpg
from litestar.testing import AsyncTestClient

from tests.support.consumer import form_fields
from tests.support.factories import complaint_body
from tests.support.html import csrf_token

Client = AsyncTestClient  # type: ignore[type-arg]


def html_lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)">', page)
    assert match, "every page says its language"
    return match.group(1)


async def test_the_switch_is_remembered_for_a_year(api: Client) -> None:
    api.cookies.clear()
    r = await api.get("/track?lang=en")
    assert html_lang(r.text) == "en" and "Track a complaint" in r.text
    cookie = r.headers["set-cookie"].lower()
    assert cookie.startswith("lang=en;") and "max-age=31536000" in cookie and "samesite=lax" in cookie
    again = await api.get("/complaints/new")  # no ?lang: the cookie speaks
    assert html_lang(again.text) == "en" and "File a complaint" in again.text
    assert "set-cookie" not in again.headers  # nothing new to remember
    back = await api.get("/?lang=zh_CN")
    assert html_lang(back.text) == "zh-CN" and "我要投诉" in back.text
    assert html_lang((await api.get("/track")).text) == "zh-CN"
    api.cookies.clear()


async def test_the_browser_language_is_the_default_and_the_cookie_beats_it(api: Client) -> None:
    api.cookies.clear()
    assert html_lang((await api.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})).text) == "en"
    assert html_lang((await api.get("/", headers={"Accept-Language": "de-DE,fr;q=0.8"})).text) == "zh-CN"
    assert html_lang((await api.get("/", headers={"Accept-Language": "en;q=0.5,zh-CN"})).text) == "zh-CN"
    assert html_lang((await api.get("/")).text) == "zh-CN"
    api.cookies.set("lang", "zh_CN")
    assert html_lang((await api.get("/", headers={"Accept-Language": "en"})).text) == "zh-CN"
    api.cookies.clear()


async def test_the_switch_keeps_the_path_and_the_query(api: Client) -> None:
    api.cookies.clear()
    page = (await api.get("/track?lang=en&from=sms")).text
    links = {m[1]: html.unescape(m[0]) for m in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', page)}
    assert links == {"zh-CN": "/track?from=sms&lang=zh_CN"}  # the current language is not a link
    assert '<li lang="en"><span aria-current="true">English</span></li>' in page
    api.cookies.clear()


async def test_en_is_the_home_page_in_english(api: Client) -> None:
    api.cookies.clear()
    r = await api.get("/en/", follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == "/?lang=en"
    api.cookies.clear()


async def test_staff_pages_stay_chinese(api: Client) -> None:
    api.cookies.set("lang", "en")
    page = (await api.get("/staff/login", headers={"Accept-Language": "en"})).text
    assert (
        html_lang(page) == "zh-CN" and "质量争议处理服务" in page and "Quality Disputes Service" not in page
    )
    assert 'hreflang="en"' not in page  # no switch on staff pages
    api.cookies.clear()


async def test_field_errors_on_the_english_form_are_the_domains_english(api: Client) -> None:
    """The API keeps both texts; the page in English shows the English of the same error."""
    refused = await api.post("/api/v1/complaints", json=complaint_body(consumer__phone="12"))
    assert refused.status_code == 422
    (error,) = [e for e in refused.json()["errors"] if e["field"] == "consumer.phone"]
    assert error["message"] and error["message_en"]
    api.cookies.clear()
    for locale, text in (("en", error["message_en"]), ("zh_CN", error["message"])):
        form = await api.get(f"/complaints/new?lang={locale}")
        fields = form_fields(
            **{"consumer.phone": "12", "_csrf_token": csrf_token(form.text), "locale": locale}
        )
        page = await api.post("/complaints/new", data=fields)
        assert page.status_code == 422
        assert html.escape(text, quote=False) in page.text.replace("&#34;", '"').replace("&#39;", "'")
    api.cookies.clear()


async def test_the_case_remembers_the_language_of_the_form(api: Client, pool: asyncpg.Pool) -> None:
    api.cookies.clear()
    for locale in ("en", "zh_CN"):
        form = await api.get(f"/complaints/new?lang={locale}")
        fields = form_fields(**{"_csrf_token": csrf_token(form.text), "form_key": f"remember-{locale}"})
        fields["merchant.name"] = f"杭州记住语言商店{locale}"  # not a duplicate of the other one
        assert f'name="locale" value="{locale}"' in form.text
        fields["locale"] = locale
        filed = await api.post("/complaints/new", data=fields)
        assert filed.status_code == 201, filed.text
        stored = await pool.fetchval(
            "SELECT cc.locale FROM case_consumers cc JOIN cases c ON c.id = cc.case_id"
            " WHERE c.merchant_name = $1",
            fields["merchant.name"],
        )
        assert stored == locale
    api.cookies.clear()


async def test_the_api_takes_the_language_or_reads_the_browsers(api: Client, pool: asyncpg.Pool) -> None:
    async def stored(tracking_no: str) -> str:
        return str(
            await pool.fetchval(
                "SELECT cc.locale FROM case_consumers cc JOIN cases c ON c.id = cc.case_id"
                " WHERE c.tracking_no = $1",
                tracking_no,
            )
        )

    said = await api.post(
        "/api/v1/complaints", json=complaint_body(locale="en", merchant__name="杭州接口语言一店")
    )
    assert said.status_code == 201, said.text
    assert await stored(said.json()["tracking_no"]) == "en"
    browser = await api.post(
        "/api/v1/complaints",
        json=complaint_body(merchant__name="杭州接口语言二店"),
        headers={"Accept-Language": "en-US,en;q=0.8"},
    )
    assert await stored(browser.json()["tracking_no"]) == "en"
    plain = await api.post("/api/v1/complaints", json=complaint_body(merchant__name="杭州接口语言三店"))
    assert await stored(plain.json()["tracking_no"]) == "zh_CN"
    wrong = await api.post(
        "/api/v1/complaints", json=complaint_body(locale="fr", merchant__name="杭州接口语言四店")
    )
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json()["errors"]] == ["locale"]
