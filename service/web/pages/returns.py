"""Statistics pages (STATS_VIEW): the indicators of twelve months with trend charts, the list of monthly
returns with their downloads, and a return's report page — tables and SVG charts drawn on the server (no
JavaScript), printable on A4."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from domain import indicators as ind
from domain.errors import NotFound, ValidationFailed
from domain.roles import ROLE_LABELS, Permission, can
from service import exports
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import returns
from service.usecases.clock import local_date, local_time, utcnow
from service.usecases.returns_commands import ProduceReturn
from service.web import charts, forms
from service.web.api.returns import file_response, split_name
from service.web.auth import requires
from service.web.pages.public import PRIVATE
from service.web.pages.staff.common import Req, Staff, StaffController, Svc
from service.web.pages.staff.notices import NoticeCode

NOTICES = {"created": "已生成新版本。", "unchanged": "数据没有变化，报表保持原版本，未生成新版本。"}


def _base(user: StaffUser) -> dict[str, Any]:
    return {
        "staff": user,
        "role_labels": [ROLE_LABELS[r][0] for r in sorted(user.roles)],
        "can": {p.value.replace(".", "_"): can(user.roles, p) for p in Permission},
    }


# --- page data ---------------------------------------------------------------------------------------

# the trend charts of the indicators page: which indicators each draws (names and units from definitions)
TREND_CHARTS = {
    "volume": ("received", "accepted", "closed"),
    "rates": ("on_time_acceptance_rate", "on_time_closure_rate", "mediation_success_rate"),
    "satisfaction": ("satisfaction_mean",),
    "recovered": ("recovered_fen",),
}
CHART_NOTES = {"satisfaction": "，竖线为95%置信区间"}
BAR_CHARTS = ("category", "problem_type", "quality_domain", "subdistrict", "route")  # breakdowns drawn
HEADLINE = (
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


class _Months:
    """The months of an indicator series, column by column, and their definitions by code."""

    def __init__(self, series: returns.IndicatorSeries) -> None:
        self.series = series
        self.defs = {**ind.BY_CODE, **{d.code: d for d in series.definitions}}

    def col(self, code: str) -> list[Any]:
        return [m.values.get(code) for m in self.series.months]

    def texts(self, code: str) -> list[str]:
        return [exports.show(v, self.defs[code].unit) for v in self.col(code)]

    def title(self, chart: str) -> str:
        codes = TREND_CHARTS[chart]
        note = CHART_NOTES.get(chart, "")
        return "、".join(self.defs[c].name_zh for c in codes) + f"（{self.defs[codes[0]].unit}{note}）"


def indicator_page(series: returns.IndicatorSeries) -> dict[str, Any]:
    cols = _Months(series)
    defs = [d for d in series.definitions if d.kind == "summary"]
    target = next((d.target for d in defs if d.code == "satisfaction_mean"), None)
    last = series.months[-1]
    return {
        "months": series.months,
        "rows": [
            {
                "code": d.code,
                "name": d.name_zh,
                "unit": d.unit,
                "cells": cols.texts(d.code),
                "target": d.target,
            }
            for d in defs
        ],
        "latest": [
            {
                "name": d.name_zh,
                "value": exports.show(last.values.get(d.code), d.unit),
                "mom": _delta_text(last.mom, d),
                "yoy": _delta_text(last.yoy, d),
            }
            for d in defs
        ],
        "latest_month": last,
        "satisfaction": [_satisfaction_month(m, target) for m in series.months],
        "target": target,
        "charts": _trend_charts(cols, target),
        "chart_titles": {chart: cols.title(chart) for chart in TREND_CHARTS},
    }


def _trend_charts(cols: _Months, target: float | None) -> dict[str, Any]:
    months = [m.month for m in cols.series.months]

    def lines(
        chart: str, convert: Callable[[Any], float] = lambda v: v
    ) -> list[tuple[str, list[float | None], list[str]]]:
        return [
            (
                cols.defs[c].name_zh,
                [convert(v) if v is not None else None for v in cols.col(c)],
                cols.texts(c),
            )
            for c in TREND_CHARTS[chart]
        ]

    return {
        "volume": charts.trend(months, lines("volume")),
        "rates": charts.trend(
            months,
            lines("rates", lambda v: v * 100),
            y_max=100,
            tick=lambda v: exports.show(v / 100, ind.Unit.RATIO),
        ),
        "satisfaction": charts.trend(
            months,
            lines("satisfaction"),
            y_max=100,
            target=target,
            whiskers=[
                (lo, hi) if lo is not None and hi is not None else None
                for lo, hi in zip(
                    cols.col("satisfaction_ci_low"), cols.col("satisfaction_ci_high"), strict=True
                )
            ],
            notes=[f"n={n}" for n in cols.col("satisfaction_n")],
        ),
        "recovered": charts.trend(months, lines("recovered", lambda v: v / 1_000_000), bars=True),
    }


def _satisfaction_month(m: returns.MonthIndicators, target: float | None) -> dict[str, Any]:
    v = m.values
    status = ind.target_status(
        v["satisfaction_mean"],
        v["satisfaction_ci_low"],
        v["satisfaction_ci_high"],
        target,  # type: ignore[arg-type]
    )
    return {
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
    defs = {**ind.BY_CODE, **{d.code: d for d in report.definitions}}
    target = next((d.target for d in report.definitions if d.code == "satisfaction_mean"), None)
    s = f["summary"]
    mean, low, high = s.get("satisfaction_mean"), s.get("satisfaction_ci_low"), s.get("satisfaction_ci_high")
    status = ind.target_status(mean, low, high, target)
    return {
        "ret": ret,
        "f": f,
        "month_zh": exports.month_zh(f["month"]),
        "tables": {t.sheet: t for t in tables},
        "table_rows": {
            t.sheet: [
                [exports.cell_text(v, c.kind) for v, c in zip(row, t.columns, strict=True)] for row in t.rows
            ]
            for t in tables
        },
        "numeric": {t.sheet: [c.kind != exports.TEXT for c in t.columns] for t in tables},
        "charts": _report_charts(
            f,
            charts.score_scale(
                mean,
                low,
                high,
                target,
                mean_text=exports.show(mean, ind.Unit.SCORE) if mean is not None else "",
            ),
        ),
        "headline": [
            (code, defs[code].name_zh, exports.show(s.get(code), defs[code].unit), defs[code].unit)
            for code in HEADLINE
        ],
        "satisfaction_status": status,
        "satisfaction_text": ind.TARGET_STATUS[status],
        "target": target,
        "created_at_local": local_time(ret.created_at),
        "actor": exports.actor_label(ret.created_by),
        "history": [_version(h) for h in report.history],
        "definitions": report.definitions,
        "show": exports.show,
    }


def _report_charts(f: dict[str, Any], satisfaction: dict[str, Any]) -> dict[str, Any]:
    def bars(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return charts.hbars(
            [
                (r["label"], r["count"], f"{r['count']}（{exports.show(r['share'], ind.Unit.RATIO)}）")
                for r in rows
            ]
        )

    breakdowns = f["breakdowns"]
    return {
        **{
            key: bars(breakdowns[key])
            for key in ("category", "problem_type", "quality_domain", "subdistrict")
        },
        "route": bars(breakdowns["route"]),
        "outcomes": bars(f["outcomes"]),
        "satisfaction": satisfaction,
    }


def _version(h: returns.Return) -> dict[str, Any]:
    return {
        "version": h.version,
        "hash": h.content_hash,
        "created_at": local_time(h.created_at),
        "actor": exports.actor_label(h.created_by),
        "restatement_of": h.restatement_of,
        "changes": len(h.changes or []),
        "reason": h.reason,
    }


class ReturnPages(StaffController):
    # reading is for the leading group and supervisors; producing a return for supervisors and admins

    @get("/indicators", operation_id="StaffIndicatorsPage", guards=[requires(Permission.STATS_VIEW)])
    async def indicators_page(
        self,
        services: Svc,
        staff: Staff,
        first: Annotated[str | None, QueryParameter(name="from")] = None,
        last: Annotated[str | None, QueryParameter(name="to")] = None,
    ) -> Template:
        today = local_date(utcnow())
        errors: dict[str, str] = {}
        try:
            start, end = returns.month_range(first, last, today)
            series = await returns.indicators(
                services.pool, start, end, today=today, read_pool=services.read_pool
            )
        except ValidationFailed as exc:
            errors = forms.field_messages(exc.errors)
            start, end = returns.default_range(today)
            series = await returns.indicators(
                services.pool, start, end, today=today, read_pool=services.read_pool
            )
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
    async def returns_page(self, services: Svc, staff: Staff) -> Template:
        return await self._list(services, staff)

    @post("/returns", operation_id="StaffProduceReturnForm", guards=[requires(Permission.RETURNS_PRODUCE)])
    async def produce_form(self, request: Req, services: Svc, staff: Staff) -> Template | Redirect:
        form = await forms.form_values(request)
        values = {
            "month": str(form.get("month") or "").strip()[:20],
            "reason": str(form.get("reason") or "")[:500],
        }
        try:
            month = returns.month_of(values["month"])
            cmd = forms.command(ProduceReturn, values)
            ret = await returns.produce_return(
                services.pool, month, staff, cmd, now=utcnow(), read_pool=services.read_pool
            )
        except ValidationFailed as exc:
            errors = forms.field_messages(exc.errors)
            return await self._list(services, staff, errors=errors, values=values, status_code=422)
        notice = "created" if ret.created else "unchanged"
        return Redirect(f"/staff/returns/{ind.month_key(ret.month)}?notice={notice}", status_code=303)

    @get("/returns/{month:str}", operation_id="StaffReturnPage", guards=[requires(Permission.STATS_VIEW)])
    async def return_page(
        self,
        services: Svc,
        staff: Staff,
        month: FromPath[str],
        version: Annotated[int | None, QueryParameter(ge=1)] = None,
        notice: NoticeCode = None,
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
