"""The open dataset (CFPB-style, DESIGN §2.9, issue 18 §2): one row per case closed in a month, without
personal data, free text or exact dates, k-anonymous on the quasi-identifiers sub-district × category ×
problem type (× the file's month) and the merchant named (a named business narrows a combination as
much as any of the three); a combination with fewer than k rows is generalised (the merchant's name left
blank, then category → its goods/services group, then sub-district → the district) or, if still rarer,
suppressed. k arrives as data (the disclosure policy in force). The file is frozen once per month, like
the monthly return: its hash is `content_hash(file_content(...))`; a restatement is a new version with the
rows added and removed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass, fields, replace
from decimal import Decimal
from typing import Any

# Bump when a column, a band or a code of the generalisation changes: a file says which it follows.
DICTIONARY_VERSION = "od1"
DISTRICT = "gongshu"  # the code a sub-district is generalised to
DISTRICT_LABEL = ("拱墅区（街道已合并）", "Gongshu District (sub-districts merged)")
GROUP_LABELS: dict[str, tuple[str, str]] = {
    "goods": ("商品类（细分类别已合并）", "Goods (categories merged)"),
    "services": ("服务类（细分类别已合并）", "Services (categories merged)"),
}
# Outcomes left out of the file: fake filings (excluded from every statistic) and a complaint filed twice
# (the same consumer's complaint would be counted twice, which would weaken k).
EXCLUDED_OUTCOMES = ("spam", "duplicate")

# Relief at closing (integer fen): bands, never the amount. (upper bound in fen, exclusive; code; zh; en)
RELIEF_BANDS: tuple[tuple[int | None, str, str, str], ...] = (
    (1, "none", "无金钱救济", "No money relief"),
    (100_00, "under_100", "100元以下", "Under 100 yuan"),
    (500_00, "100_500", "100元至500元以下", "100 to under 500 yuan"),
    (2_000_00, "500_2000", "500元至2000元以下", "500 to under 2,000 yuan"),
    (10_000_00, "2000_10000", "2000元至1万元以下", "2,000 to under 10,000 yuan"),
    (None, "10000_plus", "1万元及以上", "10,000 yuan or more"),
)
# The survey's score (0–100, the weighted mean of the answered questions): (lower bound, code, zh, en),
# highest first; "none" when the consumer did not answer (or answered only "don't know").
SATISFACTION_BANDS: tuple[tuple[int, str, str, str], ...] = (
    (90, "90_plus", "90分及以上", "90 or more"),
    (80, "80_90", "80分至90分以下", "80 to under 90"),
    (60, "60_80", "60分至80分以下", "60 to under 80"),
    (0, "under_60", "60分以下", "Under 60"),
)
NO_ANSWER = ("none", "未作答", "No answer")


def relief_band(relief_fen: int | None) -> str:
    """The band of a closed case's relief: None and 0 are "none"."""
    amount = relief_fen or 0
    if amount < 0:
        raise ValueError("relief is never negative")
    for upper, code, _zh, _en in RELIEF_BANDS:
        if upper is None or amount < upper:
            return code
    raise AssertionError("the last band has no upper bound")


def satisfaction_band(score: int | float | Decimal | None) -> str:
    if score is None:
        return NO_ANSWER[0]
    if not 0 <= score <= 100:
        raise ValueError("a survey score is 0..100")
    return next(code for lower, code, _zh, _en in SATISFACTION_BANDS if score >= lower)


@dataclass(frozen=True, slots=True, order=True)
class Row:
    """One closed case as published; the field order is the file's column order."""

    month_received: str  # YYYY-MM
    month_closed: str  # YYYY-MM (the file's month)
    subdistrict: str  # code, DISTRICT when generalised, "" when the case has none
    quality_domain: str
    category: str  # code, or its group ("goods" / "services") when generalised
    problem_type: str
    channel: str
    route: str  # "" when the case was never routed (e.g. withdrawn before)
    outcome: str
    handling_days: int  # calendar days from receipt to closing
    relief_band: str
    satisfaction_band: str
    merchant: str  # the registry name of a business named in public (§1 threshold), else ""


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Row))


def as_list(row: Row) -> list[Any]:
    return list(astuple(row))


def from_list(values: Sequence[Any]) -> Row:
    return Row(*values)


@dataclass(frozen=True, slots=True)
class Counts:
    rows_in: int  # closed cases of the month (before anonymisation)
    rows: int  # rows published
    generalised_merchant: int  # published with the merchant's name left blank (category kept)
    generalised_category: int  # published with the category's group (sub-district kept)
    generalised_subdistrict: int  # published with the group and the district
    suppressed: int  # left out: a combination rarer than k even at the district

    @property
    def generalised(self) -> int:
        return self.generalised_merchant + self.generalised_category + self.generalised_subdistrict

    def as_json(self) -> dict[str, int]:
        return {
            "rows_in": self.rows_in,
            "rows": self.rows,
            "generalised": self.generalised,
            "generalised_merchant": self.generalised_merchant,
            "generalised_category": self.generalised_category,
            "generalised_subdistrict": self.generalised_subdistrict,
            "suppressed": self.suppressed,
        }


def quasi_identifiers(row: Row) -> tuple[str, str, str, str]:
    """The combination k applies to (the month is the file's, the same for every row)."""
    return row.subdistrict, row.category, row.problem_type, row.merchant


def _split(rows: Sequence[Row], k: int, published: Sequence[Row] = ()) -> tuple[list[Row], list[Row]]:
    """The rows whose combination has at least k rows (counting those already published with it: each of
    them was published in a combination of k or more), and the others."""
    sizes = Counter(quasi_identifiers(r) for r in (*rows, *published))
    kept = [r for r in rows if sizes[quasi_identifiers(r)] >= k]
    rest = [r for r in rows if sizes[quasi_identifiers(r)] < k]
    return kept, rest


def anonymise(
    rows: Iterable[Row], k: int, *, groups: Mapping[str, str], district: str = DISTRICT
) -> tuple[list[Row], Counts]:
    """Every published combination of (sub-district, category, problem type, merchant) has at least k rows.

    In steps over what the step before left: the combinations with ≥ k rows are published as they are;
    the rest have the merchant's name left blank, and those whose combination now has ≥ k rows (with the
    rows already published blank) are published; the rest have their category replaced by its group
    (`groups`: category code → "goods" / "services"), then also their sub-district by `district`, each
    step publishing the combinations now ≥ k; what is still rarer is suppressed. A generalised category or
    sub-district never equals a specific one (a group is not a category code, the district not a
    sub-district). Rows come out sorted by their values: the order says nothing about when or how a case
    was handled."""
    if k < 1:
        raise ValueError("k is at least 1")
    given = list(rows)
    clashes = {r.category for r in given} & set(groups.values())
    if clashes or any(r.subdistrict == district for r in given):
        raise ValueError("a generalised value must not be a specific one")
    exact, rest = _split(given, k)
    unnamed, rest = [r for r in rest if not r.merchant], [replace(r, merchant="") for r in rest if r.merchant]
    kept_unnamed, unnamed = _split(unnamed, k, (*exact, *rest))
    by_merchant, rest = _split(rest, k, (*exact, *unnamed, *kept_unnamed))
    rest += unnamed
    by_group, rest = _split([replace(r, category=groups[r.category]) for r in rest], k)
    by_district, rest = _split([replace(r, subdistrict=district) for r in rest], k)
    published = sorted([*exact, *kept_unnamed, *by_merchant, *by_group, *by_district])
    counts = Counts(
        rows_in=len(given),
        rows=len(published),
        generalised_merchant=len(by_merchant),
        generalised_category=len(by_group),
        generalised_subdistrict=len(by_district),
        suppressed=len(rest),
    )
    return published, counts


def smallest_combination(rows: Iterable[Row]) -> int | None:
    """The size of the rarest published combination (None for an empty file): ≥ k in every file."""
    sizes = Counter(quasi_identifiers(r) for r in rows)
    return min(sizes.values()) if sizes else None


def file_content(month: str, k: int, counts: Counts, rows: Sequence[Row]) -> dict[str, Any]:
    """What a file's content hash is taken over (domain.return_snapshots.content_hash): the month, the
    dictionary version, k, the counts, the columns and the rows as lists in column order."""
    return {
        "month": month,
        "dictionary": DICTIONARY_VERSION,
        "k": k,
        "counts": counts.as_json(),
        "columns": list(COLUMNS),
        "rows": [as_list(r) for r in rows],
    }


def row_changes(old: Iterable[Row], new: Iterable[Row]) -> dict[str, int]:
    """A restatement's changes: rows added and removed (the rows are anonymous, so compared as a multiset;
    a changed row counts as one removed and one added)."""
    before, after = Counter(old), Counter(new)
    return {"added": sum((after - before).values()), "removed": sum((before - after).values())}


# --- the data dictionary (shown on /public/data and given by the API) ------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    zh: str
    en: str
    codes: str | None = None  # the code list its values come from (the page lists them)


DICTIONARY: tuple[Column, ...] = (
    Column(
        "month_received",
        "收到投诉的月份（年-月，不含具体日期）",
        "Month received (year-month, never the day)",
    ),
    Column("month_closed", "办结月份（即本文件所属月份）", "Month closed (the file's month)"),
    Column(
        "subdistrict",
        "街道代码；组合不足k件时合并为区（gongshu）；空白表示投诉未注明街道",
        "Sub-district code; merged into the district (gongshu) where a combination has fewer than k rows; "
        "blank when the complaint names none",
        "subdistricts",
    ),
    Column("quality_domain", "质量领域代码", "Quality domain code", "quality_domains"),
    Column(
        "category",
        "商品或服务类别代码；组合不足k件时合并为商品类（goods）或服务类（services）",
        "Goods or services category code; merged into goods or services where a combination has fewer "
        "than k rows",
        "categories",
    ),
    Column("problem_type", "问题类型代码", "Problem type code", "problem_types"),
    Column("channel", "投诉渠道代码", "Channel code", "channels"),
    Column(
        "route",
        "处理方式代码；空白表示未进入处理程序",
        "Route code; blank when the case was never routed",
        "routes",
    ),
    Column("outcome", "办结结果代码", "Outcome code", "outcomes"),
    Column(
        "handling_days",
        "办理天数：从收到投诉到办结的自然日数",
        "Handling days: calendar days from receipt to closing",
    ),
    Column(
        "relief_band",
        "办结时救济金额区间（不公布具体金额）",
        "Relief at closing, as a band (never the amount)",
        "relief_bands",
    ),
    Column(
        "satisfaction_band",
        "回访满意度得分区间",
        "Satisfaction score band from the follow-up survey",
        "satisfaction_bands",
    ),
    Column(
        "merchant",
        "被投诉经营者名称：仅当该商家达到“消费评议”公示标准、且同一组合（街道×类别×问题类型×商家）不少于k件时列出，否则空白",
        "The business complained of: named only where it meets the public-records threshold and its "
        "combination (sub-district × category × problem type × merchant) has at least k rows, else blank",
    ),
)
assert tuple(c.name for c in DICTIONARY) == COLUMNS
