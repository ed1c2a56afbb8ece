"""Product testing (检验、检测、鉴定, DESIGN §2.5.4): what a test and its finding must contain, and who pays
for the test in the end. Pure rules over plain values."""

from __future__ import annotations

from dataclasses import dataclass

from domain.casework_fields import NOTE_MAX, TEXT_MAX, CaseworkFields

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


@dataclass(frozen=True, slots=True)
class LabTest:
    lab: str
    fee_fen: int
    advanced_by: str
    consumer_guarantee_fen: int


def lab_test_input(lab: object, fee: object, advanced_by: object, consumer_guarantee: object) -> LabTest:
    """Fees are advanced by the business (by default) with an equal guarantee from the consumer."""
    f = CaseworkFields()
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
    f = CaseworkFields()
    clean_finding = f.text("finding", finding, required="请填写检验结论", max_len=NOTE_MAX)
    clean_fault = f.code("at_fault", at_fault, AT_FAULT, missing="请选择责任方")
    f.done()
    assert clean_finding is not None and clean_fault is not None
    return LabFinding(clean_finding, clean_fault, fee_payer(clean_fault))
