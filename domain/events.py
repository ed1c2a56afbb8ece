"""Every kind of case event, once: who may see it (the consumer on the tracking page, or staff only), its
labels in Chinese and English, and the confirmation staff read after the action that wrote it.

A new kind is one member of EventKind and one REGISTRY entry; tests/unit/test_event_registry.py fails on
a kind written anywhere without its entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Kind:
    staff: tuple[str, str]  # (zh, en): the label in the staff history
    public: tuple[str, str] | None = None  # the consumer's plain-language label; None: staff only
    confirmation: str | None = None  # shown to staff after their action wrote this event (zh)


class EventKind(StrEnum):
    REGISTERED = "registered"
    EVIDENCE_ADDED = "evidence_added"
    ROUTING_PENDING = "routing_pending"
    DEADLINE_RECOMPUTED = "deadline_recomputed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PAUSED = "paused"
    RESUMED = "resumed"
    ROUTED = "routed"
    ROUTE_OVERRIDDEN = "route_overridden"
    REROUTED = "rerouted"
    FIRST_PAYMENT_OPENED = "first_payment_opened"
    MERCHANT_PAID = "merchant_paid"
    MERCHANT_REFUSED = "merchant_refused"
    MERCHANT_DEADLINE_MISSED = "merchant_deadline_missed"
    DEPOSIT_PAYOUT = "deposit_payout"
    TESTING_STARTED = "testing_started"
    TESTING_FINISHED = "testing_finished"
    ARBITRATION_REFERRED = "arbitration_referred"
    ARBITRATION_AWARD = "arbitration_award"
    OFFER_MADE = "offer_made"
    OFFER_COUNTERED = "offer_countered"
    OFFER_ACCEPTED = "offer_accepted"
    OFFER_REFUSED = "offer_refused"
    OFFER_EXPIRED = "offer_expired"
    OFFER_WITHDRAWN = "offer_withdrawn"
    SETTLEMENT_ISSUED = "settlement_issued"
    SETTLEMENT_CONFIRMED = "settlement_confirmed"
    SETTLEMENT_MADE = "settlement_made"
    SETTLEMENT_PERFORMED = "settlement_performed"
    SETTLEMENT_NOT_PERFORMED = "settlement_not_performed"
    TERMINATED = "terminated"
    TERMINATION_NOTICE_SENT = "termination_notice_sent"
    RECUSAL_REQUESTED = "recusal_requested"
    RECUSAL_DECIDED = "recusal_decided"
    SESSION_HELD = "session_held"
    SURVEY_ANSWERED = "survey_answered"
    APPEAL_REQUESTED = "appeal_requested"
    REOPENED = "reopened"
    APPEAL_DECLINED = "appeal_declined"
    CLOSED = "closed"
    REPORT_SPLIT = "report_split"
    ACCEPTANCE_OVERDUE = "acceptance_overdue"
    MERCHANT_LINKED = "merchant_linked"
    MERCHANT_TO_CONFIRM = "merchant_to_confirm"
    MERCHANT_RELINKED = "merchant_relinked"
    MERCHANT_MERGED = "merchant_merged"
    MERCHANT_LINK_ISSUED = "merchant_link_issued"
    RECOURSE_OPENED = "recourse_opened"
    DEPOSIT_RECOVERED = "deposit_recovered"
    TOPUP_OVERDUE = "topup_overdue"
    CLUSTER_ALERT = "cluster_alert"
    CLUSTER_DECIDED = "cluster_decided"
    CONTACT_LOGGED = "contact_logged"
    QUEUED = "queued"
    CLAIMED = "claimed"
    RELEASED = "released"
    REASSIGNED = "reassigned"
    SETTLEMENT_DRAFTED = "settlement_drafted"
    MEDIATION_DUE_SOON = "mediation_due_soon"
    MEDIATION_OVERDUE_ESCALATED = "mediation_overdue_escalated"
    NOTIFICATION_FAILED = "notification_failed"
    MARKED_SPAM = "marked_spam"
    TYPICAL_CASE_SAVED = "typical_case_saved"
    TYPICAL_CASE_REMOVED = "typical_case_removed"
    # product risk signals (issue 18 §4): on the signal's own history and on each of its cases
    PRODUCT_SIGNAL_RAISED = "product_signal_raised"
    PRODUCT_SIGNAL_GROWN = "product_signal_grown"
    PRODUCT_SIGNAL_SPOT_CHECK = "product_signal_spot_check"
    PRODUCT_SIGNAL_RECALL_NOTICE = "product_signal_recall_notice"
    PRODUCT_SIGNAL_DISMISSED = "product_signal_dismissed"


REGISTRY: dict[EventKind, Kind] = {
    EventKind.REGISTERED: Kind(
        staff=("登记投诉", "Complaint registered"), public=("投诉已登记", "Complaint registered")
    ),
    EventKind.EVIDENCE_ADDED: Kind(
        staff=("已补充证据材料", "Evidence added"), public=("已补充证据材料", "Evidence added")
    ),
    EventKind.ROUTING_PENDING: Kind(
        staff=("等待分流", "Awaiting routing"),
        public=("已进入处理流程，等待受理审查和分流", "Queued for review and routing"),
    ),
    EventKind.DEADLINE_RECOMPUTED: Kind(
        staff=("期限已按公布的节假日安排重新计算", "Deadline recomputed with the published calendar"),
        public=("办理期限已按公布的节假日安排更新", "Deadline updated to the published holiday schedule"),
    ),
    EventKind.ACCEPTED: Kind(
        staff=("已受理", "Accepted"), public=("已受理", "Accepted"), confirmation="已受理。"
    ),
    EventKind.REJECTED: Kind(
        staff=("不予受理", "Not accepted"),
        public=("不予受理", "Not accepted"),
        confirmation="已作出不予受理决定。",
    ),
    EventKind.PAUSED: Kind(
        staff=("暂停计时", "Clock paused"),
        public=("办理期限暂停计算（如商品检验检测）", "Clock paused (e.g. product testing)"),
        confirmation="已暂停计时。",
    ),
    EventKind.RESUMED: Kind(
        staff=("恢复计时", "Clock restarted"),
        public=("办理期限恢复计算", "Clock restarted"),
        confirmation="已恢复计时。",
    ),
    EventKind.ROUTED: Kind(
        staff=("已确定处理方式", "Route decided"), public=("已确定处理方式", "Route decided")
    ),
    EventKind.ROUTE_OVERRIDDEN: Kind(
        staff=("处理方式已调整", "Route changed"),
        public=("处理方式已调整", "Route changed"),
        confirmation="处理方式已调整。",
    ),
    EventKind.REROUTED: Kind(
        staff=("核实经营者后重新确定处理方式", "Route decided again after the business was corrected"),
        public=("核实经营者后重新确定处理方式", "Route decided again after the business was corrected"),
    ),
    EventKind.FIRST_PAYMENT_OPENED: Kind(
        staff=("已启动先行赔付程序", "First payment started"),
        public=("已启动先行赔付程序", "First payment started"),
    ),
    EventKind.MERCHANT_PAID: Kind(
        staff=("商家已向消费者赔付", "The merchant paid the consumer"),
        public=("商家已向您赔付", "The merchant paid you"),
        confirmation="已记录商家答复。",
    ),
    EventKind.MERCHANT_REFUSED: Kind(
        staff=("商家拒绝先行赔付", "The merchant refused first payment"),
        public=("商家拒绝先行赔付", "The merchant refused first payment"),
        confirmation="已记录商家答复。",
    ),
    EventKind.MERCHANT_DEADLINE_MISSED: Kind(
        staff=("商家逾期未答复", "The merchant missed its deadline"),
        public=("商家逾期未答复", "The merchant missed its deadline"),
    ),
    EventKind.DEPOSIT_PAYOUT: Kind(
        staff=("已从质量保证金中向消费者先行赔付", "The consumer was paid from the deposit"),
        public=("已从质量保证金中向您先行赔付", "You were paid from the guarantee deposit"),
        confirmation="已从质量保证金中先行赔付，并已向商家追偿。",
    ),
    EventKind.TESTING_STARTED: Kind(
        staff=("商品送检，办理期限暂停计算", "Product testing: the clock is paused"),
        public=("商品送检，办理期限暂停计算", "Product testing: the clock is paused"),
        confirmation="已登记送检，暂停计时。",
    ),
    EventKind.TESTING_FINISHED: Kind(
        staff=("检验检测结果已出", "Testing finished"),
        public=("检验检测结果已出", "Testing finished"),
        confirmation="已登记检验结果，恢复计时。",
    ),
    EventKind.ARBITRATION_REFERRED: Kind(
        staff=("已移送仲裁机构", "Referred to the arbitration institution"),
        public=("已移送仲裁机构", "Referred to the arbitration institution"),
        confirmation="已登记仲裁移送。",
    ),
    EventKind.ARBITRATION_AWARD: Kind(
        staff=("仲裁机构已作出裁决", "The arbitration award was made"),
        public=("仲裁机构已作出裁决", "The arbitration award was made"),
        confirmation="已登记仲裁裁决。",
    ),
    EventKind.OFFER_MADE: Kind(
        staff=("登记调解方案", "Offer recorded"),
        public=("提出调解方案", "A settlement offer was made"),
        confirmation="已登记调解方案，等待另一方答复。",
    ),
    EventKind.OFFER_COUNTERED: Kind(
        staff=("提出新的调解方案（反方案）", "A counter-offer was made"),
        public=("提出新的调解方案（反方案）", "A counter-offer was made"),
        confirmation="已登记答复。",
    ),
    EventKind.OFFER_ACCEPTED: Kind(
        staff=("调解方案已被接受", "The offer was accepted"),
        public=("调解方案已被接受", "The offer was accepted"),
        confirmation="已登记答复。",
    ),
    EventKind.OFFER_REFUSED: Kind(
        staff=("调解方案被拒绝", "The offer was refused"),
        public=("调解方案被拒绝", "The offer was refused"),
        confirmation="已登记答复。",
    ),
    EventKind.OFFER_EXPIRED: Kind(
        staff=("调解方案已过答复期限", "The offer expired"),
        public=("调解方案已过答复期限", "The offer expired"),
    ),
    EventKind.OFFER_WITHDRAWN: Kind(
        staff=("调解方案已撤回", "The offer was withdrawn"),
        public=("调解方案已撤回", "The offer was withdrawn"),
        confirmation="调解方案已撤回。",
    ),
    EventKind.SETTLEMENT_ISSUED: Kind(
        staff=("调解书已出具，请确认", "The settlement was issued for confirmation"),
        public=("调解书已出具，请确认", "The settlement was issued for confirmation"),
        confirmation="调解书已出具，等待双方确认（查询页面、答复链接，或由调解员登记现场、电话、书面签字确认）。",
    ),
    EventKind.SETTLEMENT_CONFIRMED: Kind(
        staff=("当事人已确认调解书", "A party confirmed the settlement"),
        public=("当事人已确认调解书", "A party confirmed the settlement"),
        confirmation="已登记当事人确认调解书，等待另一方确认。",
    ),
    EventKind.SETTLEMENT_MADE: Kind(
        staff=("双方确认调解书，调解协议生效", "Both parties confirmed: in effect"),
        public=("双方确认调解书，调解协议生效", "Both parties confirmed: in effect"),
        confirmation="双方均已确认调解书，调解协议生效，案件已按“调解成功”办结。",
    ),
    EventKind.SETTLEMENT_PERFORMED: Kind(
        staff=("调解协议已履行", "The settlement was performed"),
        public=("调解协议已履行", "The settlement was performed"),
        confirmation="已登记调解书履行情况。",
    ),
    EventKind.SETTLEMENT_NOT_PERFORMED: Kind(
        staff=("经营者未按期履行调解协议", "The settlement was not performed in time"),
        public=("经营者未按期履行调解协议", "The settlement was not performed in time"),
        confirmation="已登记调解书履行情况。",
    ),
    EventKind.TERMINATED: Kind(
        staff=("调解终止", "Mediation terminated"),
        public=("调解终止", "Mediation terminated"),
        confirmation="已终止调解，案件已办结。请在期限内向双方送达终止调解告知书。",
    ),
    EventKind.TERMINATION_NOTICE_SENT: Kind(
        staff=("终止调解告知书已送达", "Termination notice delivered"),
        public=("终止调解告知书已送达", "Termination notice delivered"),
        confirmation="已登记终止调解告知书送达。",
    ),
    EventKind.RECUSAL_REQUESTED: Kind(
        staff=("当事人申请回避，暂停计时", "Recusal requested; clock paused"),
        public=("当事人申请调解员回避，办理期限暂停计算", "Recusal requested; the clock is paused"),
        confirmation="已登记回避申请，暂停计时，等待科长决定。",
    ),
    EventKind.RECUSAL_DECIDED: Kind(
        staff=("回避申请决定，恢复计时", "Recusal decided; clock restarted"),
        public=("回避申请已作出决定，办理期限恢复计算", "Recusal decided; the clock restarts"),
        confirmation="已对回避申请作出决定，恢复计时。",
    ),
    EventKind.SESSION_HELD: Kind(
        staff=("组织调解会", "Mediation session held"),
        public=("组织调解", "Mediation session held"),
        confirmation="已登记调解会。",
    ),
    EventKind.SURVEY_ANSWERED: Kind(
        staff=("消费者回访评价", "Satisfaction survey answered"),
        public=("您已评价本次处理", "You rated the handling"),
    ),
    EventKind.APPEAL_REQUESTED: Kind(
        staff=("消费者申请重新处理或申诉", "Reopen or appeal requested"),
        public=("已提交重新处理或申诉申请", "Reopen or appeal requested"),
    ),
    EventKind.REOPENED: Kind(
        staff=("案件重新办理", "Case reopened"),
        public=("案件重新办理", "Case reopened"),
        confirmation="案件已重新办理。",
    ),
    EventKind.APPEAL_DECLINED: Kind(
        staff=("不同意申请（已说明理由）", "Request declined"), public=("申请未获同意", "Request declined")
    ),
    EventKind.CLOSED: Kind(
        staff=("已办结", "Closed"), public=("已办结", "Closed"), confirmation="案件已办结。"
    ),
    EventKind.REPORT_SPLIT: Kind(staff=("举报线索已分离，转执法部门", "Report split off for enforcement")),
    EventKind.ACCEPTANCE_OVERDUE: Kind(
        staff=("受理期限已过，尚未决定", "Acceptance deadline passed undecided")
    ),
    EventKind.MERCHANT_LINKED: Kind(
        staff=("已关联商家档案", "Linked to the merchant registry"),
        confirmation="已确认被投诉的经营者，案件已分流。",
    ),
    EventKind.MERCHANT_TO_CONFIRM: Kind(
        staff=("商家档案待确认（登记库中有相近的商家）", "Merchant to confirm among candidates")
    ),
    EventKind.MERCHANT_RELINKED: Kind(
        staff=("更换关联的商家档案", "Re-linked to another registry merchant"),
        confirmation="已更换关联的商家，并已按新商家重新分流。",
    ),
    EventKind.MERCHANT_MERGED: Kind(staff=("重复的商家档案已合并", "Duplicate merchant merged")),
    EventKind.MERCHANT_LINK_ISSUED: Kind(
        staff=("已生成商家答复链接", "Merchant link issued"), confirmation="已生成商家答复链接。"
    ),
    EventKind.RECOURSE_OPENED: Kind(
        staff=("已向商家追偿，通知补足保证金", "Recourse opened; deposit top-up due")
    ),
    EventKind.DEPOSIT_RECOVERED: Kind(staff=("商家已补足保证金", "The merchant refilled its deposit")),
    EventKind.TOPUP_OVERDUE: Kind(staff=("商家逾期未补足保证金", "Deposit top-up overdue")),
    EventKind.CLUSTER_ALERT: Kind(staff=("群体性投诉提醒", "Cluster alert")),
    EventKind.CLUSTER_DECIDED: Kind(
        staff=("群体投诉处置决定", "Cluster decision"), confirmation="已作出处置决定。"
    ),
    EventKind.CONTACT_LOGGED: Kind(staff=("联系当事人", "Party contacted"), confirmation="已登记联系记录。"),
    EventKind.QUEUED: Kind(staff=("进入调解组队列", "Entered a team queue")),
    EventKind.CLAIMED: Kind(staff=("调解员领取案件", "Claimed by a mediator")),
    EventKind.RELEASED: Kind(staff=("调解员退回案件", "Released by the mediator")),
    EventKind.REASSIGNED: Kind(
        staff=("科长改派调解员", "Reassigned by a supervisor"), confirmation="已改派调解员。"
    ),
    EventKind.SETTLEMENT_DRAFTED: Kind(
        staff=("方案已被接受，调解书草稿待调解员审核", "Offer accepted; draft awaits review"),
        confirmation="调解方案已被接受，已生成调解书草稿：请审核文字和履行期限后出具。",
    ),
    EventKind.MEDIATION_DUE_SOON: Kind(
        staff=("调解期限将至，已提醒承办人", "Mediation deadline near; mediator reminded")
    ),
    EventKind.MEDIATION_OVERDUE_ESCALATED: Kind(
        staff=("调解超期，已报科长督办", "Mediation overdue; escalated")
    ),
    EventKind.NOTIFICATION_FAILED: Kind(staff=("通知发送失败", "Notice failed")),
    EventKind.MARKED_SPAM: Kind(
        staff=("标记为虚假或恶意投诉，不计入统计", "Marked as spam; excluded from statistics"),
        confirmation="已标记为虚假或恶意投诉并办结，不计入统计。",
    ),
    EventKind.TYPICAL_CASE_SAVED: Kind(
        staff=("选为年度报告典型案例（脱敏摘要已保存）", "Chosen as a typical case of the annual report"),
        confirmation="典型案例已保存。",
    ),
    EventKind.TYPICAL_CASE_REMOVED: Kind(
        staff=("移出年度报告典型案例", "Removed from the annual report's typical cases"),
        confirmation="已移出典型案例。",
    ),
    EventKind.PRODUCT_SIGNAL_RAISED: Kind(
        staff=("同一产品多家商家被投诉，提示产品风险信号", "Product risk signal raised")
    ),
    EventKind.PRODUCT_SIGNAL_GROWN: Kind(
        staff=("纳入已有的产品风险信号", "Joined an open product risk signal")
    ),
    EventKind.PRODUCT_SIGNAL_SPOT_CHECK: Kind(
        staff=("产品风险信号：移送监督抽查", "Product signal referred for a spot check"),
        confirmation="已移送监督抽查。",
    ),
    EventKind.PRODUCT_SIGNAL_RECALL_NOTICE: Kind(
        staff=("产品风险信号：通报缺陷产品召回管理机构", "Product signal notified to the recall authority"),
        confirmation="已通报缺陷产品召回管理机构。",
    ),
    EventKind.PRODUCT_SIGNAL_DISMISSED: Kind(
        staff=("产品风险信号：不予处置", "Product signal dismissed"), confirmation="已记录不予处置及理由。"
    ),
}


def kind_of(code: str) -> EventKind | None:
    try:
        return EventKind(code)
    except ValueError:
        return None


def staff_label(code: str) -> str:
    """The staff history's Chinese label; an unknown code (an old event) shows as itself."""
    kind = kind_of(code)
    return REGISTRY[kind].staff[0] if kind else code


def public_label(code: str) -> tuple[str, str] | None:
    """The consumer's (zh, en) label, or None: the event is not shown to the consumer."""
    kind = kind_of(code)
    return REGISTRY[kind].public if kind else None


def confirmation(code: str | None) -> str | None:
    """What staff read after an action: `code` is the event kind the action wrote."""
    kind = kind_of(code or "")
    return REGISTRY[kind].confirmation if kind else None
