"""A month's return as JSON-able data (DESIGN §3): the summary, the breakdowns with their shares, the
top merchants and the comparisons with earlier returns — what is hashed, stored and exported."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.acceptance import Ground
from domain.indicator_definitions import (
    AWARD_LABELS,
    GROUND_SHORT,
    NONE_CODE,
    TOP_CATEGORIES,
    VERSION,
    Value,
)
from domain.indicator_definitions import OTHER_CODE as OTHER_CODE
from domain.indicators import MonthCounts, compare, month_end, month_key, rate, summarize
from domain.outcomes import OUTCOMES
from domain.routing import ROUTE_LABELS, Route
from domain.taxonomy import CHANNELS, Taxonomy


@dataclass(frozen=True, slots=True)
class MerchantRow:
    key: str
    name: str
    uscc: str | None
    complaints: int
    replies_due: int
    replies_on_time: int


def _rows(
    order: Sequence[tuple[str, str]], counts: Mapping[str, int], total: int, *, keep_zero: bool = True
) -> list[dict[str, Any]]:
    known = {code for code, _ in order}
    rows = [
        {
            "code": code,
            "label": label,
            "count": counts.get(code, 0),
            "share": rate(counts.get(code, 0), total),
        }
        for code, label in order
        if keep_zero or counts.get(code, 0)
    ]
    for code in sorted(c for c in counts if c not in known and counts[c]):  # a code no longer listed
        rows.append({"code": code, "label": code, "count": counts[code], "share": rate(counts[code], total)})
    return rows


def top_with_other(
    counts: Mapping[str, int], labels: Mapping[str, str], total: int, n: int = TOP_CATEGORIES
) -> list[dict[str, Any]]:
    """The n largest (ties by code), then one "其他" row for the rest."""
    ranked = sorted(((code, c) for code, c in counts.items() if c > 0), key=lambda kv: (-kv[1], kv[0]))
    rows = [
        {"rank": i + 1, "code": code, "label": labels.get(code, code), "count": c, "share": rate(c, total)}
        for i, (code, c) in enumerate(ranked[:n])
    ]
    rest = sum(c for _, c in ranked[n:])
    if rest:
        rows.append(
            {"rank": None, "code": OTHER_CODE, "label": "其他", "count": rest, "share": rate(rest, total)}
        )
    return rows


@dataclass(frozen=True, slots=True)
class MonthTables:
    """The breakdowns of complaints received in a month: dimension → code (None: not given) → count."""

    by_dimension: Mapping[str, Mapping[str | None, int]]
    merchants: Sequence[MerchantRow] = ()


@dataclass(frozen=True, slots=True)
class SignalCategoryRow:
    """Product risk signals of one category: raised in the month, and decided in it by action."""

    code: str
    label: str
    raised: int
    spot_check: int
    recall_notice: int
    dismissed: int


@dataclass(frozen=True, slots=True)
class NamedProduct:
    """A product the bureau referred for a spot check or notified to the recall authority in the month:
    named, being a decision of the bureau (a dismissed or undecided signal names nothing)."""

    category: str
    brand: str
    model: str
    decision: str  # spot_check | recall_notice
    complaints: int


@dataclass(frozen=True, slots=True)
class SignalTables:
    categories: Sequence[SignalCategoryRow] = ()
    products: Sequence[NamedProduct] = ()


def signal_figures(tables: SignalTables) -> dict[str, Any] | None:
    """The return's product signals; None for a month without any (so a return made before signals
    existed, or of a month without them, keeps its figures and hash)."""
    if not tables.categories and not tables.products:
        return None
    rows = [
        {
            "code": r.code,
            "label": r.label,
            "raised": r.raised,
            "spot_check": r.spot_check,
            "recall_notice": r.recall_notice,
            "dismissed": r.dismissed,
        }
        for r in tables.categories
    ]
    named = [
        {
            "category": p.category,
            "brand": p.brand,
            "model": p.model,
            "decision": p.decision,
            "complaints": p.complaints,
        }
        for p in tables.products
    ]
    return {"by_category": rows, "named": named}


def build_figures(
    month: date,
    counts: MonthCounts,
    tables: MonthTables,
    taxonomy: Taxonomy,
    comparisons: Mapping[str, Mapping[str, Any] | None],
    signals: SignalTables | None = None,
) -> dict[str, Any]:
    """The whole return of a month as JSON-able data: what is hashed, stored and exported."""
    summary = summarize(counts)
    breakdowns = _breakdowns(counts, tables, taxonomy)
    closed = counts.closed
    awards_total = sum(counts.awards_by_party.values())
    period = {"from": month.isoformat(), "to": month_end(month).isoformat(), "timezone": "Asia/Shanghai"}
    grounds = {str(g): n for g, n in counts.rejections_by_ground.items()}
    figures = {
        "month": month_key(month),
        "period": period,
        "definitions": VERSION,
        "summary": summary,
        "breakdowns": breakdowns,
        "rejections_by_ground": _rows(
            [(str(int(g)), GROUND_SHORT[g]) for g in Ground], grounds, counts.rejected
        ),
        "outcomes": _rows(
            [(code, zh) for code, (zh, _) in OUTCOMES.items()], dict(counts.outcomes), closed, keep_zero=False
        ),
        "arbitration_awards": _rows(list(AWARD_LABELS.items()), dict(counts.awards_by_party), awards_total),
        "merchants": _merchant_rows(tables),
        "comparisons": {name: _comparison(summary, base) for name, base in comparisons.items()},
    }
    if (product_signals := signal_figures(signals or SignalTables())) is not None:
        figures["product_signals"] = product_signals
    return figures


def _breakdowns(
    counts: MonthCounts, tables: MonthTables, taxonomy: Taxonomy
) -> dict[str, list[dict[str, Any]]]:
    """The complaints received in the month by quality domain, problem type, sub-district, channel, route
    and (the top ten) category, each row with its share."""

    def dim(name: str) -> dict[str, int]:
        return {
            (code if code is not None else NONE_CODE): n
            for code, n in tables.by_dimension.get(name, {}).items()
        }

    received = counts.received
    categories = {label.code: label.zh for label in taxonomy.categories}
    kinds = {label.code: label.group for label in taxonomy.categories}
    category_rows = top_with_other(dim("category"), categories, received)
    for row in category_rows:
        row["kind"] = {"goods": "商品", "services": "服务"}.get(kinds.get(row["code"]) or "", "")
    orders: dict[str, list[tuple[str, str]]] = {
        "quality_domain": [(x.code, x.zh) for x in taxonomy.quality_domains],
        "problem_type": [(x.code, x.zh) for x in taxonomy.problem_types],
        "subdistrict": [(x.code, x.zh) for x in taxonomy.subdistricts] + [(NONE_CODE, "未填写")],
        "channel": [(code, zh) for code, (zh, _) in CHANNELS.items()],
        "route": [(r.value, ROUTE_LABELS[r][0]) for r in Route] + [(NONE_CODE, "未分流")],
    }
    breakdowns = {name: _rows(order, dim(name), received) for name, order in orders.items()}
    breakdowns["category"] = category_rows
    return breakdowns


def _merchant_rows(tables: MonthTables) -> list[dict[str, Any]]:
    """The businesses most complained about, with how they answered first-payment notices."""
    return [
        {
            "rank": i + 1,
            "code": m.key,
            "name": m.name,
            "uscc": m.uscc,
            "complaints": m.complaints,
            "replies_due": m.replies_due,
            "replies_on_time": m.replies_on_time,
            "on_time_reply_rate": rate(m.replies_on_time, m.replies_due),
        }
        for i, m in enumerate(tables.merchants)
    ]


def _comparison(summary: Mapping[str, Value], base: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if base is None:
        return None
    return {"month": base["month"], "version": base["version"], "deltas": compare(summary, base["summary"])}
