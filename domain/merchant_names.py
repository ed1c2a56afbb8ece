"""Reading the names and addresses consumers write for a merchant (domain.merchant_match scores them).

A name is read as region + trade name (字号) + industry + legal form (企业名称登记管理规定); an address as
road and house number. Texts are compared NFKC-normalized, over character bigrams (Chinese has no word
breaks).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

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

# Brackets and punctuation that carry no identity; NFKC has already folded full-width forms.
_PUNCT = re.compile(r"[\s()\[\]{}<>（）【】〔〕《》「」『』\"'“”‘’.,，。、·・:：;；!！?？\-—–_/\\&＋+*#]")
_BRACKETED = re.compile(r"[(（【\[]([^)）】\]]*)[)）】\]]")
# A road (ending in 路/街/道/巷/弄/大道) directly followed by a house number.
_ROAD_NO = re.compile(r"([\u4e00-\u9fff]{1,16}?(?:大道|路|街|巷|弄|道))(\d+)(?:-\d+)?号?")
_ROAD = re.compile(r"([\u4e00-\u9fff]{1,16}?(?:大道|路|街|巷|弄))")
_ADMIN_PREFIX = re.compile(r"^.*(?:省|市|区|县|镇|街道|乡)(?=[\u4e00-\u9fff])")


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
