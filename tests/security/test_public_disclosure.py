"""Nothing personal in public (issue 18 §1, DESIGN §2.9): complaints carrying distinctive personal values
(names, phones, ID numbers, addresses, e-mail, the merchant's contact person) and distinctive free text
(the facts, staff notes, an offer's note) are seeded against a business named in public; then every public
page and public API answer — every GET route under /public, /api/v1/public and /api/v1/open-data, read
from the app's own route table so that a new one is scanned without a change here — is read in both
languages, for the seeded month and the latest, and searched for those values."""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from datetime import date, timedelta

import asyncpg
from litestar import Litestar

from tests.support.public_records import accepted, noon, own_month, verified_merchant
from tests.support.staff import Client
from tests.support.statistics import SECRETS

PUBLIC_PREFIXES = ("/public", "/api/v1/public", "/api/v1/open-data")
CONTACT = {
    "contact_name": "联系人龚守密",
    "contact_phone": "13977001234",
    "contact_email": "gong.secret@example.com",
}
PARAM = re.compile(r"\{(\w+):(\w+)\}")


def public_gets(app: Litestar) -> list[str]:
    """The path of every GET handler under the public prefixes, as the app serves them."""
    paths = {
        route.path
        for route in app.routes
        if route.path.startswith(PUBLIC_PREFIXES)
        for handler in getattr(route, "route_handlers", ())
        if "GET" in handler.http_methods
    }
    return sorted(paths)


def concrete(path: str, month: str) -> list[str]:
    """The path with each parameter filled in every way a public route may take it (a month, a month's
    file, a year, an id)."""
    names = PARAM.findall(path)
    choices = []
    for _name, kind in names:
        if kind == "int":
            choices.append(["1", month[:4]])
        else:
            choices.append([month, f"{month}.csv", f"{month}.json", month[:4]])
    out = []
    for values in itertools.product(*choices):
        filled = path
        for value in values:
            filled = PARAM.sub(value, filled, count=1)
        out.append(filled)
    return out


async def seed(pool: asyncpg.Pool, today: date) -> tuple[int, str]:
    """A business with complaints accepted and closed in a month of this test's own and in the last ended
    month, each carrying the secrets; the business is named in the own month's publication."""
    month, period = own_month(today)
    merchant_id = await verified_merchant(pool, "杭州公示安全测试商行", committed=True)
    await pool.execute(
        "UPDATE merchants SET contact_name = $2, contact_phone = $3, contact_email = $4 WHERE id = $1",
        merchant_id, *CONTACT.values(),
    )  # fmt: skip
    last_month = today.replace(day=1) - timedelta(days=20)
    async with pool.acquire() as conn, conn.transaction():
        for day in (period.end - timedelta(days=25), last_month):
            closed = {"status": "closed", "outcome": "settled", "closed_at": noon(day + timedelta(days=5)),
                      "consent_publish": True, "merchant_address": SECRETS["address"]}  # fmt: skip
            ids = await accepted(conn, merchant_id, day, n=6, **closed)
            for case_id in ids:
                await conn.execute(
                    "INSERT INTO offers (case_id, from_party, remedy, amount_fen, answer_by, note,"
                    " created_by) VALUES ($1, 'consumer', 'refund', 100, $2, $3, 'staff:0')",
                    case_id, day + timedelta(days=3), SECRETS["terms"],
                )  # fmt: skip
    return merchant_id, f"{month:%Y-%m}"


def found_secrets(text: str) -> list[str]:
    secrets = [*SECRETS.values(), *CONTACT.values()]
    with contextlib.suppress(ValueError):  # a JSON answer, read as its values (whatever the escaping)
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return [s for s in secrets if s in text]


async def test_no_personal_data_or_free_text_on_any_public_page_or_api(
    client: Client, pool: asyncpg.Pool, today_local: date
) -> None:
    merchant_id, month = await seed(pool, today_local)
    listed = (await client.get(f"/api/v1/public/merchants?month={month}&limit=200")).json()
    assert any(m["merchant_id"] == merchant_id for m in listed["merchants"]), "the business is named"

    routes = public_gets(client.app)
    assert {"/public/merchants", "/api/v1/public/merchants"} <= set(routes)
    # the open dataset (issue 18 §2) is scanned too: its page, its index and a month's files
    assert {"/public/data", "/api/v1/open-data"} <= set(routes)
    assert any(r.startswith("/api/v1/open-data/{") for r in routes), routes
    answers = 0
    files: dict[str, str] = {}
    leaks: dict[str, list[str]] = {}
    try:
        for route in routes:
            for path in concrete(route, month):
                for query in ("", f"?month={month}", "?lang=en", f"?month={month}&lang=en&limit=200"):
                    r = await client.get(path + query, headers={"Accept-Language": "zh-CN"})
                    assert r.status_code < 500, (path + query, r.status_code)
                    answers += r.status_code == 200
                    if r.status_code == 200 and path.startswith("/api/v1/open-data/"):
                        files[path] = r.text
                    if found := found_secrets(r.text):
                        leaks[path + query] = found
    finally:
        client.cookies.clear()  # ?lang=en set the shared client's language cookie
    assert leaks == {}
    assert answers >= 2 * len(routes)
    # the seeded month's file was read as CSV and JSON, and it holds the seeded cases (named business)
    assert {f"/api/v1/open-data/{month}.csv", f"/api/v1/open-data/{month}.json"} <= set(files), sorted(files)
    assert files[f"/api/v1/open-data/{month}.csv"].count("杭州公示安全测试商行") >= 6
