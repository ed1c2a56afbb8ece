"""The open dataset (issue 18 §2): the list of monthly files with the data dictionary and each month's file
as CSV or JSON (no sign-in); a supervisor or administrator restating a month."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter

from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import open_data, returns
from service.usecases.clock import utcnow
from service.usecases.open_data_commands import OpenDataFile, OpenDataIndex, RestateFile
from service.web.auth import StaffApiController, requires

CACHE = {"Cache-Control": "public, max-age=300"}  # a version never changes; the latest may be restated
UNCHANGED = ResponseSpec(
    data_container=OpenDataFile,
    description="Nothing changed since the latest version: that version, as it is",
    generate_examples=False,
)


def no_file(_request: Request[Any, Any, Any], exc: open_data.NoFile) -> Response[Any]:
    """404 saying why there is no such file (the app's own handler answers a bare "not found")."""
    return Response(
        {"status_code": 404, "detail": exc.message, "detail_en": exc.message_en},
        status_code=404,
        headers={"Cache-Control": "no-store"},
    )


@get(open_data.API, operation_id="ListOpenData", tags=["public: open data"])
async def open_data_index(services: NamedDependency[Services]) -> OpenDataIndex:
    """The months with a file (the last ended month's is made on first read), each month's latest version and
    the earlier ones, with k and the rows published, generalised and suppressed; the data dictionary."""
    return await open_data.index(services.pool, now=utcnow())


@get(
    f"{open_data.API}/{{name:str}}",
    operation_id="GetOpenDataFile",
    tags=["public: open data"],
    exception_handlers={open_data.NoFile: no_file},
)
async def open_data_file(
    services: NamedDependency[Services],
    name: FromPath[str],
    version: Annotated[int | None, QueryParameter(ge=1, le=10_000)] = None,
) -> Response[Any]:
    """`2026-05.csv` (UTF-8 with BOM; the hash, version, k and counts in X-* headers) or `2026-05.json` (the
    same in the body): one row per case closed in the month, k-anonymous, no personal data. The latest
    version unless `?version=n`. 404 for a month not yet ended; 422 for a bad month."""
    month, fmt = open_data.split_name(name)
    found = await open_data.file_of(services.pool, month, now=utcnow(), version=version)
    if fmt == "json":
        return Response(open_data.file_view(found), headers=CACHE)
    headers = {**CACHE, **open_data.file_headers(found)}
    return Response(open_data.csv_bytes(found), media_type=open_data.CSV_TYPE, headers=headers)


class OpenDataController(StaffApiController):
    path = open_data.API
    tags = ("statistics",)

    @post(
        "/{month:str}/restatements",
        operation_id="RestateOpenData",
        guards=[requires(Permission.RETURNS_PRODUCE)],
        responses={200: UNCHANGED},
    )
    async def restate(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        month: FromPath[str],
        data: JSONBody[RestateFile],
    ) -> Response[OpenDataFile]:
        """Recompute an ended month's file: 201 with version n+1 (its reason kept, the rows added and removed
        listed) when the rows changed; 200 with the latest version when nothing changed."""
        made = await open_data.restate(services.pool, returns.month_of(month), staff, data, now=utcnow())
        return Response(
            open_data.file_view(made),
            status_code=201 if made.created else 200,
            headers={"Cache-Control": "no-store"},
        )
