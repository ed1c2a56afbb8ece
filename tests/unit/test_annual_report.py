"""The annual report's arithmetic (domain/annual_report.py): a year summed from monthly summaries, ratios
recomputed, satisfaction pooled from the months' stored intervals, and the personal-data check on typical
cases. Pure: no database."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain import annual_report as rules
from domain import indicators as ind
from domain.errors import ValidationFailed

WHO = rules.PersonalValues(
    name="欧阳保密",
    phone="13900007777",
    address="浙江省杭州市拱墅区保密路777号3单元",
    id_number="33010519900101777X",
    email="secret777@example.com",
)


def month_return(
    month: date, counts: ind.MonthCounts, rows: dict[str, list[dict[str, Any]]]
) -> rules.MonthReturn:
    figures = {"summary": ind.summarize(counts), "breakdowns": rows}
    return rules.MonthReturn(month, 1, "h", figures)


def row(code: str, label: str, count: int) -> dict[str, Any]:
    return {"code": code, "label": label, "count": count, "share": None}


def test_a_year_sums_counts_and_recomputes_ratios_from_the_sums() -> None:
    jan = ind.MonthCounts(received=3, acceptance_due=2, acceptance_on_time=2, closed=1, closed_on_time=0)
    feb = ind.MonthCounts(received=5, acceptance_due=4, acceptance_on_time=1, closed=3, closed_on_time=3)
    rows_jan = {
        "category": [row("food", "食品", 2), row("_other", "其他", 1)],
        "subdistrict": [row("hushu", "湖墅", 3)],
    }
    rows_feb = {
        "category": [row("food", "食品", 1), row("beauty", "美容", 4)],
        "subdistrict": [row("hushu", "湖墅", 5)],
    }
    year = rules.aggregate(
        2025,
        [month_return(date(2025, 2, 1), feb, rows_feb), month_return(date(2025, 1, 1), jan, rows_jan)],
        90,
    )
    assert [r.month.month for r in year.returns] == [1, 2]
    assert year.totals["received"] == 8
    # 3 of 6 on time, not the mean of 100% and 25%
    assert year.totals["on_time_acceptance_rate"] == 0.5
    assert year.totals["on_time_closure_rate"] == 0.75
    assert year.monthly["received"][:3] == (3, 5, None)
    categories = year.breakdowns["category"]
    assert [(r["code"], r["count"]) for r in categories] == [("beauty", 4), ("food", 3), ("_other", 1)]
    assert categories[0]["share"] == 0.5
    assert year.breakdowns["problem_type"] == ()


def test_a_year_without_returns_has_no_data_and_no_ratios() -> None:
    year = rules.aggregate(2024, [], 90)
    assert not year.has_data
    assert year.totals["received"] == 0 and year.totals["on_time_closure_rate"] is None
    assert year.satisfaction.n == 0 and year.satisfaction.status == "no_data"


@pytest.mark.parametrize("seed", range(6))
def test_pooled_satisfaction_equals_the_interval_over_all_answers(seed: int) -> None:
    """From each month's stored mean and 95% interval (rounded to two places) the year's interval comes
    out as if computed over all the year's answers."""
    rng = random.Random(seed)
    scores = [Decimal(s) for s in ("100", "80", "60", "30", "0", "90", "70")]
    months = [
        {s: rng.randint(0, 6) for s in rng.sample(scores, rng.randint(1, 5))}
        for _ in range(rng.randint(1, 12))
    ]
    summaries = [
        ind.summarize(ind.MonthCounts(surveys_sent=20, surveys_responded=10, survey_scores=h)) for h in months
    ]
    pooled = rules.pooled_satisfaction(summaries, 90)
    combined: dict[Decimal, int] = {}
    for h in months:
        for s, c in h.items():
            combined[s] = combined.get(s, 0) + c
    exact = ind.score_summary(combined)
    assert pooled.n == exact.n
    assert pooled.sent == 20 * len(months) and pooled.response_rate == 0.5
    if exact.mean is None:
        assert pooled.mean is None
        return
    assert pooled.mean == pytest.approx(exact.mean, abs=0.02)  # the months are stored rounded
    if exact.ci_low is None:
        assert pooled.ci_low is None
        return
    assert pooled.ci_low is not None and pooled.ci_high is not None
    assert pooled.ci_low == pytest.approx(exact.ci_low, abs=0.05)
    assert pooled.ci_high == pytest.approx(exact.ci_high, abs=0.05)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("消费者欧阳保密在商场购物", ["姓名"]),
        ("联系电话 139-0000-7777", ["电话号码"]),
        ("证件号33010519900101777x", ["身份证件号码"]),
        ("邮箱 SECRET777@example.com", ["电子邮箱"]),
        ("家住保密路777号3单元", ["住址"]),
        ("消费者在拱墅区一家商场购买的电器出现质量问题", []),
        ("商家电话13900000000", []),
    ],
)
def test_personal_data_is_found_in_a_text(text: str, found: list[str]) -> None:
    assert rules.personal_data_in(text, WHO) == found


def test_a_typical_case_text_with_personal_data_is_refused_field_by_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        rules.check_typical_case("欧阳保密的投诉", "电话13900007777，已调解", WHO)
    errors = {e.field: e for e in caught.value.errors}
    assert errors["title"].code == "personal_data" and "姓名" in errors["title"].message
    assert errors["summary"].code == "personal_data" and "电话号码" in errors["summary"].message
    with pytest.raises(ValidationFailed) as caught:
        rules.check_typical_case("  ", "x" * (rules.SUMMARY_MAX + 1), WHO)
    assert {(e.field, e.code) for e in caught.value.errors} == {
        ("title", "required"),
        ("summary", "too_long"),
    }
    assert rules.check_typical_case(" 标题 ", " 摘要 ", WHO) == ("标题", "摘要")


@pytest.mark.parametrize(
    ("text", "ok"),
    [("2026", True), ("2020", True), ("2019", False), ("2027", False), ("26", False), ("", False)],
)
def test_a_report_year_is_between_the_first_counted_year_and_this_one(text: str, ok: bool) -> None:
    today = date(2026, 12, 2)
    if ok:
        assert rules.parse_year(text, today) == int(text)
    else:
        with pytest.raises(ValidationFailed):
            rules.parse_year(text, today)


def test_months_to_produce_are_the_ended_ones_since_the_first_complaint_without_a_return() -> None:
    first, last_ended = date(2025, 11, 1), date(2026, 2, 1)
    frozen = [date(2026, 1, 1)]
    assert rules.months_to_produce((2025, 2026), frozen, first, last_ended) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 2, 1),
    ]
    state = rules.month_state
    assert (
        state(date(2025, 3, 1), frozen=False, first_month=first, last_ended=last_ended) == rules.BEFORE_START
    )
    assert state(date(2026, 3, 1), frozen=False, first_month=first, last_ended=last_ended) == rules.NOT_ENDED
    assert state(date(2026, 1, 1), frozen=True, first_month=first, last_ended=last_ended) == rules.FROZEN


def test_the_period_names_the_months_with_a_return() -> None:
    def states(*months: int) -> dict[date, str]:
        return {date(2026, m, 1): rules.FROZEN for m in months}

    assert rules.period_zh(2026, states(*range(1, 13))) == "全年"
    assert rules.period_zh(2026, states(*range(1, 12))) == "1—11月"
    assert rules.period_zh(2026, states(1, 3)) == "1月、3月"
    assert rules.period_zh(2026, {}) == "（尚无月报）"
