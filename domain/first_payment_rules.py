"""The first-payment rules of routing (policy art. 14; DESIGN §2.5.1): a commitment that covers the
complaint, food or drugs, a platform that cannot name the seller, an ended exhibition or an expired
counter lease. Each returns its hits with the reasons and the facts it read (domain.routing orders them)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.money import format_yuan
from domain.routing_facts import (
    Commitment,
    RoutingFacts,
    RoutingPolicy,
    RuleHit,
    capitalised,
    flag,
    id_text,
    iso_day,
    named,
    request_en,
    request_zh,
    zh_day,
)

# --- first payment: commitments --------------------------------------------------------------------

HOLDER_KINDS: dict[str, tuple[str, str]] = {
    "shop": ("商家", "the business"),
    "platform": ("网络交易平台", "the online platform"),
    "market": ("市场", "the market"),
    "exhibition": ("展销会举办者", "the exhibition organiser"),
    "counter_lessor": ("柜台出租者", "the counter lessor"),
}


def commitment_rule(facts: RoutingFacts, policy: RoutingPolicy) -> tuple[RuleHit, ...]:
    if not facts.commitments:
        return (
            RuleHit(
                "commitment",
                False,
                "商家及其所在的平台、市场都没有作出先行赔付承诺。",
                "Neither the business nor the platform or market it sells through has made a "
                "first-payment commitment.",
                {"merchant_id": id_text(facts.merchant_id), "commitments": "0"},
            ),
        )
    chosen = usable_commitment(facts)
    return tuple(_commitment_hit(facts, c, chosen) for c in _by_preference(facts))


def _commitment_hit(facts: RoutingFacts, c: Commitment, chosen: Commitment | None) -> RuleHit:
    holder, holder_en = holder_of(c)
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
        f"{capitalised(holder_en)} has made a first-payment commitment: every request in the complaint is "
        f"within its scope, the claim is within the per-claim cap ({cap} yuan) and the deposit balance, and "
        "there is proof of purchase.",
        read,
    )


def _commitment_problems(facts: RoutingFacts, c: Commitment) -> list[tuple[str, str]]:
    """Why the commitment does not cover this complaint, in zh and en; empty when it does."""
    problems: list[tuple[str, str]] = []
    if facts.today < c.active_from:
        problems.append(
            (
                f"承诺自{zh_day(c.active_from)}起生效，现在尚未生效",
                f"the commitment takes effect on {c.active_from.isoformat()}, not yet",
            )
        )
    if c.active_until is not None and facts.today > c.active_until:
        problems.append(
            (
                f"承诺已于{zh_day(c.active_until)}到期",
                f"the commitment expired on {c.active_until.isoformat()}",
            )
        )
    outside = [r for r in dict.fromkeys(facts.requests) if r not in c.scope_requests]
    if not facts.requests:
        problems.append(("投诉中没有具体诉求", "the complaint makes no request"))
    elif outside:
        problems.append(
            (
                f"诉求“{'、'.join(request_zh(r) for r in outside)}”不在承诺范围内",
                f"the request(s) {', '.join(request_en(r) for r in outside)} are outside its scope",
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


def usable_commitment(facts: RoutingFacts) -> Commitment | None:
    return next((c for c in _by_preference(facts) if not _commitment_problems(facts, c)), None)


def _is_own(facts: RoutingFacts, c: Commitment) -> bool:
    return facts.merchant_id is not None and c.holder_id == facts.merchant_id


def holder_of(c: Commitment) -> tuple[str, str]:
    zh, en = HOLDER_KINDS.get(c.holder_kind, ("经营者", "the business"))
    return named(zh, c.holder_name), (f"{en} ({c.holder_name})" if c.holder_name else en)


def _commitment_facts(facts: RoutingFacts, c: Commitment) -> dict[str, str]:
    return {
        "holder_id": str(c.holder_id),
        "holder_name": c.holder_name,
        "holder_kind": c.holder_kind,
        "own": flag(_is_own(facts, c)),
        "active_from": c.active_from.isoformat(),
        "active_until": iso_day(c.active_until),
        "today": facts.today.isoformat(),
        "scope_requests": ",".join(sorted(c.scope_requests)),
        "requests": ",".join(facts.requests),
        "scope_categories": "*" if c.scope_categories is None else ",".join(sorted(c.scope_categories)),
        "category": facts.category,
        "per_claim_cap": format_yuan(c.per_claim_cap_fen),
        "deposit_balance": format_yuan(c.deposit_balance_fen),
        "claim_amount": format_yuan(facts.claim_amount_fen),
        "has_proof_of_purchase": flag(facts.has_proof_of_purchase),
    }


# --- first payment: by law ----------------------------------------------------------------------------


def food_drug_rule(facts: RoutingFacts, policy: RoutingPolicy) -> tuple[RuleHit, ...]:
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


def platform_unidentified_rule(facts: RoutingFacts, policy: RoutingPolicy) -> tuple[RuleHit, ...]:
    read = {
        "seller_unidentified": flag(facts.seller_unidentified),
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


def exhibition_ended_rule(facts: RoutingFacts, policy: RoutingPolicy) -> tuple[RuleHit, ...]:
    return (_venue_closed(facts, _EXHIBITION),)


def counter_lease_expired_rule(facts: RoutingFacts, policy: RoutingPolicy) -> tuple[RuleHit, ...]:
    return (_venue_closed(facts, _COUNTER),)


def _venue_closed(facts: RoutingFacts, v: _Venue) -> RuleHit:
    """CPL art. 43: once the exhibition has ended or the lease has expired, the organiser or lessor
    answers for the seller. "Ended" means the last day (or the lease's expiry) is before today."""
    read = {
        "merchant_kind": facts.merchant_kind or "",
        "merchant_ends_on": iso_day(facts.merchant_ends_on),
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
            f"{v.place}到{zh_day(ends)}才{v.ended}，目前请直接向销售者或者服务者要求赔偿。",
            f"The {v.place_en} runs until {ends.isoformat()}: for now, claim from the seller or service "
            "provider directly.",
            read,
        )
    return RuleHit(
        v.rule,
        True,
        f"{v.place}已于{zh_day(ends)}{v.ended}。依照《消费者权益保护法》第四十三条，"
        f"您可以向{v.party}要求赔偿。",
        f"The {v.place_en} {v.ended_en} on {ends.isoformat()}. Under the Consumer Protection Law art. 43, "
        f"you may claim from the {v.party_en}.",
        read,
    )
