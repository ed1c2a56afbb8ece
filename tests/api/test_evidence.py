"""Evidence: checked by content, limited in size and number, stored outside the database by hash."""

from __future__ import annotations

import hashlib
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.adapters.evidence_files import path_of
from service.settings import Settings
from tests.support.consumer import add_evidence, file_complaint
from tests.support.samples import JPEG, PDF, PNG

Client = AsyncTestClient  # type: ignore[type-arg]

HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x44" * 200


async def upload(
    client: Client, receipt: dict[str, Any], files: list[tuple[str, bytes]], code: str | None = None
) -> Any:
    parts = [("files", (name, data, "application/octet-stream")) for name, data in files]
    return await add_evidence(client, receipt, parts, code=code)


async def test_accepted_kinds_are_stored_by_hash(
    client: Client, pool: asyncpg.Pool, settings: Settings
) -> None:
    receipt = await file_complaint(client)
    files = [("receipt.jpg", JPEG), ("screen.png", PNG), ("invoice.pdf", PDF), ("IMG_0001.HEIC", HEIC)]
    r = await upload(client, receipt, files)
    assert r.status_code == 201, r.text
    assert r.json() == {"added": 4}
    rows = await pool.fetch(
        "SELECT e.sha256, e.content_type, e.original_name, e.size_bytes"
        " FROM evidence e JOIN cases c ON c.id = e.case_id WHERE c.tracking_no = $1 ORDER BY e.id",
        receipt["tracking_no"],
    )
    assert [r["content_type"] for r in rows] == ["image/jpeg", "image/png", "application/pdf", "image/heic"]
    for row, (name, data) in zip(rows, files, strict=True):
        assert row["sha256"] == hashlib.sha256(data).hexdigest()
        assert row["original_name"] == name and row["size_bytes"] == len(data)
        assert path_of(settings.evidence_dir, row["sha256"]).read_bytes() == data
    case = await client.get(
        f"/api/v1/complaints/{receipt['tracking_no']}", headers={"X-Access-Code": receipt["access_code"]}
    )
    assert case.json()["evidence_count"] == 4
    assert "evidence_added" in [e["kind"] for e in case.json()["timeline"]]


async def test_the_same_file_twice_is_stored_once(client: Client) -> None:
    receipt = await file_complaint(client)
    assert (await upload(client, receipt, [("a.jpg", JPEG)])).json() == {"added": 1}
    assert (await upload(client, receipt, [("copy.jpg", JPEG)])).json() == {"added": 0}


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 100, "bad_type"),  # a program named like a photo
        ("notes.txt", b"just some text", "bad_type"),
        ("empty.png", b"", "empty"),
        ("huge.jpg", JPEG + b"\x00" * (10 * 1024 * 1024), "too_large"),
    ],
)
async def test_refused_files(client: Client, pool: asyncpg.Pool, name: str, data: bytes, code: str) -> None:
    receipt = await file_complaint(client)
    r = await upload(client, receipt, [("ok.jpg", JPEG), (name, data)])
    assert r.status_code == 422, r.text
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("evidence", code)]
    stored = await pool.fetchval(
        "SELECT count(*) FROM evidence e JOIN cases c ON c.id = e.case_id WHERE c.tracking_no = $1",
        receipt["tracking_no"],
    )
    assert stored == 0  # the good file of a refused upload is not half-stored either


async def test_at_most_ten_files_per_case(client: Client) -> None:
    receipt = await file_complaint(client)
    first = [(f"p{i}.png", PNG + bytes([i])) for i in range(8)]
    assert (await upload(client, receipt, first)).json() == {"added": 8}
    r = await upload(client, receipt, [("a.png", PNG + b"a"), ("b.png", PNG + b"b"), ("c.png", PNG + b"c")])
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "too_many"


async def test_evidence_needs_the_access_code(client: Client) -> None:
    receipt = await file_complaint(client)
    assert (await upload(client, receipt, [("a.jpg", JPEG)], code="WRONGCOD")).status_code == 404


async def test_no_files_is_a_field_error(client: Client) -> None:
    receipt = await file_complaint(client)
    r = await add_evidence(client, receipt, [("other", ("x.txt", b"x", "text/plain"))])
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "evidence"


async def test_evidence_must_be_multipart(client: Client) -> None:
    receipt = await file_complaint(client)
    r = await client.post(
        f"/api/v1/complaints/{receipt['tracking_no']}/evidence",
        json={"files": []},
        headers={"X-Access-Code": receipt["access_code"]},
    )
    assert r.status_code == 415


async def test_staff_download_evidence_as_an_attachment(
    client: Client, pool: asyncpg.Pool, staff: Any
) -> None:
    receipt = await file_complaint(client)
    await upload(client, receipt, [("发票.pdf", PDF)])
    row = await pool.fetchrow(
        "SELECT e.id, e.case_id FROM evidence e JOIN cases c ON c.id = e.case_id WHERE c.tracking_no = $1",
        receipt["tracking_no"],
    )
    url = f"/api/v1/cases/{row['case_id']}/evidence/{row['id']}"
    r = await client.get(url, headers=staff["mediator"].headers)
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-type"].startswith("application/pdf")
    assert r.headers["content-disposition"].startswith("attachment")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert (await client.get(url, headers=staff["leading_group"].headers)).status_code == 403
    other_case = row["case_id"] + 1
    assert (
        await client.get(
            f"/api/v1/cases/{other_case}/evidence/{row['id']}", headers=staff["mediator"].headers
        )
    ).status_code == 404
