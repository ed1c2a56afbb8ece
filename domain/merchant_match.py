"""Finding the registry merchant a consumer names (DESIGN §2.5 item 6): a ranked match, not one exact key.

Consumers rarely know the USCC and seldom write the registered name: "恒达电器" for
杭州恒达家用电器有限公司, "莫干山路588号恒达", full-width digits, a branch in brackets. A name is read as
region + trade name (字号) + industry + legal form (企业名称登记管理规定), and the parts that every
business shares (region, industry, legal form) weigh little; the trade name weighs most. Addresses are
compared by road and house number and by sub-district; the platform or market the consumer names counts too.

Every candidate gets a score out of 100 with the reasons behind it; `decide` turns the ranking into
"confident" (link), "plausible" (a person confirms) or "none" (create an unverified merchant), by
thresholds that are routing-policy data. Chinese has no word breaks, so similarity is over character
bigrams (and single characters for short trade names), not PostgreSQL's space-delimited trigrams.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from domain.errors import Conflict

# Leading administrative divisions, stripped from a name (longest first).
REGION_WORDS = ("浙江省", "杭州市", "拱墅区", "中国", "浙江", "杭州", "拱墅")
# Organisational forms at the end of a name, weighed down (longest first so 有限责任公司 wins).
LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "个体工商户",
    "有限公司",
    "分公司",
    "经营部",
    "门市部",
    "服务部",
    "旗舰店",
    "专卖店",
    "专营店",
    "工作室",
    "公司",
    "集团",
    "商行",
    "商店",
    "商城",
    "分店",
    "门店",
    "店",
    "行",
    "馆",
    "厂",
)
# Industry words (行业表述), weighed down; abbreviations map to the full form.
INDUSTRY_WORDS = (
    "家用电器",
    "电器",
    "电气",
    "家电",
    "电子",
    "数码",
    "通讯",
    "科技",
    "贸易",
    "商贸",
    "实业",
    "餐饮",
    "食品",
    "超市",
    "服饰",
    "服装",
    "鞋业",
    "家具",
    "家居",
    "建材",
    "装饰",
    "汽车",
    "汽修",
    "美容",
    "美发",
    "健身",
    "教育",
    "培训",
    "酒店",
    "宾馆",
    "药房",
    "大药房",
    "医药",
    "眼镜",
    "珠宝",
    "手机",
)
INDUSTRY_SYNONYMS = {"家电": "家用电器"}
_INDUSTRY_BY_LENGTH = sorted(INDUSTRY_WORDS, key=len, reverse=True)

# What each part of the score can add, out of 100.
NAME_POINTS = 70
ADDRESS_POINTS = 30  # the same road and house number
ROAD_POINTS = 10  # the same road, another (or no) number
SUBDISTRICT_POINTS = 5
PLATFORM_POINTS = 10
BRANCH_POINTS = 5  # the same branch named on both sides
OTHER_BRANCH_PENALTY = 15  # the consumer named another branch
ADDRESS_NEEDS_NAME = 0.4  # below this name similarity the address counts a third
ADDRESS_DISCOUNT = 3
FULL_NAME_POINTS = 10  # the whole registered name, legal form included (unique in its registry)
TRADE_WEIGHT, INDUSTRY_WEIGHT = 0.8, 0.2

# Brackets and punctuation that carry no identity; NFKC has already folded full-width forms.
_PUNCT = re.compile(r"[\s()\[\]{}<>（）【】〔〕《》「」『』\"'“”‘’.,，。、·・:：;；!！?？\-—–_/\\&＋+*#]")
_BRACKETED = re.compile(r"[(（【\[]([^)）】\]]*)[)）】\]]")
# A road (ending in 路/街/道/巷/弄/大道) directly followed by a house number.
_ROAD_NO = re.compile(r"([\u4e00-\u9fff]{1,16}?(?:大道|路|街|巷|弄|道))(\d+)(?:-\d+)?号?")
_ROAD = re.compile(r"([\u4e00-\u9fff]{1,16}?(?:大道|路|街|巷|弄))")
_ADMIN_PREFIX = re.compile(r"^.*(?:省|市|区|县|镇|街道|乡)(?=[\u4e00-\u9fff])")

Outcome = Literal["confident", "plausible", "none"]


class LinkRefused(Conflict):
    """A link, re-link, edit or merge the case's or merchant's state does not allow (409); `code` is
    stable, for the case page's message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def normalize(text: str) -> str:
    """NFKC (full- and half-width forms agree), lower case, no white space or punctuation."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).lower())


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of a normalized text; a one-character text is its own gram.

    Mirrored by the SQL function merchant_grams (migration 0021), which prefilters candidates."""
    if len(text) < 2:
        return frozenset({text}) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def dice(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return 2 * len(sa & sb) / (len(sa) + len(sb))


# --- reading addresses and names ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Address:
    road: str | None
    number: str | None

    @property
    def road_no(self) -> str | None:
        return f"{self.road}{self.number}号" if self.road and self.number else None


def _road(raw_road: str) -> str:
    return _ADMIN_PREFIX.sub("", raw_road)


def parse_address(text: str) -> Address:
    """The road and house number in an address: "杭州市拱墅区莫干山路588号3楼" → 莫干山路, 588."""
    n = re.sub(r"\s", "", unicodedata.normalize("NFKC", text).lower())  # keeps "88-2号" apart
    found = _ROAD_NO.search(n)
    if found:
        return Address(_road(found.group(1)), found.group(2))
    road = _ROAD.search(n)
    return Address(_road(road.group(1)) if road else None, None)


@dataclass(frozen=True, slots=True)
class Name:
    """A business name read into its parts (all normalized)."""

    full: str
    trade: str  # 字号, the distinctive part
    industry: str  # canonical industry word, "" when none was recognised
    branch: str  # a branch named in brackets or before 分店, "" when none
    legal: str  # legal form, "" when none
    address: Address  # a road and number written into the name ("莫干山路588号恒达")

    @property
    def core(self) -> str:
        return self.trade + self.industry


def parse_name(text: str) -> Name:
    raw = unicodedata.normalize("NFKC", text).lower()
    branch_parts = _BRACKETED.findall(raw)
    raw = _BRACKETED.sub("", raw)
    n = normalize(raw)
    full = normalize(text)
    in_name = _ROAD_NO.search(n)
    address = Address(None, None)
    if in_name:
        address = Address(_road(in_name.group(1)), in_name.group(2))
        n = n[: in_name.start()] + n[in_name.end() :]
    stripped = True
    while stripped:
        stripped = False
        for word in REGION_WORDS:
            if n.startswith(word) and len(n) > len(word):
                n, stripped = n[len(word) :], True
    legal = ""
    for form in LEGAL_FORMS:
        if n.endswith(form) and len(n) > len(form):
            legal, n = form, n[: -len(form)]
            break
    branch = normalize("".join(branch_parts))
    if legal in ("分店", "门店", "分公司") and not branch:
        # "恒达电器莫干山路分店": what follows the industry word (or the road) names the branch
        road = _ROAD.search(n)
        if road and road.start() > 0:
            branch, n = n[road.start() :], n[: road.start()]
    for suffix in ("分店", "门店", "店"):
        if branch.endswith(suffix) and len(branch) > len(suffix):
            branch = branch[: -len(suffix)]
            break
    trade, industry, tail = n, "", ""
    for word in _INDUSTRY_BY_LENGTH:
        at = n.find(word)
        if at > 0:  # a trade name before it; an industry word alone stays the trade name
            trade, industry, tail = n[:at], INDUSTRY_SYNONYMS.get(word, word), n[at + len(word) :]
            break
    if tail and not branch:
        branch = tail
    elif tail:
        trade += tail
    return Name(full=full, trade=trade, industry=industry, branch=branch, legal=legal, address=address)


# --- scoring ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    """What the consumer wrote about the merchant."""

    name: str
    address: str
    subdistrict: str | None = None
    platform_name: str | None = None
    platform_uscc: str | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A registry merchant the prefilter found."""

    id: int
    name: str
    address: str
    uscc: str | None = None
    subdistrict: str | None = None
    verified: bool = True
    parent_name: str | None = None
    parent_uscc: str | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    code: str  # name, name_exact, trade_name, address, road, subdistrict, platform, branch, other_branch
    points: int
    text: str  # zh-CN, shown to staff

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "points": self.points, "text": self.text}


@dataclass(frozen=True, slots=True)
class Scored:
    candidate: Candidate
    score: int  # 0–100
    name_similarity: float
    reasons: tuple[Reason, ...]

    def to_json(self) -> dict[str, Any]:
        c = self.candidate
        return {
            "merchant_id": c.id,
            "name": c.name,
            "address": c.address,
            "uscc": c.uscc,
            "verified": c.verified,
            "score": self.score,
            "name_similarity": round(self.name_similarity, 2),
            "reasons": [r.to_json() for r in self.reasons],
        }


def _part_similarity(a: str, b: str) -> float:
    """Two trade names or industry words: equal 1; one inside the other (in order) high; else characters."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 2 and _is_subsequence(short, long_):
        return 0.6 + 0.4 * len(short) / len(long_)
    return 0.9 * dice(a, b)  # a typo keeps most characters: 恒大 / 恒达 → 0.45


def _is_subsequence(short: str, long_: str) -> bool:
    it = iter(long_)
    return all(ch in it for ch in short)


def name_similarity(q: Name, c: Name) -> float:
    """0–1: the better of the whole core's bigram overlap and the trade-name-first reading."""
    whole = dice(bigrams(q.core), bigrams(c.core))
    trade = _part_similarity(q.trade, c.trade)
    if q.industry and c.industry:
        parts = TRADE_WEIGHT * trade + INDUSTRY_WEIGHT * _part_similarity(q.industry, c.industry)
    elif q.industry:  # the registry name has none we recognise: look for it in the trade name
        parts = TRADE_WEIGHT * trade + INDUSTRY_WEIGHT * (1.0 if q.industry in c.trade else 0.0)
    else:
        parts = trade
    return max(whole, parts)


def _platform_matches(q: Query, c: Candidate) -> bool:
    if q.platform_uscc and c.parent_uscc:
        return q.platform_uscc == c.parent_uscc
    if q.platform_name and c.parent_name:
        return name_similarity(parse_name(q.platform_name), parse_name(c.parent_name)) >= 0.8
    return False


def score(q: Query, c: Candidate, *, qname: Name | None = None) -> Scored:
    qn = qname or parse_name(q.name)
    cn = parse_name(c.name)
    reasons: list[Reason] = []
    sim = name_similarity(qn, cn)
    name_pts = round(NAME_POINTS * sim)
    if qn.full == cn.full:
        reasons.append(Reason("name_exact", name_pts + FULL_NAME_POINTS, "名称与登记名称完全一致"))
        name_pts += FULL_NAME_POINTS
    elif qn.trade and qn.trade == cn.trade:
        reasons.append(Reason("trade_name", name_pts, f"字号相同（{cn.trade}），名称相似度 {sim:.2f}"))
    elif name_pts:
        reasons.append(Reason("name", name_pts, f"名称相似度 {sim:.2f}"))

    q_addr = parse_address(q.address)
    if q_addr.road is None or q_addr.number is None:
        q_addr = Address(q_addr.road or qn.address.road, q_addr.number or qn.address.number)
    c_addr = parse_address(c.address)
    addr_pts = 0
    if q_addr.road_no and q_addr.road_no == c_addr.road_no:
        addr_pts = ADDRESS_POINTS
        reasons.append(Reason("address", addr_pts, f"门牌地址一致（{c_addr.road_no}）"))
    elif q_addr.road and q_addr.road == c_addr.road:
        addr_pts = ROAD_POINTS
        reasons.append(Reason("road", addr_pts, f"同一道路（{c_addr.road}），门牌号不同或未写"))
    elif qn.branch and c_addr.road and c_addr.road in qn.branch:
        addr_pts = ROAD_POINTS
        reasons.append(Reason("road", addr_pts, f"分店名称中的道路与登记地址一致（{c_addr.road}）"))
    if addr_pts < ADDRESS_POINTS and q.subdistrict and q.subdistrict == c.subdistrict:
        addr_pts += SUBDISTRICT_POINTS
        reasons.append(Reason("subdistrict", SUBDISTRICT_POINTS, "所在街道一致"))
    if addr_pts and sim < ADDRESS_NEEDS_NAME:
        # many businesses share one address (a mall, a market): the address only backs up a name
        reasons = [
            Reason(r.code, r.points // ADDRESS_DISCOUNT, f"{r.text}，但名称差异大")
            if r.code in ("address", "road", "subdistrict")
            else r
            for r in reasons
        ]
        addr_pts = sum(r.points for r in reasons if r.code in ("address", "road", "subdistrict"))

    extra = 0
    if _platform_matches(q, c):
        extra += PLATFORM_POINTS
        reasons.append(Reason("platform", PLATFORM_POINTS, "消费者所写的平台或市场与登记的一致"))
    if qn.branch and cn.branch:
        if qn.branch == cn.branch or qn.branch in cn.branch or cn.branch in qn.branch:
            extra += BRANCH_POINTS
            reasons.append(Reason("branch", BRANCH_POINTS, f"分店一致（{cn.branch}）"))
        else:
            extra -= OTHER_BRANCH_PENALTY
            reasons.append(
                Reason("other_branch", -OTHER_BRANCH_PENALTY, f"消费者写的是另一家分店（{qn.branch}）")
            )
    total = max(0, min(100, name_pts + addr_pts + extra))
    return Scored(c, total, sim, tuple(reasons))


# --- the decision -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatchPolicy:
    """Thresholds out of 100: routing-policy data (routing_policies, migration 0021)."""

    confident: int = 80  # at least this, and `margin` ahead of the next, links without asking
    plausible: int = 45  # at least this: a person confirms
    margin: int = 15
    max_candidates: int = 5


@dataclass(frozen=True, slots=True)
class MatchDecision:
    outcome: Outcome
    ranked: tuple[Scored, ...] = field(default=())  # confident: the one; plausible: those to confirm

    @property
    def best(self) -> Scored | None:
        return self.ranked[0] if self.ranked else None


def rank(q: Query, candidates: Sequence[Candidate]) -> list[Scored]:
    qn = parse_name(q.name)
    scored = [score(q, c, qname=qn) for c in candidates]
    return sorted(scored, key=lambda s: (-s.score, not s.candidate.verified, s.candidate.id))


def decide(q: Query, candidates: Sequence[Candidate], policy: MatchPolicy) -> MatchDecision:
    return decide_ranked(rank(q, candidates), policy)


def decide_ranked(ranked: Sequence[Scored], policy: MatchPolicy) -> MatchDecision:
    """Link the best when it is confident and clearly ahead; else ask about the plausible ones."""
    if not ranked or ranked[0].score < policy.plausible:
        return MatchDecision("none")
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0
    if best.score >= policy.confident and best.score - runner_up >= policy.margin:
        return MatchDecision("confident", (best,))
    plausible = tuple(s for s in ranked if s.score >= policy.plausible)
    return MatchDecision("plausible", plausible[: policy.max_candidates])


def prefilter_grams(q: Query) -> tuple[list[str], list[str]]:
    """What the SQL prefilter looks for: bigrams of the name's core (never of its legal form or
    region alone), and the bigrams of the road and number (all of them must be in the address)."""
    qn = parse_name(q.name)
    name_grams = sorted(bigrams(qn.core) | bigrams(qn.trade))
    addr = parse_address(q.address)
    road_no = addr.road_no or qn.address.road_no
    return name_grams, sorted(bigrams(road_no)) if road_no else []


def relink_changes(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    *,
    from_name: str | None,
    to_name: str,
    route_labels: Mapping[str, str],
) -> list[str]:
    """What re-linking a case to another merchant changed, in words for the case history: the merchant,
    the route, and the rules that now apply or no longer do (from the two routing explanations)."""
    lines = [f"关联商家由“{from_name}”更正为“{to_name}”" if from_name else f"关联商家：“{to_name}”"]
    old_route = before.get("route") if before else None
    new_route = after["route"]
    if old_route == new_route:
        lines.append(f"处理方式不变：{route_labels.get(new_route, new_route)}")
    else:
        old_label = route_labels.get(old_route, old_route) if old_route else "未确定"
        lines.append(f"处理方式由{old_label}改为{route_labels.get(new_route, new_route)}")
    old_fired = {h["reason"] for h in (before or {}).get("fired", [])}
    new_fired = [h["reason"] for h in after.get("fired", [])]
    lines += [f"现适用：{r}" for r in new_fired if r not in old_fired]
    lines += [f"不再适用：{r}" for r in sorted(old_fired) if r not in new_fired]
    return lines
