"""Arbitration referrals, product testing and complaint clusters (DESIGN §2.5 points 2, 4 and 5).

Pure rules over plain values: what a referral, an award, a test and a cluster decision must contain,
who pays for a test, and which clusters of accepted complaints call for a (new) alert. Thresholds and
windows arrive as data (the routing policy in force).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.errors import Conflict
from domain.fields import Fields
from domain.money import parse_yuan

TEXT_MAX = 200  # an institution or a lab: a name
NOTE_MAX = 2000
MAX_FEE_FEN = 100_000_000  # one million yuan: above any test fee, below any overflow
ID_MAX = 2**63  # ids are bigint

# Who agreed to arbitrate, and how (the revised Arbitration Law, in force 2026-03-01).
AGREEMENT_KINDS: dict[str, tuple[str, str]] = {
    "published": ("经营者公开承诺的仲裁条款", "The business's published arbitration clause"),
    "written": ("书面仲裁协议（争议发生前或发生后签订）", "Written arbitration agreement"),
    "implied": (
        "默示仲裁协议（一方主张，另一方在首次开庭前未提出异议）",
        "Implied agreement (asserted by one side, not denied before the first hearing)",
    ),
}
CASE_AGREEMENT_KINDS = ("written", "implied")  # a published clause belongs to the merchant registry

AWARD_FOR: dict[str, tuple[str, str]] = {
    "consumer": ("支持消费者的请求", "For the consumer"),
    "partial": ("部分支持消费者的请求", "Partly for the consumer"),
    "merchant": ("驳回消费者的请求", "For the business"),
}

FEE_ADVANCED_BY: dict[str, tuple[str, str]] = {
    "merchant": ("经营者垫付", "Advanced by the business"),
    "consumer": ("消费者垫付", "Advanced by the consumer"),
}

AT_FAULT: dict[str, tuple[str, str]] = {
    "merchant": ("经营者责任（商品或服务存在质量问题）", "The business"),
    "consumer": ("消费者责任（非质量问题或使用不当）", "The consumer"),
    "none": ("双方均无责任或无法认定", "Neither / undetermined"),
}

# Who bears the test fee in the end: the party at fault; otherwise as the parties agree.
FEE_PAYERS: dict[str, tuple[str, str]] = {
    "merchant": ("检验费用由经营者承担", "The business pays the test fee"),
    "consumer": ("检验费用由消费者承担", "The consumer pays the test fee"),
    "as_agreed": ("检验费用由双方协商承担", "The parties agree who pays the test fee"),
}


class ClusterDecision(StrEnum):
    JOINT_COMPLAINT = "joint_complaint"
    ENFORCEMENT_REFERRAL = "enforcement_referral"
    PUBLIC_INTEREST_LITIGATION = "public_interest_litigation"
    NO_ACTION = "no_action"


# code → (name, what it means), zh first; shown next to the decision form.
CLUSTER_DECISIONS: dict[ClusterDecision, tuple[str, str, str]] = {
    ClusterDecision.JOINT_COMPLAINT: (
        "共同投诉",
        "将同一经营者、同类问题的投诉合并处理，统一约谈经营者、统一调解，避免逐件重复处理。",
        "Joint complaint",
    ),
    ClusterDecision.ENFORCEMENT_REFERRAL: (
        "移送执法（诉转案）",
        "投诉集中反映可能存在违法行为（如产品质量不合格、虚假宣传），移送执法机构核查立案。",
        "Refer for enforcement",
    ),
    ClusterDecision.PUBLIC_INTEREST_LITIGATION: (
        "支持提起公益诉讼（消法第四十七条）",
        "侵害众多消费者合法权益的，支持省消费者权益保护委员会依法向人民法院提起公益诉讼。",
        "Support public-interest litigation (CPL art. 47)",
    ),
    ClusterDecision.NO_ACTION: (
        "不采取措施",
        "经研判属个别、偶发问题，继续逐件办理；须写明理由。",
        "No action",
    ),
}

# Events whose payload carries the business's own words (recorded by whoever answers for it).
MERCHANT_POSITION_EVENTS = ("merchant_answer", "merchant_refused")
OFFER_EVENTS = ("offer_made", "offer_countered", "offer_refused")
NO_MERCHANT_POSITION = "商家尚未提交书面意见"
NO_OFFERS = "无"


class CaseworkConflict(Conflict):
    """A casework step clashes with what is recorded (already referred, no referral yet …): HTTP 409.

    `code` is stable (pages put it in a redirect); str(exc) is the Chinese message.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --- reading the fields ------------------------------------------------------------------------------


class _Fields(Fields):
    def money(self, field: str, raw: object, *, missing: str | None) -> int | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if missing:
                self.fail(field, "required", missing, "This field is required")
            return None
        if not isinstance(raw, str):
            self.fail(field, "invalid_type", '金额应写成文字，如 "300.00"', 'A decimal string, e.g. "300.00"')
            return None
        fen = parse_yuan(raw)
        if fen is None:
            self.fail(
                field,
                "invalid_amount",
                "金额格式不正确：以元为单位，最多两位小数",
                "Yuan, at most two decimals",
            )
            return None
        if fen > MAX_FEE_FEN:
            self.fail(field, "too_large", "金额过大，请核对", "Amount is implausibly large")
            return None
        return fen

    def day(self, field: str, raw: object, *, missing: str | None, not_after: date) -> date | None:
        if raw is None or raw == "":
            if missing:
                self.fail(field, "required", missing, "This field is required")
            return None
        if isinstance(raw, date):
            value = raw
        else:
            try:
                value = date.fromisoformat(str(raw))
            except ValueError:
                self.fail(field, "invalid_date", "日期格式应为 年-月-日", "Use YYYY-MM-DD")
                return None
        if value > not_after:
            self.fail(field, "in_future", "日期不能晚于今天", "Cannot be in the future")
            return None
        return value


# --- arbitration ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewAgreement:
    kind: str  # written | implied
    institution: str
    signed_on: date | None
    note: str | None


@dataclass(frozen=True, slots=True)
class ReferralInput:
    """Either an agreement already on record (the merchant's clause or one of this case) or a new one."""

    agreement_id: int | None
    new: NewAgreement | None


_NO_AGREEMENT = (
    "没有仲裁协议不能移送仲裁：请选择经营者公开的仲裁条款，或登记双方的书面或默示仲裁协议",
    "No arbitration agreement: choose the business's clause or record a written or implied agreement",
)


def referral_input(
    agreement_id: object, kind: object, institution: object, signed_on: object, note: object, *, today: date
) -> ReferralInput:
    """The regulator cannot send a case to arbitration on its own: an agreement is required."""
    f = _Fields()
    if agreement_id not in (None, ""):
        if kind not in (None, "") or institution not in (None, ""):
            f.fail(
                "agreement_id",
                "ambiguous",
                "请选择已有的仲裁协议，或登记新的协议，二者选一",
                "Choose an existing agreement or record a new one, not both",
            )
        elif (
            isinstance(agreement_id, bool)
            or not isinstance(agreement_id, int)
            or not 0 < agreement_id < ID_MAX
        ):
            f.fail("agreement_id", "invalid_type", "仲裁协议编号应为正整数", "Must be a positive integer")
        f.done()
        assert isinstance(agreement_id, int)
        return ReferralInput(agreement_id, None)
    if kind in (None, ""):
        f.fail("agreement", "required", *_NO_AGREEMENT)
        f.done()
    clean_kind = f.code("kind", kind, CASE_AGREEMENT_KINDS, missing="请选择仲裁协议的类型")
    clean_institution = f.text(
        "institution", institution, required="请填写协议约定的仲裁机构名称", max_len=TEXT_MAX
    )
    clean_signed = f.day("signed_on", signed_on, missing=None, not_after=today)
    clean_note = f.text("note", note, required=None, max_len=NOTE_MAX)
    f.done()
    assert clean_kind is not None and clean_institution is not None
    return ReferralInput(
        None,
        NewAgreement(
            clean_kind, clean_institution, clean_signed if clean_kind == "written" else None, clean_note
        ),
    )


def agreement_usable(
    agreement_kind: str,
    agreement_merchant_id: int | None,
    agreement_case_id: int | None,
    case_id: int,
    case_merchant_id: int | None,
) -> bool:
    """An agreement recorded for this case, or the clause the case's registry merchant published."""
    if agreement_case_id is not None:
        return agreement_case_id == case_id
    return (
        agreement_kind == "published"
        and case_merchant_id is not None
        and (agreement_merchant_id == case_merchant_id)
    )


@dataclass(frozen=True, slots=True)
class Award:
    award_on: date
    award_for: str
    amount_fen: int | None  # None: the request was dismissed (award for the business)


def award_input(
    award_on: object, award_for: object, amount: object, *, today: date, referred_on: date
) -> Award:
    f = _Fields()
    clean_on = f.day("award_on", award_on, missing="请填写裁决日期", not_after=today)
    if clean_on is not None and clean_on < referred_on:
        f.fail(
            "award_on",
            "before_referral",
            f"裁决日期不能早于移送日期（{referred_on.year}年{referred_on.month}月{referred_on.day}日）",
            "Cannot be before the referral",
        )
    clean_for = f.code("award_for", award_for, AWARD_FOR, missing="请选择裁决结果")
    fen: int | None = None
    if clean_for == "merchant":
        dismissed = f.money("amount", amount, missing=None)
        if dismissed:
            f.fail(
                "amount",
                "not_expected",
                "驳回消费者请求的裁决不填写金额",
                "No amount when the request was dismissed",
            )
    elif clean_for is not None:
        fen = f.money("amount", amount, missing="请填写裁决支持的金额（元）")
        if clean_for == "partial" and fen == 0:
            f.fail("amount", "zero", "部分支持的裁决金额应大于零", "A partial award is more than zero")
    f.done()
    assert clean_on is not None and clean_for is not None
    return Award(clean_on, clean_for, fen)


# --- product testing -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LabTest:
    lab: str
    fee_fen: int
    advanced_by: str
    consumer_guarantee_fen: int


def lab_test_input(lab: object, fee: object, advanced_by: object, consumer_guarantee: object) -> LabTest:
    """Fees are advanced by the business (by default) with an equal guarantee from the consumer."""
    f = _Fields()
    clean_lab = f.text("lab", lab, required="请填写检验、检测或鉴定机构", max_len=TEXT_MAX)
    fee_fen = f.money("fee", fee, missing="请填写检验费用（元），无费用填 0")
    by = f.code(
        "advanced_by", "merchant" if advanced_by in (None, "") else advanced_by, FEE_ADVANCED_BY, missing=""
    )
    guarantee = f.money("consumer_guarantee", consumer_guarantee, missing=None)
    f.done()
    assert clean_lab is not None and fee_fen is not None and by is not None
    if guarantee is None:  # default: the consumer guarantees what the business advances
        guarantee = fee_fen if by == "merchant" else 0
    return LabTest(clean_lab, fee_fen, by, guarantee)


@dataclass(frozen=True, slots=True)
class LabFinding:
    finding: str
    at_fault: str
    fee_payer: str  # merchant | consumer | as_agreed


def fee_payer(at_fault: str) -> str:
    """The party at fault pays in the end; with no one at fault, as the parties agree."""
    return at_fault if at_fault in ("merchant", "consumer") else "as_agreed"


def lab_finding_input(finding: object, at_fault: object) -> LabFinding:
    f = _Fields()
    clean_finding = f.text("finding", finding, required="请填写检验结论", max_len=NOTE_MAX)
    clean_fault = f.code("at_fault", at_fault, AT_FAULT, missing="请选择责任方")
    f.done()
    assert clean_finding is not None and clean_fault is not None
    return LabFinding(clean_finding, clean_fault, fee_payer(clean_fault))


# --- clusters ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClusterPolicy:
    threshold: int  # accepted complaints …
    window_days: int  # … within this many days, today included


def cluster_window(policy: ClusterPolicy, today: date) -> tuple[date, date]:
    """The days counted: the last `window_days` local days, ending today."""
    return today - timedelta(days=policy.window_days - 1), today


@dataclass(frozen=True, slots=True)
class ClusterCandidate:
    """Accepted complaints against one merchant in one category within the window (≥ the threshold),
    and the latest alert raised for that merchant and category, if any."""

    merchant_id: int
    category: str
    case_ids: tuple[int, ...]
    last_alert_id: int | None = None
    last_alert_case_ids: tuple[int, ...] = ()
    last_alert_open: bool = False


@dataclass(frozen=True, slots=True)
class ClusterStep:
    kind: str  # "raise": a new alert | "grow": add cases to the open alert
    candidate: ClusterCandidate
    new_case_ids: tuple[int, ...]  # the cases to tell (an event on each)


def cluster_steps(candidates: Sequence[ClusterCandidate], policy: ClusterPolicy) -> list[ClusterStep]:
    """Raise one alert per cluster. While it is open, later cases join it; after a decision, a new alert
    only when the cluster has grown (a case the decided alert did not cover)."""
    steps = []
    for c in candidates:
        if len(c.case_ids) < policy.threshold:
            continue
        known = set(c.last_alert_case_ids)
        new = tuple(i for i in c.case_ids if i not in known)
        if c.last_alert_id is None:
            steps.append(ClusterStep("raise", c, c.case_ids))
        elif not new:
            continue
        elif c.last_alert_open:
            steps.append(ClusterStep("grow", c, new))
        else:
            steps.append(ClusterStep("raise", c, c.case_ids))
    return steps


def cluster_decision_input(decision: object, note: object) -> tuple[ClusterDecision, str | None]:
    f = _Fields()
    code = f.code("decision", decision, [d.value for d in ClusterDecision], missing="请选择处置决定")
    clean_note = f.text(
        "note",
        note,
        required="决定不采取措施的，请写明理由" if code == ClusterDecision.NO_ACTION else None,
        max_len=NOTE_MAX,
    )
    f.done()
    assert code is not None
    return ClusterDecision(code), clean_note
