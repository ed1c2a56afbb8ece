"""The merchant registry's rules as tables: merchants, commitments, arbitration clauses, the CSV import."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.errors import ValidationFailed
from domain.identifiers import uscc_check_char
from domain.merchants import (
    IMPORT_COLUMNS,
    ImportRejected,
    SourceRow,
    check_columns,
    commitment_state,
    parse_agreement,
    parse_commitment,
    parse_merchant,
    plan_import,
    usccs_mentioned,
)

SUBDISTRICTS = frozenset({"hushu", "mishixiang"})
CATEGORIES = frozenset({"food", "household_appliances", "catering_lodging"})


def uscc(n: int) -> str:
    first17 = f"91330105MA{n:07d}"
    return first17 + uscc_check_char(first17)


SHOP = {"name": "杭州某某电器有限公司", "address": "杭州市拱墅区湖墅南路200号"}


def errors_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.code for e in exc.value.errors}


# --- merchants ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({}, lambda d: d.kind == "shop" and d.uscc is None and d.parent_id is None),
        ({"uscc": uscc(1).lower()}, lambda d: d.uscc == uscc(1)),
        ({"uscc": f" {uscc(1)[:9]} {uscc(1)[9:]} "}, lambda d: d.uscc == uscc(1)),
        ({"kind": "platform", "subdistrict": "hushu"}, lambda d: d.kind == "platform"),
        ({"kind": "exhibition", "ends_on": "2026-12-31"}, lambda d: d.ends_on == date(2026, 12, 31)),
        ({"kind": "counter_lessor", "ends_on": "2027-06-30"}, lambda d: d.kind == "counter_lessor"),
        ({"parent_id": 7}, lambda d: d.parent_id == 7),
        ({"parent_id": "7"}, lambda d: d.parent_id == 7),
        ({"contact_phone": "+86 138-1234-5678"}, lambda d: d.contact_phone == "13812345678"),
        ({"contact_phone": "(0571)87654321"}, lambda d: d.contact_phone == "0571-87654321"),
        ({"contact_email": "shop@example.cn", "contact_name": "李四"}, lambda d: d.contact_email),
        ({"kind": "", "uscc": "", "subdistrict": ""}, lambda d: d.kind == "shop" and d.uscc is None),
        ({"name": "  杭州某某电器有限公司  "}, lambda d: d.name == "杭州某某电器有限公司"),
    ],
)
def test_valid_merchants(changes: dict[str, Any], check: Any) -> None:
    assert check(parse_merchant({**SHOP, **changes}, SUBDISTRICTS))


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"name": None}, "name", "required"),
        ({"name": "某"}, "name", "too_short"),
        ({"name": "某" * 101}, "name", "too_long"),
        ({"name": 12}, "name", "invalid_type"),
        ({"address": "拱墅区"}, "address", "too_short"),
        ({"address": "地" * 201}, "address", "too_long"),
        ({"uscc": "91330105MA2H0000"}, "uscc", "invalid_uscc"),
        ({"uscc": uscc(1)[:17] + ("0" if uscc(1)[17] != "0" else "1")}, "uscc", "invalid_uscc"),
        ({"subdistrict": "xihu"}, "subdistrict", "unknown_code"),
        ({"kind": "wholesaler"}, "kind", "unknown_code"),
        ({"parent_id": 0}, "parent_id", "invalid_id"),
        ({"parent_id": -3}, "parent_id", "invalid_id"),
        ({"parent_id": "x1"}, "parent_id", "invalid_id"),
        ({"parent_id": True}, "parent_id", "invalid_id"),
        ({"parent_id": 2**63}, "parent_id", "invalid_id"),
        ({"contact_name": "名" * 51}, "contact_name", "too_long"),
        ({"contact_phone": "12345"}, "contact_phone", "invalid_phone"),
        ({"contact_email": "not-an-email"}, "contact_email", "invalid_email"),
        ({"contact_email": "a@b"}, "contact_email", "invalid_email"),
        ({"kind": "exhibition"}, "ends_on", "required"),
        ({"kind": "counter_lessor", "ends_on": ""}, "ends_on", "required"),
        ({"kind": "exhibition", "ends_on": "2026-13-01"}, "ends_on", "invalid_date"),
        ({"ends_on": "2026-12-31"}, "ends_on", "not_applicable"),
    ],
)
def test_invalid_merchants(changes: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_merchant({**SHOP, **changes}, SUBDISTRICTS)
    assert errors_of(exc) == {field: code}


def test_every_bad_merchant_field_is_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_merchant(
            {"name": "", "uscc": "123", "address": "x", "kind": "exhibition", "contact_phone": "1"},
            SUBDISTRICTS,
        )
    assert set(errors_of(exc)) == {"name", "uscc", "address", "contact_phone", "ends_on"}


def test_a_body_that_is_not_an_object_is_one_error() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_merchant(["not", "a", "mapping"], SUBDISTRICTS)  # type: ignore[arg-type]
    assert errors_of(exc) == {"": "invalid_type"}


# --- commitments ----------------------------------------------------------------------------------

COMMITMENT = {"scope_requests": ["refund"], "per_claim_cap": "2000.00", "active_from": "2026-01-01"}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, (("refund",), None, 200_000, date(2026, 1, 1), None)),
        (
            {"scope_requests": ["refund", "repair", "refund"], "scope_categories": []},
            (("repair", "refund"), None, 200_000, date(2026, 1, 1), None),
        ),
        (
            {"scope_categories": ["food", "food"], "per_claim_cap": "0.5", "active_until": "2026-01-01"},
            (("refund",), ("food",), 50, date(2026, 1, 1), date(2026, 1, 1)),
        ),
        (
            {"scope_categories": None, "per_claim_cap": "１，０００", "active_until": "2027-12-31"},
            (("refund",), None, 100_000, date(2026, 1, 1), date(2027, 12, 31)),
        ),
    ],
)
def test_valid_commitments(changes: dict[str, Any], expected: tuple[Any, ...]) -> None:
    c = parse_commitment({**COMMITMENT, **changes}, CATEGORIES)
    assert (
        c.scope_requests,
        c.scope_categories,
        c.per_claim_cap_fen,
        c.active_from,
        c.active_until,
    ) == expected


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"scope_requests": []}, "scope_requests", "required"),
        ({"scope_requests": None}, "scope_requests", "required"),
        ({"scope_requests": "refund"}, "scope_requests", "invalid_type"),
        ({"scope_requests": ["refund", "apologise"]}, "scope_requests", "unknown_code"),
        ({"scope_categories": ["spaceships"]}, "scope_categories", "unknown_code"),
        ({"scope_categories": [1]}, "scope_categories", "invalid_type"),
        ({"per_claim_cap": None}, "per_claim_cap", "required"),
        ({"per_claim_cap": 2000}, "per_claim_cap", "invalid_type"),
        ({"per_claim_cap": "0.00"}, "per_claim_cap", "not_positive"),
        ({"per_claim_cap": "-5"}, "per_claim_cap", "invalid_amount"),
        ({"per_claim_cap": "1.234"}, "per_claim_cap", "invalid_amount"),
        ({"per_claim_cap": "99999999999"}, "per_claim_cap", "invalid_amount"),
        ({"active_from": None}, "active_from", "required"),
        ({"active_from": "01/01/2026"}, "active_from", "invalid_date"),
        ({"active_until": "2025-12-31"}, "active_until", "before_start"),
    ],
)
def test_invalid_commitments(changes: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_commitment({**COMMITMENT, **changes}, CATEGORIES)
    assert errors_of(exc) == {field: code}


@pytest.mark.parametrize(
    ("today", "until", "state"),
    [
        (date(2025, 12, 31), None, "pending"),
        (date(2026, 1, 1), None, "active"),
        (date(2030, 1, 1), None, "active"),
        (date(2026, 6, 30), date(2026, 6, 30), "active"),
        (date(2026, 7, 1), date(2026, 6, 30), "expired"),
    ],
)
def test_commitment_state(today: date, until: date | None, state: str) -> None:
    assert commitment_state(date(2026, 1, 1), until, today) == state


# --- arbitration clauses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"institution": "杭州仲裁委员会"}, ("published", "杭州仲裁委员会", None, None)),
        (
            {
                "institution": "杭州仲裁委员会",
                "kind": "published",
                "signed_on": "2026-03-01",
                "note": "见销售合同第九条",
            },
            ("published", "杭州仲裁委员会", date(2026, 3, 1), "见销售合同第九条"),
        ),
    ],
)
def test_valid_agreements(data: dict[str, Any], expected: tuple[Any, ...]) -> None:
    a = parse_agreement(data)
    assert (a.kind, a.institution, a.signed_on, a.note) == expected


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({}, "institution", "required"),
        ({"institution": "杭"}, "institution", "too_short"),
        ({"institution": "会" * 101}, "institution", "too_long"),
        ({"institution": "杭州仲裁委员会", "kind": "written"}, "kind", "not_allowed"),
        ({"institution": "杭州仲裁委员会", "kind": "implied"}, "kind", "not_allowed"),
        ({"institution": "杭州仲裁委员会", "signed_on": "yesterday"}, "signed_on", "invalid_date"),
        ({"institution": "杭州仲裁委员会", "note": "注" * 501}, "note", "too_long"),
    ],
)
def test_invalid_agreements(data: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_agreement(data)
    assert errors_of(exc) == {field: code}


# --- the import -----------------------------------------------------------------------------------


def row(line: int, **values: str) -> SourceRow:
    cells = dict.fromkeys(IMPORT_COLUMNS, "")
    return SourceRow(line, {**cells, **SHOP, **values})


def test_columns_in_any_order_pass_and_wrong_ones_are_named() -> None:
    # the file's column names are pinned by the import tests' HEADER; here only their order changes
    good = sorted(IMPORT_COLUMNS)
    assert good != list(IMPORT_COLUMNS) and good[-1] == "uscc"
    assert check_columns(good) == []
    problems = check_columns([*good[:-1], "fax", "fax"])
    assert problems == ["missing column(s): uscc", "unknown column(s): fax, fax", "repeated column(s): fax"]


def test_a_good_plan_keeps_file_order_and_names_parents() -> None:
    items = plan_import(
        [
            row(2, name="某某商城", uscc=uscc(1), kind="market"),
            row(3, uscc=uscc(2), parent_uscc=uscc(1)),
            row(4, name="另一家店", parent_uscc=uscc(9)),
        ],
        SUBDISTRICTS,
        {uscc(9): "platform"},
    )
    assert [(i.line, i.draft.uscc, i.parent_uscc) for i in items] == [
        (2, uscc(1), None),
        (3, uscc(2), uscc(1)),
        (4, None, uscc(9)),
    ]


def test_every_bad_row_is_reported_with_its_line() -> None:
    with pytest.raises(ImportRejected) as exc:
        plan_import(
            [
                row(2, uscc=uscc(1)),
                row(3, uscc=uscc(1)),  # the same code again
                row(4, uscc=uscc(5)),  # registered already
                row(5, parent_uscc=uscc(7)),  # a parent that comes later
                row(6, name="某某商城", uscc=uscc(7), kind="market"),
                row(7, parent_uscc=uscc(1)),  # the parent is a shop
                row(8, name="", contact_phone="abc"),
                SourceRow(9, {**row(9).values}, extra_cells=2),
                row(10, uscc=uscc(11), parent_uscc=uscc(11), kind="market"),
            ],
            SUBDISTRICTS,
            {uscc(5): "shop"},
        )
    assert [(e.line, e.field) for e in exc.value.errors] == [
        (3, "uscc"),
        (4, "uscc"),
        (5, "parent_uscc"),
        (7, "parent_uscc"),
        (8, "name"),
        (8, "contact_phone"),
        (9, "row"),
        (10, "parent_uscc"),
    ]
    assert "第2行" in exc.value.errors[0].message


def test_the_usccs_to_look_up_are_the_well_formed_ones() -> None:
    rows = [row(2, uscc=uscc(1).lower(), parent_uscc=uscc(2)), row(3, uscc="bad", parent_uscc="")]
    assert usccs_mentioned(rows) == sorted([uscc(1), uscc(2)])
