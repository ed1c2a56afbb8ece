"""Satisfaction: a case's score, the published summary with its interval, and the form's validation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import ValidationFailed
from domain.satisfaction import (
    EQUAL_WEIGHTS,
    LEVELS,
    QUESTIONS,
    SurveyState,
    level_of,
    score,
    summary,
    t_critical,
    validate_answers,
    validate_appeal,
    validate_decision,
)

HAN = re.compile(r"[\u4e00-\u9fff]")
ALL = dict.fromkeys(QUESTIONS, "satisfied")


def answers(
    t: int | None, f: int | None, a: int | None, o: int | None, v: int | None
) -> dict[str, int | None]:
    return dict(zip(QUESTIONS, (t, f, a, o, v), strict=True))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (answers(100, 100, 100, 100, 100), 100.0),
        (answers(0, 0, 0, 0, 0), 0.0),
        (answers(100, 80, 60, 30, 0), 54.0),
        (answers(80, 80, 80, 80, 60), 76.0),
        # "don't know" is dropped, not counted as zero
        (answers(100, None, None, None, 80), 90.0),
        (answers(None, None, 30, None, None), 30.0),
        (answers(None, 60, 60, 30, 0), 37.5),
        # nothing answered: no score
        (answers(None, None, None, None, None), None),
        ({}, None),
    ],
)
def test_score_is_the_mean_of_the_answered_questions(
    given: dict[str, int | None], expected: float | None
) -> None:
    assert score(given, EQUAL_WEIGHTS) == expected


@pytest.mark.parametrize(
    ("given", "weights", "expected"),
    [
        # outcome counts double: (100 + 80 + 60 + 2·30 + 0) / 6
        (answers(100, 80, 60, 30, 0), {**EQUAL_WEIGHTS, "outcome": 2.0}, 50.0),
        # overall alone
        (answers(100, 80, 60, 30, 0), {**dict.fromkeys(QUESTIONS, 0.0), "overall": 1.0}, 0.0),
        # a weighted question answered "don't know": the others are renormalised
        (answers(100, 80, 60, None, 40 - 10), {**EQUAL_WEIGHTS, "outcome": 3.0}, 67.5),
        # only zero-weight questions answered: nothing to score
        (answers(100, None, None, None, None), {**EQUAL_WEIGHTS, "timeliness": 0.0}, None),
        # thirds round to two decimals
        (answers(100, 80, 80, None, None), EQUAL_WEIGHTS, 86.67),
    ],
)
def test_score_with_custom_weights(
    given: dict[str, int | None], weights: dict[str, float], expected: float | None
) -> None:
    assert score(given, weights) == expected


@pytest.mark.parametrize(
    "bad",
    [{"timeliness": 75}, {"speed": 100}],
)
def test_score_refuses_what_is_not_an_answer(bad: dict[str, int | None]) -> None:
    with pytest.raises(ValueError):
        score(bad, EQUAL_WEIGHTS)


def test_score_refuses_a_negative_weight() -> None:
    with pytest.raises(ValueError):
        score(answers(100, 80, 60, 30, 0), {**EQUAL_WEIGHTS, "fairness": -1.0})


def test_levels_and_labels() -> None:
    assert [LEVELS[k] for k in LEVELS] == [100, 80, 60, 30, 0, None]
    assert {level_of(p) for p in (100, 80, 60, 30, 0, None)} == set(LEVELS)
    assert all(HAN.search(zh) for zh, _ in QUESTIONS.values())


def test_one_answer_has_no_interval() -> None:
    s = summary([80.0], invited=4)
    assert (s.n, s.invited, s.response_rate, s.mean) == (1, 4, 0.25, 80.0)
    assert s.ci_low is None and s.ci_high is None


def test_no_answers_no_mean() -> None:
    s = summary([], invited=10)
    assert (s.n, s.response_rate, s.mean, s.ci_low, s.ci_high) == (0, 0.0, None, None, None)
    assert summary([], invited=0).response_rate is None


def test_six_answers_give_a_wide_interval() -> None:
    s = summary([100.0, 80.0, 100.0, 60.0, 100.0, 80.0], invited=10)
    assert (s.n, s.response_rate, s.mean) == (6, 0.6, 86.67)
    assert s.ci_low is not None and s.ci_high is not None
    # sd = 16.33, se = 6.67, t(0.975, 5) = 2.571: ±17.1
    assert s.ci_low == pytest.approx(69.53, abs=0.01)
    assert s.ci_high == 100.0  # 103.8 clamped
    assert s.ci_high - s.ci_low > 30


def test_six_hundred_answers_give_a_narrow_interval() -> None:
    scores = [100.0, 80.0, 100.0, 60.0, 100.0, 80.0] * 100
    s = summary(scores, invited=800)
    assert (s.n, s.response_rate, s.mean) == (600, 0.75, 86.67)
    assert s.ci_low is not None and s.ci_high is not None
    # sd = 14.92 (same spread), se = 0.609, 1.96: ±1.19
    assert s.ci_low == pytest.approx(85.47, abs=0.01)
    assert s.ci_high == pytest.approx(87.86, abs=0.01)
    assert s.ci_high - s.ci_low < 3


def test_the_interval_is_clamped_to_the_scale() -> None:
    s = summary([0.0, 0.0, 30.0], invited=3)
    assert s.ci_low == 0.0 and s.ci_high is not None and s.ci_high <= 100
    same = summary([100.0, 100.0], invited=2)
    assert (same.ci_low, same.ci_high) == (100.0, 100.0)


@pytest.mark.parametrize(
    ("df", "t"), [(1, 12.706), (5, 2.571), (30, 2.042), (35, 2.042), (59, 2.021), (120, 1.980), (599, 1.96)]
)
def test_t_critical_values(df: int, t: float) -> None:
    assert t_critical(df) == t


def test_more_answers_than_invitations_is_a_mistake() -> None:
    with pytest.raises(ValueError):
        summary([80.0, 60.0], invited=1)


def test_every_question_must_be_answered_and_dont_know_is_allowed() -> None:
    got = validate_answers({**ALL, "outcome": "dont_know", "comment": "  很好  "})
    assert got.points == {**dict.fromkeys(QUESTIONS, 80), "outcome": None}
    assert got.comment == "很好"
    assert validate_answers(ALL).comment is None


@pytest.mark.parametrize(
    ("form", "fields"),
    [
        ({}, list(QUESTIONS)),
        ({**ALL, "fairness": ""}, ["fairness"]),
        ({**ALL, "attitude": "great"}, ["attitude"]),
        ({**ALL, "comment": "字" * 1001}, ["comment"]),
    ],
)
def test_answer_errors_are_in_chinese_by_field(form: dict[str, object], fields: list[str]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_answers(form)
    assert [e.field for e in caught.value.errors] == fields
    assert all(HAN.search(e.message) for e in caught.value.errors)


def test_a_comment_of_exactly_the_limit_is_fine() -> None:
    assert validate_answers({**ALL, "comment": "字" * 1000}).comment == "字" * 1000


@pytest.mark.parametrize(
    ("kind", "reason", "fields"),
    [
        (None, "不满意", ["kind"]),
        ("reopen", "  ", ["reason"]),
        ("escalate", "字" * 1001, ["kind", "reason"]),
    ],
)
def test_appeal_validation(kind: object, reason: object, fields: list[str]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_appeal(kind, reason)
    assert [e.field for e in caught.value.errors] == fields


def test_a_decline_must_say_why_an_acceptance_need_not() -> None:
    assert validate_decision("accepted", None) == ("accepted", None)
    assert validate_decision("declined", " 已依法处理 ") == ("declined", "已依法处理")
    for decision, reason in (("declined", ""), ("maybe", "x")):
        with pytest.raises(ValidationFailed):
            validate_decision(decision, reason)


NOW = datetime(2026, 12, 1, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("state", "survey_open", "appeal_open"),
    [
        (SurveyState(NOW + timedelta(days=1), None, None, 0), True, False),
        (SurveyState(NOW, None, None, 0), False, False),  # expired at the instant
        (SurveyState(NOW + timedelta(days=1), NOW, 59.99, 0), False, True),
        (SurveyState(NOW + timedelta(days=1), NOW, 60.0, 0), False, False),
        (SurveyState(NOW + timedelta(days=1), NOW, None, 0), False, False),  # all "don't know"
        (SurveyState(NOW + timedelta(days=1), NOW, 30.0, 1), False, False),  # asked already
        (SurveyState(NOW - timedelta(seconds=1), NOW, 30.0, 0), False, False),
    ],
)
def test_what_the_consumer_is_offered(state: SurveyState, survey_open: bool, appeal_open: bool) -> None:
    assert (state.open(NOW), state.appeal_open(NOW)) == (survey_open, appeal_open)
