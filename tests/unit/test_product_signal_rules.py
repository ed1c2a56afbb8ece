"""Product risk signals, the pure rules: what counts as the same product, when the thresholds are met
(distinct merchants, complaints, the window), when a signal is raised, grown or raised again, and what a
decision must contain. The thresholds are the disclosure policy's (data), here its defaults: 2 merchants,
3 complaints, 90 days."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from domain.disclosure import DEFAULT_POLICY
from domain.errors import ValidationFailed
from domain.intake import ProductRef
from domain.product_risk import (
    ProductCandidate,
    ProductCase,
    SignalAction,
    counted_cases,
    plain,
    product_key,
    signal_decision_input,
    signal_steps,
    signal_window,
)

TODAY = date(2026, 11, 30)  # a test about the rule on given days: the day is passed in
KEY = "midea|kfr35gw"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Midea", "KFR-35GW"), ("midea", "kfr 35gw")),
        (("Midea", "KFR-35GW"), ("ＭＩＤＥＡ", "ＫＦＲ－３５ＧＷ")),  # full width
        (("美的", "KFR-35GW/BpXXA"), (" 美的 ", "kfr35gw bpxxa")),
        (("Apple", "iPhone 15 Pro"), ("APPLE", "iphone15pro")),
        (("苏泊尔", "SW-17S57A"), ("苏泊尔", "SW·17S57A")),  # a middle dot is a separator
    ],
)
def test_the_same_product_whatever_its_case_width_and_separators(
    a: tuple[str, str], b: tuple[str, str]
) -> None:
    assert product_key(*a) == product_key(*b) is not None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Midea", "KFR-35GW"), ("Midea", "KFR-26GW")),
        (("Midea", "KFR-35GW"), ("Gree", "KFR-35GW")),
        (("美的", "KFR-35GW"), ("Midea", "KFR-35GW")),  # aliases are not guessed
    ],
)
def test_other_products_are_not_the_same(a: tuple[str, str], b: tuple[str, str]) -> None:
    assert product_key(*a) != product_key(*b)


@pytest.mark.parametrize(
    ("brand", "model"), [(None, "KFR-35GW"), ("Midea", None), ("Midea", " - "), ("", ""), (None, None)]
)
def test_brand_and_model_are_both_needed(brand: str | None, model: str | None) -> None:
    assert product_key(brand, model) is None
    assert ProductRef(brand=brand, model=model, batch="20260315").key is None


def test_plain_keeps_letters_digits_and_chinese() -> None:
    assert plain("Ｋ-35 Ｇ/W（美的）") == "k35gw美的"


def case(
    case_id: int, merchant: int, days_ago: int = 1, category: str = "household_appliances"
) -> ProductCase:
    return ProductCase(case_id, f"id:{merchant}", TODAY - timedelta(days=days_ago), category)


@pytest.mark.parametrize(
    ("cases", "signalled"),
    [
        ((case(1, 10), case(2, 20)), False),  # N - 1 complaints
        ((case(1, 10), case(2, 20), case(3, 20)), True),  # N complaints, 2 merchants
        ((case(1, 10), case(2, 10), case(3, 10), case(4, 10)), False),  # one merchant, repeated
        ((case(1, 10), case(2, 20), case(3, 20, days_ago=90)), False),  # the third is outside the window
        ((case(1, 10), case(2, 20), case(3, 20, days_ago=89)), True),  # the window's first day counts
        ((case(1, 10, days_ago=120), case(2, 20), case(3, 20), case(4, 20)), False),  # merchant 10 too old
    ],
)
def test_the_thresholds(cases: tuple[ProductCase, ...], signalled: bool) -> None:
    assert (counted_cases(cases, DEFAULT_POLICY, TODAY) is not None) == signalled


def test_the_window_and_thresholds_are_the_policy_s() -> None:
    policy = dataclasses.replace(
        DEFAULT_POLICY, product_signal_merchants=3, product_signal_complaints=3, product_signal_window_days=30
    )
    assert signal_window(policy, TODAY) == (TODAY - timedelta(days=29), TODAY)
    three = (case(1, 10), case(2, 20), case(3, 30))
    assert counted_cases(three, policy, TODAY) is not None
    assert counted_cases((*three[:2], case(3, 20)), policy, TODAY) is None  # two merchants of three
    assert counted_cases((*three[:2], case(3, 30, days_ago=30)), policy, TODAY) is None


def test_one_signal_then_it_grows_then_a_new_one_only_after_a_decision_and_growth() -> None:
    three = (case(1, 10), case(2, 20), case(3, 20))
    (step,) = signal_steps([ProductCandidate(KEY, three)], DEFAULT_POLICY, TODAY)
    assert (step.kind, step.new_case_ids, step.merchants) == ("raise", (1, 2, 3), ("id:10", "id:20"))
    assert step.category == "household_appliances"

    open_signal = {"last_signal_id": 7, "last_signal_case_ids": (1, 2, 3), "last_signal_open": True}
    assert signal_steps([ProductCandidate(KEY, three, **open_signal)], DEFAULT_POLICY, TODAY) == []
    four = (*three, case(4, 30))
    (grown,) = signal_steps([ProductCandidate(KEY, four, **open_signal)], DEFAULT_POLICY, TODAY)
    assert (grown.kind, grown.new_case_ids, grown.merchants) == ("grow", (4,), ("id:10", "id:20", "id:30"))

    decided = {**open_signal, "last_signal_open": False}
    assert signal_steps([ProductCandidate(KEY, three, **decided)], DEFAULT_POLICY, TODAY) == []
    (again,) = signal_steps([ProductCandidate(KEY, four, **decided)], DEFAULT_POLICY, TODAY)
    assert (again.kind, again.new_case_ids) == ("raise", (1, 2, 3, 4))


def test_the_category_is_the_most_frequent() -> None:
    cases = (case(1, 10, category="food"), case(2, 20), case(3, 30, category="food"))
    (step,) = signal_steps([ProductCandidate(KEY, cases)], DEFAULT_POLICY, TODAY)
    assert step.category == "food"


@pytest.mark.parametrize(
    ("decision", "note", "field", "code"),
    [
        (None, None, "decision", "required"),
        ("recall", None, "decision", "unknown_code"),
        ("dismissed", None, "note", "required"),
        ("dismissed", "   ", "note", "required"),
        ("spot_check", "x" * 2001, "note", "too_long"),
    ],
)
def test_a_decision_needs_an_action_and_a_dismissal_a_reason(
    decision: str | None, note: str | None, field: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        signal_decision_input(decision, note)
    assert [(e.field, e.code) for e in exc.value.errors] == [(field, code)]
    assert all(e.message for e in exc.value.errors)


def test_a_decision_read() -> None:
    assert signal_decision_input("spot_check", None) == (SignalAction.SPOT_CHECK, None)
    assert signal_decision_input("dismissed", " 使用不当 ") == (SignalAction.DISMISSED, "使用不当")
