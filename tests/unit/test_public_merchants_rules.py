"""消费评议's rules (domain/public_records.py): the periods published, the shares, and what a merchant's
public reply and a withholding's reason may hold. Dates here are about the calendar, so they are literal."""

from __future__ import annotations

from datetime import date

import pytest

from domain import public_records as rules
from domain.errors import ValidationFailed


@pytest.mark.parametrize(
    ("until", "months", "start"),
    [
        (date(2026, 11, 30), 12, date(2025, 12, 1)),
        (date(2026, 12, 31), 12, date(2026, 1, 1)),
        (date(2026, 2, 28), 12, date(2025, 3, 1)),
        (date(2026, 11, 15), 12, date(2025, 11, 16)),
        (date(2024, 3, 30), 1, date(2024, 2, 29)),  # 31 February does not exist: its month's last day
        (date(2026, 6, 30), 36, date(2023, 7, 1)),
    ],
)
def test_the_window_ends_with_its_last_day(until: date, months: int, start: date) -> None:
    assert rules.window_start(until, months) == start


def test_published_and_coming_periods() -> None:
    today = date(2026, 12, 2)
    assert rules.published_period(today, 12) == rules.Period(date(2025, 12, 1), date(2026, 11, 30))
    assert rules.coming_period(today, 12) == rules.Period(date(2026, 1, 1), date(2026, 12, 31))
    assert rules.published_period(date(2027, 1, 1), 12).end == date(2026, 12, 31)
    assert rules.months_back(date(2026, 1, 20), 14) == date(2024, 11, 1)


@pytest.mark.parametrize(
    ("part", "whole", "percent"), [(0, 0, None), (1, 2, 50), (2, 3, 67), (1, 3, 33), (1, 8, 13), (3, 3, 100)]
)
def test_shares_are_whole_percent_rounded_half_up(part: int, whole: int, percent: int | None) -> None:
    assert rules.share(part, whole) == percent


def test_a_business_is_named_from_the_threshold_on() -> None:
    f = rules.Figures(2, {"quality": 2}, 0, 0, 0, 0, 0)
    assert not rules.named(f, 3) and rules.named(f, 2) and not rules.named(None, 1)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("好" * (rules.REPLY_MAX + 1), "too_long"),
        ("请拨打 138 1234 5678", "personal_data"),
        ("电话0571-88886666", "personal_data"),
        ("证件号330105199001011234", "personal_data"),
        ("邮箱 shop@example.com", "personal_data"),
        ("全角号码１３８１２３４５６７８", "personal_data"),
        ("王小明反映的问题已解决", "personal_data"),  # a complainant's name
    ],
)
def test_a_reply_refused(text: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        rules.clean_reply(text, frozenset({"王小明"}))
    assert [(e.field, e.code) for e in refused.value.errors] == [("body", code)]


def test_a_reply_kept_as_plain_text() -> None:
    text = "  <b>我店</b>已于2026年11月整改，退款399.00元。\u202e  "
    assert rules.clean_reply(text, frozenset({"王"})) == "<b>我店</b>已于2026年11月整改，退款399.00元。"
    assert len(rules.clean_reply("好" * rules.REPLY_MAX)) == rules.REPLY_MAX


def test_a_reason_is_required_and_short() -> None:
    assert rules.clean_reason(" 数据有误 ") == "数据有误"
    for bad in (None, " ", "理" * (rules.REASON_MAX + 1)):
        with pytest.raises(ValidationFailed):
            rules.clean_reason(bad)
