"""Hostile uploads: lying content types, programs named like photos, a 50 MB file, decompression bombs
and file names that try to escape the store. Each is refused with a field-level message (Chinese, then
English) or its name is neutralised, and nothing is ever written outside the evidence store."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import tempfile
import tracemalloc
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.adapters.evidence_files import NAME_MAX, path_of
from service.settings import Settings
from tests.support.consumer import file_complaint
from tests.support.samples import JPEG, PDF, PNG

Client = AsyncTestClient  # type: ignore[type-arg]
BOUNDARY = "hostile-upload-boundary"


def multipart(parts: list[tuple[bytes, bytes, bytes]]) -> bytes:
    """A multipart body built by hand, so file names reach the server byte for byte
    (clients percent-encode control characters; an attacker's client need not)."""
    out = b""
    for filename, declared_type, data in parts:
        out += (
            f"--{BOUNDARY}\r\n".encode()
            + b'Content-Disposition: form-data; name="files"; filename="'
            + filename
            + b'"\r\nContent-Type: '
            + declared_type
            + b"\r\n\r\n"
            + data
            + b"\r\n"
        )
    return out + f"--{BOUNDARY}--\r\n".encode()


async def post_raw(client: Client, receipt: dict[str, Any], body: bytes) -> Any:
    return await client.post(
        f"/api/v1/complaints/{receipt['tracking_no']}/evidence",
        content=body,
        headers={
            "X-Access-Code": receipt["access_code"],
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        },
    )


async def stored(pool: asyncpg.Pool, tracking_no: str) -> list[asyncpg.Record]:
    return list(
        await pool.fetch(
            "SELECT e.sha256, e.content_type, e.original_name, e.size_bytes"
            " FROM evidence e JOIN cases c ON c.id = e.case_id WHERE c.tracking_no = $1 ORDER BY e.id",
            tracking_no,
        )
    )


def files_under(root: Path) -> set[Path]:
    return {Path(d) / f for d, _, names in os.walk(root) for f in names}


def names_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_field_error(r: Any, code: str, name_shown: str | None = None) -> dict[str, Any]:
    assert r.status_code == 422, r.text
    errors = r.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("evidence", code)]
    error: dict[str, Any] = errors[0]
    assert _has_cjk(error["message"])  # Chinese first …
    assert not _has_cjk(error["message_en"].replace(name_shown or "", ""))  # … English second
    if name_shown is not None:
        assert name_shown in error["message"] and name_shown in error["message_en"]
    return error


# --- what the bytes are, whatever the name and the declared type say ---------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (b"photo.jpg", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200),  # a Linux program
        (b"invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00PE\x00\x00" + b"\x00" * 200),  # a Windows program
        (b"receipt.png", b"#!/bin/sh\nrm -rf / --no-preserve-root\n"),  # a script
        (b"scan.pdf", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 100),  # a macOS program
        (b"photo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        (b"photo.jpg", b"<html><script>alert(document.cookie)</script></html>"),
        (b"photo.jpg", b"<?php system($_GET['c']); ?>"),
        (b"invoice.pdf", b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 100),  # a zip (or .docx, .apk)
        (b"invoice.pdf", b"    %PDF-1.7\n"),  # the magic must open the file, not appear somewhere in it
    ],
)
async def test_programs_and_scripts_named_like_evidence_are_refused(
    client: Client, pool: asyncpg.Pool, settings: Settings, name: bytes, data: bytes
) -> None:
    receipt = await file_complaint(client)
    before = files_under(settings.data_dir)
    declared = b"image/jpeg" if name.endswith(b".jpg") else b"application/pdf"
    r = await post_raw(client, receipt, multipart([(name, declared, data)]))
    error = assert_field_error(r, "bad_type", name.decode())
    assert "JPEG" in error["message"] and "JPEG" in error["message_en"]
    assert await stored(pool, receipt["tracking_no"]) == []
    assert files_under(settings.data_dir) == before  # not even the staging copy is left behind


def json_of(raw: bytes) -> dict[str, Any]:
    return dict(json.loads(raw))


async def test_the_declared_content_type_is_not_believed(
    client: Client, pool: asyncpg.Pool, staff: Any
) -> None:
    """A real photo sent as a program is kept as what it is, and downloads under a name that says so."""
    receipt = await file_complaint(client)
    r = await post_raw(
        client,
        receipt,
        multipart([(b"setup.exe", b"application/x-msdownload", JPEG), (b"a.pdf", b"text/html", PNG)]),
    )
    assert r.status_code == 201, r.text
    rows = await stored(pool, receipt["tracking_no"])
    assert [(row["original_name"], row["content_type"]) for row in rows] == [
        ("setup.exe", "image/jpeg"),
        ("a.pdf", "image/png"),
    ]
    ids = await pool.fetch(
        "SELECT e.id, e.case_id FROM evidence e JOIN cases c ON c.id = e.case_id"
        " WHERE c.tracking_no = $1 ORDER BY e.id",
        receipt["tracking_no"],
    )
    names = []
    for row in ids:
        got = await client.get(
            f"/api/v1/cases/{row['case_id']}/evidence/{row['id']}", headers=staff["mediator"].headers
        )
        assert got.status_code == 200
        assert got.headers["content-disposition"].startswith("attachment")
        names.append(got.headers["content-disposition"])
        assert got.headers["x-content-type-options"] == "nosniff"
    assert names == ['attachment; filename="setup.exe.jpg"', 'attachment; filename="a.pdf.png"']


# --- size: refused while streaming, never held whole --------------------------------------------------


def _scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.9", 50000),
        "server": ("testserver", 80),
        "state": {},
    }


async def call_streaming(
    client: Client, path: str, headers: list[tuple[bytes, bytes]], body: Iterator[bytes]
) -> tuple[int, bytes, int]:
    """Call the app the way a server does, feeding the body in 64 KiB messages generated on the fly, so
    the only memory the upload takes is the app's own. Returns (status, body, body bytes the app read)."""
    read = 0
    status, answer = 0, b""

    async def receive() -> dict[str, Any]:
        nonlocal read
        chunk = next(body, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, answer
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            answer += message.get("body", b"")

    async def call() -> None:
        await client.app(_scope(path, headers), receive, send)  # type: ignore[arg-type]

    # the app, its pools included, lives on the test client's own event loop
    await asyncio.to_thread(client.blocking_portal.call, call)
    return status, answer, read


def big_jpeg_upload(total: int) -> Iterator[bytes]:
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="files"; filename="huge.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode() + JPEG
    yield head
    block = b"\x5a" * 65536
    sent = len(JPEG)
    while sent < total:
        yield block
        sent += len(block)
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


async def test_a_50_mb_file_is_refused_without_holding_it_in_memory(
    client: Client, pool: asyncpg.Pool, settings: Settings
) -> None:
    receipt = await file_complaint(client)
    before_store = files_under(settings.data_dir)
    tmp_root = Path(tempfile.gettempdir())
    before_tmp = names_in(tmp_root)
    size = 50 * 1024 * 1024
    headers = [
        (b"x-access-code", receipt["access_code"].encode()),
        (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
    ]
    tracemalloc.start()
    try:
        status, answer, read = await call_streaming(
            client, f"/api/v1/complaints/{receipt['tracking_no']}/evidence", headers, big_jpeg_upload(size)
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 422, answer
    error = json_of(answer)["errors"][0]
    assert (error["field"], error["code"]) == ("evidence", "too_large")
    assert "超过10MB" in error["message"] and "larger than 10 MB" in error["message_en"]
    assert read >= size  # the whole upload went through the app …
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"  # … and never sat in its memory
    assert await stored(pool, receipt["tracking_no"]) == []
    assert files_under(settings.data_dir) == before_store
    # the parser's spool is an anonymous temporary file: nothing named is left in the system's tmp
    assert not [n for n in names_in(tmp_root) - before_tmp if n.startswith("tmp")]


async def test_a_body_past_the_route_limit_is_a_413_before_it_is_read(client: Client) -> None:
    receipt = await file_complaint(client)
    path = f"/api/v1/complaints/{receipt['tracking_no']}/evidence"
    announced = 500 * 1024 * 1024
    headers = [
        (b"x-access-code", receipt["access_code"].encode()),
        (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
        (b"content-length", str(announced).encode()),
    ]
    status, answer, read = await call_streaming(client, path, headers, big_jpeg_upload(announced))
    assert status == 413
    body = json_of(answer)
    assert body["detail"].startswith("提交的内容超过大小限制") and "too large" in body["detail"]
    assert read < 1024 * 1024  # refused on the announced length, the body left unread
    # without a Content-Length the limit is counted on the bytes as they arrive
    status, answer, read = await call_streaming(client, path, headers[:2], big_jpeg_upload(announced))
    assert status == 413 and "too large" in json_of(answer)["detail"]
    assert read < 110 * 1024 * 1024


async def test_an_oversized_json_body_is_a_413_with_a_clear_message(client: Client) -> None:
    from tests.support.factories import complaint_body

    r = await client.post("/api/v1/complaints", json=complaint_body(description="长" * 300_000))
    assert r.status_code == 413
    assert r.json()["detail"].startswith("提交的内容超过大小限制")


# --- decompression bombs: judged by what the file would become when opened -----------------------------


def png_declaring(width: int, height: int) -> bytes:
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + len(ihdr).to_bytes(4, "big")
        + chunk
        + zlib.crc32(chunk).to_bytes(4, "big")
        + b"\x00" * 64
    )


def jpeg_declaring(width: int, height: int, exif: int = 0) -> bytes:
    app1 = b"\xff\xe1" + (exif + 2).to_bytes(2, "big") + b"E" * exif if exif else b""
    sof = (
        b"\xff\xc0\x00\x11\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big") + b"\x03" + b"\x01" * 9
    )
    return (
        b"\xff\xd8"
        + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + app1
        + sof
        + b"\x00" * 64
    )


def heic_declaring(width: int, height: int) -> bytes:
    ftyp = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    ispe = b"\x00\x00\x00\x14ispe\x00\x00\x00\x00" + width.to_bytes(4, "big") + height.to_bytes(4, "big")
    return ftyp + b"\x00\x00\x00\x40meta" + b"\x00" * 24 + ispe + b"\x00" * 64


def pdf_with_flate_stream(inflated: int) -> bytes:
    """A PDF whose one content stream is zeros, compressed: about 1 KB per MB inflated."""
    deflater = zlib.compressobj(9)
    block = b"\x00" * (1024 * 1024)
    data = b"".join(deflater.compress(block) for _ in range(inflated // len(block))) + deflater.flush()
    return (
        b"%PDF-1.7\n1 0 obj\n<< /Length "
        + str(len(data)).encode()
        + b" /Filter /FlateDecode >>\nstream\n"
        + data
        + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


@pytest.mark.parametrize(
    ("name", "data", "shown"),
    [
        ("bomb.png", png_declaring(100_000, 100_000), "100000×100000"),
        ("bomb.jpg", jpeg_declaring(65_000, 65_000), "65000×65000"),
        ("bomb-behind-exif.jpg", jpeg_declaring(60_000, 50_000, exif=60_000), "60000×50000"),
        ("bomb.heic", heic_declaring(70_000, 70_000), "70000×70000"),
        ("bomb.pdf", pdf_with_flate_stream(300 * 1024 * 1024), "200MB"),
    ],
)
async def test_decompression_bombs_are_refused(
    client: Client, pool: asyncpg.Pool, settings: Settings, name: str, data: bytes, shown: str
) -> None:
    assert len(data) < 1024 * 1024  # small on the wire: only what it declares or inflates to is huge
    receipt = await file_complaint(client)
    before = files_under(settings.data_dir)
    r = await post_raw(client, receipt, multipart([(name.encode(), b"application/octet-stream", data)]))
    error = assert_field_error(r, "decompression_bomb", name)
    assert shown in error["message"]
    assert await stored(pool, receipt["tracking_no"]) == []
    assert files_under(settings.data_dir) == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("phone-200mp.jpg", jpeg_declaring(16_320, 12_240)),  # the largest phone cameras today
        ("screenshot.png", png_declaring(1170, 2532)),
        ("photo.heic", heic_declaring(4032, 3024)),
        ("scan.pdf", pdf_with_flate_stream(20 * 1024 * 1024)),  # a scanned page: large, but not a bomb
        ("plain.pdf", PDF),
    ],
)
async def test_ordinary_files_pass_the_bomb_checks(
    client: Client, pool: asyncpg.Pool, name: str, data: bytes
) -> None:
    receipt = await file_complaint(client)
    r = await post_raw(client, receipt, multipart([(name.encode(), b"application/octet-stream", data)]))
    assert r.status_code == 201, r.text
    assert [row["original_name"] for row in await stored(pool, receipt["tracking_no"])] == [name]


# --- names: a label only, never a path -------------------------------------------------------------------


@pytest.fixture
def marker() -> str:
    return f"qd-escape-{uuid.uuid4().hex[:10]}"


def hostile_names(marker: str) -> list[tuple[bytes, str]]:
    """(the name as sent, the label kept)."""
    long_stem = "长" * 300
    return [
        (f"../../../../../../tmp/{marker}-a.jpg".encode(), f"{marker}-a.jpg"),
        (f"/tmp/{marker}-b.jpg".encode(), f"{marker}-b.jpg"),
        (f"..\\..\\..\\..\\tmp\\{marker}-c.jpg".encode(), f"{marker}-c.jpg"),
        (f"C:\\Windows\\Temp\\{marker}-d.jpg".encode(), f"{marker}-d.jpg"),
        (f"{marker}-e.jpg\x00.exe".encode(), f"{marker}-e.jpg.exe"),
        (f"..{marker}-f.jpg".encode(), f"{marker}-f.jpg"),
        (f"{marker}-g\u202egpj.exe".encode(), f"{marker}-ggpj.exe"),  # right-to-left override: "…exe.jpg"
        (f"{long_stem}{marker}.jpg".encode(), f"{long_stem[: NAME_MAX - 4]}.jpg"),
    ]


async def test_path_traversal_names_are_neutralised_and_nothing_escapes_the_store(
    client: Client, pool: asyncpg.Pool, settings: Settings, staff: Any, marker: str
) -> None:
    receipt = await file_complaint(client)
    names = hostile_names(marker)
    payloads = [JPEG + i.to_bytes(2, "big") for i in range(len(names))]
    before = files_under(settings.data_dir)
    r = await post_raw(
        client,
        receipt,
        multipart([(sent, b"image/jpeg", data) for (sent, _), data in zip(names, payloads, strict=True)]),
    )
    assert r.status_code == 201, r.text
    assert r.json() == {"added": len(names)}
    rows = await stored(pool, receipt["tracking_no"])
    assert [row["original_name"] for row in rows] == [kept for _, kept in names]
    for row in rows:
        assert "/" not in row["original_name"] and "\\" not in row["original_name"]
        assert len(row["original_name"]) <= NAME_MAX
    # inside the data folder, exactly the content-addressed files appeared …
    expected = {path_of(settings.evidence_dir, hashlib.sha256(d).hexdigest()) for d in payloads}
    assert files_under(settings.data_dir) - before == expected
    # … and nowhere a naive join of the names would have led
    for sent, _ in names:
        text = sent.decode(errors="replace").replace("\\", "/").split("\x00")[0]
        if len(Path(text).name.encode()) > 255:
            continue  # no file system could hold that name, naive or not
        for base in (settings.evidence_dir, settings.evidence_dir / "tmp", Path("/")):
            assert not (base / text.lstrip("/")).exists()
    leaked = [n for n in names_in(Path(tempfile.gettempdir())) if marker in n]
    assert leaked == []
    # a download carries the cleaned label, so no header can be injected through it
    ids = await pool.fetch(
        "SELECT e.id, e.case_id FROM evidence e JOIN cases c ON c.id = e.case_id"
        " WHERE c.tracking_no = $1 ORDER BY e.id",
        receipt["tracking_no"],
    )
    rtl = await client.get(
        f"/api/v1/cases/{ids[6]['case_id']}/evidence/{ids[6]['id']}", headers=staff["supervisor"].headers
    )
    assert rtl.status_code == 200
    assert "\u202e" not in rtl.text and "%E2%80%AE" not in rtl.headers["content-disposition"]
    assert rtl.headers["content-disposition"] == f'attachment; filename="{marker}-ggpj.exe.jpg"'


async def test_a_name_that_breaks_the_part_header_is_a_400_not_a_500(
    client: Client, pool: asyncpg.Pool, settings: Settings
) -> None:
    """A CR LF inside the quoted name ends the header line: the part arrives without a file name, as a
    form field whose "text" is the photo's bytes."""
    receipt = await file_complaint(client)
    before = files_under(settings.data_dir)
    r = await post_raw(client, receipt, multipart([(b"a.jpg\r\nX-Injected: 1.jpg", b"image/jpeg", JPEG)]))
    assert r.status_code == 400, r.text
    assert r.json()["detail"].startswith("提交的内容无法识别") and "could not be read" in r.json()["detail"]
    assert "x-injected" not in r.headers
    assert await stored(pool, receipt["tracking_no"]) == []
    assert files_under(settings.data_dir) == before


async def test_a_name_that_is_only_a_path_gets_a_neutral_label(
    client: Client, pool: asyncpg.Pool, staff: Any
) -> None:
    receipt = await file_complaint(client)
    r = await post_raw(client, receipt, multipart([(b"../../", b"image/jpeg", JPEG + b"only-path")]))
    assert r.status_code == 201, r.text
    row = await pool.fetchrow(
        "SELECT e.id, e.case_id, e.original_name FROM evidence e JOIN cases c ON c.id = e.case_id"
        " WHERE c.tracking_no = $1",
        receipt["tracking_no"],
    )
    assert row["original_name"] == ""
    got = await client.get(
        f"/api/v1/cases/{row['case_id']}/evidence/{row['id']}", headers=staff["mediator"].headers
    )
    assert got.headers["content-disposition"] == f'attachment; filename="evidence-{row["id"]}.jpg"'


async def test_a_refused_name_is_shown_cleaned_in_the_message(client: Client) -> None:
    receipt = await file_complaint(client)
    r = await post_raw(
        client,
        receipt,
        multipart([(b"../../etc/passwd.jpg", b"image/jpeg", b"root:x:0:0:root:/root:/bin/sh\n")]),
    )
    error = assert_field_error(r, "bad_type", "passwd.jpg")
    assert "../" not in error["message"] and "etc" not in error["message"]
