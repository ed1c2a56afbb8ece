"""Statistics API (STATS_VIEW: the leading-group office and supervisors — never a case): indicators by month,
and the monthly returns with their spreadsheet and CSV files; producing a return on demand."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter

from domain.roles import Permission
from service import exports
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import returns
from service.usecases.clock import local_date, utcnow
from service.usecases.returns_commands import Indicators, MonthlyReturn, MonthlyReturnListItem, ProduceReturn
from service.web.auth import StaffApiController, requires

FILES = {".xlsx": (exports.XLSX_TYPE, "xlsx"), ".csv.zip": (exports.ZIP_TYPE, "csv.zip")}
NO_STORE = {"Cache-Control": "private, no-store"}
UNCHANGED = ResponseSpec(
    data_container=MonthlyReturn,
    description="Nothing changed since the latest version: that version, as it is",
    generate_examples=False,
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
        return Response(
            returns.return_view(await returns.get(services.pool, month, version)), headers=NO_STORE
        )
    report = await returns.report(services.pool, month, version)
    media_type, ext = FILES[suffix]
    tables = exports.tables(report.ret, report.definitions)
    body = exports.xlsx_bytes(tables) if ext == "xlsx" else exports.csv_zip_bytes(tables)
    return Response(
        body,
        media_type=media_type,
        headers={**NO_STORE, "Content-Disposition": exports.content_disposition(report.ret, ext)},
    )


class ReturnsController(StaffApiController):
    path = "/api/v1"
    tags = ("statistics",)
    # reading is for the leading group and supervisors; producing a return for supervisors and admins

    @get("/indicators", operation_id="GetIndicators", guards=[requires(Permission.STATS_VIEW)])
    async def indicators(
        self,
        services: NamedDependency[Services],
        first: Annotated[str | None, QueryParameter(name="from", description="YYYY-MM")] = None,
        last: Annotated[str | None, QueryParameter(name="to", description="YYYY-MM")] = None,
    ) -> Indicators:
        """Every indicator of each month in [from, to] (default: the last 12 months, this one included), live
        from the data, with month-over-month and year-over-year deltas where the earlier month exists."""
        today = local_date(utcnow())
        start, end = returns.month_range(first, last, today)
        series = await returns.indicators(
            services.pool, start, end, today=today, read_pool=services.read_pool
        )
        return returns.indicators_view(series)

    @get("/returns", operation_id="ListReturns", guards=[requires(Permission.STATS_VIEW)])
    async def list_returns(self, services: NamedDependency[Services]) -> list[MonthlyReturnListItem]:
        """The latest version of each month's return, newest first."""
        return await returns.return_list(services.pool)

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

    @post(
        "/returns/{month:str}",
        operation_id="ProduceReturn",
        guards=[requires(Permission.RETURNS_PRODUCE)],
        responses={200: UNCHANGED},
    )
    async def produce(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        month: FromPath[str],
        data: JSONBody[ProduceReturn | None] = None,
    ) -> Response[MonthlyReturn]:
        """Produce the return of an ended month now: 201 with version 1, or a restatement when the data
        changed since the latest version; 200 with that version when nothing changed."""
        ret = await returns.produce_return(
            services.pool,
            returns.month_of(month),
            staff,
            data or ProduceReturn(),
            now=utcnow(),
            read_pool=services.read_pool,
        )
        return Response(returns.return_view(ret), status_code=201 if ret.created else 200, headers=NO_STORE)
