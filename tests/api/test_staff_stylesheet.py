"""The workbench's shared stylesheet: linked from every staff page by a versioned URL, served as CSS."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from service.settings import Settings
from service.web.pages.stylesheet import STAFF_CSS_URL
from tests.support.casework import browser_of
from tests.support.staff import Staff

Client = AsyncTestClient  # type: ignore[type-arg]


async def test_staff_pages_link_the_versioned_stylesheet(settings: Settings, staff: dict[str, Staff]) -> None:
    async with browser_of(settings, "t_supervisor") as browser:
        for path in ("/staff", "/staff/cases", "/staff/queues", "/staff/merchants"):
            page = await browser.get(path)
            assert page.status_code == 200, path
            assert f'<link rel="stylesheet" href="{STAFF_CSS_URL}">' in page.text, path


async def test_the_stylesheet_is_css_any_browser_may_keep(client: Client) -> None:
    r = await client.get(STAFF_CSS_URL)  # no session needed: it is the same for everyone
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/css")
    assert "immutable" in r.headers["cache-control"]
    assert ".records{" in r.text and ".staff-top{" in r.text
    # the pages' policy lets them load it: styles from the site itself
    assert "style-src 'self'" in r.headers["content-security-policy"]
