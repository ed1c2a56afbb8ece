"""The ranked merchant matcher (domain.merchant_match) as tables: what consumers really type, against a
small registry, and what the decision rule makes of it."""

from __future__ import annotations

import pytest

from domain.merchant_match import (
    Candidate,
    MatchPolicy,
    Query,
    Scored,
    decide,
    decide_ranked,
    prefilter_grams,
    rank,
    relink_changes,
)
from domain.merchant_names import Address, bigrams, normalize, parse_address, parse_name

HENGDA = Candidate(1, "杭州恒达家用电器有限公司", "杭州市拱墅区莫干山路588号", uscc="91330105MA2H0000X1")
CHENGXIN = Candidate(2, "杭州诚信电器商行", "杭州市拱墅区湖墅南路88号")
HENGDA_FOOD = Candidate(3, "恒达餐饮管理有限公司", "杭州市拱墅区大关路1号")
MEIJIA_HUSHU = Candidate(10, "杭州美佳超市有限公司（湖墅店）", "杭州市拱墅区湖墅南路200号")
MEIJIA_DAGUAN = Candidate(11, "杭州美佳超市有限公司（大关店）", "杭州市拱墅区大关路50号")
LAOWANG_A = Candidate(20, "杭州老王水果店", "杭州市拱墅区文晖路3号")
LAOWANG_B = Candidate(21, "杭州老王水果店", "杭州市拱墅区潮王路18号")
ABC = Candidate(30, "杭州ABC数码科技有限公司", "杭州市拱墅区石桥路10号")
HAOYUN_MALL = Candidate(40, "杭州好运来服饰商行", "杭州市拱墅区上塘路5号", parent_name="杭州国大城市广场")
HAOYUN = Candidate(41, "好运来服饰", "杭州市拱墅区湖州街7号")
REGISTRY = (
    HENGDA,
    CHENGXIN,
    HENGDA_FOOD,
    MEIJIA_HUSHU,
    MEIJIA_DAGUAN,
    LAOWANG_A,
    LAOWANG_B,
    ABC,
    HAOYUN_MALL,
    HAOYUN,
)
POLICY = MatchPolicy()


@pytest.mark.parametrize(
    ("name", "address", "outcome", "expected"),
    [
        # the registered name at the registered address
        ("杭州恒达家用电器有限公司", "杭州市拱墅区莫干山路588号", "confident", [1]),
        # abbreviations: the trade name with a short industry word, the industry's own abbreviation
        ("恒达电器", "莫干山路588号", "confident", [1]),
        ("恒达家电", "拱墅区莫干山路588号2楼", "confident", [1]),
        # the address written into the name
        ("莫干山路588号恒达", "拱墅区", "confident", [1]),
        # a trade name alone, no address to tell it from another business with that trade name
        ("恒达电器", "杭州", "plausible", [1, 3]),
        # full-width digits and letters
        ("杭州恒达家用电器有限公司", "莫干山路５８８号", "confident", [1]),
        ("ＡＢＣ数码", "拱墅区石桥路１０号", "confident", [30]),
        # branches (分店): the branch named, or its address, decides; neither leaves both
        ("美佳超市大关店", "大关路50号", "confident", [11]),
        ("美佳超市（大关分店）", "大关路50号", "confident", [11]),
        ("美佳超市", "湖墅南路200号", "confident", [10]),
        ("美佳超市", "杭州市拱墅区", "plausible", [10, 11]),
        # two merchants with one name at different addresses
        ("老王水果店", "文晖路3号", "confident", [20]),
        ("杭州老王水果店", "潮王路18号", "confident", [21]),
        ("老王水果店", "拱墅区", "plausible", [20, 21]),
        # a consumer's typo: one character of the industry word, or of the trade name
        ("杭州恒达家用电气有限公司", "莫干山路588号", "confident", [1]),
        ("恒大电器", "莫干山路588号", "plausible", [1]),
        # another shop at the same address (a mall): the address only backs up a name
        ("新潮电器", "湖墅南路88号", "none", []),
        # nothing like it in the registry
        ("杭州新开张面馆", "祥符路9号", "none", []),
        ("电器商店", "丽水路66号", "none", []),
    ],
)
def test_what_consumers_type(name: str, address: str, outcome: str, expected: list[int]) -> None:
    decision = decide(Query(name, address), REGISTRY, POLICY)
    assert decision.outcome == outcome
    assert [s.candidate.id for s in decision.ranked] == expected


def test_the_platform_or_market_the_consumer_names_counts() -> None:
    without = rank(Query("好运来", "国大城市广场三楼"), REGISTRY)
    named = rank(Query("好运来", "国大城市广场三楼", platform_name="国大城市广场"), REGISTRY)
    score = {s.candidate.id: s.score for s in without}
    named_score = {s.candidate.id: s.score for s in named}
    assert named_score[40] == score[40] + 10 and named_score[41] == score[41]
    assert any(r.code == "platform" for r in named[0].reasons) and named[0].candidate.id == 40


def test_the_same_sub_district_adds_a_little() -> None:
    c = Candidate(5, "杭州小河五金商店", "杭州市拱墅区小河路1号", subdistrict="xiaohe")
    plain = rank(Query("小河五金", "拱墅区"), [c])[0]
    same = rank(Query("小河五金", "拱墅区", subdistrict="xiaohe"), [c])[0]
    assert same.score == plain.score + 5 and same.reasons[-1].code == "subdistrict"


def test_every_candidate_says_why() -> None:
    best = rank(Query("恒达电器", "莫干山路588号"), REGISTRY)[0]
    assert best.candidate is HENGDA and best.score == 97
    assert [r.code for r in best.reasons] == ["trade_name", "address"]
    assert sum(r.points for r in best.reasons) == best.score
    out = best.to_json()
    assert (
        out["merchant_id"] == 1
        and out["uscc"] == HENGDA.uscc
        and out["reasons"][1]["text"].startswith("门牌地址一致")
    )


@pytest.mark.parametrize(
    ("scores", "outcome"),
    [
        ((95,), "confident"),
        ((95, 80), "confident"),  # 15 ahead: clear
        ((95, 81), "plausible"),  # not clear enough
        ((79,), "plausible"),  # below the confident threshold
        ((45,), "plausible"),
        ((44,), "none"),
        ((), "none"),
    ],
)
def test_the_decision_rule(scores: tuple[int, ...], outcome: str) -> None:
    ranked = [Scored(Candidate(i, f"候选{i}", "某路1号"), points, 0.0, ()) for i, points in enumerate(scores)]
    decision = decide_ranked(ranked, POLICY)
    assert decision.outcome == outcome
    if outcome == "confident":
        assert [s.candidate.id for s in decision.ranked] == [0]
    if outcome == "plausible":
        assert [s.score for s in decision.ranked] == [p for p in scores if p >= POLICY.plausible]


def test_thresholds_are_policy_data() -> None:
    strict = MatchPolicy(confident=101, plausible=45, margin=15)
    assert decide(Query("恒达电器", "莫干山路588号"), REGISTRY, strict).outcome == "plausible"
    lax = MatchPolicy(confident=60, plausible=30, margin=0)
    assert decide(Query("恒大电器", "莫干山路588号"), REGISTRY, lax).outcome == "confident"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("杭州 恒达（莫干山路店）", "杭州恒达莫干山路店"),
        ("ＡＢＣ　数码", "abc数码"),
        ("莫干山路５８８号", "莫干山路588号"),
        ("恒达·电器【旗舰店】", "恒达电器旗舰店"),
    ],
)
def test_normalize_folds_width_case_space_and_punctuation(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("杭州市拱墅区莫干山路588号3楼", Address("莫干山路", "588")),
        ("拱墅区湖墅街道湖墅南路88-2号", Address("湖墅南路", "88")),
        ("杭州市拱墅区大关路", Address("大关路", None)),
        ("国大城市广场三楼", Address(None, None)),
    ],
)
def test_parse_address(raw: str, expected: Address) -> None:
    assert parse_address(raw) == expected


@pytest.mark.parametrize(
    ("raw", "trade", "industry", "branch", "legal"),
    [
        ("杭州恒达家用电器有限公司", "恒达", "家用电器", "", "有限公司"),
        ("恒达家电", "恒达", "家用电器", "", ""),
        ("杭州美佳超市有限公司（湖墅店）", "美佳", "超市", "湖墅", "有限公司"),
        ("恒达电器莫干山路分店", "恒达", "电器", "莫干山路", "分店"),
        ("电器商店", "电器", "", "", "商店"),
    ],
)
def test_parse_name(raw: str, trade: str, industry: str, branch: str, legal: str) -> None:
    n = parse_name(raw)
    assert (n.trade, n.industry, n.branch, n.legal) == (trade, industry, branch, legal)


def test_the_prefilter_never_searches_by_the_legal_form_or_region_alone() -> None:
    names, roads = prefilter_grams(Query("杭州恒达家用电器有限公司", "杭州市拱墅区莫干山路588号"))
    assert "有限" not in names and "杭州" not in names and "恒达" in names
    assert set(roads) == bigrams("莫干山路588号")
    assert prefilter_grams(Query("恒达", "拱墅区"))[1] == []


def test_relink_changes_say_what_changed() -> None:
    before = {"route": "mediation", "fired": [{"reason": "双方同意调解"}]}
    after = {"route": "first_payment", "fired": [{"reason": "商家有先行赔付承诺"}]}
    labels = {"mediation": "调解", "first_payment": "先行赔付"}
    assert relink_changes(
        before, after, from_name="恒达电器", to_name="杭州恒达家用电器有限公司", route_labels=labels
    ) == [
        "关联商家由“恒达电器”更正为“杭州恒达家用电器有限公司”",
        "处理方式由调解改为先行赔付",
        "现适用：商家有先行赔付承诺",
        "不再适用：双方同意调解",
    ]
    same = relink_changes(before, before, from_name=None, to_name="甲", route_labels=labels)
    assert same == ["关联商家：“甲”", "处理方式不变：调解"]
