"""Issue 16, foreign residents, through the complaint form: the document type is a choice of the form, a
number abroad and a passport are filed, and the form says which numbers get text messages."""

from __future__ import annotations

import re

import asyncpg
from litestar.testing import AsyncTestClient

from tests.support.consumer import form_fields, open_form
from tests.support.html import csrf_token, hidden

Client = AsyncTestClient  # type: ignore[type-arg]


async def test_the_form_offers_the_document_types_and_says_who_gets_text_messages(client: Client) -> None:
    zh = await open_form(client)
    assert 'name="consumer.id_type"' in zh and '<option value="passport">护照</option>' in zh
    assert "短信通知只发往中国大陆手机号" in zh
    en = (await client.get("/complaints/new", headers={"Accept-Language": "en"})).text
    assert '<option value="foreign_permanent_resident">Foreign Permanent Resident ID Card</option>' in en
    assert "Text messages go only to mainland mobiles" in en


async def test_filing_the_form_with_a_number_abroad_and_a_passport(
    client: Client, pool: asyncpg.Pool
) -> None:
    html = await open_form(client)
    fields = form_fields(
        **{
            "consumer.name": "Jane Smith",
            "consumer.phone": "+44 7911 123456",
            "consumer.email": "jane.smith@example.org",
            "consumer.address": "Room 1203, No. 88 Wulin Road, Hangzhou",
            "consumer.id_type": "passport",
            "consumer.id_number": "c01x00t47",
            "_csrf_token": csrf_token(html),
            "form_key": hidden(html, "form_key"),
        }
    )
    r = await client.post("/complaints/new", data=fields)
    assert r.status_code == 201, r.text
    tracking_no = re.search(r"GS\d{8}-\d{6}", r.text).group(0)  # type: ignore[union-attr]
    stored = await pool.fetchrow(
        "SELECT phone, id_type, id_number FROM case_consumers JOIN cases ON id = case_id"
        " WHERE tracking_no = $1",
        tracking_no,
    )
    assert tuple(stored) == ("+447911123456", "passport", "C01X00T47")


async def test_a_wrong_permit_number_is_shown_next_to_the_field_and_the_choice_is_kept(
    client: Client,
) -> None:
    html = await open_form(client)
    fields = form_fields(
        **{
            "consumer.id_type": "hk_macau_permit",
            "consumer.id_number": "12345678",
            "_csrf_token": csrf_token(html),
        }
    )
    r = await client.post("/complaints/new", data=fields)
    assert r.status_code == 422
    assert "港澳居民来往内地通行证号码应为H或M加8位或10位数字" in r.text
    assert '<option value="hk_macau_permit" selected>' in r.text
