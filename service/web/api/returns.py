"""Statistics API (STATS_VIEW: the leading-group office and supervisors — never a case): indicators by month,
and the monthly returns with their spreadsheet and CSV files; producing a return on demand."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter

from domain import indicators as ind
from domain.errors import FieldError, ValidationFailed
from domain.roles import Permission
from service import exports
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import returns
from service.usecases.clock import local_date, utcnow
from service.web.auth import provide_staff, requires

# A JSON number: counts stay ints on the wire (msgspec encodes what it holds). Typed float so the schema
# says `number`: `int | float` renders as a oneOf that every integer matches twice, which is invalid.
Number = float | None
FILES = {".xlsx": (exports.XLSX_TYPE, "xlsx"), ".csv.zip": (exports.ZIP_TYPE, "csv.zip")}
NO_STORE = {"Cache-Control": "private, no-store"}


class DefinitionOut(msgspec.Struct):
    code: str
    name_zh: str
    name_en: str
    formula: str
    numerator: str | None
    denominator: str | None
    unit: str
    period: str
    kind: str
    target: float | None


class MonthOut(msgspec.Struct):
    month: str
    partial: bool  # the current month, still running
    values: dict[str, Number]
    mom: dict[str, dict[str, Number]] | None  # None: no earlier month to compare with
    yoy: dict[str, dict[str, Number]] | None


class IndicatorsOut(msgspec.Struct):
    first: str = msgspec.field(name="from")
    last: str = msgspec.field(name="to")
    definitions_version: str = ind.VERSION
    definitions: list[DefinitionOut] = msgspec.field(default_factory=list)
    months: list[MonthOut] = msgspec.field(default_factory=list)


class ReturnOut(msgspec.Struct):
    month: str
    version: int
    content_hash: str
    definitions: str
    created_at: datetime
    created_by: str
    restatement_of: int | None
    changes: list[dict[str, Any]] | None
    reason: str | None
    figures: dict[str, Any]
    created: bool = False  # POST: True when this request stored a new version


class ReturnListItemOut(msgspec.Struct):
    month: str
    version: int
    versions: int
    content_hash: str
    definitions: str
    created_at: datetime
    restatement_of: int | None


class ProduceIn(msgspec.Struct):
    reason: str | None = None  # why a restatement was made (kept with the new version)


def definition_out(d: ind.Definition) -> DefinitionOut:
    return DefinitionOut(
        d.code,
        d.name_zh,
        d.name_en,
        d.formula,
        d.numerator,
        d.denominator,
        d.unit,
        d.period,
        d.kind,
        d.target,
    )


def return_out(r: returns.Return) -> ReturnOut:
    return ReturnOut(
        month=ind.month_key(r.month),
        version=r.version,
        content_hash=r.content_hash,
        definitions=r.definitions,
        created_at=r.created_at,
        created_by=r.created_by,
        restatement_of=r.restatement_of,
        changes=r.changes,
        reason=r.reason,
        figures=r.figures,
        created=r.created,
    )


def split_name(name: str) -> tuple[date, str]:
    """'2026-05', '2026-05.xlsx' or '2026-05.csv.zip' → the month and the suffix ('' for JSON)."""
    for suffix in FILES:
        if name.endswith(suffix):
            return returns.month_of(name.removesuffix(suffix)), suffix
    return returns.month_of(name), ""


async def file_response(services: Services, month: date, suffix: str, version: int | None) -> Response[Any]:
    """A return as JSON, or as one of its files (built from the stored snapshot)."""
    if not suffix:
        return Response(return_out(await returns.get(services.pool, month, version)), headers=NO_STORE)
    report = await returns.report(services.pool, month, version)
    media_type, ext = FILES[suffix]
    tables = exports.tables(report.ret, report.definitions)
    body = exports.xlsx_bytes(tables) if ext == "xlsx" else exports.csv_zip_bytes(tables)
    return Response(
        body,
        media_type=media_type,
        headers={**NO_STORE, "Content-Disposition": exports.content_disposition(report.ret, ext)},
    )


def clean_reason(data: ProduceIn | None) -> str | None:
    if data is None or data.reason is None:
        return None
    reason = data.reason.strip()
    if len(reason) > 500:
        raise ValidationFailed(
            [FieldError("reason", "too_long", "说明不能超过500字", "At most 500 characters")]
        )
    return reason or None


class ReturnsController(Controller):
    path = "/api/v1"
    tags = ("statistics",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute
    # reading is for the leading group and supervisors; producing a return for supervisors and admins

    @get("/indicators", operation_id="GetIndicators", guards=[requires(Permission.STATS_VIEW)])
    async def indicators(
        self,
        services: NamedDependency[Services],
        first: Annotated[str | None, QueryParameter(name="from", description="YYYY-MM")] = None,
        last: Annotated[str | None, QueryParameter(name="to", description="YYYY-MM")] = None,
    ) -> IndicatorsOut:
        """Every indicator of each month in [from, to] (default: the last 12 months, this one included), live
        from the data, with month-over-month and year-over-year deltas where the earlier month exists."""
        today = local_date(utcnow())
        default_first, default_last = returns.default_range(today)
        start = returns.month_of(first, "from") if first else None
        end = returns.month_of(last, "to") if last else default_last
        if start is None:
            start = max(ind.add_months(end, -11), ind.FIRST_MONTH) if last else default_first
        series = await returns.indicators(services.pool, start, end, today=today)
        return IndicatorsOut(
            first=ind.month_key(series.first),
            last=ind.month_key(series.last),
            definitions=[definition_out(d) for d in series.definitions if d.kind == "summary"],
            months=[
                MonthOut(ind.month_key(m.month), m.partial, m.values, m.mom, m.yoy) for m in series.months
            ],
        )

    @get("/returns", operation_id="ListReturns", guards=[requires(Permission.STATS_VIEW)])
    async def list_returns(self, services: NamedDependency[Services]) -> list[ReturnListItemOut]:
        """The latest version of each month's return, newest first."""
        return [
            ReturnListItemOut(
                ind.month_key(r.month),
                r.version,
                r.versions,
                r.content_hash,
                r.definitions,
                r.created_at,
                r.restatement_of,
            )
            for r in await returns.list_returns(services.pool)
        ]

    @get("/returns/{month:str}", operation_id="GetReturn", guards=[requires(Permission.STATS_VIEW)])
    async def get_return(
        self,
        services: NamedDependency[Services],
        month: FromPath[str],
        version: Annotated[int | None, QueryParameter(ge=1)] = None,
    ) -> Response[Any]:
        """`2026-05`: the figures of the latest version (or `?version=n`) as JSON with version and content
        hash; `2026-05.xlsx`: the spreadsheet; `2026-05.csv.zip`: the same tables as UTF-8 CSV files."""
        the_month, suffix = split_name(month)
        return await file_response(services, the_month, suffix, version)

    @post("/returns/{month:str}", operation_id="ProduceReturn", guards=[requires(Permission.RETURNS_PRODUCE)])
    async def produce(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        month: FromPath[str],
        data: JSONBody[ProduceIn | None] = None,
    ) -> Response[ReturnOut]:
        """Produce the return of an ended month now: 201 with version 1, or a restatement when the data
        changed since the latest version; 200 with that version when nothing changed."""
        ret = await returns.produce(
            services.pool, returns.month_of(month), actor=staff.actor, now=utcnow(), reason=clean_reason(data)
        )
        return Response(return_out(ret), status_code=201 if ret.created else 200, headers=NO_STORE)
