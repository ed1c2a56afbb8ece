"""The consumer's JSON API, through the real app on real PostgreSQL and Redis."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.settings import Settings
from tests.support.casework import browser_of
from tests.support.factories import USCC, complaint_body
from tests.support.staff import Staff

Client = AsyncTestClient  # type: ignore[type-arg]


async def submit(client: Client, body: Any, **headers: str) -> Any:
    return await client.post("/api/v1/complaints", json=body, headers=headers)


async def test_submit_returns_the_receipt(client: Client) -> None:
    r = await submit(client, complaint_body())
    assert r.status_code == 201, r.text
    out = r.json()
    assert set(out) >= {
        "tracking_no",
        "access_code",
        "status",
        "received_at",
        "acceptance_due",
        "acceptance_due_provisional",
    }
    assert re.fullmatch(r"GS\d{8}-\d{6}", out["tracking_no"])
    assert re.fullmatch(r"[34679ACDEFGHJKMNPQRTWXY]{8}", out["access_code"])
    assert out["status"] == "received"
    assert date.fromisoformat(out["acceptance_due"]) > date.fromisoformat(out["received_at"][:10])
    assert isinstance(out["acceptance_due_provisional"], bool)


async def test_consumer_sees_own_case_with_the_code(client: Client) -> None:
    receipt = (await submit(client, complaint_body())).json()
    r = await client.get(
        f"/api/v1/complaints/{receipt['tracking_no']}", headers={"X-Access-Code": receipt["access_code"]}
    )
    assert r.status_code == 200, r.text
    case = r.json()
    assert case["tracking_no"] == receipt["tracking_no"]
    assert case["status"] == "received"
    assert case["amount_paid"] == "399.00"
    assert case["timeline"][0]["kind"] == "registered"
    assert "13812345678" not in r.text and "张三" not in r.text  # the API view carries no personal data


async def test_wrong_code_and_unknown_number_answer_alike(client: Client) -> None:
    receipt = (await submit(client, complaint_body())).json()
    wrong = await client.get(
        f"/api/v1/complaints/{receipt['tracking_no']}", headers={"X-Access-Code": "AAAAAAAA"}
    )
    unknown = await client.get(
        "/api/v1/complaints/GS20200101-999999", headers={"X-Access-Code": receipt["access_code"]}
    )
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


async def test_repeated_wrong_codes_are_slowed_down(client: Client) -> None:
    """Past the per-number limit wrong codes still answer 404, only later (tests/security/
    test_tracking_lockout.py measures the delay); the right code is never refused (issue 13, item 3)."""
    receipt = (await submit(client, complaint_body())).json()
    url = f"/api/v1/complaints/{receipt['tracking_no']}"
    statuses = [(await client.get(url, headers={"X-Access-Code": "WRONG999"})).status_code for _ in range(6)]
    assert statuses == [404] * 6
    right = await client.get(url, headers={"X-Access-Code": receipt["access_code"]})
    assert right.status_code == 200, right.text


async def test_missing_access_code_is_a_client_error(client: Client) -> None:
    r = await client.get("/api/v1/complaints/GS20261126-000001")
    assert r.status_code == 400


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consumer__name": ...}, "consumer.name"),
        ({"consumer__phone": "12345"}, "consumer.phone"),
        ({"consumer__phone": "23812345678"}, "consumer.phone"),
        ({"consumer__address": ...}, "consumer.address"),
        ({"consumer__id_number": "330102199001011235"}, "consumer.id_number"),
        ({"merchant__name": ...}, "merchant.name"),
        ({"merchant__address": ""}, "merchant.address"),
        ({"merchant__uscc": USCC[:-1] + ("0" if USCC[-1] != "0" else "1")}, "merchant.uscc"),
        ({"merchant__uscc": "ABC"}, "merchant.uscc"),
        ({"merchant__phone": "0571-123"}, "merchant.phone"),
        ({"platform": {"uscc": USCC}}, "platform.name"),
        ({"subdistrict": "nowhere"}, "subdistrict"),
        ({"quality_domain": "food"}, "quality_domain"),
        ({"category": "spaceships"}, "category"),
        ({"problem_type": ...}, "problem_type"),
        ({"purchase_date": "2099-01-01"}, "purchase_date"),
        ({"purchase_date": "2026-02-30"}, "purchase_date"),
        ({"amount_paid": "-1.00"}, "amount_paid"),
        ({"amount_paid": "1.005"}, "amount_paid"),
        ({"amount_paid": 399}, "amount_paid"),
        ({"claim_amount": "99999999999.00"}, "claim_amount"),
        ({"requests": []}, "requests"),
        ({"requests": ["refund", "teleport"]}, "requests"),
        ({"description": "太短"}, "description"),
        ({"description": "长" * 5001}, "description"),
        ({"consents": {"mediation": "yes"}}, "consents.mediation"),
        ({"channel": "pigeon"}, "channel"),
        ({"channel": "phone"}, "channel"),  # staff-only channel on the public endpoint
        ({"consumer": "张三"}, "consumer"),
    ],
)
async def test_each_validation_rule_names_its_field(
    client: Client, changes: dict[str, Any], field: str
) -> None:
    r = await submit(client, complaint_body(**changes))
    assert r.status_code == 422, r.text
    errors = r.json()["errors"]
    assert field in [e["field"] for e in errors]
    assert all(e["message"] and e["message_en"] for e in errors)


async def test_every_bad_field_is_reported_at_once(client: Client) -> None:
    r = await submit(client, complaint_body(consumer__phone="1", merchant__address=..., amount_paid="x"))
    assert {e["field"] for e in r.json()["errors"]} == {"consumer.phone", "merchant.address", "amount_paid"}


async def test_rejected_input_stores_nothing(client: Client, pool: Any) -> None:
    before = await pool.fetchval("SELECT count(*) FROM cases")
    await submit(client, complaint_body(consumer__phone="1"))
    assert await pool.fetchval("SELECT count(*) FROM cases") == before


@pytest.mark.parametrize("raw", [b"{not json", b"", b'{"consumer": '])
async def test_malformed_json_is_400(client: Client, raw: bytes) -> None:
    r = await client.post("/api/v1/complaints", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 400


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"42", b"null"])
async def test_a_body_that_is_not_an_object_is_422(client: Client, raw: bytes) -> None:
    r = await client.post("/api/v1/complaints", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == ""


async def test_oversized_body_is_413(client: Client) -> None:
    raw = msgspec.json.encode(complaint_body(description="长" * 200_000))
    r = await client.post("/api/v1/complaints", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 413


async def test_idempotency_key_replays_the_first_response(client: Client, pool: Any) -> None:
    body = complaint_body()
    first = await submit(client, body, **{"Idempotency-Key": "key-replay-1"})
    before = await pool.fetchval("SELECT count(*) FROM cases")
    again = await submit(client, body, **{"Idempotency-Key": "key-replay-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert await pool.fetchval("SELECT count(*) FROM cases") == before


async def test_idempotency_key_with_another_body_is_409(client: Client) -> None:
    assert (
        await submit(client, complaint_body(), **{"Idempotency-Key": "key-conflict-1"})
    ).status_code == 201
    r = await submit(client, complaint_body(amount_paid="1.00"), **{"Idempotency-Key": "key-conflict-1"})
    assert r.status_code == 409


async def test_a_violation_report_is_split_off_and_linked(client: Client, pool: Any) -> None:
    receipt = (await submit(client, complaint_body(reports_violation="商家销售的电水壶疑似无3C认证"))).json()
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", receipt["tracking_no"])
    referral = await pool.fetchrow("SELECT * FROM enforcement_referrals WHERE case_id = $1", case_id)
    assert referral is not None and "3C" in referral["description"]
    kinds = await pool.fetch("SELECT kind FROM case_events WHERE case_id = $1 ORDER BY id", case_id)
    assert [k["kind"] for k in kinds] == ["registered", "report_split"]


async def test_one_transaction_writes_case_consumer_event_and_outbox(client: Client, pool: Any) -> None:
    receipt = (await submit(client, complaint_body())).json()
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", receipt["tracking_no"])
    assert (
        await pool.fetchval("SELECT phone FROM case_consumers WHERE case_id = $1", case_id) == "13812345678"
    )
    event = await pool.fetchrow(
        "SELECT kind, actor, request_id, rule_set_id FROM case_events WHERE case_id = $1 ORDER BY id", case_id
    )
    assert (
        event["kind"] == "registered" and event["actor"] == "consumer" and event["rule_set_id"] == "order121"
    )
    job = await pool.fetchrow("SELECT job, args FROM outbox WHERE job_key = $1", f"route_case:{case_id}")
    assert job["job"] == "route_case" and job["args"] == {"case_id": case_id}


async def test_request_id_is_honoured_and_recorded(client: Client, pool: Any) -> None:
    r = await submit(client, complaint_body(), **{"X-Request-ID": "req-abc-123"})
    assert r.headers["x-request-id"] == "req-abc-123"
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", r.json()["tracking_no"])
    assert (
        await pool.fetchval("SELECT request_id FROM outbox WHERE args->>'case_id' = $1::text", str(case_id))
        == "req-abc-123"
    )
    generated = await client.get("/health")
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["x-request-id"])


async def test_taxonomy_lists_codes_with_labels(client: Client) -> None:
    t = (await client.get("/api/v1/taxonomy")).json()
    assert {d["code"] for d in t["quality_domains"]} == {"product", "service", "engineering", "environment"}
    assert len(t["subdistricts"]) == 18 and {"zh", "en"} <= set(t["subdistricts"][0])
    assert {c["group"] for c in t["categories"]} == {"goods", "services"}
    assert {p["code"] for p in t["problem_types"]} >= {"quality", "after_sales", "food_safety"}
    assert [r["code"] for r in t["requests"]] == [
        "repair",
        "redo",
        "replace",
        "return",
        "make_up_quantity",
        "refund",
        "compensate",
    ]


async def test_health_reports_both_servers(client: Client) -> None:
    r = await client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"postgres": "ok", "redis": "ok"}


async def test_openapi_names_every_operation(client: Client) -> None:
    spec = (await client.get("/schema/openapi.json")).json()
    operations = [op for path in spec["paths"].values() for op in path.values()]
    assert operations and all(op.get("operationId") for op in operations)
    assert {"SubmitComplaint", "GetComplaint", "AddEvidence", "GetTaxonomy", "Health"} <= {
        op["operationId"] for op in operations
    }


async def test_a_foreign_resident_files_with_a_number_abroad_an_email_and_a_passport(
    client: Client, pool: Any
) -> None:
    """Issue 16: a +44 mobile (stored in E.164), an e-mail for notices, a passport, an address in Latin
    script; written again with 0044 it is the same complaint (the duplicate key reads the stored number)."""
    consumer = {
        "name": "Jane Smith",
        "phone": "+44 7911 123456",
        "email": "jane.smith@example.org",
        "id_type": "passport",
        "id_number": "123456789",
        "address": "Room 1203, No. 88 Wulin Road, Gongshu District, Hangzhou",
    }
    body = complaint_body(consumer=consumer, locale="en")
    r = await submit(client, body)
    assert r.status_code == 201, r.text
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", r.json()["tracking_no"])
    columns = "name, phone, email, id_type, id_number, address, locale"
    stored = await pool.fetchrow(f"SELECT {columns} FROM case_consumers WHERE case_id = $1", case_id)
    assert dict(stored) == {**consumer, "phone": "+447911123456", "locale": "en"}
    again = await submit(client, {**body, "consumer": {**consumer, "phone": "0044 7911 123456"}})
    assert again.status_code == 201, again.text
    assert (again.json()["tracking_no"], again.json()["already_filed"]) == (r.json()["tracking_no"], True)

    bad = await submit(client, complaint_body(consumer__id_type="passport", consumer__id_number="E1"))
    assert bad.status_code == 422
    errors = {e["field"]: e for e in bad.json()["errors"]}
    assert errors["consumer.id_number"]["code"] == "invalid_passport"
    assert errors["consumer.id_number"]["message_en"] == "A passport number has 5 to 20 letters or digits"


async def test_staff_see_the_document_type_and_the_number(
    settings: Settings, client: Client, staff: dict[str, Staff], pool: Any
) -> None:
    body = complaint_body(consumer__id_type="hk_macau_permit", consumer__id_number="h12345678")
    tracking_no = (await submit(client, body)).json()["tracking_no"]
    case_id = await pool.fetchval("SELECT id FROM cases WHERE tracking_no = $1", tracking_no)
    view = await client.get(f"/api/v1/cases/{case_id}", headers=staff["supervisor"].headers)
    assert view.status_code == 200, view.text
    assert view.json()["consumer"]["id_type"] == "hk_macau_permit"
    assert view.json()["consumer"]["id_number"] == "H12345678"
    async with browser_of(settings, "t_clerk") as browser:
        page = await browser.get(f"/staff/cases/{case_id}")
    assert page.status_code == 200, page.text
    assert "<dt>港澳居民来往内地通行证号码</dt><dd>H12345678</dd>" in page.text
