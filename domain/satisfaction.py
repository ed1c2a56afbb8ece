"""Follow-up and satisfaction (回访、满意度, DESIGN §2.8): the five questions, a case's score, and the
published figure with its response count, response rate and 95% confidence interval.

Each question is answered on five levels mapped to 100 / 80 / 60 / 30 / 0, or "don't know" (不了解),
which is dropped. A case's score is the weighted mean of the questions answered (weights are data,
versioned, default equal). A score below 60 offers the consumer a reopen or appeal request that a
supervisor must answer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.errors import Conflict, FieldError, ValidationFailed, one_of

# level code → points; None: "don't know", dropped from the score
LEVELS: dict[str, int | None] = {
    "very_satisfied": 100,
    "satisfied": 80,
    "neutral": 60,
    "dissatisfied": 30,
    "very_dissatisfied": 0,
    "dont_know": None,
}
LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "very_satisfied": ("非常满意", "Very satisfied"),
    "satisfied": ("满意", "Satisfied"),
    "neutral": ("一般", "Neutral"),
    "dissatisfied": ("不满意", "Dissatisfied"),
    "very_dissatisfied": ("非常不满意", "Very dissatisfied"),
    "dont_know": ("不了解", "Don't know"),
}
POINT_LABELS: dict[int, tuple[str, str]] = {
    points: LEVEL_LABELS[code] for code, points in LEVELS.items() if points is not None
}

QUESTIONS: dict[str, tuple[str, str]] = {
    "timeliness": ("办理及时", "Timeliness"),
    "fairness": ("处理公正", "Fairness"),
    "attitude": ("工作人员态度", "Staff attitude"),
    "outcome": ("处理结果", "Outcome"),
    "overall": ("总体评价", "Overall"),
}
EQUAL_WEIGHTS: dict[str, float] = dict.fromkeys(QUESTIONS, 1.0)

SURVEY_VALID = timedelta(days=30)  # the link, from the day the case closes
LOW_SCORE = 60  # a score below this offers a reopen or appeal request
TARGET = 90  # the district's service-quality satisfaction target (DESIGN §3)
COMMENT_MAX = 1000
REASON_MAX = 1000

APPEAL_KINDS: dict[str, tuple[str, str, str]] = {
    "reopen": ("申请重新处理", "Reopen", "希望重新调解或处理本投诉"),
    "appeal": ("申诉", "Appeal", "对处理过程或处理结果提出申诉"),
}
APPEAL_DECISIONS: dict[str, tuple[str, str, str]] = {
    "accepted": ("同意", "Accepted", "案件重新办理，状态回到“已受理”"),
    "declined": ("不同意", "Declined", "维持办结，须写明理由，消费者在投诉进度页面可以看到"),
}


class AlreadyAnswered(Conflict):
    """The survey of a case is answered once; a second answer is refused."""

    def __init__(self) -> None:
        super().__init__("您已评价过本次处理，每件投诉只能评价一次")


class SurveyClosed(Conflict):
    """No survey to answer: the link has expired, or the case has none."""

    def __init__(self) -> None:
        super().__init__("评价期限已过（办结后30日内可以评价）")


class AppealNotOpen(Conflict):
    """A reopen or appeal request is offered once, after a score below 60, while the link is valid."""

    def __init__(self, message: str = "当前不能提交申请") -> None:
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Answers:
    points: Mapping[str, int | None]  # question → 100/80/60/30/0, None for "don't know"
    comment: str | None


@dataclass(frozen=True, slots=True)
class SurveyState:
    """What decides what a consumer is offered: the survey form, then (after a low score) a request."""

    expires_at: datetime
    answered_at: datetime | None
    score: float | None
    appeals: int  # reopen or appeal requests already made for the case

    def open(self, now: datetime) -> bool:
        return self.answered_at is None and now < self.expires_at

    def appeal_open(self, now: datetime) -> bool:
        return (
            self.answered_at is not None
            and is_low(self.score)
            and self.appeals == 0
            and now < self.expires_at
        )


def is_low(score: float | None) -> bool:
    return score is not None and score < LOW_SCORE


def score(answers: Mapping[str, int | None], weights: Mapping[str, float]) -> float | None:
    """The weighted mean of the answered questions (two decimals); None when none was answered.

    "Don't know" (None) and questions missing from `answers` are dropped: the weights of the others
    are renormalised, so a "don't know" neither raises nor lowers the score.
    """
    total = 0.0
    weight_sum = 0.0
    for question, points in answers.items():
        if question not in QUESTIONS:
            raise ValueError(f"unknown question {question!r}")
        if points is None:
            continue
        if points not in POINT_LABELS:
            raise ValueError(f"{question}: {points} is not one of 100, 80, 60, 30, 0")
        weight = float(weights.get(question, 1.0))
        if weight < 0 or not math.isfinite(weight):
            raise ValueError(f"{question}: weight {weight} must be a finite number ≥ 0")
        total += weight * points
        weight_sum += weight
    if weight_sum == 0:
        return None
    return round(total / weight_sum, 2)


# Two-sided 95% critical values of Student's t, t(0.975, df). Between tabulated degrees of freedom the
# value of the next lower one is used (slightly wider, never narrower); beyond 120 the normal 1.96
# (within 1% of t).
T_975: dict[int, float] = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
    10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
    18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060,
    26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980,
}  # fmt: skip
Z_975 = 1.96


def t_critical(df: int) -> float:
    if df < 1:
        raise ValueError("at least one degree of freedom")
    if df > 120:
        return Z_975
    return T_975[max(k for k in T_975 if k <= df)]


@dataclass(frozen=True, slots=True)
class Summary:
    """A published satisfaction figure: never a mean without its n, response rate and interval."""

    n: int  # surveys answered with a score
    invited: int  # surveys sent
    response_rate: float | None  # n / invited, 0..1; None when nobody was invited
    mean: float | None  # None when n = 0
    ci_low: float | None  # 95% interval, clamped to [0, 100]; None when n < 2
    ci_high: float | None


def summary(scores: Sequence[float], invited: int) -> Summary:
    """The mean case score with a 95% confidence interval (Student's t with n − 1 degrees of freedom).

    With fewer than two answers there is no interval: one answer says nothing about the spread.
    """
    n = len(scores)
    if invited < 0 or n > invited:
        raise ValueError(f"{n} answers from {invited} invitations")
    rate = round(n / invited, 4) if invited else None
    if n == 0:
        return Summary(0, invited, rate, None, None, None)
    mean = math.fsum(scores) / n
    if n < 2:
        return Summary(n, invited, rate, round(mean, 2), None, None)
    variance = math.fsum((s - mean) ** 2 for s in scores) / (n - 1)
    half = t_critical(n - 1) * math.sqrt(variance / n)
    return Summary(
        n,
        invited,
        rate,
        round(mean, 2),
        round(max(0.0, mean - half), 2),
        round(min(100.0, mean + half), 2),
    )


def validate_answers(form: Mapping[str, object]) -> Answers:
    """Every question answered (不了解 allowed); an optional comment of at most COMMENT_MAX characters."""
    errors: list[FieldError] = []
    points: dict[str, int | None] = {}
    for question, (zh, en) in QUESTIONS.items():
        raw = form.get(question)
        if raw in (None, ""):
            errors.append(FieldError(question, "required", f"请选择对“{zh}”的评价", f"Rate: {en}"))
        elif not isinstance(raw, str) or raw not in LEVELS:
            errors.append(FieldError(question, "unknown_code", f"“{zh}”的评价无法识别，请重新选择", en))
        else:
            points[question] = LEVELS[raw]
    comment = _text(form.get("comment"))
    if comment is not None and len(comment) > COMMENT_MAX:
        errors.append(_too_long("comment", "意见建议", COMMENT_MAX))
    if errors:
        raise ValidationFailed(errors)
    return Answers(points, comment)


def _too_long(field: str, what: str, limit: int) -> FieldError:
    return FieldError(field, "too_long", f"{what}不能超过{limit}字", f"At most {limit} characters")


def validate_appeal(kind: object, reason: object) -> tuple[str, str]:
    """A reopen or appeal request: which, and why (required, at most REASON_MAX characters)."""
    errors: list[FieldError] = []
    if not one_of(kind, APPEAL_KINDS):
        errors.append(FieldError("kind", "required", "请选择申请重新处理或申诉", "Choose reopen or appeal"))
    clean = _text(reason)
    if clean is None:
        errors.append(FieldError("reason", "required", "请写明理由", "Say why"))
    elif len(clean) > REASON_MAX:
        errors.append(_too_long("reason", "理由", REASON_MAX))
    if errors:
        raise ValidationFailed(errors)
    assert clean is not None
    return str(kind), clean


def validate_decision(decision: object, reason: object) -> tuple[str, str | None]:
    """The supervisor's answer: accepted (the case reopens) or declined, which must say why."""
    errors: list[FieldError] = []
    if not one_of(decision, APPEAL_DECISIONS):
        errors.append(FieldError("decision", "required", "请选择同意或不同意", "Choose accepted or declined"))
    clean = _text(reason)
    if decision == "declined" and clean is None:
        errors.append(FieldError("reason", "required", "不同意时请写明理由（消费者可以看到）", "Say why"))
    if clean is not None and len(clean) > REASON_MAX:
        errors.append(_too_long("reason", "理由", REASON_MAX))
    if errors:
        raise ValidationFailed(errors)
    return str(decision), clean


def level_of(points: int | None) -> str:
    """The level code a stored answer came from (None reads back as 不了解)."""
    if points is None:
        return "dont_know"
    for code, value in LEVELS.items():
        if value == points:
            return code
    raise ValueError(f"{points} is not a level")


def _text(raw: object) -> str | None:
    return raw.strip() if isinstance(raw, str) and raw.strip() else None
