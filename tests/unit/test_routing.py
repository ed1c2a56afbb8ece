"""Routing under article 17 (pure): every rule, its precedence, and the reasons the others did not apply."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from domain.routing import RULES, route
from domain.routing_facts import (
    ROUTE_LABELS,
    Agreement,
    Commitment,
    Route,
    RoutingDecision,
    RoutingFacts,
    RoutingPolicy,
    RuleHit,
)

D = date.fromisoformat
POLICY = RoutingPolicy("policy2026", frozenset({"food", "medicine_medical"}))
SHOP, PLATFORM = 7, 3
OWN = Commitment(
    holder_id=SHOP,
    holder_name="湖墅电器店",
    holder_kind="shop",
    scope_requests=frozenset({"refund", "return", "replace"}),
    scope_categories=frozenset({"household_appliances"}),
    per_claim_cap_fen=500_00,
    active_from=D("2026-01-01"),
    active_until=D("2026-12-31"),
    deposit_balance_fen=2_000_00,
)
PLATFORMS = Commitment(
    holder_id=PLATFORM,
    holder_name="运河购",
    holder_kind="platform",
    scope_requests=frozenset({"refund", "return", "replace", "repair"}),
    scope_categories=None,
    per_claim_cap_fen=1_000_00,
    active_from=D("2025-06-01"),
    active_until=None,
    deposit_balance_fen=50_000_00,
)
ARBITRATION = Agreement("written", "杭州仲裁委员会")
FACTS = RoutingFacts(
    today=D("2026-11-26"),
    category="household_appliances",
    requests=("refund",),
    claim_amount_fen=300_00,
    has_proof_of_purchase=True,
    consent_mediation=True,
    merchant_id=SHOP,
    merchant_name="湖墅电器店",
    merchant_kind="shop",
    merchant_ends_on=None,
    seller_unidentified=False,
    commitments=(),
    agreement=None,
)


def case(name: str, *values: object) -> object:
    return pytest.param(*values, id=name)


def fired(facts: RoutingFacts) -> tuple[str, ...]:
    return tuple(hit.rule for hit in route(facts, POLICY).fired)


def checked(facts: RoutingFacts, rule: str) -> tuple[RuleHit, ...]:
    return tuple(hit for hit in route(facts, POLICY).checked if hit.rule == rule)


# --- which route, and which rules decided it -----------------------------------------------------------

WITH_OWN = replace(FACTS, commitments=(OWN,))


@pytest.mark.parametrize(
    ("facts", "expected", "rules", "payer"),
    [
        case("nothing applies: mediation", FACTS, Route.MEDIATION, ("mediation",), None),
        case("own commitment", WITH_OWN, Route.FIRST_PAYMENT, ("commitment",), SHOP),
        case(
            "commitment beats an agreement",
            replace(WITH_OWN, agreement=ARBITRATION),
            Route.FIRST_PAYMENT,
            ("commitment",),
            SHOP,
        ),
        case(
            "food beats an agreement",
            replace(FACTS, category="food", agreement=ARBITRATION),
            Route.FIRST_PAYMENT,
            ("food_drug",),
            None,
        ),
        case(
            "drugs: the seller pays first",
            replace(FACTS, category="medicine_medical"),
            Route.FIRST_PAYMENT,
            ("food_drug",),
            None,
        ),
        case(
            "food with a commitment covering it: both fire, the commitment's holder pays",
            replace(WITH_OWN, category="food", commitments=(replace(OWN, scope_categories=None),)),
            Route.FIRST_PAYMENT,
            ("commitment", "food_drug"),
            SHOP,
        ),
        case(
            "food, the commitment does not cover the category: the seller pays without a deposit",
            replace(WITH_OWN, category="food"),
            Route.FIRST_PAYMENT,
            ("food_drug",),
            None,
        ),
        case(
            "platform cannot identify the seller",
            replace(FACTS, seller_unidentified=True, merchant_kind="platform", agreement=ARBITRATION),
            Route.FIRST_PAYMENT,
            ("platform_unidentified",),
            None,
        ),
        case(
            "exhibition ended yesterday",
            replace(FACTS, merchant_kind="exhibition", merchant_ends_on=D("2026-11-25")),
            Route.FIRST_PAYMENT,
            ("exhibition_ended",),
            None,
        ),
        case(
            "exhibition ends today: still running",
            replace(FACTS, merchant_kind="exhibition", merchant_ends_on=D("2026-11-26")),
            Route.MEDIATION,
            ("mediation",),
            None,
        ),
        case(
            "counter lease expired",
            replace(FACTS, merchant_kind="counter_lessor", merchant_ends_on=D("2026-10-31")),
            Route.FIRST_PAYMENT,
            ("counter_lease_expired",),
            None,
        ),
        case(
            "counter lease still running",
            replace(FACTS, merchant_kind="counter_lessor", merchant_ends_on=D("2027-10-31")),
            Route.MEDIATION,
            ("mediation",),
            None,
        ),
        case(
            "an exhibition's date on a shop is ignored",
            replace(FACTS, merchant_kind="shop", merchant_ends_on=D("2026-01-01")),
            Route.MEDIATION,
            ("mediation",),
            None,
        ),
        case(
            "agreement beats mediation",
            replace(FACTS, agreement=ARBITRATION),
            Route.ARBITRATION,
            ("arbitration_agreement",),
            None,
        ),
        case(
            "an implied agreement",
            replace(FACTS, agreement=Agreement("implied", "杭州仲裁委员会")),
            Route.ARBITRATION,
            ("arbitration_agreement",),
            None,
        ),
        case(
            "no consent yet: still mediation",
            replace(FACTS, consent_mediation=False),
            Route.MEDIATION,
            ("mediation",),
            None,
        ),
        case(
            "not in the registry",
            replace(FACTS, merchant_id=None, merchant_kind=None, merchant_name=""),
            Route.MEDIATION,
            ("mediation",),
            None,
        ),
    ],
)
def test_route(facts: RoutingFacts, expected: Route, rules: tuple[str, ...], payer: int | None) -> None:
    decision = route(facts, POLICY)
    assert decision.route == expected
    assert fired(facts) == rules
    assert decision.payer_id == payer
    assert all(hit.fired for hit in decision.fired) and not any(hit.fired for hit in decision.checked)


# --- why a commitment does not apply ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "reason", "reason_en"),
    [
        case(
            "expired",
            replace(WITH_OWN, today=D("2027-01-01")),
            "承诺已于2026年12月31日到期",
            "expired on 2026-12-31",
        ),
        case(
            "not yet active",
            replace(WITH_OWN, commitments=(replace(OWN, active_from=D("2026-12-01")),)),
            "承诺自2026年12月01日起生效，现在尚未生效",
            "takes effect on 2026-12-01",
        ),
        case(
            "a request out of scope",
            replace(WITH_OWN, requests=("refund", "compensate")),
            "诉求“赔偿损失”不在承诺范围内",
            "compensate for losses",
        ),
        case("no request at all", replace(WITH_OWN, requests=()), "投诉中没有具体诉求", "makes no request"),
        case(
            "a category out of scope",
            replace(WITH_OWN, category="clothing"),
            "投诉的商品或服务类别不在承诺范围内",
            "category",
        ),
        case(
            "claim over the cap",
            replace(WITH_OWN, claim_amount_fen=500_01),
            "索赔金额超过每笔上限（索赔500.01元，上限500.00元）",
            "exceeds the per-claim cap (500.01 yuan claimed, cap 500.00 yuan)",
        ),
        case(
            "claim over the deposit",
            replace(WITH_OWN, commitments=(replace(OWN, deposit_balance_fen=299_99),)),
            "索赔金额（300.00元）超过保证金余额",
            "exceeds the guarantee deposit's balance",
        ),
        case(
            "no proof of purchase",
            replace(WITH_OWN, has_proof_of_purchase=False),
            "没有购物凭证",
            "no proof of purchase",
        ),
    ],
)
def test_a_commitment_that_does_not_apply_says_why(facts: RoutingFacts, reason: str, reason_en: str) -> None:
    decision = route(facts, POLICY)
    assert decision.route == Route.MEDIATION and decision.payer_id is None
    (hit,) = checked(facts, "commitment")
    assert not hit.fired
    assert hit.reason.startswith("商家（湖墅电器店）的先行赔付承诺不适用：")
    assert reason in hit.reason and reason_en in hit.reason_en


@pytest.mark.parametrize(
    ("claim", "applies"),
    [(500_00, True), (500_01, False), (0, True)],  # the cap is inclusive
)
def test_the_cap_is_inclusive(claim: int, applies: bool) -> None:
    assert (route(replace(WITH_OWN, claim_amount_fen=claim), POLICY).route == Route.FIRST_PAYMENT) is applies


@pytest.mark.parametrize(
    ("today", "applies"),
    [("2025-12-31", False), ("2026-01-01", True), ("2026-12-31", True), ("2027-01-01", False)],
)
def test_the_commitment_period_includes_both_ends(today: str, applies: bool) -> None:
    facts = replace(WITH_OWN, today=D(today))
    assert (route(facts, POLICY).route == Route.FIRST_PAYMENT) is applies


def test_every_reason_is_listed_at_once() -> None:
    facts = replace(WITH_OWN, today=D("2027-02-01"), claim_amount_fen=600_00, has_proof_of_purchase=False)
    (hit,) = checked(facts, "commitment")
    assert hit.reason == (
        "商家（湖墅电器店）的先行赔付承诺不适用：承诺已于2026年12月31日到期；"
        "索赔金额超过每笔上限（索赔600.00元，上限500.00元）；没有购物凭证。"
    )


def test_the_fired_commitment_reason_and_facts() -> None:
    decision = route(WITH_OWN, POLICY)
    (hit,) = decision.fired
    assert hit.reason == (
        "商家（湖墅电器店）作出了先行赔付承诺，您的每一项诉求都在承诺范围内，"
        "索赔金额在每笔上限（500.00元）和保证金余额之内，且有购物凭证。"
    )
    assert hit.facts["per_claim_cap"] == "500.00"
    assert hit.facts["deposit_balance"] == "2000.00"
    assert hit.facts["claim_amount"] == "300.00"
    assert hit.facts["active_until"] == "2026-12-31"
    assert hit.facts["own"] == "true"
    assert decision.payer_name == "湖墅电器店"
    assert decision.summary == "本案适用先行赔付，由商家（湖墅电器店）先行赔付。"


def test_no_commitment_at_all_is_listed() -> None:
    (hit,) = checked(FACTS, "commitment")
    assert hit.reason == "商家及其所在的平台、市场都没有作出先行赔付承诺。"


# --- whose commitment -----------------------------------------------------------------------------------


def test_the_merchants_own_commitment_comes_before_its_platforms() -> None:
    facts = replace(FACTS, commitments=(PLATFORMS, OWN))  # the platform's listed first
    decision = route(facts, POLICY)
    assert (decision.payer_id, decision.payer_name) == (SHOP, "湖墅电器店")
    (platform_hit,) = checked(facts, "commitment")
    assert platform_hit.facts["holder_id"] == str(PLATFORM)
    assert "优先由商家自己的承诺先行赔付" in platform_hit.reason


def test_the_platform_pays_when_the_merchants_own_does_not_apply() -> None:
    facts = replace(FACTS, commitments=(OWN, PLATFORMS), requests=("repair",))  # the shop's excludes repair
    decision = route(facts, POLICY)
    assert decision.route == Route.FIRST_PAYMENT
    assert (decision.payer_id, decision.payer_name) == (PLATFORM, "运河购")
    assert decision.summary == "本案适用先行赔付，由网络交易平台（运河购）先行赔付。"
    (own_hit,) = checked(facts, "commitment")
    assert "诉求“修理”不在承诺范围内" in own_hit.reason


# --- the statutory first payments ------------------------------------------------------------------------


def test_food_names_the_statutes_and_the_seller() -> None:
    decision = route(replace(FACTS, category="food", merchant_name="大关菜场"), POLICY)
    (hit,) = decision.fired
    assert "《食品安全法》第一百四十八条" in hit.reason and "《药品管理法》第一百四十四条" in hit.reason
    assert hit.facts["policy_id"] == "policy2026"
    assert decision.summary == "本案适用先行赔付，由接到索赔的经营者（大关菜场）先行赔付。"


def test_seller_unidentified_names_the_platform() -> None:
    facts = replace(FACTS, seller_unidentified=True, merchant_kind="platform", merchant_name="运河购")
    decision = route(facts, POLICY)
    assert "第四十四条" in decision.fired[0].reason
    assert decision.summary == "本案适用先行赔付，由网络交易平台（运河购）先行赔付。"


@pytest.mark.parametrize(
    ("ends_on", "rule_fired", "reason"),
    [
        ("2026-11-25", True, "展销会已于2026年11月25日结束。依照《消费者权益保护法》第四十三条"),
        ("2026-11-26", False, "展销会到2026年11月26日才结束"),
        (None, False, "没有登记展销会结束的日期"),
    ],
)
def test_exhibition_ended(ends_on: str | None, rule_fired: bool, reason: str) -> None:
    facts = replace(
        FACTS,
        merchant_kind="exhibition",
        merchant_name="运河国际博览中心",
        merchant_ends_on=None if ends_on is None else D(ends_on),
    )
    decision = route(facts, POLICY)
    (hit,) = (h for h in decision.fired + decision.checked if h.rule == "exhibition_ended")
    assert hit.fired is rule_fired and reason in hit.reason
    if rule_fired:
        assert decision.summary == "本案适用先行赔付，由展销会举办者（运河国际博览中心）先行赔付。"


def test_counter_lease_expired_reason() -> None:
    facts = replace(FACTS, merchant_kind="counter_lessor", merchant_ends_on=D("2026-10-31"))
    (hit,) = route(facts, POLICY).fired
    assert hit.reason.startswith("柜台租赁已于2026年10月31日期满。")


# --- arbitration and mediation ---------------------------------------------------------------------------


def test_arbitration_names_the_institution_and_the_kind() -> None:
    decision = route(replace(FACTS, agreement=ARBITRATION), POLICY)
    (hit,) = decision.fired
    assert hit.reason == "双方有仲裁协议（书面仲裁协议），约定由杭州仲裁委员会仲裁。"
    assert hit.facts == {"agreement_kind": "written", "institution": "杭州仲裁委员会"}
    assert decision.summary == "您与商家有仲裁协议，本案将转交杭州仲裁委员会仲裁。"
    assert (
        "仲裁法"
        in route(replace(FACTS, agreement=Agreement("implied", "杭州仲裁委员会")), POLICY).fired[0].reason
    )


def test_without_an_agreement_the_regulator_cannot_refer() -> None:
    (hit,) = checked(FACTS, "arbitration_agreement")
    assert "不能自行将争议交付仲裁" in hit.reason


def test_an_agreement_that_gives_way_to_first_payment_says_so() -> None:
    facts = replace(WITH_OWN, agreement=ARBITRATION)
    (hit,) = checked(facts, "arbitration_agreement")
    assert not hit.fired
    assert hit.reason.endswith("但本案适用先行赔付，先行赔付优先。")
    (mediation,) = checked(facts, "mediation")
    assert mediation.reason.endswith("但本案适用先行赔付，先行赔付优先。")


@pytest.mark.parametrize("consent", [True, False])
def test_mediation_notes_consent(consent: bool) -> None:
    decision = route(replace(FACTS, consent_mediation=consent), POLICY)
    (hit,) = decision.fired
    assert ("需征得双方同意" in hit.reason) is not consent
    assert ("需征得双方同意" in decision.summary) is not consent
    assert hit.facts == {"consent_mediation": "true" if consent else "false"}


# --- the record -----------------------------------------------------------------------------------------

ALL = [
    FACTS,
    replace(FACTS, commitments=(OWN, PLATFORMS), agreement=ARBITRATION),
    replace(FACTS, category="food", commitments=(replace(OWN, active_until=D("2026-01-31")),)),
    replace(FACTS, agreement=ARBITRATION, consent_mediation=False),
    replace(FACTS, merchant_kind="exhibition", merchant_ends_on=D("2026-11-01"), merchant_id=None),
]


RULE_CODES = (
    "commitment",
    "food_drug",
    "platform_unidentified",
    "exhibition_ended",
    "counter_lease_expired",
    "arbitration_agreement",
    "mediation",
)


@pytest.mark.parametrize("facts", ALL)
def test_every_rule_is_accounted_for_in_every_decision(facts: RoutingFacts) -> None:
    decision = route(facts, POLICY)
    hits = decision.fired + decision.checked
    assert {hit.rule for hit in hits} == set(RULE_CODES)
    assert len(RULES) == len(RULE_CODES)
    # one hit per commitment considered, or one saying there is none
    assert sum(hit.rule == "commitment" for hit in hits) == max(1, len(facts.commitments))


@pytest.mark.parametrize("facts", ALL)
def test_to_json_round_trips(facts: RoutingFacts) -> None:
    decision = route(facts, POLICY)
    data = decision.to_json()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["route"] == decision.route.value
    assert RoutingDecision.from_json(json.loads(json.dumps(data))) == decision


@pytest.mark.parametrize("facts", ALL)
def test_every_reason_is_in_both_languages_and_facts_are_strings(facts: RoutingFacts) -> None:
    decision = route(facts, POLICY)
    assert decision.summary and decision.summary_en
    for hit in decision.fired + decision.checked:
        assert hit.reason.endswith("。") and hit.reason_en.endswith(".")
        assert all(isinstance(v, str) for v in hit.facts.values())


def test_route_labels() -> None:
    assert ROUTE_LABELS[Route.FIRST_PAYMENT][0] == "先行赔付"
    assert ROUTE_LABELS[Route.MEDIATION][0] == "调解"
    assert ROUTE_LABELS[Route.ARBITRATION][0] == "第三方质量争议仲裁"


def test_a_negative_claim_is_refused() -> None:
    with pytest.raises(ValueError):
        route(replace(FACTS, claim_amount_fen=-1), POLICY)
