"""Acceptance: the suggested non-acceptance grounds and the decision's validation, as tables."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from domain.acceptance import (
    GROUND_LABELS,
    NOTE_MAX,
    OTHER_ROUTES,
    AcceptanceFacts,
    Ground,
    Location,
    Suggestion,
    limitation_ends,
    locate_merchant,
    suggest_grounds,
    validate_decision,
    validate_note,
)
from domain.errors import ValidationFailed

D = date.fromisoformat
HAN = re.compile(r"[\u4e00-\u9fff]")
FACTS = AcceptanceFacts(
    received_on=D("2026-11-26"),
    purchase_date=D("2026-10-01"),
    merchant_address="杭州市拱墅区湖墅南路1号",
    merchant_subdistrict="hushu",
    open_cases_same_consumer_and_merchant=(),
)


def grounds(facts: AcceptanceFacts) -> tuple[Ground, ...]:
    return tuple(s.ground for s in suggest_grounds(facts))


def the_suggestion(facts: AcceptanceFacts, ground: Ground, recorded: dict[str, str]) -> Suggestion:
    """The one suggestion `facts` give: on `ground`, recording exactly what it read."""
    (suggestion,) = suggest_grounds(facts)
    assert suggestion.ground == ground
    assert suggestion.facts == recorded
    return suggestion


def test_a_clean_record_suggests_nothing() -> None:
    assert suggest_grounds(FACTS) == ()


# --- (4) more than three years -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("purchase", "received", "barred"),
    [
        ("2023-03-10", "2026-03-10", False),  # exactly three years: the last day of the period
        ("2023-03-10", "2026-03-11", True),  # three years and one day
        ("2023-03-10", "2026-03-09", False),
        ("2026-11-26", "2026-11-26", False),
        ("2020-01-01", "2026-11-26", True),
        ("2024-02-29", "2027-02-28", False),  # 29 Feb: no corresponding day, the month's last day ends it
        ("2024-02-29", "2027-03-01", True),
        ("2021-02-28", "2024-02-28", False),
        ("2021-02-28", "2024-02-29", True),  # received on a leap day, one day late
        ("2023-12-31", "2026-12-31", False),
        ("2023-12-31", "2027-01-01", True),
    ],
)
def test_time_bar(purchase: str, received: str, barred: bool) -> None:
    facts = replace(FACTS, purchase_date=D(purchase), received_on=D(received))
    assert (Ground.TIME_BARRED in grounds(facts)) is barred


@pytest.mark.parametrize(
    ("start", "years", "ends"),
    [
        ("2023-03-10", 3, "2026-03-10"),
        ("2024-02-29", 3, "2027-02-28"),
        ("2024-02-29", 4, "2028-02-29"),
        ("2025-02-28", 3, "2028-02-28"),
    ],
)
def test_limitation_ends_on_the_corresponding_day(start: str, years: int, ends: str) -> None:
    assert limitation_ends(D(start), years) == D(ends)


def test_the_time_bar_suggestion_records_what_it_read() -> None:
    facts = replace(FACTS, purchase_date=D("2024-02-29"), received_on=D("2027-03-01"))
    read = {"purchase_date": "2024-02-29", "received_on": "2027-03-01", "limitation_ends": "2027-02-28"}
    suggestion = the_suggestion(facts, Ground.TIME_BARRED, read)
    assert "三年" in suggestion.reason and "2027年02月28日" in suggestion.reason
    assert "2027-02-28" in suggestion.reason_en


# --- (2) another open case ----------------------------------------------------------------------


def test_open_cases_with_the_same_consumer_and_merchant_suggest_ground_2() -> None:
    numbers = ("GS20261101-000003", "GS20261120-000012", "GS20261101-000003")
    facts = replace(FACTS, open_cases_same_consumer_and_merchant=numbers)
    read = {"open_cases": "GS20261101-000003,GS20261120-000012"}
    suggestion = the_suggestion(facts, Ground.ALREADY_HANDLED, read)
    assert "GS20261101-000003、GS20261120-000012" in suggestion.reason
    assert "GS20261120-000012" in suggestion.reason_en


# --- (1) outside the district -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "subdistrict", "location"),
    [
        ("杭州市拱墅区湖墅南路1号", None, Location.INSIDE),
        ("浙江省杭州市拱墅区湖墅南路1号", None, Location.INSIDE),
        ("拱墅区 湖墅南路 1 号", None, Location.INSIDE),
        ("湖墅南路1号", "hushu", Location.INSIDE),
        ("杭州市西湖区文三路1号", "hushu", Location.INSIDE),  # a sub-district chosen by a person wins
        ("杭州市下城区武林路1号", None, Location.INSIDE),  # old 下城区 merged into 拱墅区 in 2021
        ("杭州市西湖区文三路1号", None, Location.OUTSIDE),
        ("杭州市滨江区江南大道1号", None, Location.OUTSIDE),
        ("浙江省杭州市余杭区文一西路1号", None, Location.OUTSIDE),
        ("杭州市江干区景昙路1号", None, Location.OUTSIDE),  # old 江干区: now 上城区 and 钱塘区
        ("桐庐县迎春南路1号", None, Location.OUTSIDE),
        ("建德市新安江街道1号", None, Location.OUTSIDE),
        ("上海市徐汇区漕溪北路1号", None, Location.OUTSIDE),
        ("中国北京市朝阳区建国路1号", None, Location.OUTSIDE),
        ("江苏省苏州市姑苏区人民路1号", None, Location.OUTSIDE),
        ("广西壮族自治区南宁市青秀区民族大道1号", None, Location.OUTSIDE),
        ("浙江省宁波市中山西路1号", None, Location.OUTSIDE),
        ("宁波市海曙区中山西路1号", None, Location.OUTSIDE),
        ("金华市义乌市稠城街道1号", None, Location.OUTSIDE),
        ("湖墅南路1号", None, Location.UNKNOWN),
        ("湖墅南路1号", "  ", Location.UNKNOWN),
        ("杭州市湖墅南路1号", None, Location.UNKNOWN),
        ("浙江省杭州市湖墅南路1号", None, Location.UNKNOWN),
        ("湖墅南路1号华润万家超市", None, Location.UNKNOWN),
        ("华润超市湖墅店", None, Location.UNKNOWN),
        ("湖墅南路1号农贸市场", None, Location.UNKNOWN),
        ("西湖文化广场19号", None, Location.UNKNOWN),  # the square, not 西湖区
        ("余杭塘路1号", None, Location.UNKNOWN),  # the road, not 余杭区
        ("新疆大盘鸡湖墅店", None, Location.UNKNOWN),  # a restaurant's name, not the region
        ("湖墅南路1号（江苏省驻杭办事处旁）", None, Location.UNKNOWN),  # provinces are read at the head only
    ],
)
def test_merchant_location(address: str, subdistrict: str | None, location: Location) -> None:
    assert locate_merchant(address, subdistrict)[0] == location
    facts = replace(FACTS, merchant_address=address, merchant_subdistrict=subdistrict)
    assert (Ground.NO_JURISDICTION in grounds(facts)) is (location == Location.OUTSIDE)


def test_the_jurisdiction_suggestion_names_what_it_matched() -> None:
    facts = replace(FACTS, merchant_address="杭州市西湖区文三路1号", merchant_subdistrict=None)
    read = {"merchant_address": "杭州市西湖区文三路1号", "merchant_subdistrict": "", "matched": "西湖区"}
    suggestion = the_suggestion(facts, Ground.NO_JURISDICTION, read)
    assert "西湖区" in suggestion.reason and "拱墅区" in suggestion.reason
    assert not HAN.search(suggestion.reason_en.replace("杭州市西湖区文三路1号", "").replace("西湖区", ""))


def test_all_three_come_in_ground_order() -> None:
    facts = AcceptanceFacts(
        received_on=D("2026-11-26"),
        purchase_date=D("2022-01-05"),
        merchant_address="上海市徐汇区漕溪北路1号",
        merchant_subdistrict=None,
        open_cases_same_consumer_and_merchant=("GS20261101-000003",),
    )
    assert grounds(facts) == (Ground.NO_JURISDICTION, Ground.ALREADY_HANDLED, Ground.TIME_BARRED)
    for suggestion in suggest_grounds(facts):
        assert HAN.search(suggestion.reason) and suggestion.reason_en
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in suggestion.facts.items())


# --- labels and the routes a rejection lists ----------------------------------------------------


def test_grounds_are_art_16_in_order() -> None:
    assert [int(g) for g in Ground] == [1, 2, 3, 4, 5, 6, 7]
    assert set(GROUND_LABELS) == set(Ground)
    assert GROUND_LABELS[Ground(1)][0] == "不属于市场监督管理部门职责，或者本行政机关不具有处理权限"
    assert GROUND_LABELS[Ground(5)][0] == "未提供规定的材料或者提供虚假材料"
    assert GROUND_LABELS[Ground(6)][0] == "冒用他人身份或者拒绝核实身份"
    assert GROUND_LABELS[Ground(7)][0] == "法律、法规、规章规定不予受理的其他情形"
    for zh, en in GROUND_LABELS.values():
        assert HAN.search(zh) and en and not HAN.search(en)


def test_a_rejection_lists_the_routes_of_cpl_art_39() -> None:
    assert [zh for zh, _ in OTHER_ROUTES] == [
        "与经营者协商和解",
        "请求消费者协会或者依法成立的其他调解组织调解",
        "向有关行政部门投诉",
        "根据与经营者达成的仲裁协议提请仲裁机构仲裁",
        "向人民法院提起诉讼",
    ]
    assert all(en and not HAN.search(en) for _, en in OTHER_ROUTES)


# --- the decision -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ground", "note", "expected"),
    [
        (1, "经营者注册地在西湖区", (Ground.NO_JURISDICTION, "经营者注册地在西湖区")),
        (7, "  其他情形  \n", (Ground.OTHER_STATUTORY, "其他情形")),
        (Ground.TIME_BARRED, "超过三年", (Ground.TIME_BARRED, "超过三年")),
        (2, "第一行\r\n第二行", (Ground.ALREADY_HANDLED, "第一行\n第二行")),
        (5, "字" * NOTE_MAX, (Ground.MATERIALS_MISSING_OR_FALSE, "字" * NOTE_MAX)),
        (6, " " + "字" * NOTE_MAX + " ", (Ground.IDENTITY, "字" * NOTE_MAX)),  # counted after stripping
    ],
)
def test_a_valid_decision(ground: object, note: object, expected: tuple[Ground, str]) -> None:
    result = validate_decision(ground, note)
    assert result == expected
    assert type(result[0]) is Ground


def decision_errors(ground: object, note: object) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        validate_decision(ground, note)
    for error in caught.value.errors:
        assert HAN.search(error.message) and error.message_en and not HAN.search(error.message_en)
    return {e.field: e.code for e in caught.value.errors}


@pytest.mark.parametrize(
    ("ground", "code"),
    [
        (0, "unknown_code"),
        (8, "unknown_code"),
        (-1, "unknown_code"),
        ("3", "invalid_type"),
        (True, "invalid_type"),
        (False, "invalid_type"),
        (3.0, "invalid_type"),
        (None, "required"),
    ],
)
def test_a_bad_ground(ground: object, code: str) -> None:
    assert decision_errors(ground, "理由") == {"ground": code}


@pytest.mark.parametrize(
    ("note", "code"),
    [
        (None, "required"),
        ("", "required"),
        ("   \n\t ", "required"),
        ("字" * (NOTE_MAX + 1), "too_long"),
        (123, "invalid_type"),
        (["理由"], "invalid_type"),
        ("理由\x00", "invalid_chars"),
    ],
)
def test_a_bad_note(note: object, code: str) -> None:
    assert decision_errors(4, note) == {"note": code}


def test_both_fields_are_reported_at_once() -> None:
    assert decision_errors(8, "") == {"ground": "unknown_code", "note": "required"}


@pytest.mark.parametrize(
    ("note", "required", "expected"),
    [
        (None, False, None),
        ("", False, None),
        ("   ", False, None),
        (" 已电话核实 ", False, "已电话核实"),
        ("已电话核实", True, "已电话核实"),
        ("字" * NOTE_MAX, False, "字" * NOTE_MAX),
    ],
)
def test_an_acceptance_note(note: object, required: bool, expected: str | None) -> None:
    assert validate_note(note, required) == expected


@pytest.mark.parametrize(
    ("note", "required", "code"),
    [
        (None, True, "required"),
        ("  ", True, "required"),
        ("字" * (NOTE_MAX + 1), False, "too_long"),
        (42, False, "invalid_type"),
    ],
)
def test_a_bad_acceptance_note(note: object, required: bool, code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_note(note, required)
    assert [(e.field, e.code) for e in caught.value.errors] == [("note", code)]
