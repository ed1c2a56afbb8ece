"""How a case ends (DESIGN §2.8): outcome codes, and which of them a person may choose when closing."""

from __future__ import annotations

from domain.errors import Conflict, FieldError, ValidationFailed, one_of
from domain.money import parse_yuan
from domain.taxonomy import REQUEST_KINDS

OUTCOMES: dict[str, tuple[str, str]] = {
    "settled": ("调解成功", "Settled in mediation"),
    "paid_by_merchant": ("经营者先行赔付", "Paid by the merchant under first payment"),
    "paid_from_deposit": ("保证金先行赔付", "Paid from the guarantee deposit"),
    "award_for_consumer": ("仲裁支持消费者", "Arbitration award for the consumer"),
    "award_against_consumer": ("仲裁未支持消费者", "Arbitration award against the consumer"),
    "withdrawn": ("消费者撤回", "Withdrawn"),
    "rejected": ("不予受理", "Not accepted"),
    "terminated": ("终止调解", "Mediation terminated"),
    "referred_to_enforcement": ("转执法处理", "Referred to enforcement"),
    "duplicate": ("重复投诉", "Duplicate"),
    "spam": ("虚假或恶意投诉（不计入统计）", "Spam (excluded from statistics)"),
}
# Set by their own flows (a settlement, a termination, a rejection, marking spam), not chosen on the
# close form.
FLOW_OUTCOMES = frozenset({"settled", "terminated", "rejected", "spam"})
# Fake complaints are found before a case is routed; later a case ends by closing or terminating.
SPAM_FROM = frozenset({"received", "accepted", "rejected"})
CLOSABLE_BY_HAND = frozenset(OUTCOMES) - FLOW_OUTCOMES


def validate_close(
    outcome: object, relief_type: object, relief: object, note: object
) -> tuple[str, str | None, int | None, str | None]:
    """A manual close: an outcome, optionally the relief obtained (kind and amount), and a note."""
    errors = []
    if not one_of(outcome, CLOSABLE_BY_HAND):
        errors.append(FieldError("outcome", "unknown_code", "请选择办结结果", "Choose an outcome"))
    kind = None
    if relief_type not in (None, ""):
        if not one_of(relief_type, REQUEST_KINDS):
            errors.append(
                FieldError("relief_type", "unknown_code", "请选择实际获得的救济方式", "Unknown relief type")
            )
        else:
            kind = str(relief_type)
    fen = None
    if relief not in (None, ""):
        fen = parse_yuan(str(relief))
        if fen is None:
            errors.append(
                FieldError("relief", "invalid_amount", "金额格式不正确", "Yuan, at most two decimals")
            )
    clean_note = note.strip() if isinstance(note, str) and note.strip() else None
    if clean_note and len(clean_note) > 2000:
        errors.append(FieldError("note", "too_long", "说明不能超过2000字", "At most 2000 characters"))
    if errors:
        raise ValidationFailed(errors)
    return str(outcome), kind, fen, clean_note


def validate_spam(status: str, reason: object) -> str:
    """Marking a complaint as spam (a fake or flooding filing): it needs a reason, and the case must not
    have been routed yet. Returns the reason; raises ValidationFailed or Conflict."""
    clean = reason.strip() if isinstance(reason, str) else ""
    if not clean:
        raise ValidationFailed(
            [FieldError("reason", "required", "请填写判定为虚假或恶意投诉的理由", "Give the reason")]
        )
    if len(clean) > 2000:
        raise ValidationFailed(
            [FieldError("reason", "too_long", "理由不能超过2000字", "At most 2000 characters")]
        )
    if status not in SPAM_FROM:
        raise Conflict("案件已进入处理流程或已办结，不能再标记为虚假投诉 / the case is past acceptance")
    return clean
