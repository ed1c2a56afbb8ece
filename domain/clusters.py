"""Clusters of complaints (DESIGN §2.5.5): which clusters of accepted complaints call for a (new) alert,
and what the supervisor's decision on one must contain. Thresholds and windows arrive as data (the routing
policy in force)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain import alerts


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


@dataclass(frozen=True, slots=True)
class ClusterPolicy:
    threshold: int  # accepted complaints …
    window_days: int  # … within this many days, today included


def cluster_window(policy: ClusterPolicy, today: date) -> tuple[date, date]:
    """The days counted: the last `window_days` local days, ending today."""
    return alerts.window(policy.window_days, today)


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
        step = alerts.next_step(c.case_ids, c.last_alert_id, c.last_alert_case_ids, c.last_alert_open)
        if step is not None:
            steps.append(ClusterStep(step[0], c, step[1]))
    return steps


def cluster_decision_input(decision: object, note: object) -> tuple[ClusterDecision, str | None]:
    return alerts.decision_input(
        ClusterDecision,
        decision,
        note,
        missing="请选择处置决定",
        explained=ClusterDecision.NO_ACTION,
        why="决定不采取措施的，请写明理由",
    )
