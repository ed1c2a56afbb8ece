"""What routing reads and what it decides (domain.routing): the routes, a complaint's facts, the policy,
each rule's hit with the facts it read, the decision; and the wording helpers the rules share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.labels import Labelled
from domain.taxonomy import REQUEST_KINDS


class Route(Labelled):
    FIRST_PAYMENT = "first_payment", "先行赔付", "First payment"
    MEDIATION = "mediation", "调解", "Mediation"
    ARBITRATION = "arbitration", "第三方质量争议仲裁", "Third-party quality dispute arbitration"


ROUTE_LABELS: dict[Route, tuple[str, str]] = Route.labels()


@dataclass(frozen=True, slots=True)
class Commitment:
    """A first-payment commitment (先行赔付承诺): the merchant's own, or its platform's or market's."""

    holder_id: int
    holder_name: str
    holder_kind: str  # "shop" | "platform" | "market" | ...
    scope_requests: frozenset[str]
    scope_categories: frozenset[str] | None  # None: every category
    per_claim_cap_fen: int
    active_from: date
    active_until: date | None  # None: open-ended
    deposit_balance_fen: int  # what the holder's guarantee deposit holds now


@dataclass(frozen=True, slots=True)
class Agreement:
    kind: str  # "published" | "written" | "implied"
    institution: str


@dataclass(frozen=True, slots=True)
class RoutingFacts:
    today: date
    category: str
    requests: tuple[str, ...]
    claim_amount_fen: int
    has_proof_of_purchase: bool
    consent_mediation: bool
    merchant_id: int | None
    merchant_name: str
    merchant_kind: str | None  # "shop" | "platform" | "market" | "exhibition" | "counter_lessor" | None
    merchant_ends_on: date | None  # an exhibition's last day / a counter lease's expiry
    seller_unidentified: bool  # a platform that cannot identify the real seller (CPL art. 44)
    commitments: tuple[Commitment, ...]  # the merchant's own and its platform's / market's
    agreement: Agreement | None


@dataclass(frozen=True, slots=True)
class RoutingPolicy:
    id: str
    food_drug_categories: frozenset[str]


@dataclass(frozen=True, slots=True)
class RuleHit:
    rule: str  # stable code
    fired: bool
    reason: str  # zh-CN, plain words a consumer understands
    reason_en: str
    facts: Mapping[str, str]  # what the rule read, as strings: amounts in yuan, dates ISO

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "fired": self.fired,
            "reason": self.reason,
            "reason_en": self.reason_en,
            "facts": dict(self.facts),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RuleHit:
        return cls(
            rule=str(data["rule"]),
            fired=bool(data["fired"]),
            reason=str(data["reason"]),
            reason_en=str(data["reason_en"]),
            facts={str(k): str(v) for k, v in data["facts"].items()},
        )


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    route: Route
    fired: tuple[RuleHit, ...]  # the rules that decided it
    checked: tuple[RuleHit, ...]  # the rules considered that did not decide it, each saying why
    payer_id: int | None  # first payment from a commitment: its holder; None when the seller pays itself
    payer_name: str | None
    summary: str  # one sentence for the consumer's page
    summary_en: str

    def to_json(self) -> dict[str, Any]:
        """A plain JSON-able dict (the case's `route_explanation` and the routing event)."""
        return {
            "route": self.route.value,
            "fired": [hit.to_json() for hit in self.fired],
            "checked": [hit.to_json() for hit in self.checked],
            "payer_id": self.payer_id,
            "payer_name": self.payer_name,
            "summary": self.summary,
            "summary_en": self.summary_en,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RoutingDecision:
        payer_id = data.get("payer_id")
        payer_name = data.get("payer_name")
        return cls(
            route=Route(data["route"]),
            fired=tuple(RuleHit.from_json(hit) for hit in data["fired"]),
            checked=tuple(RuleHit.from_json(hit) for hit in data["checked"]),
            payer_id=None if payer_id is None else int(payer_id),
            payer_name=None if payer_name is None else str(payer_name),
            summary=str(data["summary"]),
            summary_en=str(data["summary_en"]),
        )


Rule = Callable[[RoutingFacts, RoutingPolicy], tuple[RuleHit, ...]]


# --- wording the rules share ------------------------------------------------------------------------


def named(role: str, name: str) -> str:
    return f"{role}（{name}）" if name else role


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def zh_day(day: date) -> str:
    return f"{day:%Y年%m月%d日}"


def iso_day(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def id_text(value: int | None) -> str:
    return "" if value is None else str(value)


def flag(value: bool) -> str:
    return "true" if value else "false"


def request_zh(code: str) -> str:
    return REQUEST_KINDS.get(code, (code, code))[0]


def request_en(code: str) -> str:
    return REQUEST_KINDS.get(code, (code, code))[1].lower()
