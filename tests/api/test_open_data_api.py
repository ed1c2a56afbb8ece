"""The open dataset (issue 18 §2) through the app: a month's file as CSV (UTF-8 with BOM, parsed back) and
JSON (the same rows, hash and counts), the same bytes on every read, a restatement by a supervisor as
version 2 with version 1 still served, months not ended and bad names refused, and /public/data listing
the month in Chinese and English."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

import asyncpg

from domain import open_data as rules
from service.usecases.clock import LOCAL_TZ
from tests.support.html import leftovers
from tests.support.public_records import accepted, own_month, verified_merchant
from tests.support.staff import Client, Staff


async def closed(pool: asyncpg.Pool, merchant_id: int, day: date, n: int, **cols: object) -> None:
    closing = {
        "status": "closed",
        "outcome": "settled",
        "closed_at": datetime.combine(day, time(10), LOCAL_TZ),
    }
    async with pool.acquire() as conn, conn.transaction():
        await accepted(conn, merchant_id, day - timedelta(days=10), n=n, **(closing | cols))


def parsed(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


async def test_a_months_file_as_csv_and_json(
    client: Client, pool: asyncpg.Pool, staff: dict[str, Staff], today_local: date
) -> None:
    month, period = own_month(today_local)
    key = f"{month:%Y-%m}"
    merchant_id = await verified_merchant(pool, "杭州开放数据接口测试商行")
    await closed(pool, merchant_id, period.end - timedelta(days=5), 5)

    r = await client.get(f"/api/v1/open-data/{key}.csv")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    rows = parsed(r.content)
    assert list(rows[0]) == list(rules.COLUMNS)
    mine = [row for row in rows if row["merchant"] == "杭州开放数据接口测试商行"]
    assert len(mine) == 5 and {row["month_closed"] for row in rows} == {key}
    assert r.headers["x-open-data-version"] == "1" and r.headers["x-open-data-k"] == "5"
    digest = r.headers["x-content-hash"]
    assert int(r.headers["x-rows"]) == len(rows)

    j = await client.get(f"/api/v1/open-data/{key}.json")
    assert j.status_code == 200
    body = j.json()
    assert (body["month"], body["version"], body["k"], body["content_hash"]) == (key, 1, 5, digest)
    assert body["counts"]["rows"] == len(rows)
    assert str(body["counts"]["generalised"]) == r.headers["x-rows-generalised"]
    assert str(body["counts"]["suppressed"]) == r.headers["x-rows-suppressed"]
    assert [{k: str(v) for k, v in row.items()} for row in body["rows"]] == rows  # the same rows, in order

    # frozen: the same bytes on every read, a late closing changes nothing until a restatement
    await closed(pool, merchant_id, period.end - timedelta(days=3), 5, category="beauty")
    assert (await client.get(f"/api/v1/open-data/{key}.csv")).content == r.content

    refused = await client.post(
        f"/api/v1/open-data/{key}/restatements", json={"reason": "补录"}, headers=staff["clerk"].headers
    )
    assert refused.status_code == 403
    assert (
        await client.post(f"/api/v1/open-data/{key}/restatements", json={"reason": "补录"})
    ).status_code == 401
    no_reason = await client.post(
        f"/api/v1/open-data/{key}/restatements", json={}, headers=staff["supervisor"].headers
    )
    assert no_reason.status_code in (400, 422)
    made = await client.post(
        f"/api/v1/open-data/{key}/restatements",
        json={"reason": "补录5件办结投诉"},
        headers=staff["supervisor"].headers,
    )
    assert made.status_code == 201, made.text
    v2 = made.json()
    assert (v2["version"], v2["restatement_of"], v2["changes"]) == (2, 1, {"added": 5, "removed": 0})
    assert v2["content_hash"] != digest
    again = await client.post(
        f"/api/v1/open-data/{key}/restatements", json={"reason": "再核对"}, headers=staff["admin"].headers
    )
    assert again.status_code == 200 and again.json()["version"] == 2

    latest = await client.get(f"/api/v1/open-data/{key}.csv")
    assert latest.headers["x-open-data-version"] == "2" and len(parsed(latest.content)) == len(rows) + 5
    old = await client.get(f"/api/v1/open-data/{key}.csv?version=1")
    assert old.content == r.content and old.headers["x-content-hash"] == digest
    assert (await client.get(f"/api/v1/open-data/{key}.json?version=1")).json()["content_hash"] == digest
    missing = await client.get(f"/api/v1/open-data/{key}.json?version=3")
    assert missing.status_code == 404 and "version 3" in missing.json()["detail_en"]

    listed = (await client.get("/api/v1/open-data")).json()
    entry = next(m for m in listed["months"] if m["month"] == key)
    assert entry["latest"]["version"] == 2 and [e["version"] for e in entry["earlier"]] == [1]
    assert entry["latest"]["csv"] == f"/api/v1/open-data/{key}.csv?version=2"
    assert [c["name"] for c in listed["columns"]] == list(rules.COLUMNS)
    categories = next(c for c in listed["columns"] if c["name"] == "category")["codes"]
    assert {"food", "goods", "services"} <= {c["code"] for c in categories}

    page = await client.get("/public/data", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200
    assert key in page.text and f'href="/api/v1/open-data/{key}.csv?version=2"' in page.text
    assert v2["content_hash"] in page.text and digest in page.text  # the earlier version too
    for words in ("开放数据", "数据字典", "handling_days", "未公布", "历史版本"):
        assert words in page.text


async def test_months_not_ended_and_bad_names(client: Client, today_local: date) -> None:
    this_month = f"{today_local:%Y-%m}"
    for name in (f"{this_month}.csv", f"{this_month}.json", "2999-01.csv"):
        r = await client.get(f"/api/v1/open-data/{name}")
        assert r.status_code == 404, name
        assert "尚未结束" in r.json()["detail"] and "not ended" in r.json()["detail_en"]
    for name in ("2026-13.csv", "2026-1.json", "abcd.csv", "2026-00.json"):
        r = await client.get(f"/api/v1/open-data/{name}")
        assert r.status_code == 422, name
        assert r.json()["errors"][0]["field"] == "month"
    for name in ("2026-01", "2026-01.xlsx", "2026"):
        r = await client.get(f"/api/v1/open-data/{name}")
        assert r.status_code == 404 and ".csv" in r.json()["detail_en"]
    assert (await client.get("/api/v1/open-data/2026-01.csv?version=0")).status_code == 400


async def test_the_page_in_english(api: Client) -> None:
    page = await api.get("/public/data?lang=en")
    assert page.status_code == 200 and '<html lang="en">' in page.text
    for words in ("Open data", "Data dictionary", "Handling days", "Suppressed"):
        assert words in page.text, words
    listed = (await api.get("/api/v1/open-data")).json()
    names = [m["latest"]["content_hash"] for m in listed["months"]]
    assert leftovers(page.text, names) == []
