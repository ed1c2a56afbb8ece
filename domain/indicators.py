"""Indicators and the monthly return (DESIGN §3): the definitions as data, and the arithmetic on the
aggregates the database returns — rates, a median from a histogram, the mean satisfaction score with its
95% confidence interval (Student's t for small samples), month-over-month and year-over-year deltas,
the canonical JSON and content hash of a return, and what changed between two versions of it.

Counting happens in SQL (GROUP BY over indexed columns); nothing here sees a case.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from domain.acceptance import Ground
from domain.outcomes import OUTCOMES
from domain.routing import ROUTE_LABELS, Route
from domain.taxonomy import CHANNELS, Taxonomy

VERSION = "v2"  # the definitions below; a change of meaning is a new version (and a new migration: 0022)
FIRST_MONTH = date(2020, 1, 1)  # the earliest rule set; nothing older is counted
TOP_CATEGORIES = 10
TOP_MERCHANTS = 10
MAX_RANGE_MONTHS = 24  # the indicators API and page

Number = int | float
Value = int | float | None


class Unit:
    COUNT = "件"
    RATIO = "%"
    DAYS = "日"
    YUAN = "元"  # stored as integer fen
    WAN_YUAN = "万元"  # stored as integer fen
    SCORE = "分"


P_RECEIVED = "收到投诉之日（北京时间）所在自然月；信函、转办等以登记的收到日期为准"
P_DECIDED = "作出受理或不予受理决定的时间（北京时间）所在自然月"
P_CLOSED = "办结时间（北京时间）所在自然月"
P_PAID = "实际赔付日期所在自然月"
P_DUE = "受理期限届满之日所在自然月"
P_SENT = "回访问卷发出时间（北京时间）所在自然月"


@dataclass(frozen=True, slots=True)
class Definition:
    code: str
    name_zh: str
    name_en: str
    formula: str
    numerator: str | None
    denominator: str | None
    unit: str
    period: str
    sort: int
    kind: str = "summary"  # "summary": one value a month; "table": a breakdown
    target: float | None = None


def _d(
    sort: int,
    code: str,
    name_zh: str,
    name_en: str,
    unit: str,
    period: str,
    formula: str,
    numerator: str | None = None,
    denominator: str | None = None,
    *,
    kind: str = "summary",
    target: float | None = None,
) -> Definition:
    return Definition(
        code, name_zh, name_en, formula, numerator, denominator, unit, period, sort, kind, target
    )


DEFINITIONS: tuple[Definition, ...] = (
    _d(10, "received", "投诉登记量", "Complaints received", Unit.COUNT, P_RECEIVED,
       "本月收到的投诉件数（网上登记、电话、信函、窗口、转办）；工作人员代为登记的，按登记的收到日期计入。"),
    _d(20, "decided", "作出受理决定件数", "Acceptance decisions", Unit.COUNT, P_DECIDED,
       "本月作出受理或不予受理决定的件数。"),
    _d(30, "accepted", "受理量", "Accepted", Unit.COUNT, P_DECIDED,
       "本月作出受理决定的件数。"),
    _d(40, "rejected", "不予受理量", "Not accepted", Unit.COUNT, P_DECIDED,
       "本月作出不予受理决定的件数，按《市场监督管理投诉举报处理办法》第十六条所列情形分列。"),
    _d(50, "decided_on_time", "按时作出受理决定件数", "Decisions on time", Unit.COUNT, P_DECIDED,
       "本月作出的受理决定中，决定日期（北京时间）不晚于受理期限（收到投诉之日起7个工作日）的件数。"),
    _d(53, "acceptance_due", "受理期限届满件数", "Acceptance deadlines falling due", Unit.COUNT, P_DUE,
       "受理期限（收到投诉之日起7个工作日）在本月届满的投诉件数：已作出受理或不予受理决定的，以及期限已过"
       "仍未作出决定的；期限尚未届满且尚未决定的，待决定或逾期后计入。"),
    _d(55, "acceptance_on_time", "按期作出受理决定件数", "Decided within the limit", Unit.COUNT, P_DUE,
       "受理期限在本月届满的投诉中，决定日期（北京时间）不晚于期限届满之日的件数。"),
    _d(57, "acceptance_overdue_undecided", "逾期未作受理决定件数", "Past the limit, undecided", Unit.COUNT,
       P_DUE,
       "受理期限在本月届满的投诉中，期限已过仍未作出受理或不予受理决定的件数；计为未按时，不从分母中剔除。"),
    _d(60, "on_time_acceptance_rate", "按时初查率", "On-time acceptance rate", Unit.RATIO, P_DUE,
       "按期作出受理决定件数 ÷ 受理期限届满件数。逾期后才作出决定的和期限已过仍未决定的都计为未按时；"
       "分母为0时不计算。",
       "acceptance_on_time", "acceptance_due"),
    _d(70, "reports_split", "分离举报线索数", "Reports split off", Unit.COUNT,
       "列入执法移送候选清单的时间（北京时间）所在自然月",
       "本月从投诉中分离出的涉嫌违法举报线索数（诉转案候选）。"),
    _d(80, "enforcement_conversions", "诉转案数", "Enforcement conversions", Unit.COUNT, P_CLOSED,
       "本月办结且办结结果为“转执法处理”的件数。"),
    _d(90, "closed", "办结量", "Cases closed", Unit.COUNT, P_CLOSED,
       "本月办结的件数。重新办理的案件按最近一次办结计入，重新办理期间不计为办结。"),
    _d(100, "closed_on_time", "按期办结件数", "Closed on time", Unit.COUNT, P_CLOSED,
       "本月办结的案件中，办结日期（北京时间）不晚于调解期限的件数；调解期限已顺延检验、检测、鉴定等"
       "暂停计时的期间；未设调解期限的（如先行赔付、撤回、转执法）视为按期。"),
    _d(110, "on_time_closure_rate", "按期办结率", "On-time closure rate", Unit.RATIO, P_CLOSED,
       "按期办结件数 ÷ 办结量；分母为0时不计算。", "closed_on_time", "closed"),
    _d(120, "median_handling_days", "办理天数中位数", "Median handling days", Unit.DAYS, P_CLOSED,
       "本月办结案件自收到投诉之日至办结之日（北京时间）的自然日数的中位数；件数为偶数时取中间两数的平均值。"),
    _d(130, "mediation_settled", "调解成功件数", "Settled in mediation", Unit.COUNT, P_CLOSED,
       "本月办结且办结结果为“调解成功”的件数。"),
    _d(140, "mediation_terminated", "终止调解件数", "Mediation terminated", Unit.COUNT, P_CLOSED,
       "本月办结且办结结果为“终止调解”的件数。"),
    _d(150, "mediation_success_rate", "调解成功率", "Mediation success rate", Unit.RATIO, P_CLOSED,
       "调解成功件数 ÷（调解成功件数 + 终止调解件数）；分母为0时不计算。",
       "mediation_settled", "mediation_settled + mediation_terminated"),
    _d(160, "first_payments", "先行赔付件数", "First payments", Unit.COUNT, P_PAID,
       "本月实际完成的先行赔付件数（经营者直接赔付与从质量保证金中赔付之和）。",
       "first_payments_by_merchant + first_payments_from_deposit"),
    _d(170, "first_payments_fen", "先行赔付金额", "First payments, amount", Unit.YUAN, P_PAID,
       "本月实际完成的先行赔付金额之和（实付金额）。",
       "first_payments_by_merchant_fen + first_payments_from_deposit_fen"),
    _d(180, "first_payments_by_merchant", "经营者直接赔付件数", "Paid by the merchant", Unit.COUNT, P_PAID,
       "先行赔付中由经营者直接向消费者赔付的件数。"),
    _d(190, "first_payments_by_merchant_fen", "经营者直接赔付金额", "Paid by the merchant, amount",
       Unit.YUAN, P_PAID, "先行赔付中由经营者直接赔付的实付金额之和。"),
    _d(200, "first_payments_from_deposit", "保证金赔付件数", "Paid from deposits", Unit.COUNT, P_PAID,
       "经营者拒绝或逾期未答复，从质量保证金中向消费者赔付的件数。"),
    _d(210, "first_payments_from_deposit_fen", "保证金赔付金额", "Paid from deposits, amount",
       Unit.YUAN, P_PAID, "从质量保证金中赔付的金额之和。"),
    _d(220, "arbitration_referrals", "移交仲裁件数", "Arbitration referrals", Unit.COUNT,
       "移交日期所在自然月", "本月依仲裁协议移交第三方质量争议仲裁的件数。"),
    _d(230, "arbitration_awards", "仲裁裁决件数", "Arbitration awards", Unit.COUNT, "裁决日期所在自然月",
       "本月作出仲裁裁决的件数，按裁决支持的一方分列（支持消费者、支持经营者、部分支持）。"),
    _d(240, "arbitration_awards_for_consumer", "支持消费者的裁决件数", "Awards for the consumer",
       Unit.COUNT, "裁决日期所在自然月", "本月作出的仲裁裁决中支持消费者请求的件数（不含部分支持）。"),
    _d(250, "relief_beyond_first_payment_fen", "办结救济金额（不含先行赔付）",
       "Relief at closing beyond first payments", Unit.YUAN, P_CLOSED,
       "本月办结案件登记的救济金额（退款、赔偿等）中，超出该案先行赔付实付金额的部分之和。"),
    _d(260, "recovered_fen", "挽回经济损失", "Amount recovered for consumers", Unit.WAN_YUAN,
       "先行赔付按实际赔付日期，其余按办结时间所在自然月",
       "先行赔付金额 + 办结救济金额（不含先行赔付）。同一案件的钱只计一次：先行赔付在赔付当月计入；"
       "办结时登记的救济金额只计入超出该案先行赔付实付金额的部分。仲裁裁决金额以办结时登记的救济金额计。",
       "first_payments_fen + relief_beyond_first_payment_fen"),
    _d(270, "satisfaction_sent", "回访问卷发出数", "Surveys sent", Unit.COUNT, P_SENT,
       "本月发出的满意度回访问卷数（案件办结时发出，每案一份）。重新办理后再次办结的案件沿用首次发出的"
       "问卷，不再发出第二份，也不重复计入。"),
    _d(280, "satisfaction_responded", "回访问卷回复数", "Surveys answered", Unit.COUNT, P_SENT,
       "本月发出的问卷中，截至统计时已作答的份数，含各题均选择“不了解”的答卷。每份问卷只能作答一次："
       "重新办理的案件没有第二份答卷，不计为新的回复。问卷链接有效30日，月末发出问卷的回复可能在报表"
       "生成后到达，届时重新报送会形成更正版本。"),
    _d(290, "satisfaction_response_rate", "回访回复率", "Survey response rate", Unit.RATIO, P_SENT,
       "回访问卷回复数 ÷ 回访问卷发出数；分母为0时不计算。", "satisfaction_responded", "satisfaction_sent"),
    _d(300, "satisfaction_unscored", "无评分答卷数", "Answers without a score", Unit.COUNT, P_SENT,
       "已作答的问卷中各题均选择“不了解”、因而没有评分的份数。"
       "回访问卷回复数 = 满意度样本量 + 无评分答卷数。"),
    _d(310, "satisfaction_n", "满意度样本量", "Satisfaction sample size (n)", Unit.COUNT, P_SENT,
       "本月发出的问卷中已作答且有评分的份数，即回访问卷回复数减去无评分答卷数。"),
    _d(320, "satisfaction_mean", "服务质量满意度", "Service-quality satisfaction", Unit.SCORE, P_SENT,
       "样本答卷得分的算术平均数。每份答卷的得分为各题（满意100、较满意80、一般60、较不满意30、"
       "不满意0）按权重的加权平均，选择“不了解”的题不计入。目标值90分。",
       "sum of scores", "satisfaction_n", target=90),
    _d(330, "satisfaction_ci_low", "满意度95%置信区间下限", "Satisfaction, 95% CI lower bound",
       Unit.SCORE, P_SENT,
       "平均分 − t × 标准差 ÷ √n；t 为自由度 n−1 的 t 分布双侧95%临界值（查表），标准差为样本标准差；"
       "n < 2 时不计算；结果限于0～100分。"),
    _d(340, "satisfaction_ci_high", "满意度95%置信区间上限", "Satisfaction, 95% CI upper bound",
       Unit.SCORE, P_SENT, "平均分 + t × 标准差 ÷ √n；其余同下限。"),
    _d(500, "breakdown_quality_domain", "质量领域分布", "By quality domain", Unit.COUNT, P_RECEIVED,
       "本月登记的投诉按质量领域（产品、工程、服务、环境）分列的件数及占投诉登记量的比例。",
       kind="table"),
    _d(510, "breakdown_category", "商品和服务类别（前10位）", "By category (top 10)", Unit.COUNT,
       P_RECEIVED,
       "本月登记的投诉按商品或服务类别分列，列出件数最多的10类（件数相同按类别代码排序），其余合并为“其他”。",
       kind="table"),
    _d(520, "breakdown_problem_type", "问题类型分布", "By problem type", Unit.COUNT, P_RECEIVED,
       "本月登记的投诉按问题类型分列的件数及占比。", kind="table"),
    _d(530, "breakdown_subdistrict", "街道分布", "By sub-district", Unit.COUNT, P_RECEIVED,
       "本月登记的投诉按所在街道分列的件数及占比；未填写街道的列为“未填写”。", kind="table"),
    _d(540, "breakdown_channel", "投诉渠道分布", "By channel", Unit.COUNT, P_RECEIVED,
       "本月登记的投诉按投诉渠道分列的件数及占比。", kind="table"),
    _d(550, "breakdown_route", "处理方式分布", "By route", Unit.COUNT, P_RECEIVED,
       "本月登记的投诉按统计时的处理方式（先行赔付、调解、仲裁）分列；尚未分流（含不予受理）的列为“未分流”。",
       kind="table"),
    _d(560, "breakdown_outcome", "办结结果分布", "Cases closed by outcome", Unit.COUNT, P_CLOSED,
       "本月办结的案件按办结结果分列的件数及占办结量的比例。", kind="table"),
    _d(570, "top_merchants", "被投诉较多的经营者（前10位）", "Merchants with most complaints (top 10)",
       Unit.COUNT, P_RECEIVED,
       "本月登记投诉件数最多的10个经营者（件数相同按名称排序）。已关联经营者名录的按名录归并，未关联的按"
       "统一社会信用代码归并，无代码的按名称归并。只列经营者名称和统一社会信用代码，不含个人信息。",
       kind="table"),
    _d(580, "merchant_on_time_reply_rate", "经营者按时答复率", "Merchant on-time reply rate", Unit.RATIO,
       P_RECEIVED,
       "上述经营者本月被投诉案件中的先行赔付通知：应答复数为已答复或已逾期的通知数（尚在答复期限内的不计）；"
       "按时答复数为在答复期限内直接赔付或说明拒绝理由的通知数（直接赔付的赔付日期不晚于答复期限，且未被标记为逾期）。",
       "按时答复数", "应答复数", kind="table"),
)  # fmt: skip

BY_CODE: Mapping[str, Definition] = {d.code: d for d in DEFINITIONS}
SUMMARY_CODES: tuple[str, ...] = tuple(d.code for d in DEFINITIONS if d.kind == "summary")

GROUND_SHORT: dict[int, str] = {
    Ground.NO_JURISDICTION: "不属于职责或无处理权限",
    Ground.ALREADY_HANDLED: "已由其他机构受理或处理",
    Ground.NOT_A_CONSUMER_DISPUTE: "非生活消费或无消费争议",
    Ground.TIME_BARRED: "超过三年",
    Ground.MATERIALS_MISSING_OR_FALSE: "材料不全或不实",
    Ground.IDENTITY: "冒用身份或拒绝核实身份",
    Ground.OTHER_STATUTORY: "其他法定情形",
}
AWARD_LABELS: dict[str, str] = {"consumer": "支持消费者", "merchant": "支持经营者", "partial": "部分支持"}
NONE_CODE = "_none"  # no sub-district given; no route yet
OTHER_CODE = "_other"  # categories beyond the top ten


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


# --- tables of a return -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MerchantRow:
    key: str
    name: str
    uscc: str | None
    complaints: int
    replies_due: int
    replies_on_time: int


def _rows(
    order: Sequence[tuple[str, str]], counts: Mapping[str, int], total: int, *, keep_zero: bool = True
) -> list[dict[str, Any]]:
    known = {code for code, _ in order}
    rows = [
        {
            "code": code,
            "label": label,
            "count": counts.get(code, 0),
            "share": rate(counts.get(code, 0), total),
        }
        for code, label in order
        if keep_zero or counts.get(code, 0)
    ]
    for code in sorted(c for c in counts if c not in known and counts[c]):  # a code no longer listed
        rows.append({"code": code, "label": code, "count": counts[code], "share": rate(counts[code], total)})
    return rows


def top_with_other(
    counts: Mapping[str, int], labels: Mapping[str, str], total: int, n: int = TOP_CATEGORIES
) -> list[dict[str, Any]]:
    """The n largest (ties by code), then one "其他" row for the rest."""
    ranked = sorted(((code, c) for code, c in counts.items() if c > 0), key=lambda kv: (-kv[1], kv[0]))
    rows = [
        {"rank": i + 1, "code": code, "label": labels.get(code, code), "count": c, "share": rate(c, total)}
        for i, (code, c) in enumerate(ranked[:n])
    ]
    rest = sum(c for _, c in ranked[n:])
    if rest:
        rows.append(
            {"rank": None, "code": OTHER_CODE, "label": "其他", "count": rest, "share": rate(rest, total)}
        )
    return rows


@dataclass(frozen=True, slots=True)
class MonthTables:
    """The breakdowns of complaints received in a month: dimension → code (None: not given) → count."""

    by_dimension: Mapping[str, Mapping[str | None, int]]
    merchants: Sequence[MerchantRow] = ()


def build_figures(
    month: date,
    counts: MonthCounts,
    tables: MonthTables,
    taxonomy: Taxonomy,
    comparisons: Mapping[str, Mapping[str, Any] | None],
) -> dict[str, Any]:
    """The whole return of a month as JSON-able data: what is hashed, stored and exported."""
    summary = summarize(counts)

    def dim(name: str) -> dict[str, int]:
        return {
            (code if code is not None else NONE_CODE): n
            for code, n in tables.by_dimension.get(name, {}).items()
        }

    received = counts.received
    categories = {label.code: label.zh for label in taxonomy.categories}
    kinds = {label.code: label.group for label in taxonomy.categories}
    category_rows = top_with_other(dim("category"), categories, received)
    for row in category_rows:
        row["kind"] = {"goods": "商品", "services": "服务"}.get(kinds.get(row["code"]) or "", "")
    closed = counts.closed
    awards_total = sum(counts.awards_by_party.values())
    period = {"from": month.isoformat(), "to": month_end(month).isoformat(), "timezone": "Asia/Shanghai"}
    orders: dict[str, list[tuple[str, str]]] = {
        "quality_domain": [(x.code, x.zh) for x in taxonomy.quality_domains],
        "problem_type": [(x.code, x.zh) for x in taxonomy.problem_types],
        "subdistrict": [(x.code, x.zh) for x in taxonomy.subdistricts] + [(NONE_CODE, "未填写")],
        "channel": [(code, zh) for code, (zh, _) in CHANNELS.items()],
        "route": [(r.value, ROUTE_LABELS[r][0]) for r in Route] + [(NONE_CODE, "未分流")],
    }
    breakdowns = {name: _rows(order, dim(name), received) for name, order in orders.items()}
    breakdowns["category"] = category_rows
    grounds = {str(g): n for g, n in counts.rejections_by_ground.items()}
    return {
        "month": month_key(month),
        "period": period,
        "definitions": VERSION,
        "summary": summary,
        "breakdowns": breakdowns,
        "rejections_by_ground": _rows(
            [(str(int(g)), GROUND_SHORT[g]) for g in Ground], grounds, counts.rejected
        ),
        "outcomes": _rows(
            [(code, zh) for code, (zh, _) in OUTCOMES.items()], dict(counts.outcomes), closed, keep_zero=False
        ),
        "arbitration_awards": _rows(list(AWARD_LABELS.items()), dict(counts.awards_by_party), awards_total),
        "merchants": [
            {
                "rank": i + 1,
                "code": m.key,
                "name": m.name,
                "uscc": m.uscc,
                "complaints": m.complaints,
                "replies_due": m.replies_due,
                "replies_on_time": m.replies_on_time,
                "on_time_reply_rate": rate(m.replies_on_time, m.replies_due),
            }
            for i, m in enumerate(tables.merchants)
        ],
        "comparisons": {name: _comparison(summary, base) for name, base in comparisons.items()},
    }


def _comparison(summary: Mapping[str, Value], base: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if base is None:
        return None
    return {"month": base["month"], "version": base["version"], "deltas": compare(summary, base["summary"])}


# --- snapshots --------------------------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no white space, UTF-8: the same figures always give the same bytes."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode()


def content_hash(figures: Any) -> str:
    return hashlib.sha256(canonical_json(figures)).hexdigest()


@dataclass(frozen=True, slots=True)
class Change:
    path: str  # "summary/received", "breakdowns/category/food/count"
    label: str  # in Chinese, for people
    old: Any
    new: Any

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "label": self.label, "old": self.old, "new": self.new}


SECTION_LABELS: dict[str, str] = {
    "summary": "总览",
    "breakdowns": "分布",
    "quality_domain": "质量领域",
    "category": "分类",
    "problem_type": "问题类型",
    "subdistrict": "街道",
    "channel": "渠道",
    "route": "处理方式",
    "rejections_by_ground": "不予受理情形",
    "outcomes": "办结结果",
    "arbitration_awards": "仲裁裁决",
    "merchants": "经营者",
    "comparisons": "比较",
    "mom": "环比",
    "yoy": "同比",
    "deltas": "变化",
    "period": "统计期间",
    "count": "件数",
    "share": "占比",
    "complaints": "投诉件数",
    "replies_due": "应答复数",
    "replies_on_time": "按时答复数",
    "on_time_reply_rate": "按时答复率",
    "base": "基数",
    "change": "增减",
    "relative": "增幅",
}


def diff(old: Any, new: Any) -> list[Change]:
    """What changed from one version's figures to the next. Lists of rows with a "code" are matched by
    code, so a reordered table shows the counts that changed, not every row."""
    out: list[Change] = []
    _diff(old, new, (), (), out)
    return out


def _keyed(rows: Any) -> dict[str, Any] | None:
    if isinstance(rows, list) and all(isinstance(r, dict) and "code" in r for r in rows):
        return {str(r["code"]): r for r in rows}
    return None


def _row_label(row: Any) -> str | None:
    if isinstance(row, dict):
        for key in ("label", "name"):
            if isinstance(row.get(key), str):
                return str(row[key])
    return None


def _diff(old: Any, new: Any, path: tuple[str, ...], label: tuple[str, ...], out: list[Change]) -> None:
    if old == new and type(old) is type(new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            name = BY_CODE[key].name_zh if key in BY_CODE else SECTION_LABELS.get(key, key)
            _diff(old.get(key), new.get(key), (*path, key), (*label, name), out)
        return
    old_rows, new_rows = _keyed(old), _keyed(new)
    if old_rows is not None and new_rows is not None:
        for code in sorted(set(old_rows) | set(new_rows)):
            a, b = old_rows.get(code), new_rows.get(code)
            name = _row_label(b) or _row_label(a) or code
            if a is None or b is None:
                out.append(Change("/".join((*path, code)), " · ".join((*label, name)), a, b))
            else:
                _diff(
                    {k: v for k, v in a.items() if k not in ("code", "rank")},
                    {k: v for k, v in b.items() if k not in ("code", "rank")},
                    (*path, code),
                    (*label, name),
                    out,
                )
        return
    if old == new:  # 1 and 1.0
        return
    out.append(Change("/".join(path), " · ".join(label), old, new))
