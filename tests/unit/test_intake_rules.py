"""Intake rules as tables: pure, no servers."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import pytest

from domain.errors import ValidationFailed
from domain.evidence import check_file, sniff
from domain.intake import parse_complaint
from domain.money import format_yuan, parse_yuan
from domain.taxonomy import Label, Taxonomy
from domain.tracking import (
    ACCESS_CODE_ALPHABET,
    format_tracking_no,
    new_access_code,
    normalize_access_code,
    normalize_tracking_no,
)
from service.usecases.intake_commands import SubmitComplaint
from tests.support.factories import complaint_body

TODAY = date(2026, 11, 26)
TAXONOMY = Taxonomy(
    quality_domains=tuple(Label(c, c, c) for c in ("product", "service", "engineering", "environment")),
    categories=(
        Label("household_appliances", "家用电器", "Appliances", "goods"),
        Label("food", "食品", "Food", "goods"),
    ),
    problem_types=(Label("quality", "质量", "Quality"),),
    subdistricts=(Label("hushu", "湖墅街道", "Hushu"),),
)


def errors_of(body: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        parse_complaint(body, TAXONOMY, TODAY)
    return {e.field: e.code for e in caught.value.errors}


def test_a_valid_body_parses_to_a_draft() -> None:
    draft = parse_complaint(complaint_body(today=TODAY), TAXONOMY, TODAY)
    assert draft.amount_paid_fen == 39900
    assert draft.requests == ("refund",)
    assert draft.channel == "web"
    assert draft.consents.mediation is True


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("+86 138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0571-87654321", "0571-87654321"),
    ],
)
def test_phones_are_normalised(raw: str, normalised: str) -> None:
    assert (
        parse_complaint(complaint_body(today=TODAY, consumer__phone=raw), TAXONOMY, TODAY).consumer.phone
        == normalised
    )


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"consumer__name": "  "}, "consumer.name", "required"),
        ({"consumer__name": "张" * 51}, "consumer.name", "too_long"),
        ({"consumer__name": "张\x00三"}, "consumer.name", "invalid_chars"),
        ({"consumer__address": "杭州"}, "consumer.address", "too_short"),
        ({"consumer__phone": "1381234567"}, "consumer.phone", "invalid_phone"),
        ({"merchant__uscc": "91330105MA2H0000I1"}, "merchant.uscc", "invalid_uscc"),
        ({"purchase_date": "2026-11-27"}, "purchase_date", "in_future"),
        ({"purchase_date": "1990-01-01"}, "purchase_date", "too_old"),
        ({"purchase_date": "26/11/2026"}, "purchase_date", "invalid_date"),
        ({"amount_paid": "10000000.01"}, "amount_paid", "too_large"),
        ({"amount_paid": "abc"}, "amount_paid", "invalid_amount"),
        ({"claim_amount": ...}, "claim_amount", "required"),
        ({"requests": "refund"}, "requests", "invalid_type"),
        ({"category": "foods"}, "category", "unknown_code"),
        ({"subdistrict": "gongshu"}, "subdistrict", "unknown_code"),
        ({"consents": []}, "consents", "invalid_type"),
        ({"reports_violation": "x" * 2001}, "reports_violation", "too_long"),
    ],
)
def test_rule_table(changes: dict[str, Any], field: str, code: str) -> None:
    assert errors_of(complaint_body(today=TODAY, **changes)).get(field) == code


def test_requests_keep_statutory_order_without_repeats() -> None:
    draft = parse_complaint(
        complaint_body(today=TODAY, requests=["refund", "repair", "refund"]), TAXONOMY, TODAY
    )
    assert draft.requests == ("repair", "refund")


def test_purchase_today_is_fine() -> None:
    assert (
        parse_complaint(
            complaint_body(today=TODAY, purchase_date="2026-11-26"), TAXONOMY, TODAY
        ).purchase_date
        == TODAY
    )


@pytest.mark.parametrize(
    ("text", "fen"),
    [("0", 0), ("399", 39900), ("399.5", 39950), ("399.05", 39905), ("1,299.00", 129900), ("３９９", 39900)],
)
def test_yuan_to_fen(text: str, fen: int) -> None:
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["", "-1", "1.234", "1e3", "abc", "1..2", ".5", "12345678901.00"])
def test_bad_yuan(text: str) -> None:
    assert parse_yuan(text) is None


def test_fen_to_yuan() -> None:
    assert [format_yuan(f) for f in (0, 5, 39900, 39905, -150)] == [
        "0.00",
        "0.05",
        "399.00",
        "399.05",
        "-1.50",
    ]


def test_tracking_numbers_and_codes() -> None:
    assert format_tracking_no(date(2026, 11, 26), 123) == "GS20261126-000123"
    assert normalize_tracking_no(" gs20261126-000123 ") == "GS20261126-000123"
    assert normalize_tracking_no("GS2026-1") is None
    code = new_access_code(lambda alphabet: alphabet[3])
    assert len(code) == 8 and set(code) <= set(ACCESS_CODE_ALPHABET)
    assert not set("01OIL5S2Z8BUV") & set(ACCESS_CODE_ALPHABET)  # no look-alike characters
    assert normalize_access_code(" abcd-efgh ") == "ABCDEFGH"


HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 16
HEIC_MIF1 = b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heicmiaf" + b"\x00" * 16
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 16


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"%PDF-1.7\n", "application/pdf"),
        (HEIC, "image/heic"),
        (HEIC_MIF1, "image/heic"),
        (MP4, None),
        (b"GIF89a", None),
        (b"<html>", None),
        (b"MZ\x90\x00", None),
        (b"", None),
    ],
)
def test_files_are_recognised_by_content(head: bytes, kind: str | None) -> None:
    assert sniff(head) == kind


def test_file_checks() -> None:
    assert check_file("a.jpg", 100, b"\xff\xd8\xff\xe0", 1000) == "image/jpeg"
    problems = [
        check_file("a.jpg", 0, b"", 1000),
        check_file("a.jpg", 1001, b"\xff\xd8\xff\xe0", 1000),
        check_file("photo.jpg", 100, b"MZ\x90\x00", 1000),  # named .jpg, is not one
    ]
    assert [p.code for p in problems if not isinstance(p, str)] == ["empty", "too_large", "bad_type"]


@pytest.mark.parametrize(
    "changes",
    [{}, {"platform": {"name": "某某商城"}}, {"consumer__email": "zhang@example.com"}, {"consents": ...}],
)
def test_the_command_reads_as_the_body_it_came_from(changes: dict[str, Any]) -> None:
    """The API's command (absent fields as None) is parsed exactly as the JSON body it was decoded from."""
    body = complaint_body(today=TODAY, **changes)
    cmd = msgspec.convert(body, SubmitComplaint)
    assert parse_complaint(cmd.body(), TAXONOMY, TODAY) == parse_complaint(body, TAXONOMY, TODAY)


def test_the_command_keeps_every_domain_code() -> None:
    """Fields the domain checks stay text in the command, so their own codes (not a type error) come back."""
    cmd = msgspec.convert(
        complaint_body(today=TODAY, amount_paid="x", purchase_date="2026-02-30"), SubmitComplaint
    )
    assert errors_of(cmd.body()) == {"amount_paid": "invalid_amount", "purchase_date": "invalid_date"}


# --- foreign residents (issue 16): identity documents, numbers abroad, addresses in Latin script ----


def _consumer(**fields: Any) -> dict[str, Any]:
    return complaint_body(today=TODAY, **{f"consumer__{k}": v for k, v in fields.items()})


def test_a_number_without_a_type_is_a_resident_id_as_before() -> None:
    consumer = parse_complaint(_consumer(id_number="11010519491231002x"), TAXONOMY, TODAY).consumer
    assert (consumer.id_type, consumer.id_number) == ("resident_id", "11010519491231002X")


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("passport", "e1234 5678", "E12345678"),
        ("hk_macau_permit", "H12345678", "H12345678"),
        ("taiwan_permit", "12345678", "12345678"),
        ("foreign_permanent_resident", "usa330060123456", "USA330060123456"),
    ],
)
def test_a_number_is_stored_with_its_type(kind: str, typed: str, stored: str) -> None:
    consumer = parse_complaint(_consumer(id_type=kind, id_number=typed), TAXONOMY, TODAY).consumer
    assert (consumer.id_type, consumer.id_number) == (kind, stored)


def test_a_type_without_a_number_is_nothing_given() -> None:
    consumer = parse_complaint(_consumer(id_type="passport", id_number=None), TAXONOMY, TODAY).consumer
    assert (consumer.id_type, consumer.id_number) == (None, None)


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"id_type": "passport", "id_number": "E1"}, "consumer.id_number", "invalid_passport"),
        (
            {"id_type": "hk_macau_permit", "id_number": "12345678"},
            "consumer.id_number",
            "invalid_hk_macau_permit",
        ),
        (
            {"id_type": "taiwan_permit", "id_number": "H12345678"},
            "consumer.id_number",
            "invalid_taiwan_permit",
        ),
        (
            {"id_type": "foreign_permanent_resident", "id_number": "E12345678"},
            "consumer.id_number",
            "invalid_foreign_permanent_resident",
        ),
        ({"id_number": "E12345678"}, "consumer.id_number", "invalid_id_number"),  # no type: a resident ID
        ({"id_type": "driving_licence", "id_number": "E12345678"}, "consumer.id_type", "unknown_code"),
        ({"id_type": "passport", "id_number": "E" * 21}, "consumer.id_number", "too_long"),
    ],
)
def test_intake_names_the_documents_rule(fields: dict[str, Any], field: str, code: str) -> None:
    errors = errors_of(_consumer(**fields))
    assert errors[field] == code
    assert set(errors) == {field}  # an unknown type does not also report the number


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("+44 7911 123456", "+447911123456"),
        ("0049 170 1234567", "+491701234567"),
        ("+852 9123 4567", "+85291234567"),
        ("+86 571 8765 4321", "0571-87654321"),
    ],
)
def test_numbers_abroad_are_stored_in_e164(raw: str, stored: str) -> None:
    draft = parse_complaint(_consumer(phone=raw), TAXONOMY, TODAY)
    assert draft.consumer.phone == stored


@pytest.mark.parametrize(
    "address",
    [
        "Flat 3, 12 Baker Street, London NW1 6XE",
        "Wulin Road No. 88, Apt. 1203, Gongshu District, Hangzhou",
        "Müllerstraße 5, 80469 München",
        "Rua São João, nº 12 – 3º Esq., Lisboa",
        "杭州市拱墅区莫干山路 100 号 Building B, Room 1203",
    ],
)
def test_addresses_in_latin_script_are_accepted(address: str) -> None:
    draft = parse_complaint(
        complaint_body(today=TODAY, consumer__address=address, merchant__address=address), TAXONOMY, TODAY
    )
    assert (draft.consumer.address, draft.merchant.address) == (address, address)


@pytest.mark.parametrize(
    "address",
    ["12 Baker Street\u202e, London", "12 Baker\x07 Street, London"],  # a text-reordering override, a bell
)
def test_latin_addresses_still_refuse_control_and_reordering_characters(address: str) -> None:
    assert errors_of(complaint_body(today=TODAY, consumer__address=address)) == {
        "consumer.address": "invalid_chars"
    }
