"""Product risk signals (policy art. 19, DESIGN §2.9): the same product (brand and model) complained of
across merchants within a window calls for people to refer it to a spot check (监督抽查) or to the recall
authority (缺陷产品召回). Which products call for a (new) signal, and what a decision must contain.
The thresholds and the window arrive as data (domain.disclosure.DisclosurePolicy)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain import alerts
from domain.disclosure import DisclosurePolicy

BRAND_MAX, MODEL_MAX, BATCH_MAX = 50, 80, 50
# Unicode categories dropped when comparing: spaces, punctuation and symbols ("KFR-35GW/B" is "kfr35gwb").
_DROPPED = ("Z", "P", "S", "C")


def plain(text: str) -> str:
    """A brand or model as compared: NFKC (full-width Ｋ is K), case-folded, without spaces, separators or
    punctuation, as domain.merchant_names compares names."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith(_DROPPED))


def product_key(brand: str | None, model: str | None) -> str | None:
    """What makes two complaints name the same product: brand and model, both given. A brand alone is
    too broad to signal on, a model alone too ambiguous; the batch is shown, not compared."""
    b, m = plain(brand or ""), plain(model or "")
    return f"{b}|{m}" if b and m else None


class SignalAction(StrEnum):
    SPOT_CHECK = "spot_check"
    RECALL_NOTICE = "recall_notice"
    DISMISSED = "dismissed"


# code → (name, what it means, English name), zh first; shown next to the decision form.
SIGNAL_ACTIONS: dict[SignalAction, tuple[str, str, str]] = {
    SignalAction.SPOT_CHECK: (
        "移送监督抽查",
        "同一产品在多个经营者处被投诉，提请产品质量监督抽查，核实是否存在质量问题。",
        "Refer for a spot check",
    ),
    SignalAction.RECALL_NOTICE: (
        "通报缺陷产品召回管理机构",
        "投诉反映的问题可能属于缺陷、危及人身安全的，通报缺陷产品召回管理机构调查。",
        "Notify the recall authority",
    ),
    SignalAction.DISMISSED: (
        "不予处置",
        "经研判不属于产品缺陷或质量风险（如使用不当、个别售后纠纷）；须写明理由。",
        "Dismiss",
    ),
}


@dataclass(frozen=True, slots=True)
class ProductCase:
    """An accepted complaint naming a product, and the merchant it is against: "id:<registry id>", or
    "name:<the name as written, normalized>" for a shop not (yet) in the registry."""

    case_id: int
    merchant: str
    accepted_on: date
    category: str


@dataclass(frozen=True, slots=True)
class ProductCandidate:
    """The accepted complaints naming one product, and the product's latest signal, if any."""

    product_key: str
    cases: tuple[ProductCase, ...]
    last_signal_id: int | None = None
    last_signal_case_ids: tuple[int, ...] = ()
    last_signal_open: bool = False


@dataclass(frozen=True, slots=True)
class SignalStep:
    kind: str  # "raise": a new signal | "grow": add cases to the open signal
    candidate: ProductCandidate
    counted: tuple[ProductCase, ...]  # the cases within the window
    new_case_ids: tuple[int, ...]  # the cases to tell (an event on each)

    @property
    def merchants(self) -> tuple[str, ...]:
        return tuple(sorted({c.merchant for c in self.counted}))

    @property
    def category(self) -> str:
        """The most frequent category of the counted cases (ties: the first in code order)."""
        counts = Counter(c.category for c in self.counted)
        return min(counts, key=lambda code: (-counts[code], code))


def signal_window(policy: DisclosurePolicy, today: date) -> tuple[date, date]:
    """The days counted: the last `product_signal_window_days` local days, ending today."""
    return alerts.window(policy.product_signal_window_days, today)


def counted_cases(
    cases: Sequence[ProductCase], policy: DisclosurePolicy, today: date
) -> tuple[ProductCase, ...] | None:
    """The cases within the window when they reach both thresholds (that many complaints, against that
    many distinct merchants); else None. A merchant complained of twice is one merchant."""
    start, end = signal_window(policy, today)
    inside = tuple(sorted((c for c in cases if start <= c.accepted_on <= end), key=lambda c: c.case_id))
    merchants = {c.merchant for c in inside}
    if len(inside) < policy.product_signal_complaints or len(merchants) < policy.product_signal_merchants:
        return None
    return inside


def signal_steps(
    candidates: Sequence[ProductCandidate], policy: DisclosurePolicy, today: date
) -> list[SignalStep]:
    """One signal per product. While it is open, later cases join it; after a decision, a new signal only
    when the product has grown (a case the decided signal did not cover) and still meets the thresholds."""
    steps = []
    for c in candidates:
        counted = counted_cases(c.cases, policy, today)
        if counted is None:
            continue
        ids = tuple(k.case_id for k in counted)
        step = alerts.next_step(ids, c.last_signal_id, c.last_signal_case_ids, c.last_signal_open)
        if step is not None:
            steps.append(SignalStep(step[0], c, counted, step[1]))
    return steps


def signal_decision_input(decision: object, note: object) -> tuple[SignalAction, str | None]:
    """The supervisor's action and its note; a dismissal must say why. Raises ValidationFailed."""
    return alerts.decision_input(
        SignalAction,
        decision,
        note,
        missing="请选择处置措施",
        explained=SignalAction.DISMISSED,
        why="不予处置的，请写明理由",
    )
