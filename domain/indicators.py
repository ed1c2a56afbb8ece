"""Indicators and the monthly return (DESIGN §3): the arithmetic on the aggregates the database returns —
rates, a median from a histogram, the mean satisfaction score with its 95% confidence interval (Student's
t for small samples), month-over-month and year-over-year deltas.

The definitions are data in `domain.indicator_definitions` and the snapshot's hash and diff in
`domain.return_snapshots` (both re-exported here, the module the service imports as `ind`); a month's
figures are built in `domain.return_figures`. Counting
happens in SQL (GROUP BY over indexed columns); nothing here sees a case.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

# re-exported: the service reads definitions and arithmetic alike as `ind.X`
from domain.indicator_definitions import BY_CODE as BY_CODE
from domain.indicator_definitions import DEFINITIONS as DEFINITIONS
from domain.indicator_definitions import FIRST_MONTH as FIRST_MONTH
from domain.indicator_definitions import MAX_RANGE_MONTHS as MAX_RANGE_MONTHS
from domain.indicator_definitions import SUMMARY_CODES as SUMMARY_CODES
from domain.indicator_definitions import TOP_CATEGORIES as TOP_CATEGORIES
from domain.indicator_definitions import TOP_MERCHANTS as TOP_MERCHANTS
from domain.indicator_definitions import VERSION as VERSION
from domain.indicator_definitions import Definition as Definition
from domain.indicator_definitions import Number as Number
from domain.indicator_definitions import Unit as Unit
from domain.indicator_definitions import Value as Value
from domain.return_snapshots import canonical_json as canonical_json
from domain.return_snapshots import content_hash as content_hash
from domain.return_snapshots import diff as diff

# --- months -----------------------------------------------------------------------------------------


def parse_month(text: str) -> date:
    """'2026-05' → date(2026, 5, 1); ValueError for anything else."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
        raise ValueError(f"not a month of the form YYYY-MM: {text!r}")
    return date(int(text[:4]), int(text[5:]), 1)


def month_key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Month starts from `first` to `last`, both included."""
    out = []
    m = date(first.year, first.month, 1)
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def month_end(month: date) -> date:
    return date.fromordinal(add_months(month, 1).toordinal() - 1)


def previous_month(today: date) -> date:
    """The last complete month on a local date."""
    return add_months(date(today.year, today.month, 1), -1)


def is_return_due(local_day: date, local_hour: int) -> bool:
    """The scheduled return of last month is due from 02:00 on the 1st (local time) onwards."""
    return local_day.day > 1 or local_hour >= 2


# --- arithmetic -------------------------------------------------------------------------------------


def _round(value: Fraction | Decimal | float, places: int) -> float:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP))


def rate(numerator: int, denominator: int) -> float | None:
    """A ratio in [0, 1] to four places (85.71% is 0.8571); None when the denominator is 0."""
    if denominator <= 0:
        return None
    return _round(Fraction(numerator, denominator), 4)


def median(histogram: Mapping[int, int] | Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, count) pairs; the mean of the middle two for an even count."""
    pairs = sorted(histogram.items() if isinstance(histogram, Mapping) else histogram)
    pairs = [(v, c) for v, c in pairs if c > 0]
    n = sum(c for _, c in pairs)
    if n == 0:
        return None
    lower_rank, upper_rank = (n - 1) // 2, n // 2  # zero-based ranks of the middle value(s)
    lower = upper = None
    seen = 0
    for value, count in pairs:
        if lower is None and lower_rank < seen + count:
            lower = value
        if upper_rank < seen + count:
            upper = value
            break
        seen += count
    assert lower is not None and upper is not None
    return _round(Fraction(lower + upper, 2), 1)


# Two-sided 95% critical values of Student's t by degrees of freedom; between rows the smaller df is used
# (the wider interval), and 1.960 only in the limit.
T95: tuple[tuple[int, float], ...] = (
    (1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (5, 2.571), (6, 2.447), (7, 2.365), (8, 2.306),
    (9, 2.262), (10, 2.228), (11, 2.201), (12, 2.179), (13, 2.160), (14, 2.145), (15, 2.131),
    (16, 2.120), (17, 2.110), (18, 2.101), (19, 2.093), (20, 2.086), (21, 2.080), (22, 2.074),
    (23, 2.069), (24, 2.064), (25, 2.060), (26, 2.056), (27, 2.052), (28, 2.048), (29, 2.045),
    (30, 2.042), (40, 2.021), (50, 2.009), (60, 2.000), (80, 1.990), (100, 1.984), (120, 1.980),
    (200, 1.972), (500, 1.965), (1000, 1.962), (10000, 1.960),
)  # fmt: skip


def t95(df: int) -> float:
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    best = T95[0][1]
    for d, t in T95:
        if d > df:
            break
        best = t
    return best


@dataclass(frozen=True, slots=True)
class ScoreSummary:
    n: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None


def score_summary(histogram: Mapping[Decimal, int] | Iterable[tuple[Decimal, int]]) -> ScoreSummary:
    """Mean, sample standard deviation and 95% t-interval (clipped to 0–100) of scores given as
    (score, count) pairs; exact arithmetic, rounded to two places at the end."""
    pairs = [
        (Fraction(s), c)
        for s, c in (histogram.items() if isinstance(histogram, Mapping) else histogram)
        if s is not None and c > 0
    ]
    n = sum(c for _, c in pairs)
    if n == 0:
        return ScoreSummary(0, None, None, None, None)
    mean = sum((s * c for s, c in pairs), Fraction(0)) / n
    if n < 2:
        return ScoreSummary(n, _round(mean, 2), None, None, None)
    variance = sum(((s - mean) ** 2 * c for s, c in pairs), Fraction(0)) / (n - 1)
    sd = math.sqrt(variance)
    half = t95(n - 1) * sd / math.sqrt(n)
    mean_f = float(mean)
    return ScoreSummary(
        n,
        _round(mean, 2),
        _round(sd, 2),
        _round(max(0.0, mean_f - half), 2),
        _round(min(100.0, mean_f + half), 2),
    )


TARGET_STATUS: dict[str, str] = {
    "no_data": "本月没有评分答卷",
    "above": "达到目标：95%置信区间整体不低于目标值",
    "below": "未达目标：95%置信区间整体低于目标值",
    "uncertain": "样本不足以判断：95%置信区间包含目标值",
}


def target_status(
    mean: float | None, ci_low: float | None, ci_high: float | None, target: float | None
) -> str:
    if mean is None or target is None:
        return "no_data"
    if ci_low is None or ci_high is None:
        return "uncertain"
    if ci_low >= target:
        return "above"
    if ci_high < target:
        return "below"
    return "uncertain"


# --- one month's figures ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthCounts:
    """The aggregates of one local month, as the statistics queries return them."""

    received: int = 0
    decided: int = 0
    decided_on_time: int = 0
    acceptance_due: int = 0  # deadlines that fell in the month: decided, or undecided and past
    acceptance_on_time: int = 0
    acceptance_overdue_undecided: int = 0
    accepted: int = 0
    rejected: int = 0
    rejections_by_ground: Mapping[int, int] = field(default_factory=dict)
    reports_split: int = 0
    closed: int = 0
    closed_on_time: int = 0
    outcomes: Mapping[str, int] = field(default_factory=dict)
    handling_days: Mapping[int, int] = field(default_factory=dict)  # calendar days → cases
    relief_beyond_first_payment_fen: int = 0
    first_payments_by_merchant: int = 0
    first_payments_by_merchant_fen: int = 0
    first_payments_from_deposit: int = 0
    first_payments_from_deposit_fen: int = 0
    arbitration_referrals: int = 0
    awards_by_party: Mapping[str, int] = field(default_factory=dict)
    surveys_sent: int = 0  # the surveys sent in the month (one a case), and of them:
    surveys_responded: int = 0  # answered, with or without a score
    survey_scores: Mapping[Decimal, int] = field(default_factory=dict)  # score → answers (no NULLs)


def summarize(c: MonthCounts) -> dict[str, Value]:
    """Every summary indicator of a month, keyed by definition code (money in fen, ratios in [0, 1])."""
    settled = c.outcomes.get("settled", 0)
    terminated = c.outcomes.get("terminated", 0)
    fp_count = c.first_payments_by_merchant + c.first_payments_from_deposit
    fp_fen = c.first_payments_by_merchant_fen + c.first_payments_from_deposit_fen
    scores = score_summary(c.survey_scores)
    values: dict[str, Value] = {
        "received": c.received,
        "decided": c.decided,
        "accepted": c.accepted,
        "rejected": c.rejected,
        "decided_on_time": c.decided_on_time,
        "acceptance_due": c.acceptance_due,
        "acceptance_on_time": c.acceptance_on_time,
        "acceptance_overdue_undecided": c.acceptance_overdue_undecided,
        "on_time_acceptance_rate": rate(c.acceptance_on_time, c.acceptance_due),
        "reports_split": c.reports_split,
        "enforcement_conversions": c.outcomes.get("referred_to_enforcement", 0),
        "closed": c.closed,
        "closed_on_time": c.closed_on_time,
        "on_time_closure_rate": rate(c.closed_on_time, c.closed),
        "median_handling_days": median(c.handling_days),
        "mediation_settled": settled,
        "mediation_terminated": terminated,
        "mediation_success_rate": rate(settled, settled + terminated),
        "first_payments": fp_count,
        "first_payments_fen": fp_fen,
        "first_payments_by_merchant": c.first_payments_by_merchant,
        "first_payments_by_merchant_fen": c.first_payments_by_merchant_fen,
        "first_payments_from_deposit": c.first_payments_from_deposit,
        "first_payments_from_deposit_fen": c.first_payments_from_deposit_fen,
        "arbitration_referrals": c.arbitration_referrals,
        "arbitration_awards": sum(c.awards_by_party.values()),
        "arbitration_awards_for_consumer": c.awards_by_party.get("consumer", 0),
        "relief_beyond_first_payment_fen": c.relief_beyond_first_payment_fen,
        "recovered_fen": fp_fen + c.relief_beyond_first_payment_fen,
        "satisfaction_sent": c.surveys_sent,
        "satisfaction_responded": c.surveys_responded,
        "satisfaction_response_rate": rate(c.surveys_responded, c.surveys_sent),
        "satisfaction_unscored": c.surveys_responded - scores.n,
        "satisfaction_n": scores.n,
        "satisfaction_mean": scores.mean,
        "satisfaction_ci_low": scores.ci_low,
        "satisfaction_ci_high": scores.ci_high,
    }
    assert tuple(values) == SUMMARY_CODES, "summary and definitions disagree"
    return values


# --- deltas -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Delta:
    base: Value
    change: Value  # ratios: in ratio points (0.05 = 5 percentage points)
    relative: float | None  # change ÷ base; None for ratios (their change is in points) and a zero base

    def as_json(self) -> dict[str, Value]:
        return {"base": self.base, "change": self.change, "relative": self.relative}


def delta(current: Value, base: Value, unit: str) -> Delta | None:
    """current against base; None when either is missing."""
    if current is None or base is None:
        return None
    if unit == Unit.RATIO:
        return Delta(base, _round(Decimal(str(current)) - Decimal(str(base)), 4), None)
    if isinstance(current, int) and isinstance(base, int):
        change: Number = current - base
    else:
        change = _round(Decimal(str(current)) - Decimal(str(base)), 2)
    relative = _round(Fraction(Decimal(str(change))) / Fraction(Decimal(str(base))), 4) if base else None
    return Delta(base, change, relative)


def compare(current: Mapping[str, Value], base: Mapping[str, Any]) -> dict[str, dict[str, Value]]:
    """The deltas of every summary indicator present in both months."""
    out: dict[str, dict[str, Value]] = {}
    for code in SUMMARY_CODES:
        d = delta(current.get(code), base.get(code), BY_CODE[code].unit)
        if d is not None:
            out[code] = d.as_json()
    return out
