"""The consumer's side through HTTP: filing a complaint, the form, the tracking page, the case view."""

from __future__ import annotations

from typing import Any

from tests.support.clock import days_ago
from tests.support.factories import USCC, complaint_body
from tests.support.html import csrf_token


async def file_complaint(client: Any, **changes: Any) -> dict[str, Any]:
    """A complaint filed through the API (any client: Litestar's or httpx's); returns the receipt."""
    r = await client.post("/api/v1/complaints", json=complaint_body(**changes))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def add_evidence(client: Any, receipt: dict[str, Any], files: Any, *, code: str | None = None) -> Any:
    """An upload of `files` (httpx's multipart parts) to the case through the API, with the receipt's access
    code unless `code` is given; the response."""
    return await client.post(
        f"/api/v1/complaints/{receipt['tracking_no']}/evidence",
        files=files,
        headers={"X-Access-Code": code or receipt["access_code"]},
    )


def form_fields(**changes: str | list[str]) -> dict[str, Any]:
    """The complaint form's fields, filled in validly (a catering complaint)."""
    fields: dict[str, Any] = {
        "consumer.name": "李四",
        "consumer.phone": "139 0000 1111",
        "consumer.address": "杭州市拱墅区上塘路15号2单元301室",
        "merchant.name": "拱墅区某某餐饮店",
        "merchant.address": "杭州市拱墅区大关路66号",
        "merchant.uscc": USCC,
        "quality_domain": "service",
        "category": "catering_lodging",
        "problem_type": "food_safety",
        "subdistrict": "daguan",
        "purchase_date": days_ago(3).isoformat(),
        "amount_paid": "128.00",
        "claim_amount": "1000.00",
        "requests": ["refund", "compensate"],
        "description": "三天前晚上在该店就餐，菜品中发现异物，店家拒绝退款。",
        "consents.mediation": "on",
    }
    fields.update(changes)
    return fields


def form_of(body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The complaint form's fields for an API body (its consumer, merchant and claim), with `extra` added."""
    fields = {f"consumer.{k}": body["consumer"][k] for k in ("name", "phone", "address")}
    fields |= {f"merchant.{k}": body["merchant"][k] for k in ("name", "address")}
    claim = ("quality_domain", "category", "problem_type", "purchase_date", "amount_paid", "claim_amount")
    fields |= {k: body[k] for k in (*claim, "requests", "description")}
    return fields | extra


async def open_form(client: Any) -> str:
    r = await client.get("/complaints/new")
    assert r.status_code == 200
    return str(r.text)


async def open_tracking(client: Any, tracking_no: str, access_code: str) -> Any:
    """The tracking form sent with a tracking number and an access code (right or not); the response."""
    form = await client.get("/track")
    return await client.post(
        "/track",
        data={"tracking_no": tracking_no, "access_code": access_code, "_csrf_token": csrf_token(form.text)},
    )


async def track_page(client: Any, case: dict[str, Any]) -> str:
    """The tracking page of a case, opened with its tracking number and access code."""
    page = await open_tracking(client, case["tracking_no"], case["access_code"])
    assert page.status_code == 200, page.text
    return str(page.text)


async def consumer_view(client: Any, receipt: dict[str, Any]) -> dict[str, Any]:
    """The consumer's case view through the API (whatever its status code)."""
    r = await client.get(
        f"/api/v1/complaints/{receipt['tracking_no']}", headers={"X-Access-Code": receipt["access_code"]}
    )
    return dict(r.json())
