"""Issue 13 (also hardened): complaint filing is limited per client address and per consumer phone, so a
script cannot flood a merchant into the top-merchants table or raise cluster alerts. Generous for people
(a refused form does not count, the defaults allow several complaints a day), fatal for scripts: the
count comes first, so parallel submissions cannot slip past the limit either."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from service.settings import Settings
from service.web import deps
from tests.support.consumer import form_of
from tests.support.factories import complaint_body
from tests.support.html import csrf_token
from tests.support.live import held_at_barrier, live_app, new_address, new_phone

PARALLEL = 12


async def test_parallel_filings_from_one_client_stop_at_the_limit(settings: Settings) -> None:
    limit = 5
    async with live_app(settings, filing_max_per_client=limit, filing_max_per_phone=0) as live:
        script = live.at(new_address(), held_at_barrier(live.app, PARALLEL))
        answers = await asyncio.gather(
            *(
                script.post("/api/v1/complaints", json=complaint_body(consumer__phone=new_phone()))
                for _ in range(PARALLEL)
            )
        )
        assert Counter(a.status_code for a in answers) == {201: limit, 429: PARALLEL - limit}
        refused = next(a for a in answers if a.status_code == 429)
        assert int(refused.headers["retry-after"]) > 0
        # a person elsewhere still files
        person = await live.at(new_address()).post("/api/v1/complaints", json=complaint_body())
        assert person.status_code == 201, person.text


async def test_one_phone_is_limited_across_addresses(settings: Settings) -> None:
    limit = 3
    phone = new_phone()
    async with live_app(settings, filing_max_per_client=0, filing_max_per_phone=limit) as live:
        statuses = [
            (
                await live.at(new_address()).post(
                    "/api/v1/complaints", json=complaint_body(consumer__phone=f"+86 {phone[:3]} {phone[3:]}")
                )
            ).status_code
            for _ in range(limit + 1)
        ]
        assert statuses == [201] * limit + [429]
        other = await live.at(new_address()).post("/api/v1/complaints", json=complaint_body())
        assert other.status_code == 201


async def test_a_refused_form_does_not_use_up_the_limit(settings: Settings) -> None:
    limit = 2
    async with live_app(settings, filing_max_per_client=limit, filing_max_per_phone=limit) as live:
        person = live.at(new_address())
        phone = new_phone()
        for _ in range(3 * limit):  # mistakes: a bad amount each time
            r = await person.post(
                "/api/v1/complaints", json=complaint_body(consumer__phone=phone, amount_paid="three hundred")
            )
            assert r.status_code == 422
        for _ in range(limit):
            r = await person.post("/api/v1/complaints", json=complaint_body(consumer__phone=phone))
            assert r.status_code == 201, r.text


@pytest.fixture
def staged(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    names: list[str] = []
    real = deps.stage

    async def stage(root: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        names.append(name)
        return await real(root, name, *args, **kwargs)

    monkeypatch.setattr(deps, "stage", stage)
    yield names


def page_fields(phone: str, token: str) -> dict[str, Any]:
    body = complaint_body(consumer__phone=phone)
    extra = {"subdistrict": body["subdistrict"], "consents.mediation": "on", "_csrf_token": token}
    return form_of(body, **extra)


async def test_the_form_over_the_limit_says_so_in_chinese_and_reads_no_file(
    settings: Settings, staged: list[str]
) -> None:
    async with live_app(settings, filing_max_per_client=1, filing_max_per_phone=0) as browser_app:
        browser = browser_app.at(new_address())
        form = await browser.get("/complaints/new")
        first = await browser.post("/complaints/new", data=page_fields(new_phone(), csrf_token(form.text)))
        assert first.status_code == 201, first.text
        form = await browser.get("/complaints/new")
        again = await browser.post(
            "/complaints/new",
            data=page_fields(new_phone(), csrf_token(form.text)),
            files=[("evidence", ("receipt.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100, "image/jpeg"))],
        )
        assert again.status_code == 429
        assert "提交投诉过于频繁" in again.text and int(again.headers["retry-after"]) > 0
        assert staged == []  # refused before the file was read


def test_the_limits_are_settings() -> None:
    env = {
        "SECRET_KEY": "x",
        "FILING_MAX_PER_CLIENT": "7",
        "FILING_CLIENT_WINDOW_S": "60",
        "FILING_MAX_PER_PHONE": "0",
        "FILING_PHONE_WINDOW_S": "120",
    }
    s = Settings.from_env(env)
    assert (s.filing_max_per_client, s.filing_client_window_s) == (7, 60)
    assert (s.filing_max_per_phone, s.filing_phone_window_s) == (0, 120)
    defaults = Settings.from_env({"SECRET_KEY": "x"})
    assert defaults.filing_max_per_client > 0 and defaults.filing_max_per_phone > 0  # on unless turned off
