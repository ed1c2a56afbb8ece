"""Statistics pages (STATS_VIEW): the indicators of twelve months with trend charts, the list of monthly
returns with their downloads, and a return's report page — tables and SVG charts drawn on the server (no
JavaScript), printable on A4."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from domain import indicators as ind
from domain.errors import FieldError, NotFound, ValidationFailed
from domain.roles import ROLE_LABELS, Permission, can
from service import exports
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import returns
from service.usecases.clock import local_date, local_time, utcnow
from service.web.api.returns import file_response, split_name
from service.web.auth import provide_staff, requires
from service.web.pages.public import PRIVATE

NOTICES = {"created": "已生成新版本。", "unchanged": "数据没有变化，报表保持原版本，未生成新版本。"}
SERIES_STYLES = ("s1", "s2", "s3")  # colour and dash (see the templates), so print in grey still reads


def _base(user: StaffUser) -> dict[str, Any]:
    return {
        "staff": user,
        "role_labels": [ROLE_LABELS[r][0] for r in sorted(user.roles)],
        "can": {p.value.replace(".", "_"): can(user.roles, p) for p in Permission},
    }


def _errors(errors: list[FieldError]) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in errors:
        out.setdefault(e.field, e.message)
    return out


# --- charts: geometry here, SVG elements in the templates ----------------------------------------------


def nice_max(value: float) -> float:
    """A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


@dataclass(frozen=True, slots=True)
class HBar:
    label: str
    text: str
    y: float
    width: float


def hbars(items: Sequence[tuple[str, float, str]], *, width: int = 680, label_w: int = 170) -> dict[str, Any]:
    """Horizontal bars: (label, value, text shown after the bar)."""
    row = 26
    top = max((v for _, v, _ in items), default=0) or 1
    plot_w = width - label_w - 90
    return {
        "width": width,
        "height": max(len(items), 1) * row + 6,
        "label_w": label_w,
        "row": row,
        "bars": [
            HBar(label, text, i * row + 3, plot_w * v / top) for i, (label, v, text) in enumerate(items)
        ],
    }


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    text: str


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    style: str
    points: list[Point]
    segments: list[str]  # polyline point lists, broken where a month has no value


def trend(
    months: Sequence[date],
    series: Sequence[tuple[str, Sequence[float | None], Sequence[str]]],
    *,
    percent: bool = False,
    y_max: float | None = None,
    target: float | None = None,
    whiskers: Sequence[tuple[float, float] | None] = (),
    notes: Sequence[str] = (),
    bars: bool = False,
) -> dict[str, Any]:
    """A chart of monthly values: lines (or bars for one series), an optional target line, optional
    interval whiskers (satisfaction's 95% CI) and a note under each month (its n)."""
    width, height = 720, 250
    left, right, top, bottom = 56, 16, 14, 52 if notes else 36
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vs, _ in series for v in vs if v is not None]
    values += [hi for w in whiskers if w for hi in (w[1],)] + ([target] if target is not None else [])
    top_value = y_max if y_max is not None else nice_max(max(values, default=0))
    step = plot_w / max(len(months), 1)

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / top_value)

    ticks = [
        {
            "y": y(top_value * k / 4),
            "text": exports.show(top_value * k / 4 / (100 if percent else 1), "%")
            if percent
            else _tick(top_value * k / 4),
        }
        for k in range(5)
    ]
    out_series = []
    for (name, vs, texts), style in zip(series, SERIES_STYLES, strict=False):
        points: list[Point] = []
        segments: list[str] = []
        current: list[str] = []
        for i, v in enumerate(vs):
            if v is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            points.append(Point(x(i), y(v), texts[i]))
            current.append(f"{x(i):.1f},{y(v):.1f}")
        if current:
            segments.append(" ".join(current))
        out_series.append(Series(name, style, points, segments))
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": top + plot_h,
        "bar_w": step * 0.6,
        "bars": bars,
        "labels": [{"x": x(i), "text": f"{m.year % 100:02d}年{m.month}月"} for i, m in enumerate(months)],
        "notes": [{"x": x(i), "text": t} for i, t in enumerate(notes)],
        "ticks": ticks,
        "series": out_series,
        "target": {"y": y(target), "text": f"目标 {target:g}"} if target is not None else None,
        "whiskers": [
            {"x": x(i), "y1": y(w[0]), "y2": y(w[1])} for i, w in enumerate(whiskers) if w is not None
        ],
    }


def _tick(v: float) -> str:
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}".rstrip("0").rstrip(".")


def score_scale(
    mean: float | None, low: float | None, high: float | None, target: float | None
) -> dict[str, Any]:
    """One satisfaction score on a 0–100 scale with its interval and the target."""
    width, left, right = 680, 20, 20
    plot = width - left - right

    def x(v: float) -> float:
        return left + plot * v / 100

    return {
        "width": width,
        "height": 88,
        "ticks": [{"x": x(v), "text": str(v)} for v in range(0, 101, 10)],
        "mean": {"x": x(mean), "text": exports.show(mean, ind.Unit.SCORE)} if mean is not None else None,
        "interval": {"x1": x(low), "x2": x(high)} if low is not None and high is not None else None,
        "target": {"x": x(target), "text": f"目标 {target:g}"} if target is not None else None,
        "left": left,
        "right": width - right,
    }


# --- page data ---------------------------------------------------------------------------------------


def indicator_page(series: returns.IndicatorSeries) -> dict[str, Any]:
    months = [m.month for m in series.months]
    defs = [d for d in series.definitions if d.kind == "summary"]
    target = next((d.target for d in defs if d.code == "satisfaction_mean"), None)

    def col(code: str) -> list[Any]:
        return [m.values.get(code) for m in series.months]

    def texts(code: str, unit: str) -> list[str]:
        return [exports.show(v, unit) for v in col(code)]

    rows = [
        {
            "code": d.code,
            "name": d.name_zh,
            "unit": d.unit,
            "cells": texts(d.code, d.unit),
            "target": d.target,
        }
        for d in defs
    ]
    last = series.months[-1]
    latest = [
        {
            "name": d.name_zh,
            "value": exports.show(last.values.get(d.code), d.unit),
            "mom": _delta_text(last.mom, d),
            "yoy": _delta_text(last.yoy, d),
        }
        for d in defs
    ]
    satisfaction = []
    for m in series.months:
        v = m.values
        status = ind.target_status(
            v["satisfaction_mean"],
            v["satisfaction_ci_low"],
            v["satisfaction_ci_high"],
            target,  # type: ignore[arg-type]
        )
        satisfaction.append(
            {
                "month": m.month,
                "partial": m.partial,
                "n": v["satisfaction_n"],
                "rate": exports.show(v["satisfaction_response_rate"], ind.Unit.RATIO),
                "responded": v["satisfaction_responded"],
                "sent": v["satisfaction_sent"],
                "mean": exports.show(v["satisfaction_mean"], ind.Unit.SCORE),
                "ci": (
                    f"{exports.show(v['satisfaction_ci_low'], ind.Unit.SCORE)}～"
                    f"{exports.show(v['satisfaction_ci_high'], ind.Unit.SCORE)}"
                    if v["satisfaction_ci_low"] is not None
                    else "—"
                ),
                "status": status,
                "status_text": ind.TARGET_STATUS[status],
            }
        )
    pct = [
        [(x * 100 if x is not None else None) for x in col(c)]
        for c in ("on_time_acceptance_rate", "on_time_closure_rate", "mediation_success_rate")
    ]
    wan = [(v / 1_000_000 if v is not None else None) for v in col("recovered_fen")]
    charts = {
        "volume": trend(
            months,
            [
                ("投诉登记量", col("received"), texts("received", ind.Unit.COUNT)),
                ("受理量", col("accepted"), texts("accepted", ind.Unit.COUNT)),
                ("办结量", col("closed"), texts("closed", ind.Unit.COUNT)),
            ],
        ),
        "rates": trend(
            months,
            [
                ("按时初查率", pct[0], texts("on_time_acceptance_rate", ind.Unit.RATIO)),
                ("按期办结率", pct[1], texts("on_time_closure_rate", ind.Unit.RATIO)),
                ("调解成功率", pct[2], texts("mediation_success_rate", ind.Unit.RATIO)),
            ],
            percent=True,
            y_max=100,
        ),
        "satisfaction": trend(
            months,
            [("满意度", col("satisfaction_mean"), texts("satisfaction_mean", ind.Unit.SCORE))],
            y_max=100,
            target=target,
            whiskers=[
                (lo, hi) if lo is not None and hi is not None else None
                for lo, hi in zip(col("satisfaction_ci_low"), col("satisfaction_ci_high"), strict=True)
            ],
            notes=[f"n={n}" for n in col("satisfaction_n")],
        ),
        "recovered": trend(
            months,
            [("挽回经济损失（万元）", wan, texts("recovered_fen", ind.Unit.WAN_YUAN))],
            bars=True,
        ),
    }
    return {
        "months": series.months,
        "rows": rows,
        "latest": latest,
        "latest_month": last,
        "satisfaction": satisfaction,
        "target": target,
        "charts": charts,
    }


def _delta_text(deltas: dict[str, dict[str, Any]] | None, d: ind.Definition) -> str:
    if deltas is None:
        return "—"
    delta = deltas.get(d.code)
    if delta is None:
        return "—"
    text = exports.show_change(delta["change"], d.unit)
    if delta["relative"] is not None:
        text += f"（{exports.show_relative(delta['relative'])}）"
    return text


def report_page(report: returns.ReturnFile) -> dict[str, Any]:
    ret = report.ret
    f = ret.figures
    tables = exports.tables(ret, report.definitions)
    by_key = {t.sheet: t for t in tables}
    target = next((d.target for d in report.definitions if d.code == "satisfaction_mean"), None)
    s = f["summary"]

    def bars(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return hbars(
            [
                (r["label"], r["count"], f"{r['count']}（{exports.show(r['share'], ind.Unit.RATIO)}）")
                for r in rows
            ]
        )

    charts = {
        "category": bars(f["breakdowns"]["category"]),
        "problem_type": bars(f["breakdowns"]["problem_type"]),
        "quality_domain": bars(f["breakdowns"]["quality_domain"]),
        "subdistrict": bars(f["breakdowns"]["subdistrict"]),
        "route": bars(f["breakdowns"]["route"]),
        "outcomes": bars(f["outcomes"]),
        "satisfaction": score_scale(
            s.get("satisfaction_mean"), s.get("satisfaction_ci_low"), s.get("satisfaction_ci_high"), target
        ),
    }
    status = ind.target_status(
        s.get("satisfaction_mean"), s.get("satisfaction_ci_low"), s.get("satisfaction_ci_high"), target
    )
    headline = [
        (
            code,
            ind.BY_CODE[code].name_zh,
            exports.show(s.get(code), ind.BY_CODE[code].unit),
            ind.BY_CODE[code].unit,
        )
        for code in (
            "received",
            "accepted",
            "closed",
            "on_time_acceptance_rate",
            "on_time_closure_rate",
            "median_handling_days",
            "mediation_success_rate",
            "recovered_fen",
            "satisfaction_mean",
        )
    ]
    return {
        "ret": ret,
        "f": f,
        "month_zh": exports.month_zh(f["month"]),
        "tables": by_key,
        "table_rows": {
            t.sheet: [
                [exports.cell_text(v, c.kind) for v, c in zip(row, t.columns, strict=True)] for row in t.rows
            ]
            for t in tables
        },
        "numeric": {t.sheet: [c.kind != exports.TEXT for c in t.columns] for t in tables},
        "charts": charts,
        "headline": headline,
        "satisfaction_status": status,
        "satisfaction_text": ind.TARGET_STATUS[status],
        "target": target,
        "created_at_local": local_time(ret.created_at),
        "actor": exports.actor_label(ret.created_by),
        "history": [
            {
                "version": h.version,
                "hash": h.content_hash,
                "created_at": local_time(h.created_at),
                "actor": exports.actor_label(h.created_by),
                "restatement_of": h.restatement_of,
                "changes": len(h.changes or []),
                "reason": h.reason,
            }
            for h in report.history
        ],
        "definitions": report.definitions,
        "show": exports.show,
    }


class ReturnPages(Controller):
    path = "/staff"
    include_in_schema = False
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute
    # reading is for the leading group and supervisors; producing a return for supervisors and admins

    @get("/indicators", operation_id="StaffIndicatorsPage", guards=[requires(Permission.STATS_VIEW)])
    async def indicators_page(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        first: Annotated[str | None, QueryParameter(name="from")] = None,
        last: Annotated[str | None, QueryParameter(name="to")] = None,
    ) -> Template:
        today = local_date(utcnow())
        start, end = returns.default_range(today)
        errors: dict[str, str] = {}
        try:
            if last:
                end = returns.month_of(last, "to")
                start = max(ind.add_months(end, -11), ind.FIRST_MONTH)
            if first:
                start = returns.month_of(first, "from")
            series = await returns.indicators(services.pool, start, end, today=today)
        except ValidationFailed as exc:
            errors = _errors(exc.errors)
            start, end = returns.default_range(today)
            series = await returns.indicators(services.pool, start, end, today=today)
        context = {
            **_base(staff),
            **indicator_page(series),
            "first": ind.month_key(series.first),
            "last": ind.month_key(series.last),
            "values": {"from": first or "", "to": last or ""},
            "errors": errors,
            "definitions": [d for d in series.definitions if d.kind == "summary"],
            "definitions_version": ind.VERSION,
        }
        return Template(
            "staff_indicators.html", context=context, headers=PRIVATE, status_code=422 if errors else 200
        )

    async def _list(
        self,
        services: Services,
        staff: StaffUser,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        today = local_date(utcnow())
        items = await returns.list_returns(services.pool)
        context = {
            **_base(staff),
            "items": items,
            "local_time": local_time,
            "datetime_zh": exports.datetime_zh,  # 2026年12月2日 03:18, Beijing time
            "month_key": ind.month_key,
            "month_zh": lambda m: exports.month_zh(ind.month_key(m)),
            "suggested": ind.month_key(ind.previous_month(today)),
            "can_produce": can(staff.roles, Permission.RETURNS_PRODUCE),
            "errors": errors or {},
            "values": values or {},
        }
        return Template("staff_returns.html", context=context, headers=PRIVATE, status_code=status_code)

    @get("/returns", operation_id="StaffReturnsPage", guards=[requires(Permission.STATS_VIEW)])
    async def returns_page(
        self, services: NamedDependency[Services], staff: NamedDependency[StaffUser]
    ) -> Template:
        return await self._list(services, staff)

    @post("/returns", operation_id="StaffProduceReturnForm", guards=[requires(Permission.RETURNS_PRODUCE)])
    async def produce_form(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
    ) -> Template | Redirect:
        form = await request.form()
        values = {
            "month": str(form.get("month") or "").strip()[:20],
            "reason": str(form.get("reason") or "")[:500],
        }
        try:
            ret = await returns.produce(
                services.pool,
                returns.month_of(values["month"]),
                actor=staff.actor,
                now=utcnow(),
                reason=values["reason"].strip() or None,
            )
        except ValidationFailed as exc:
            return await self._list(
                services, staff, errors=_errors(exc.errors), values=values, status_code=422
            )
        notice = "created" if ret.created else "unchanged"
        return Redirect(f"/staff/returns/{ind.month_key(ret.month)}?notice={notice}", status_code=303)

    @get("/returns/{month:str}", operation_id="StaffReturnPage", guards=[requires(Permission.STATS_VIEW)])
    async def return_page(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        month: FromPath[str],
        version: Annotated[int | None, QueryParameter(ge=1)] = None,
        notice: Annotated[str | None, QueryParameter()] = None,
    ) -> Template | Response[Any]:
        """The report page, or with .xlsx / .csv.zip the files (as the API, for a signed-in browser)."""
        the_month, suffix = split_name(month)
        if suffix:
            return await file_response(services, the_month, suffix, version)
        try:
            report = await returns.report(services.pool, the_month, version)
        except NotFound:
            context = {
                **_base(staff),
                "ret": None,
                "month": ind.month_key(the_month),
                "month_zh": exports.month_zh(ind.month_key(the_month)),
            }
            return Template("staff_return.html", context=context, headers=PRIVATE, status_code=404)
        context = {
            **_base(staff),
            **report_page(report),
            "month": ind.month_key(the_month),
            "notice": NOTICES.get(notice or ""),
            "viewing_old": version is not None and version != report.history[-1].version,
            "quote": quote,
        }
        return Template("staff_return.html", context=context, headers=PRIVATE)
