"""Staff case API: the queue, a case, acceptance decisions, pauses, closing, evidence files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.exceptions import ClientException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import File

from domain.lifecycle import Status
from domain.roles import Permission
from service.app_types import Services
from service.queries import case_views
from service.queries import cases as case_queries
from service.queries.case_views import StaffCaseFile, StaffQueue
from service.queries.cursors import BadCursor
from service.usecases import casework, closing
from service.usecases.clock import local_date, utcnow
from service.web.api.actions import case_action
from service.web.auth import StaffApiController, requires
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


def decided(status: str) -> Callable[[int, object], CaseDecision]:
    """The answer of a decision that leaves the mediation deadline where it was."""

    def view(case_id: int, _: object) -> CaseDecision:
        return CaseDecision(case_id, status)

    return view


def moved(status: str) -> Callable[[int, date | None], CaseDecision]:
    """The answer of a decision whose use case returns the case's new mediation deadline."""

    def view(case_id: int, due: date | None) -> CaseDecision:
        return CaseDecision(case_id, status, due)

    return view


def bad_query(key: str, message: str) -> ClientException:
    """A 400 naming the query parameter, in the shape Litestar gives its own parameter checks."""
    return ClientException(
        detail=f"Validation failed for GET: {key}",
        status_code=400,
        extra=[{"key": key, "message": message, "source": "query"}],
    )


def check_offset(offset: int) -> None:
    if offset > case_queries.MAX_OFFSET:
        raise bad_query(
            "offset", f"offset at most {case_queries.MAX_OFFSET}; page on with cursor= (next_cursor)"
        )


DECIDE = Permission.CASE_DECIDE
PAUSE = Permission.CASE_PAUSE
WORK = Permission.CASE_WORK


class CaseController(StaffApiController):
    path = "/api/v1/cases"
    tags = ("staff: cases",)

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
        cursor: FromQuery[str | None] = None,
    ) -> StaffQueue:
        """The open cases by nearest deadline (closed and rejected ones with `status=closed` or
        `status=rejected`). Page on with `cursor=` the answer's `next_cursor`; `offset` is for small
        steps only (up to 10,000)."""
        unknown = [s for s in status or [] if s not in STATUSES]
        if unknown:
            raise ClientException(detail=f"unknown status: {', '.join(unknown)}", status_code=422)
        check_offset(offset)
        try:
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
                cursor=cursor,
            )
        except BadCursor:
            raise bad_query("cursor", "not a cursor this list gave; start again without it") from None
        return StaffQueue.of(q)

    @get("/{case_id:int}", operation_id="GetCase", guards=[requires(Permission.CASE_VIEW)])
    async def get_case(self, services: NamedDependency[Services], case_id: FromPath[int]) -> StaffCaseFile:
        return await case_views.staff_case_file(services.pool, case_id, today=local_date(utcnow()))

    accept = case_action(
        "/{case_id:int}/accept", "AcceptCase", DECIDE, casework.accept, view=moved("accepted")
    )
    reject = case_action(
        "/{case_id:int}/reject", "RejectCase", DECIDE, casework.reject, view=decided("rejected")
    )
    pause = case_action("/{case_id:int}/pause", "PauseCase", PAUSE, casework.pause, view=decided("paused"))
    resume = case_action("/{case_id:int}/resume", "ResumeCase", PAUSE, casework.resume, view=moved("resumed"))
    close = case_action("/{case_id:int}/close", "CloseCase", WORK, closing.close, view=decided("closed"))

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
