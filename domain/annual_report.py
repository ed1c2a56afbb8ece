"""The consumer-disputes chapter of the annual report (policy art. 24, DESIGN §2.9): a year's figures summed
from the frozen monthly returns (the latest version of each month, restatements included), so the report
and the returns always agree; and the check that a typical case's text names no one.

Counts and money are summed month by month; rates are recomputed from the summed numerator and
denominator (never averaged). The returns keep no median histogram, so the year has no median handling
days. Categories beyond a month's top ten are in that month's "其他" row, and so in the year's.
The year's satisfaction pools the months: the mean weighted by each month's n, the standard deviation
recovered from each month's 95% interval (half width = t·sd/√n), then the year's t-interval — equal to
the interval over all the year's answers up to the rounding of the stored figures.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain import indicators as ind
from domain.errors import FieldError, ValidationFailed

TITLE_MAX = 60
SUMMARY_MAX = 1500
TOP_ROWS = 10  # the top categories and the like in the report

# year ratios: numerator code, denominator codes (summed)
RATIOS: dict[str, tuple[str, tuple[str, ...]]] = {
    "on_time_acceptance_rate": ("acceptance_on_time", ("acceptance_due",)),
    "on_time_closure_rate": ("closed_on_time", ("closed",)),
    "mediation_success_rate": ("mediation_settled", ("mediation_settled", "mediation_terminated")),
    "satisfaction_response_rate": ("satisfaction_responded", ("satisfaction_sent",)),
}
NOT_SUMMED = frozenset(
    {*RATIOS, "median_handling_days", "satisfaction_mean", "satisfaction_ci_low", "satisfaction_ci_high"}
)
SUMMED = tuple(code for code in ind.SUMMARY_CODES if code not in NOT_SUMMED)
DIMENSIONS = ("category", "problem_type", "subdistrict", "route", "quality_domain")


def year_months(year: int) -> list[date]:
    return [date(year, m, 1) for m in range(1, 13)]


def parse_year(text: object, today: date) -> int:
    """A 'YYYY' parameter between the first counted year and this one, or a 422 naming `year`."""
    value = str(text or "").strip()
    first = ind.FIRST_MONTH.year
    if not re.fullmatch(r"[0-9]{4}", value) or not first <= int(value) <= today.year:
        raise ValidationFailed(
            [
                FieldError(
                    "year",
                    "invalid_year",
                    f"年份应为{first}至{today.year}年之间的四位数字",
                    f"A year from {first} to {today.year}",
                )
            ]
        )
    return int(value)


@dataclass(frozen=True, slots=True)
class MonthReturn:
    """The latest version of one month's frozen return: what the report is summed from."""

    month: date
    version: int
    content_hash: str
    figures: Mapping[str, Any]


# a month of the year is one of these
FROZEN, MISSING, NOT_ENDED, BEFORE_START = "frozen", "missing", "not_ended", "before_start"
MONTH_STATES = {
    FROZEN: "已报送（冻结月报）",
    MISSING: "缺少月报",
    NOT_ENDED: "月份尚未结束",
    BEFORE_START: "服务启用前，无数据",
}


def month_state(month: date, *, frozen: bool, first_month: date | None, last_ended: date) -> str:
    if frozen:
        return FROZEN
    if month > last_ended:
        return NOT_ENDED
    if first_month is None or month < first_month:
        return BEFORE_START
    return MISSING


def months_to_produce(
    years: Iterable[int], frozen: Iterable[date], first_month: date | None, last_ended: date
) -> list[date]:
    """The ended months of `years` since the first complaint that have no frozen return yet."""
    have = set(frozen)
    return [
        m
        for y in years
        for m in year_months(y)
        if month_state(m, frozen=m in have, first_month=first_month, last_ended=last_ended) == MISSING
    ]


def period_zh(year: int, states: Mapping[date, str]) -> str:
    """The months a year's figures cover, as the report says it: 全年, 1—11月, or the months one by one."""
    frozen = [m.month for m in year_months(year) if states.get(m) == FROZEN]
    if len(frozen) == 12:
        return "全年"
    if not frozen:
        return "（尚无月报）"
    if len(frozen) == frozen[-1] - frozen[0] + 1:
        return f"{frozen[0]}—{frozen[-1]}月"
    return "、".join(f"{m}月" for m in frozen)


@dataclass(frozen=True, slots=True)
class Satisfaction:
    n: int
    responded: int
    sent: int
    response_rate: float | None
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    status: str  # ind.target_status


@dataclass(frozen=True, slots=True)
class YearFigures:
    year: int
    returns: tuple[MonthReturn, ...]  # the months summed, in order
    totals: Mapping[str, ind.Value]  # summed counts and fen, recomputed ratios
    monthly: Mapping[str, tuple[ind.Value, ...]]  # summary code → its value in each of the 12 months
    breakdowns: Mapping[str, tuple[dict[str, Any], ...]]  # dimension → rows (code, label, count, share)
    satisfaction: Satisfaction

    @property
    def has_data(self) -> bool:
        return bool(self.returns)


def aggregate(year: int, returns: Sequence[MonthReturn], target: float | None) -> YearFigures:
    """The year from its months' returns (months without one count as nothing)."""
    by_month = {r.month: r for r in returns}
    ordered = tuple(by_month[m] for m in year_months(year) if m in by_month)
    summaries = [r.figures["summary"] for r in ordered]
    totals: dict[str, ind.Value] = {code: sum(int(s.get(code) or 0) for s in summaries) for code in SUMMED}
    for code, (num, dens) in RATIOS.items():
        totals[code] = ind.rate(int(totals[num] or 0), sum(int(totals[d] or 0) for d in dens))
    monthly = {
        code: tuple(
            by_month[m].figures["summary"].get(code) if m in by_month else None for m in year_months(year)
        )
        for code in ind.SUMMARY_CODES
    }
    satisfaction = pooled_satisfaction(summaries, target)
    breakdowns = {dim: _summed_rows(ordered, dim, int(totals["received"] or 0)) for dim in DIMENSIONS}
    return YearFigures(year, ordered, totals, monthly, breakdowns, satisfaction)


def _summed_rows(returns: Sequence[MonthReturn], dim: str, total: int) -> tuple[dict[str, Any], ...]:
    """A breakdown summed over the months by code; the largest first (ties by code), "其他" last."""
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    for r in returns:
        for row in r.figures["breakdowns"].get(dim, []):
            counts[row["code"]] = counts.get(row["code"], 0) + int(row["count"])
            labels[row["code"]] = row["label"]
    other = counts.pop("_other", 0)
    ranked = sorted(((c, n) for c, n in counts.items() if n > 0), key=lambda kv: (-kv[1], kv[0]))
    rows = [{"code": c, "label": labels[c], "count": n, "share": ind.rate(n, total)} for c, n in ranked]
    if other:
        rows.append({"code": "_other", "label": "其他", "count": other, "share": ind.rate(other, total)})
    return tuple(rows)


def _month_sd(n: int, mean: float, low: float | None, high: float | None) -> float:
    """A month's sample standard deviation from its stored 95% interval (clipped at 0 and 100)."""
    if n < 2 or low is None or high is None:
        return 0.0
    if high >= 100.0 and low > 0.0:
        half = mean - low
    elif low <= 0.0 and high < 100.0:
        half = high - mean
    else:
        half = (high - low) / 2
    return max(half, 0.0) * math.sqrt(n) / ind.t95(n - 1)


def pooled_satisfaction(summaries: Sequence[Mapping[str, Any]], target: float | None) -> Satisfaction:
    sent = sum(int(s.get("satisfaction_sent") or 0) for s in summaries)
    responded = sum(int(s.get("satisfaction_responded") or 0) for s in summaries)
    months = [
        (
            int(s["satisfaction_n"]),
            float(s["satisfaction_mean"]),
            s.get("satisfaction_ci_low"),
            s.get("satisfaction_ci_high"),
        )
        for s in summaries
        if s.get("satisfaction_n") and s.get("satisfaction_mean") is not None
    ]
    n = sum(m[0] for m in months)
    mean = low = high = None
    if n:
        grand = sum(k * mu for k, mu, _, _ in months) / n
        mean = round(grand, 2)
        if n >= 2:
            ss = sum(
                (k - 1) * _month_sd(k, mu, lo, hi) ** 2 + k * (mu - grand) ** 2 for k, mu, lo, hi in months
            )
            half = ind.t95(n - 1) * math.sqrt(ss / (n - 1)) / math.sqrt(n)
            low, high = round(max(0.0, grand - half), 2), round(min(100.0, grand + half), 2)
    status = ind.target_status(mean, low, high, target)
    return Satisfaction(n, responded, sent, ind.rate(responded, sent), mean, low, high, status)


# --- typical cases ------------------------------------------------------------------------------------

ADDRESS_PREFIX = re.compile(r"^(浙江省)?(杭州市)?(拱墅区)?")
DIGIT_GAPS = re.compile(r"(?<=\d)[\s\-－—]+(?=\d)")


@dataclass(frozen=True, slots=True)
class PersonalValues:
    """The consumer's own values, which a published text must not contain."""

    name: str
    phone: str
    address: str
    id_number: str | None = None
    email: str | None = None


def _plain(text: str) -> str:
    return DIGIT_GAPS.sub("", re.sub(r"\s+", "", text)).lower()


def personal_data_in(text: str, who: PersonalValues) -> list[str]:
    """Which of the consumer's values (in Chinese) the text contains: the name, the phone (spaces and
    dashes between digits ignored), the ID number, the e-mail, the address or its part below the district."""
    plain = _plain(text)
    found = []
    street = ADDRESS_PREFIX.sub("", re.sub(r"\s+", "", who.address))
    checks = (
        ("姓名", who.name if len(who.name.strip()) >= 2 else None),
        ("电话号码", re.sub(r"\D", "", who.phone) or None),
        ("身份证件号码", who.id_number),
        ("电子邮箱", who.email),
        ("住址", who.address),
        ("住址", street if len(street) >= 4 else None),
    )
    for label, value in checks:
        if value and _plain(value) in plain and label not in found:
            found.append(label)
    return found


def check_typical_case(title: str | None, summary: str | None, who: PersonalValues) -> tuple[str, str]:
    """The cleaned title and summary, or the field errors (a 422): both required, within their lengths,
    and neither may contain the consumer's personal data."""
    clean_title, clean_summary = (title or "").strip(), (summary or "").strip()
    errors = []
    for field, value, limit, name in (
        ("title", clean_title, TITLE_MAX, "标题"),
        ("summary", clean_summary, SUMMARY_MAX, "案例摘要"),
    ):
        if not value:
            errors.append(FieldError(field, "required", f"请填写{name}", "Required"))
        elif len(value) > limit:
            errors.append(
                FieldError(field, "too_long", f"{name}不能超过{limit}字", f"At most {limit} characters")
            )
        elif found := personal_data_in(value, who):
            errors.append(
                FieldError(
                    field,
                    "personal_data",
                    f"{name}含有消费者的{'、'.join(found)}，请去除后再保存（典型案例须脱敏）",
                    "Contains the consumer's personal data; remove it",
                )
            )
    if errors:
        raise ValidationFailed(errors)
    return clean_title, clean_summary
