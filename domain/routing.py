"""Routing under the district policy's article 17, with article 14's first payment (DESIGN §2.5).

Three routes, in order of precedence:
1. **First payment (先行赔付)** when any first-payment rule fires: an active commitment of the
   merchant (or of the platform or market it sells through) that covers the complaint; food or
   drugs (the seller that receives the claim pays first); a platform that cannot identify the
   seller (CPL art. 44); an exhibition that has ended or a counter lease that has expired (art. 43).
2. **Arbitration (第三方质量争议仲裁)** only with an arbitration agreement: the regulator cannot send a
   case to arbitration on its own.
3. **Mediation (调解)** otherwise, which needs both parties' consent.

The decision explains itself: the rules that decided it (`fired`) and every other rule considered,
each with the reason it did not apply (`checked`), and the facts each rule read. A rule whose own
condition holds but whose route lost on precedence is listed under `checked`, saying so.

A commitment applies only when *every* request in the complaint is in its scope: a commitment to
refund does not promise repairs, and first payment settles the complaint as a whole.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from domain.money import format_yuan
from domain.taxonomy import REQUEST_KINDS


class Route(StrEnum):
    FIRST_PAYMENT = "first_payment"
    MEDIATION = "mediation"
    ARBITRATION = "arbitration"


ROUTE_LABELS: dict[Route, tuple[str, str]] = {
    Route.FIRST_PAYMENT: ("先行赔付", "First payment"),
    Route.MEDIATION: ("调解", "Mediation"),
    Route.ARBITRATION: ("第三方质量争议仲裁", "Third-party quality dispute arbitration"),
}


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


def route(facts: RoutingFacts, policy: RoutingPolicy) -> RoutingDecision:
    """The route for a complaint, the rules that decided it and why the others did not."""
    if facts.claim_amount_fen < 0:
        raise ValueError("the claimed amount cannot be negative")
    results = [(tier, hit) for tier, rule in RULES for hit in rule(facts, policy)]
    decided = next(tier for tier, hit in results if hit.fired)  # mediation always fires
    fired = tuple(hit for tier, hit in results if hit.fired and tier == decided)
    checked = tuple(
        _superseded(hit, decided) if hit.fired else hit
        for tier, hit in results
        if not (hit.fired and tier == decided)
    )
    payer = _usable_commitment(facts) if decided == Route.FIRST_PAYMENT else None
    summary, summary_en = _summary(decided, fired, payer, facts)
    return RoutingDecision(
        route=decided,
        fired=fired,
        checked=checked,
        payer_id=None if payer is None else payer.holder_id,
        payer_name=None if payer is None else payer.holder_name,
        summary=summary,
        summary_en=summary_en,
    )


# --- first payment: commitments --------------------------------------------------------------------

HOLDER_KINDS: dict[str, tuple[str, str]] = {
    "shop": ("商家", "the business"),
    "platform": ("网络交易平台", "the online platform"),
    "market": ("市场", "the market"),
    "exhibition": ("展销会举办者", "the exhibition organiser"),
    "counter_lessor": ("柜台出租者", "the counter lessor"),
}


def _commitment(facts: RoutingFacts, policy: RoutingPolicy) -> tuple[RuleHit, ...]:
    if not facts.commitments:
        return (
            RuleHit(
                "commitment",
                False,
                "商家及其所在的平台、市场都没有作出先行赔付承诺。",
                "Neither the business nor the platform or market it sells through has made a "
                "first-payment commitment.",
                {"merchant_id": _id(facts.merchant_id), "commitments": "0"},
            ),
        )
    chosen = _usable_commitment(facts)
    return tuple(_commitment_hit(facts, c, chosen) for c in _by_preference(facts))


def _commitment_hit(facts: RoutingFacts, c: Commitment, chosen: Commitment | None) -> RuleHit:
    holder, holder_en = _holder(c)
    read = _commitment_facts(facts, c)
    problems = _commitment_problems(facts, c)
    if problems:
        return RuleHit(
            "commitment",
            False,
            f"{holder}的先行赔付承诺不适用：{'；'.join(zh for zh, _ in problems)}。",
            f"The first-payment commitment of {holder_en} does not apply: "
            f"{'; '.join(en for _, en in problems)}.",
            read,
        )
    if c is not chosen:
        return RuleHit(
            "commitment",
            False,
            f"{holder}的先行赔付承诺也适用，但优先由商家自己的承诺先行赔付。",
            f"The first-payment commitment of {holder_en} also applies, but the business's own "
            "commitment comes first.",
            read,
        )
    cap = format_yuan(c.per_claim_cap_fen)
    return RuleHit(
        "commitment",
        True,
        f"{holder}作出了先行赔付承诺，您的每一项诉求都在承诺范围内，索赔金额在每笔上限（{cap}元）"
        "和保证金余额之内，且有购物凭证。",
        f"{_cap(holder_en)} has made a first-payment commitment: every request in the complaint is within "
        f"its scope, the claim is within the per-claim cap ({cap} yuan) and the deposit balance, and "
        "there is proof of purchase.",
        read,
    )


def _commitment_problems(facts: RoutingFacts, c: Commitment) -> list[tuple[str, str]]:
    """Why the commitment does not cover this complaint, in zh and en; empty when it does."""
    problems: list[tuple[str, str]] = []
    if facts.today < c.active_from:
        problems.append(
            (
                f"承诺自{_zh_day(c.active_from)}起生效，现在尚未生效",
                f"the commitment takes effect on {c.active_from.isoformat()}, not yet",
            )
        )
    if c.active_until is not None and facts.today > c.active_until:
        problems.append(
            (
                f"承诺已于{_zh_day(c.active_until)}到期",
                f"the commitment expired on {c.active_until.isoformat()}",
            )
        )
    outside = [r for r in dict.fromkeys(facts.requests) if r not in c.scope_requests]
    if not facts.requests:
        problems.append(("投诉中没有具体诉求", "the complaint makes no request"))
    elif outside:
        problems.append(
            (
                f"诉求“{'、'.join(_request_zh(r) for r in outside)}”不在承诺范围内",
                f"the request(s) {', '.join(_request_en(r) for r in outside)} are outside its scope",
            )
        )
    if c.scope_categories is not None and facts.category not in c.scope_categories:
        problems.append(
            (
                "投诉的商品或服务类别不在承诺范围内",
                "the category of goods or services is outside its scope",
            )
        )
    claim, cap = format_yuan(facts.claim_amount_fen), format_yuan(c.per_claim_cap_fen)
    if facts.claim_amount_fen > c.per_claim_cap_fen:
        problems.append(
            (
                f"索赔金额超过每笔上限（索赔{claim}元，上限{cap}元）",
                f"the claim exceeds the per-claim cap ({claim} yuan claimed, cap {cap} yuan)",
            )
        )
    if facts.claim_amount_fen > c.deposit_balance_fen:
        # the balance itself stays in the facts, for staff; the consumer's text does not disclose it
        problems.append(
            (
                f"索赔金额（{claim}元）超过保证金余额",
                f"the claim ({claim} yuan) exceeds the guarantee deposit's balance",
            )
        )
    if not facts.has_proof_of_purchase:
        problems.append(("没有购物凭证", "there is no proof of purchase"))
    return problems


def _by_preference(facts: RoutingFacts) -> tuple[Commitment, ...]:
    """The merchant's own commitments first, then its platform's or market's, each in the given order."""
    own = tuple(c for c in facts.commitments if _is_own(facts, c))
    return own + tuple(c for c in facts.commitments if not _is_own(facts, c))


def _usable_commitment(facts: RoutingFacts) -> Commitment | None:
    return next((c for c in _by_preference(facts) if not _commitment_problems(facts, c)), None)


def _is_own(facts: RoutingFacts, c: Commitment) -> bool:
    return facts.merchant_id is not None and c.holder_id == facts.merchant_id


def _holder(c: Commitment) -> tuple[str, str]:
    zh, en = HOLDER_KINDS.get(c.holder_kind, ("经营者", "the business"))
    return _named(zh, c.holder_name), (f"{en} ({c.holder_name})" if c.holder_name else en)


def _commitment_facts(facts: RoutingFacts, c: Commitment) -> dict[str, str]:
    return {
        "holder_id": str(c.holder_id),
        "holder_name": c.holder_name,
        "holder_kind": c.holder_kind,
        "own": _bool(_is_own(facts, c)),
        "active_from": c.active_from.isoformat(),
        "active_until": _iso(c.active_until),
        "today": facts.today.isoformat(),
        "scope_requests": ",".join(sorted(c.scope_requests)),
        "requests": ",".join(facts.requests),
        "scope_categories": "*" if c.scope_categories is None else ",".join(sorted(c.scope_categories)),
        "category": facts.category,
        "per_claim_cap": format_yuan(c.per_claim_cap_fen),
        "deposit_balance": format_yuan(c.deposit_balance_fen),
        "claim_amount": format_yuan(facts.claim_amount_fen),
        "has_proof_of_purchase": _bool(facts.has_proof_of_purchase),
    }


# --- first payment: by law ----------------------------------------------------------------------------


def _food_drug(facts: RoutingFacts, policy: RoutingPolicy) -> tuple[RuleHit, ...]:
    read = {
        "category": facts.category,
        "food_drug_categories": ",".join(sorted(policy.food_drug_categories)),
        "policy_id": policy.id,
    }
    if facts.category not in policy.food_drug_categories:
        return (
            RuleHit(
                "food_drug",
                False,
                "投诉的不是食品或药品，不适用食品、药品“首负责任制”的先行赔付。",
                "The complaint is not about food or drugs: the first-responder rule for food and drugs "
                "does not apply.",
                read,
            ),
        )
    return (
        RuleHit(
            "food_drug",
            True,
            "您投诉的是食品或药品。依照《食品安全法》第一百四十八条和《药品管理法》第一百四十四条，"
            "接到索赔的经营者应当先行赔付，不得推诿。",
            "The complaint is about food or drugs. Under Food Safety Law art. 148 and Drug "
            "Administration Law art. 144, the business that receives the claim must pay first and may "
            "not pass it on.",
            read,
        ),
    )


def _platform_unidentified(facts: RoutingFacts, policy: RoutingPolicy) -> tuple[RuleHit, ...]:
    read = {
        "seller_unidentified": _bool(facts.seller_unidentified),
        "merchant_kind": facts.merchant_kind or "",
    }
    if not facts.seller_unidentified:
        return (
            RuleHit(
                "platform_unidentified",
                False,
                "没有网络交易平台不能提供销售者真实名称、地址和有效联系方式的情形。",
                "No online platform has failed to give the seller's real name, address and contacts.",
                read,
            ),
        )
    return (
        RuleHit(
            "platform_unidentified",
            True,
            "网络交易平台不能提供销售者的真实名称、地址和有效联系方式。依照《消费者权益保护法》"
            "第四十四条，您可以要求平台赔偿。",
            "The online platform cannot give the seller's real name, address and contacts. Under the "
            "Consumer Protection Law art. 44, you may claim from the platform.",
            read,
        ),
    )


@dataclass(frozen=True, slots=True)
class _Venue:
    """An exhibition or a leased counter (CPL art. 43), in the words the reasons use."""

    rule: str
    kind: str  # the merchant_kind it applies to
    place: str  # 展销会 / 柜台
    party: str  # 展销会举办者 / 柜台出租者
    ended: str  # 结束 / 租赁期满
    place_en: str
    party_en: str
    ended_en: str


_EXHIBITION = _Venue(
    rule="exhibition_ended",
    kind="exhibition",
    place="展销会",
    party="展销会举办者",
    ended="结束",
    place_en="exhibition",
    party_en="exhibition organiser",
    ended_en="ended",
)
_COUNTER = _Venue(
    rule="counter_lease_expired",
    kind="counter_lessor",
    place="柜台租赁",
    party="柜台出租者",
    ended="期满",
    place_en="counter lease",
    party_en="counter lessor",
    ended_en="expired",
)


def _exhibition_ended(facts: RoutingFacts, policy: RoutingPolicy) -> tuple[RuleHit, ...]:
    return (_venue_closed(facts, _EXHIBITION),)


def _counter_lease_expired(facts: RoutingFacts, policy: RoutingPolicy) -> tuple[RuleHit, ...]:
    return (_venue_closed(facts, _COUNTER),)


def _venue_closed(facts: RoutingFacts, v: _Venue) -> RuleHit:
    """CPL art. 43: once the exhibition has ended or the lease has expired, the organiser or lessor
    answers for the seller. "Ended" means the last day (or the lease's expiry) is before today."""
    read = {
        "merchant_kind": facts.merchant_kind or "",
        "merchant_ends_on": _iso(facts.merchant_ends_on),
        "today": facts.today.isoformat(),
    }
    ends = facts.merchant_ends_on
    if facts.merchant_kind != v.kind:
        return RuleHit(
            v.rule,
            False,
            f"被投诉的经营者不是{v.party}。",
            f"The business complained about is not the {v.party_en}.",
            read,
        )
    if ends is None:
        return RuleHit(
            v.rule,
            False,
            f"没有登记{v.place}{v.ended}的日期，请工作人员核实。",
            f"No date is on file for when the {v.place_en} {v.ended_en}; staff should check it.",
            read,
        )
    if ends >= facts.today:
        return RuleHit(
            v.rule,
            False,
            f"{v.place}到{_zh_day(ends)}才{v.ended}，目前请直接向销售者或者服务者要求赔偿。",
            f"The {v.place_en} runs until {ends.isoformat()}: for now, claim from the seller or service "
            "provider directly.",
            read,
        )
    return RuleHit(
        v.rule,
        True,
        f"{v.place}已于{_zh_day(ends)}{v.ended}。依照《消费者权益保护法》第四十三条，"
        f"您可以向{v.party}要求赔偿。",
        f"The {v.place_en} {v.ended_en} on {ends.isoformat()}. Under the Consumer Protection Law art. 43, "
        f"you may claim from the {v.party_en}.",
        read,
    )


# --- arbitration and mediation ------------------------------------------------------------------------

AGREEMENT_KINDS: dict[str, tuple[str, str]] = {
    "published": ("商家公布的仲裁条款", "an arbitration clause the business has published"),
    "written": ("书面仲裁协议", "a written arbitration agreement"),
    "implied": (
        "依照仲裁法视为达成的仲裁协议（一方主张、另一方在首次开庭前未否认）",
        "an agreement implied under the Arbitration Law (asserted by one side, not denied by the "
        "other before the first hearing)",
    ),
}


def _arbitration_agreement(facts: RoutingFacts, policy: RoutingPolicy) -> tuple[RuleHit, ...]:
    agreement = facts.agreement
    if agreement is None:
        return (
            RuleHit(
                "arbitration_agreement",
                False,
                "双方没有仲裁协议；市场监管部门不能自行将争议交付仲裁。",
                "There is no arbitration agreement; the regulator cannot send a dispute to arbitration "
                "on its own.",
                {"agreement": "none"},
            ),
        )
    kind_zh, kind_en = AGREEMENT_KINDS.get(agreement.kind, ("仲裁协议", "an arbitration agreement"))
    return (
        RuleHit(
            "arbitration_agreement",
            True,
            f"双方有仲裁协议（{kind_zh}），约定由{agreement.institution}仲裁。",
            f"There is {kind_en}, naming {agreement.institution}.",
            {"agreement_kind": agreement.kind, "institution": agreement.institution},
        ),
    )


def _mediation(facts: RoutingFacts, policy: RoutingPolicy) -> tuple[RuleHit, ...]:
    read = {"consent_mediation": _bool(facts.consent_mediation)}
    default = "不适用先行赔付、也没有仲裁协议时，由市场监管部门组织调解；"
    if facts.consent_mediation:
        reason = f"{default}您已同意调解，还要经商家同意。"
        reason_en = (
            "Without first payment or an arbitration agreement, the regulator mediates; you have "
            "agreed to mediation, and the business must agree too."
        )
    else:
        reason = f"{default}您尚未同意调解，调解需征得双方同意。"
        reason_en = (
            "Without first payment or an arbitration agreement, the regulator mediates; you have not "
            "agreed to mediation yet, and mediation needs the consent of both parties."
        )
    return (RuleHit("mediation", True, reason, reason_en, read),)


# In order of precedence; a route's rules sit together and the first route with a rule that fires wins.
RULES: tuple[tuple[Route, Rule], ...] = (
    (Route.FIRST_PAYMENT, _commitment),
    (Route.FIRST_PAYMENT, _food_drug),
    (Route.FIRST_PAYMENT, _platform_unidentified),
    (Route.FIRST_PAYMENT, _exhibition_ended),
    (Route.FIRST_PAYMENT, _counter_lease_expired),
    (Route.ARBITRATION, _arbitration_agreement),
    (Route.MEDIATION, _mediation),
)


def _superseded(hit: RuleHit, decided: Route) -> RuleHit:
    """A rule whose condition holds, but whose route gave way to one that comes first."""
    zh, en = ROUTE_LABELS[decided]
    return replace(
        hit,
        fired=False,
        reason=f"{hit.reason}但本案适用{zh}，{zh}优先。",
        reason_en=f"{hit.reason_en} But {en.lower()} applies and comes first.",
    )


def _summary(
    decided: Route, fired: tuple[RuleHit, ...], payer: Commitment | None, facts: RoutingFacts
) -> tuple[str, str]:
    if decided == Route.ARBITRATION:
        assert facts.agreement is not None  # the agreement rule fired
        institution = facts.agreement.institution
        return (
            f"您与商家有仲裁协议，本案将转交{institution}仲裁。",
            f"You and the business have an arbitration agreement: the case goes to {institution}.",
        )
    if decided == Route.MEDIATION:
        if facts.consent_mediation:
            return "本案由市场监管部门组织调解。", "The regulator will mediate the case."
        return (
            "本案由市场监管部门组织调解，调解需征得双方同意。",
            "The regulator will mediate the case; mediation needs the consent of both parties.",
        )
    if payer is not None:
        zh, en = _holder(payer)
        return (
            f"本案适用先行赔付，由{zh}先行赔付。",
            f"First payment applies: {en} pays first.",
        )
    zh, en = _first_payer(fired[0].rule, facts)
    return f"本案适用先行赔付，由{zh}先行赔付。", f"First payment applies: {en} pays first."


def _first_payer(rule: str, facts: RoutingFacts) -> tuple[str, str]:
    """Who pays first when no commitment applies: the party the statute names."""
    name = facts.merchant_name
    suffix_en = f" ({name})" if name else ""
    if rule == "platform_unidentified":
        if facts.merchant_kind == "platform":
            return _named("网络交易平台", name), f"the online platform{suffix_en}"
        return "网络交易平台", "the online platform"
    if rule == "exhibition_ended":
        return _named("展销会举办者", name), f"the exhibition organiser{suffix_en}"
    if rule == "counter_lease_expired":
        return _named("柜台出租者", name), f"the counter lessor{suffix_en}"
    return _named("接到索赔的经营者", name), f"the business that received the claim{suffix_en}"


# --- formatting ---------------------------------------------------------------------------------------


def _named(role: str, name: str) -> str:
    return f"{role}（{name}）" if name else role


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _zh_day(day: date) -> str:
    return f"{day:%Y年%m月%d日}"


def _iso(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def _id(value: int | None) -> str:
    return "" if value is None else str(value)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _request_zh(code: str) -> str:
    return REQUEST_KINDS.get(code, (code, code))[0]


def _request_en(code: str) -> str:
    return REQUEST_KINDS.get(code, (code, code))[1].lower()
