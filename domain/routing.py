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

The types are in domain.routing_facts, the first-payment rules in domain.first_payment_rules; this
module orders the rules and words the decision.
"""

from __future__ import annotations

from dataclasses import replace

from domain.first_payment_rules import (
    commitment_rule,
    counter_lease_expired_rule,
    exhibition_ended_rule,
    food_drug_rule,
    holder_of,
    platform_unidentified_rule,
    usable_commitment,
)
from domain.routing_facts import (
    ROUTE_LABELS,
    Commitment,
    Route,
    RoutingDecision,
    RoutingFacts,
    RoutingPolicy,
    Rule,
    RuleHit,
    flag,
    named,
)

# The vocabulary callers read a decision in; the other types (Agreement …) come from domain.routing_facts.
__all__ = [
    "ROUTE_LABELS",
    "RULES",
    "Commitment",
    "Route",
    "RoutingDecision",
    "RoutingFacts",
    "RoutingPolicy",
    "RuleHit",
    "route",
]


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
    payer = usable_commitment(facts) if decided == Route.FIRST_PAYMENT else None
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
    read = {"consent_mediation": flag(facts.consent_mediation)}
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
    (Route.FIRST_PAYMENT, commitment_rule),
    (Route.FIRST_PAYMENT, food_drug_rule),
    (Route.FIRST_PAYMENT, platform_unidentified_rule),
    (Route.FIRST_PAYMENT, exhibition_ended_rule),
    (Route.FIRST_PAYMENT, counter_lease_expired_rule),
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
        zh, en = holder_of(payer)
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
            return named("网络交易平台", name), f"the online platform{suffix_en}"
        return "网络交易平台", "the online platform"
    if rule == "exhibition_ended":
        return named("展销会举办者", name), f"the exhibition organiser{suffix_en}"
    if rule == "counter_lease_expired":
        return named("柜台出租者", name), f"the counter lessor{suffix_en}"
    return named("接到索赔的经营者", name), f"the business that received the claim{suffix_en}"
