"""Indicator definitions (DESIGN §3): each indicator's code, names, formula in words, numerator and
denominator, unit, counting period, sort order, kind and target — the one source of them.

`disputes migrate` upserts these rows into `indicator_definitions` under `VERSION` (earlier versions stay
as their migrations wrote them, for the returns made under them); the return page, the spreadsheet and the
API read names, units and targets from here or from those rows, never retyped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from domain.acceptance import Ground

VERSION = "v2"  # the definitions below; a change of meaning is a new version (`disputes migrate` stores it)
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
