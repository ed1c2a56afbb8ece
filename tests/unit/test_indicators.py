"""The indicators' arithmetic (DESIGN §3): months, rates, the median from a histogram, the satisfaction
score's t-interval, deltas, top ten plus "other", the content hash and the diff of two versions."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain import indicators as ind
from domain import return_figures as figures


@pytest.mark.parametrize(
    ("text", "month"),
    [("2026-05", date(2026, 5, 1)), ("2020-01", date(2020, 1, 1)), ("1999-12", date(1999, 12, 1))],
)
def test_parse_month(text: str, month: date) -> None:
    assert ind.parse_month(text) == month
    assert ind.month_key(month) == text


@pytest.mark.parametrize(
    "text", ["2026-5", "2026-13", "2026-00", "202605", "2026-05-01", "abcd-ef", "", "２０２６-05"]
)
def test_parse_month_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        ind.parse_month(text)


@pytest.mark.parametrize(
    ("month", "n", "expected"),
    [
        (date(2026, 1, 1), -1, date(2025, 12, 1)),
        (date(2026, 1, 1), -12, date(2025, 1, 1)),
        (date(2026, 11, 1), 2, date(2027, 1, 1)),
        (date(2026, 5, 1), 0, date(2026, 5, 1)),
    ],
)
def test_add_months(month: date, n: int, expected: date) -> None:
    assert ind.add_months(month, n) == expected


def test_months_and_month_ends() -> None:
    assert ind.months_between(date(2025, 11, 1), date(2026, 2, 1)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert ind.months_between(date(2026, 2, 1), date(2026, 1, 1)) == []
    assert ind.month_end(date(2024, 2, 1)) == date(2024, 2, 29)
    assert ind.month_end(date(2026, 12, 1)) == date(2026, 12, 31)
    assert ind.previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert ind.previous_month(date(2026, 3, 31)) == date(2026, 2, 1)


@pytest.mark.parametrize(
    ("day", "hour", "due"),
    [
        (date(2026, 3, 1), 0, False),
        (date(2026, 3, 1), 1, False),
        (date(2026, 3, 1), 2, True),
        (date(2026, 3, 1), 23, True),
        (date(2026, 3, 2), 0, True),
        (date(2026, 3, 31), 0, True),
    ],
)
def test_the_return_is_due_from_two_on_the_first(day: date, hour: int, due: bool) -> None:
    assert ind.is_return_due(day, hour) is due


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [
        (1, 3, 0.3333),
        (2, 3, 0.6667),
        (6, 7, 0.8571),
        (5, 5, 1.0),
        (0, 4, 0.0),
        (0, 0, None),
        (3, 0, None),
        (1, 8, 0.125),
        (1, 20000, 0.0001),
        (1, 30000, 0.0),
    ],
)
def test_rate(num: int, den: int, expected: float | None) -> None:
    assert ind.rate(num, den) == expected


@pytest.mark.parametrize(
    ("histogram", "expected"),
    [
        ({}, None),
        ({5: 1}, 5.0),
        ({1: 1, 2: 1}, 1.5),
        ({84: 1, 5: 1, 15: 1, 16: 1, 48: 1, 55: 1, 74: 1}, 48.0),  # order of the pairs does not matter
        ({1: 2, 10: 1}, 1.0),
        ({1: 1, 2: 1, 3: 1, 100: 1}, 2.5),
        ({0: 3, 7: 0}, 0.0),  # a zero count is no value
        ({3: 1, 4: 1}, 3.5),
        ({2: 500, 9: 500}, 5.5),
    ],
)
def test_median_of_a_histogram(histogram: dict[int, int], expected: float | None) -> None:
    assert ind.median(histogram) == expected
    assert ind.median(list(histogram.items())) == expected


@pytest.mark.parametrize(
    ("df", "t"),
    [
        (1, 12.706),
        (2, 4.303),
        (9, 2.262),
        (30, 2.042),
        (35, 2.042),
        (40, 2.021),
        (119, 1.984),
        (120, 1.98),
        (5000, 1.962),
        (10**6, 1.96),
    ],
)
def test_t_table_takes_the_wider_interval_between_rows(df: int, t: float) -> None:
    assert ind.t95(df) == t


def test_t_needs_a_degree_of_freedom() -> None:
    with pytest.raises(ValueError):
        ind.t95(0)


def scores(*pairs: tuple[str, int]) -> dict[Decimal, int]:
    return {Decimal(s): c for s, c in pairs}


@pytest.mark.parametrize(
    ("histogram", "expected"),
    [
        ({}, ind.ScoreSummary(0, None, None, None, None)),
        (scores(("85.5", 1)), ind.ScoreSummary(1, 85.5, None, None, None)),  # one answer: no interval
        # 100, 80, 90: mean 90, sd 10, t(2) = 4.303: 90 ± 24.84, the top clipped at 100
        (scores(("100", 1), ("80", 1), ("90", 1)), ind.ScoreSummary(3, 90.0, 10.0, 65.16, 100.0)),
        # 0 and 30: mean 15, sd 21.21, t(1) = 12.706: the bottom clipped at 0
        (scores(("0", 1), ("30", 1)), ind.ScoreSummary(2, 15.0, 21.21, 0.0, 100.0)),
        # 600 answers of 90: no spread, the interval is the mean
        (scores(("90", 600)), ind.ScoreSummary(600, 90.0, 0.0, 90.0, 90.0)),
        # 300 × 100 and 300 × 80: mean 90, sd 10.008, t(599) = 1.965: ± 0.80
        (scores(("100", 300), ("80", 300)), ind.ScoreSummary(600, 90.0, 10.01, 89.2, 90.8)),
        # six answers read like six: 95, 95, 95, 95, 60, 100
        (scores(("95", 4), ("60", 1), ("100", 1)), ind.ScoreSummary(6, 90.0, 14.83, 74.43, 100.0)),
    ],
)
def test_score_summary(histogram: dict[Decimal, int], expected: ind.ScoreSummary) -> None:
    assert ind.score_summary(histogram) == expected


@pytest.mark.parametrize(
    ("mean", "low", "high", "status"),
    [
        (None, None, None, "no_data"),
        (95.0, None, None, "uncertain"),
        (95.0, 91.0, 99.0, "above"),
        (92.0, 90.0, 94.0, "above"),
        (85.0, 80.0, 89.99, "below"),
        (89.0, 85.0, 93.0, "uncertain"),
        (91.0, 88.0, 94.0, "uncertain"),
    ],
)
def test_target_status(mean: float | None, low: float | None, high: float | None, status: str) -> None:
    assert ind.target_status(mean, low, high, 90) == status
    assert status in ind.TARGET_STATUS


def test_an_empty_month_summarizes_to_zeros_and_nothing_to_divide() -> None:
    s = ind.summarize(ind.MonthCounts())
    assert tuple(s) == ind.SUMMARY_CODES
    rates = {c for c in ind.SUMMARY_CODES if ind.BY_CODE[c].unit == ind.Unit.RATIO}
    assert rates == {
        "on_time_acceptance_rate",
        "on_time_closure_rate",
        "mediation_success_rate",
        "satisfaction_response_rate",
    }
    for code, value in s.items():
        if code in rates or code in (
            "median_handling_days",
            "satisfaction_mean",
            "satisfaction_ci_low",
            "satisfaction_ci_high",
        ):
            assert value is None, code
        else:
            assert value == 0, code


def test_summarize_counts_each_payment_once() -> None:
    c = ind.MonthCounts(
        received=4,
        closed=3,
        closed_on_time=2,
        outcomes={"settled": 3, "terminated": 1, "referred_to_enforcement": 2},
        first_payments_by_merchant=1,
        first_payments_by_merchant_fen=20000,
        first_payments_from_deposit=2,
        first_payments_from_deposit_fen=30000,
        relief_beyond_first_payment_fen=5000,
        awards_by_party={"consumer": 2, "partial": 1, "merchant": 1},
        surveys_sent=4,
        surveys_responded=3,
    )
    s = ind.summarize(c)
    assert (s["first_payments"], s["first_payments_fen"]) == (3, 50000)
    assert s["recovered_fen"] == 55000
    assert (s["mediation_success_rate"], s["enforcement_conversions"]) == (0.75, 2)
    assert (s["arbitration_awards"], s["arbitration_awards_for_consumer"]) == (4, 2)
    assert (s["on_time_closure_rate"], s["satisfaction_response_rate"]) == (0.6667, 0.75)


@pytest.mark.parametrize(
    ("current", "base", "unit", "expected"),
    [
        (9, 3, ind.Unit.COUNT, {"base": 3, "change": 6, "relative": 2.0}),
        (2, 4, ind.Unit.COUNT, {"base": 4, "change": -2, "relative": -0.5}),
        (5, 0, ind.Unit.COUNT, {"base": 0, "change": 5, "relative": None}),  # nothing to grow from
        (0.8571, 1.0, ind.Unit.RATIO, {"base": 1.0, "change": -0.1429, "relative": None}),  # ratio points
        (48.0, 35.5, ind.Unit.DAYS, {"base": 35.5, "change": 12.5, "relative": 0.3521}),
        (154900, 100000, ind.Unit.WAN_YUAN, {"base": 100000, "change": 54900, "relative": 0.549}),
        (90.0, 91.25, ind.Unit.SCORE, {"base": 91.25, "change": -1.25, "relative": -0.0137}),
    ],
)
def test_delta(current: Any, base: Any, unit: str, expected: dict[str, Any]) -> None:
    d = ind.delta(current, base, unit)
    assert d is not None and d.as_json() == expected


def test_no_delta_without_both_values() -> None:
    assert ind.delta(None, 3, ind.Unit.COUNT) is None
    assert ind.delta(0.5, None, ind.Unit.RATIO) is None
    current = ind.summarize(ind.MonthCounts(received=2))
    deltas = ind.compare(current, {"received": 1, "median_handling_days": None})
    assert deltas == {"received": {"base": 1, "change": 1, "relative": 1.0}}


def test_top_ten_and_the_rest_as_other() -> None:
    counts = {f"c{i:02d}": i for i in range(1, 13)} | {"tie_b": 5, "tie_a": 5, "none": 0}
    labels = {"c12": "十二", "tie_a": "甲"}
    rows = figures.top_with_other(counts, labels, total=sum(counts.values()))
    assert [r["code"] for r in rows] == [
        "c12",
        "c11",
        "c10",
        "c09",
        "c08",
        "c07",
        "c06",
        "c05",
        "tie_a",
        "tie_b",
        figures.OTHER_CODE,
    ]
    assert rows[0]["label"] == "十二" and rows[1]["label"] == "c11" and rows[8]["label"] == "甲"
    assert [r["rank"] for r in rows] == [*range(1, 11), None]
    assert rows[-1] == {"rank": None, "code": "_other", "label": "其他", "count": 10, "share": 0.1136}
    assert sum(r["count"] for r in rows) == sum(counts.values())
    assert figures.top_with_other({"a": 2}, {}, 2) == [
        {"rank": 1, "code": "a", "label": "a", "count": 2, "share": 1.0}
    ]
    assert figures.top_with_other({}, {}, 0) == []


def test_the_content_hash_is_of_canonical_json() -> None:
    a = {"b": [1, 2.5, None], "a": {"y": "拱墅", "x": 0.8571}}
    b = {"a": {"x": 0.8571, "y": "拱墅"}, "b": [1, 2.5, None]}
    assert (
        ind.canonical_json(a)
        == ind.canonical_json(b)
        == '{"a":{"x":0.8571,"y":"拱墅"},"b":[1,2.5,null]}'.encode()
    )
    assert ind.content_hash(a) == ind.content_hash(b)
    assert re.fullmatch(r"[0-9a-f]{64}", ind.content_hash(a))
    assert ind.content_hash(a) != ind.content_hash({**a, "b": [1, 2.5, 0]})
    with pytest.raises(ValueError):
        ind.canonical_json({"x": float("nan")})


def test_diff_names_what_changed() -> None:
    old = {
        "summary": {"received": 5, "on_time_closure_rate": 0.5, "median_handling_days": 12.0},
        "breakdowns": {
            "category": [
                {"rank": 1, "code": "food", "label": "食品", "count": 3},
                {"rank": 2, "code": "beauty", "label": "美容", "count": 2},
            ]
        },
        "merchants": [],
    }
    new = {
        "summary": {"received": 6, "on_time_closure_rate": 0.5, "median_handling_days": 12},
        "breakdowns": {
            "category": [
                {"rank": 1, "code": "beauty", "label": "美容", "count": 4},
                {"rank": 2, "code": "food", "label": "食品", "count": 3},
            ]
        },
        "merchants": [{"code": "m1", "name": "甲公司", "complaints": 1}],
    }
    changes = [c.as_json() for c in ind.diff(old, new)]
    assert changes == [
        {
            "path": "breakdowns/category/beauty/count",
            "label": "分布 · 分类 · 美容 · 件数",
            "old": 2,
            "new": 4,
        },
        {
            "path": "merchants/m1",
            "label": "经营者 · 甲公司",
            "old": None,
            "new": {"code": "m1", "name": "甲公司", "complaints": 1},
        },
        {"path": "summary/received", "label": "总览 · 投诉登记量", "old": 5, "new": 6},
    ]
    assert ind.diff(old, old) == []


def test_definitions_are_complete_and_consistent() -> None:
    codes = [d.code for d in ind.DEFINITIONS]
    assert len(codes) == len(set(codes))
    assert len({d.sort for d in ind.DEFINITIONS}) == len(codes)
    assert [d.sort for d in ind.DEFINITIONS] == sorted(d.sort for d in ind.DEFINITIONS)
    units = {ind.Unit.COUNT, ind.Unit.RATIO, ind.Unit.DAYS, ind.Unit.YUAN, ind.Unit.WAN_YUAN, ind.Unit.SCORE}
    for d in ind.DEFINITIONS:
        assert d.unit in units and d.kind in ("summary", "table") and d.formula and d.period and d.name_en
        for term in (d.numerator or "", d.denominator or ""):
            for word in term.split(" "):
                if re.fullmatch(r"[a-z_]+", word) and word not in ("sum", "of", "scores"):
                    assert word in ind.BY_CODE, (d.code, word)
        if d.unit == ind.Unit.RATIO and d.kind == "summary":
            assert d.numerator and d.denominator
    assert ind.BY_CODE["satisfaction_mean"].target == 90
    assert [d.code for d in ind.DEFINITIONS if d.target is not None] == ["satisfaction_mean"]
