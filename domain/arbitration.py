"""Arbitration referrals (DESIGN §2.5 point 2): only under an agreement; what a referral and an award must
contain, and the wording of the referral bundle. Pure rules over plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.casework_fields import ID_MAX, NOTE_MAX, TEXT_MAX, CaseworkFields
from domain.events import EventKind

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

# Events whose payload carries the business's own words (recorded by whoever answers for it).
MERCHANT_POSITION_EVENTS = ("merchant_answer", EventKind.MERCHANT_REFUSED)
OFFER_EVENTS = (EventKind.OFFER_MADE, EventKind.OFFER_COUNTERED, EventKind.OFFER_REFUSED)
NO_MERCHANT_POSITION = "商家尚未提交书面意见"
NO_OFFERS = "无"


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
    f = CaseworkFields()
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
    f = CaseworkFields()
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
