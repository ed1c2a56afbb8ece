"""Issue 13, attack 5: a wrong access code with ten small PDFs that inflate to 1 GB answered 404 only after
2–4 s, because the files were hashed and inflated before the code was checked. Now the number, the code
and the throttle come first, on the API and on the tracking page, and no file is read for a request that
is refused; and the PDFs of one upload share one inflation budget, so inflating stops at the limit."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from service.adapters import evidence_files
from service.settings import Settings
from service.web import deps
from tests.support.consumer import add_evidence, file_complaint
from tests.support.html import csrf_token
from tests.support.live import live_app, new_address
from tests.support.samples import bomb_pdf


class Spy:
    """What the upload path did: files staged (read and hashed) and zlib inflaters started."""

    def __init__(self) -> None:
        self.staged = 0
        self.inflaters = 0


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Spy]:
    seen = Spy()
    real_stage = deps.stage

    async def stage(*args: Any, **kwargs: Any) -> evidence_files.StagedFile:
        seen.staged += 1
        return await real_stage(*args, **kwargs)

    class CountingZlib:
        error = zlib.error

        def decompressobj(self, *args: Any, **kwargs: Any) -> Any:
            seen.inflaters += 1
            return zlib.decompressobj(*args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(zlib, name)

    monkeypatch.setattr(deps, "stage", stage)
    monkeypatch.setattr(evidence_files, "zlib", CountingZlib())
    yield seen


def bombs(n: int = 10, mb: int = 100) -> list[tuple[str, tuple[str, bytes, str]]]:
    """n PDFs of a few kilobytes each, inflating to `mb` MB each (ten of 100 MB: the 1 GB of the report)."""
    return [("files", (f"receipt-{i}.pdf", bomb_pdf(mb), "application/pdf")) for i in range(n)]


async def test_a_wrong_code_with_a_bomb_set_reads_no_file_on_the_api(settings: Settings, spy: Spy) -> None:
    async with live_app(settings) as live:
        consumer = live.at(new_address())
        case = await file_complaint(consumer)
        attacker = live.at(new_address())
        r = await add_evidence(attacker, case, bombs(), code="WRONG999")
        assert r.status_code == 404, r.text
        assert (spy.staged, spy.inflaters) == (0, 0)


async def track_evidence(
    client: httpx.AsyncClient, tracking_no: str, code: str, files: Any
) -> httpx.Response:
    form = await client.get("/track")
    return await client.post(
        "/track/evidence",
        data={"tracking_no": tracking_no, "access_code": code, "_csrf_token": csrf_token(form.text)},
        files=[("evidence", f) for _, f in files],
    )


async def test_a_wrong_code_with_a_bomb_set_reads_no_file_on_the_page(settings: Settings, spy: Spy) -> None:
    async with live_app(settings) as live:
        case = await file_complaint(live.at(new_address()))
        r = await track_evidence(live.at(new_address()), case["tracking_no"], "WRONG999", bombs())
        assert r.status_code == 404
        assert "投诉编号或查询码不正确" in r.text
        assert (spy.staged, spy.inflaters) == (0, 0)


async def test_a_throttled_client_reads_no_file_even_with_the_right_code(
    settings: Settings, spy: Spy
) -> None:
    limit = 2
    async with live_app(settings, track_max_failures_per_client=limit) as live:
        case = await file_complaint(live.at(new_address()))
        guesser = live.at(new_address())
        for n in range(limit):
            await guesser.get(f"/api/v1/complaints/GS20200101-{n:06d}", headers={"X-Access-Code": "WRONG999"})
        api = await add_evidence(guesser, case, bombs())
        assert api.status_code == 429 and int(api.headers["retry-after"]) > 0
        page = await track_evidence(guesser, case["tracking_no"], case["access_code"], bombs())
        assert page.status_code == 429
        assert (spy.staged, spy.inflaters) == (0, 0)


async def test_inflation_stops_at_the_upload_budget(settings: Settings, spy: Spy) -> None:
    """Ten PDFs of 60 MB each, each under the per-file limit: the fourth passes the budget the upload
    shares (200 MB), the upload is refused, and the six after it are neither read nor inflated."""
    async with live_app(settings) as live:
        consumer = live.at(new_address())
        case = await file_complaint(consumer)
        r = await add_evidence(consumer, case, bombs(10, 60))
        assert r.status_code == 422, r.text
        (error,) = r.json()["errors"]
        assert error["code"] == "decompression_bomb" and "合计超过200MB" in error["message"]
        assert spy.staged == 4
        seen = await consumer.get(
            f"/api/v1/complaints/{case['tracking_no']}", headers={"X-Access-Code": case["access_code"]}
        )
        assert seen.json()["evidence_count"] == 0


async def test_a_few_ordinary_pdfs_still_pass(settings: Settings, spy: Spy) -> None:
    async with live_app(settings) as live:
        consumer = live.at(new_address())
        case = await file_complaint(consumer)
        pdfs = [("files", (f"r{i}.pdf", bomb_pdf(1) + bytes([i]), "application/pdf")) for i in range(3)]
        r = await add_evidence(consumer, case, pdfs)
        assert r.status_code == 201, r.text
        assert r.json() == {"added": 3} and spy.staged == 3
