"""Tracking numbers, access codes, and what a consumer may see of their case."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

# No look-alikes: 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V are left out.
ACCESS_CODE_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
ACCESS_CODE_LENGTH = 8
TRACKING_RE = re.compile(r"^GS(\d{8})-(\d{6,})$")


def format_tracking_no(received_on: date, sequence: int) -> str:
    """GS + local date + the day's sequence: GS20261126-000123."""
    return f"GS{received_on:%Y%m%d}-{sequence:06d}"


def normalize_tracking_no(raw: str) -> str | None:
    text = raw.strip().upper().replace(" ", "")
    return text if TRACKING_RE.match(text) else None


def new_access_code(choice: Callable[[str], str]) -> str:
    """`choice` is secrets.choice at run time (the domain reads no randomness itself)."""
    return "".join(choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def normalize_access_code(raw: str) -> str:
    return raw.strip().upper().replace(" ", "").replace("-", "")


STATUS_LABELS: dict[str, tuple[str, str]] = {
    "received": ("已登记，等待受理审查", "Registered, awaiting the acceptance decision"),
    "accepted": ("已受理", "Accepted"),
    "merchant_to_confirm": ("已受理，正在核实被投诉的经营者", "Accepted; confirming the business"),
    "rejected": ("不予受理", "Not accepted"),
    "first_payment": ("先行赔付处理中", "First-payment compensation in progress"),
    "mediation": ("调解中", "In mediation"),
    "arbitration": ("已转第三方质量争议仲裁", "Referred to third-party quality arbitration"),
    "closed": ("已办结", "Closed"),
}

# Events a consumer sees on the tracking page, with plain-language labels; others are staff-only.
PUBLIC_EVENTS: dict[str, tuple[str, str]] = {
    "registered": ("投诉已登记", "Complaint registered"),
    "evidence_added": ("已补充证据材料", "Evidence added"),
    "routing_pending": ("已进入处理流程，等待受理审查和分流", "Queued for review and routing"),
    "deadline_recomputed": (
        "办理期限已按公布的节假日安排更新",
        "Deadline updated to the published holiday schedule",
    ),
    "accepted": ("已受理", "Accepted"),
    "rejected": ("不予受理", "Not accepted"),
    "paused": ("办理期限暂停计算（如商品检验检测）", "Clock paused (e.g. product testing)"),
    "resumed": ("办理期限恢复计算", "Clock restarted"),
    "routed": ("已确定处理方式", "Route decided"),
    "route_overridden": ("处理方式已调整", "Route changed"),
    "rerouted": ("核实经营者后重新确定处理方式", "Route decided again after the business was corrected"),
    "first_payment_opened": ("已启动先行赔付程序", "First payment started"),
    "merchant_paid": ("商家已向您赔付", "The merchant paid you"),
    "merchant_refused": ("商家拒绝先行赔付", "The merchant refused first payment"),
    "merchant_deadline_missed": ("商家逾期未答复", "The merchant missed its deadline"),
    "deposit_payout": ("已从质量保证金中向您先行赔付", "You were paid from the guarantee deposit"),
    "testing_started": ("商品送检，办理期限暂停计算", "Product testing: the clock is paused"),
    "testing_finished": ("检验检测结果已出", "Testing finished"),
    "arbitration_referred": ("已移送仲裁机构", "Referred to the arbitration institution"),
    "arbitration_award": ("仲裁机构已作出裁决", "The arbitration award was made"),
    "offer_made": ("提出调解方案", "A settlement offer was made"),
    "offer_countered": ("提出新的调解方案（反方案）", "A counter-offer was made"),
    "offer_accepted": ("调解方案已被接受", "The offer was accepted"),
    "offer_refused": ("调解方案被拒绝", "The offer was refused"),
    "offer_expired": ("调解方案已过答复期限", "The offer expired"),
    "offer_withdrawn": ("调解方案已撤回", "The offer was withdrawn"),
    "settlement_issued": ("调解书已出具，请确认", "The settlement was issued for confirmation"),
    "settlement_confirmed": ("当事人已确认调解书", "A party confirmed the settlement"),
    "settlement_made": ("双方确认调解书，调解协议生效", "Both parties confirmed: in effect"),
    "settlement_performed": ("调解协议已履行", "The settlement was performed"),
    "settlement_not_performed": ("经营者未按期履行调解协议", "The settlement was not performed in time"),
    "terminated": ("调解终止", "Mediation terminated"),
    "termination_notice_sent": ("终止调解告知书已送达", "Termination notice delivered"),
    "recusal_requested": ("当事人申请调解员回避，办理期限暂停计算", "Recusal requested; the clock is paused"),
    "recusal_decided": ("回避申请已作出决定，办理期限恢复计算", "Recusal decided; the clock restarts"),
    "session_held": ("组织调解", "Mediation session held"),
    "survey_answered": ("您已评价本次处理", "You rated the handling"),
    "appeal_requested": ("已提交重新处理或申诉申请", "Reopen or appeal requested"),
    "reopened": ("案件重新办理", "Case reopened"),
    "appeal_declined": ("申请未获同意", "Request declined"),
    "closed": ("已办结", "Closed"),
}

# Every event kind, for staff (who see the whole history).
EVENT_LABELS: dict[str, tuple[str, str]] = {
    **PUBLIC_EVENTS,
    "registered": ("登记投诉", "Complaint registered"),
    "report_split": ("举报线索已分离，转执法部门", "Report split off for enforcement"),
    "routing_pending": ("等待分流", "Awaiting routing"),
    "acceptance_overdue": ("受理期限已过，尚未决定", "Acceptance deadline passed undecided"),
    "deadline_recomputed": (
        "期限已按公布的节假日安排重新计算",
        "Deadline recomputed with the published calendar",
    ),
    "paused": ("暂停计时", "Clock paused"),
    "resumed": ("恢复计时", "Clock restarted"),
    "merchant_linked": ("已关联商家档案", "Linked to the merchant registry"),
    "merchant_paid": ("商家已向消费者赔付", "The merchant paid the consumer"),
    "deposit_payout": ("已从质量保证金中向消费者先行赔付", "The consumer was paid from the deposit"),
    "merchant_to_confirm": ("商家档案待确认（登记库中有相近的商家）", "Merchant to confirm among candidates"),
    "merchant_relinked": ("更换关联的商家档案", "Re-linked to another registry merchant"),
    "merchant_merged": ("重复的商家档案已合并", "Duplicate merchant merged"),
    "merchant_link_issued": ("已生成商家答复链接", "Merchant link issued"),
    "recourse_opened": ("已向商家追偿，通知补足保证金", "Recourse opened; deposit top-up due"),
    "deposit_recovered": ("商家已补足保证金", "The merchant refilled its deposit"),
    "topup_overdue": ("商家逾期未补足保证金", "Deposit top-up overdue"),
    "cluster_alert": ("群体性投诉提醒", "Cluster alert"),
    "cluster_decided": ("群体投诉处置决定", "Cluster decision"),
    "contact_logged": ("联系当事人", "Party contacted"),
    "queued": ("进入调解组队列", "Entered a team queue"),
    "claimed": ("调解员领取案件", "Claimed by a mediator"),
    "released": ("调解员退回案件", "Released by the mediator"),
    "reassigned": ("科长改派调解员", "Reassigned by a supervisor"),
    "session_held": ("组织调解会", "Mediation session held"),
    "offer_made": ("登记调解方案", "Offer recorded"),
    "settlement_drafted": ("方案已被接受，调解书草稿待调解员审核", "Offer accepted; draft awaits review"),
    "recusal_requested": ("当事人申请回避，暂停计时", "Recusal requested; clock paused"),
    "recusal_decided": ("回避申请决定，恢复计时", "Recusal decided; clock restarted"),
    "mediation_due_soon": ("调解期限将至，已提醒承办人", "Mediation deadline near; mediator reminded"),
    "mediation_overdue_escalated": ("调解超期，已报科长督办", "Mediation overdue; escalated"),
    "notification_failed": ("通知发送失败", "Notice failed"),
    "survey_answered": ("消费者回访评价", "Satisfaction survey answered"),
    "appeal_requested": ("消费者申请重新处理或申诉", "Reopen or appeal requested"),
    "reopened": ("案件重新办理", "Case reopened"),
    "appeal_declined": ("不同意申请（已说明理由）", "Request declined"),
    "marked_spam": ("标记为虚假或恶意投诉，不计入统计", "Marked as spam; excluded from statistics"),
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, (status, status))[0]
