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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from domain.errors import CodedConflict
from domain.merchant_names import Address, Name, bigrams, dice, parse_address, parse_name

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

Outcome = Literal["confident", "plausible", "none"]


class LinkRefused(CodedConflict):
    """A link, re-link, edit or merge the case's or merchant's state does not allow (409); `code` is
    stable, for the case page's message."""


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
