"""Staff case API: the queue, a case, acceptance decisions, pauses, closing, evidence files."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ClientException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import File

from domain.lifecycle import Status
from domain.roles import Permission
from service.app_types import Services
from service.queries import case_views
from service.queries import cases as case_queries
from service.queries.case_views import StaffCaseFile, StaffQueue
from service.store.staff import StaffUser
from service.usecases import casework, closing
from service.usecases.casework_commands import Accept, Close, Pause, Reject
from service.usecases.clock import local_date, utcnow
from service.web.auth import provide_staff, requires
from service.web.deps import evidence_download

STATUSES = tuple(s.value for s in Status)

# Litestar documents a File response with content type "" and a Last-Modified of format date-time, though the
# header is an HTTP date ("Thu, 26 Nov 2026 06:19:06 GMT"): a schema-checking client refuses every download.
EVIDENCE_FILE = ResponseSpec(
    data_container=bytes,
    media_type="*/*",
    description="The evidence file as uploaded (JPEG, PNG, PDF, HEIC), always as an attachment",
    generate_examples=False,
)


class CaseDecision(msgspec.Struct):
    """What a decision did: the case's new status, and its mediation deadline where it moved."""

    id: int
    status: str
    mediation_due: date | None = None


class CaseController(Controller):
    path = "/api/v1/cases"
    tags = ("staff: cases",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @get("/", operation_id="ListCases", guards=[requires(Permission.CASE_VIEW)])
    async def list_cases(
        self,
        services: NamedDependency[Services],
        status: FromQuery[list[str] | None] = None,
        subdistrict: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        overdue: FromQuery[bool] = False,
        due_within: Annotated[int | None, QueryParameter(ge=0, le=365)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> StaffQueue:
        unknown = [s for s in status or [] if s not in STATUSES]
        if unknown:
            raise ClientException(detail=f"unknown status: {', '.join(unknown)}", status_code=422)
        q = await case_queries.queue(
            services.pool,
            today=local_date(utcnow()),
            statuses=status,
            subdistrict=subdistrict,
            category=category,
            overdue=overdue,
            due_within=due_within,
            limit=limit,
            offset=offset,
        )
        return StaffQueue.of(q)

    @get("/{case_id:int}", operation_id="GetCase", guards=[requires(Permission.CASE_VIEW)])
    async def get_case(self, services: NamedDependency[Services], case_id: FromPath[int]) -> StaffCaseFile:
        return await case_views.staff_case_file(services.pool, case_id, today=local_date(utcnow()))

    @post(
        "/{case_id:int}/accept",
        operation_id="AcceptCase",
        status_code=200,
        guards=[requires(Permission.CASE_DECIDE)],
    )
    async def accept(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[Accept | None] = None,
    ) -> CaseDecision:
        due = await casework.accept(services.pool, case_id, staff, data, now=utcnow())
        return CaseDecision(case_id, "accepted", due)

    @post(
        "/{case_id:int}/reject",
        operation_id="RejectCase",
        status_code=200,
        guards=[requires(Permission.CASE_DECIDE)],
    )
    async def reject(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[Reject],
    ) -> CaseDecision:
        await casework.reject(services.pool, case_id, staff, data, now=utcnow())
        return CaseDecision(case_id, "rejected")

    @post(
        "/{case_id:int}/pause",
        operation_id="PauseCase",
        status_code=200,
        guards=[requires(Permission.CASE_PAUSE)],
    )
    async def pause(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[Pause],
    ) -> CaseDecision:
        await casework.pause(services.pool, case_id, staff, data, now=utcnow())
        return CaseDecision(case_id, "paused")

    @post(
        "/{case_id:int}/resume",
        operation_id="ResumeCase",
        status_code=200,
        guards=[requires(Permission.CASE_PAUSE)],
    )
    async def resume(
        self, services: NamedDependency[Services], staff: NamedDependency[StaffUser], case_id: FromPath[int]
    ) -> CaseDecision:
        due = await casework.resume(services.pool, case_id, staff, now=utcnow())
        return CaseDecision(case_id, "resumed", due)

    @post(
        "/{case_id:int}/close",
        operation_id="CloseCase",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def close(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[Close],
    ) -> CaseDecision:
        await closing.close(services.pool, case_id, staff, data, now=utcnow())
        return CaseDecision(case_id, "closed")

    @get(
        "/{case_id:int}/evidence/{evidence_id:int}",
        operation_id="GetEvidenceFile",
        guards=[requires(Permission.CASE_VIEW)],
        responses={200: EVIDENCE_FILE},
    )
    async def evidence_file(
        self, services: NamedDependency[Services], case_id: FromPath[int], evidence_id: FromPath[int]
    ) -> File:
        return await evidence_download(services, case_id, evidence_id)
