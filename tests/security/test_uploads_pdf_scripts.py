"""Issue 13 (also hardened): evidence PDFs with JavaScript or launch actions are refused with a clear
message — written plainly, with #hh escapes in the name, or hidden in a compressed object stream —
while an ordinary PDF, an /OpenAction that only sets the first view, and look-alike names pass."""

from __future__ import annotations

import pytest

from domain.evidence import check_file
from service.settings import Settings
from tests.support.consumer import add_evidence, file_complaint
from tests.support.live import live_app, new_address
from tests.support.samples import flate_object, pdf

SCRIPTED = [
    pytest.param(
        pdf(b"<< /Type /Catalog /OpenAction 2 0 R >>", b"<< /S /JavaScript /JS (app.alert(1)) >>"), id="js"
    ),
    pytest.param(pdf(b"<< /Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (x) >> >>"), id="hex-escaped"),
    pytest.param(
        pdf(b"<< /Type /Catalog /AA << /O << /S /Launch /F (cmd.exe) >> >> >>"),
        id="launch",
    ),
    pytest.param(
        pdf(
            b"<< /Type /Catalog >>",
            flate_object(
                b"3 0 << /S /JavaScript /JS (this.exportDataObject()) >>", b"/Type /ObjStm /N 1 /First 4 "
            ),
        ),
        id="in-object-stream",
    ),
]
HARMLESS = [
    pytest.param(pdf(b"<< /Type /Catalog /OpenAction [3 0 R /FitH null] >>"), id="open-at-a-page"),
    pytest.param(pdf(b"<< /Type /Catalog /JSON (not a script) /JSX 1 /Launcher 2 >>"), id="look-alike-names"),
    pytest.param(
        pdf(b"<< /Type /Catalog >>", flate_object(b"BT /F1 12 Tf (JavaScript) Tj ET")), id="word-in-text"
    ),
]


async def upload(settings: Settings, content: bytes) -> tuple[int, dict[str, object]]:
    async with live_app(settings) as live:
        consumer = live.at(new_address())
        case = await file_complaint(consumer)
        r = await add_evidence(consumer, case, [("files", ("发票.pdf", content, "application/pdf"))])
        return r.status_code, r.json()


@pytest.mark.parametrize("content", SCRIPTED)
async def test_a_pdf_that_runs_code_is_refused_with_a_clear_message(
    settings: Settings, content: bytes
) -> None:
    status, body = await upload(settings, content)
    assert status == 422, body
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["code"] == "pdf_script"
    assert "含有脚本" in error["message"] and "发票.pdf" in error["message"]


@pytest.mark.parametrize("content", HARMLESS)
async def test_an_ordinary_pdf_is_accepted(settings: Settings, content: bytes) -> None:
    status, body = await upload(settings, content)
    assert status == 201, body


def test_the_rule_names_what_it_found() -> None:
    verdict = check_file("a.pdf", 100, b"%PDF-1.7\n", 1000, active=("JS", "JavaScript"))
    assert not isinstance(verdict, str)
    assert verdict.code == "pdf_script" and "/JS, /JavaScript" in verdict.message
    assert check_file("a.pdf", 100, b"%PDF-1.7\n", 1000) == "application/pdf"
