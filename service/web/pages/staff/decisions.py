"""The case page's decisions: accept, reject, pause and resume the clock, close."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.events import EventKind
from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import casework, closing
from service.usecases.casework_commands import Accept, Close, Pause, Reject
from service.usecases.clock import utcnow
from service.web import forms
from service.web.auth import requires
from service.web.pages.staff.case_page import act
from service.web.pages.staff.common import StaffController


class DecisionPages(StaffController):
    @post(
        "/cases/{case_id:int}/accept", operation_id="StaffAccept", guards=[requires(Permission.CASE_DECIDE)]
    )
    async def accept(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(v: dict[str, str]) -> None:
            await casework.accept(services.pool, case_id, staff, forms.command(Accept, v), now=utcnow())

        return await act(request, services, staff, case_id, EventKind.ACCEPTED, run)

    @post(
        "/cases/{case_id:int}/reject", operation_id="StaffReject", guards=[requires(Permission.CASE_DECIDE)]
    )
    async def reject(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(v: dict[str, str]) -> None:
            ground = str(v.get("ground") or "").strip()
            values = {**v, "ground": int(ground) if ground.isascii() and ground.isdigit() else ground}
            await casework.reject(services.pool, case_id, staff, forms.command(Reject, values), now=utcnow())

        return await act(request, services, staff, case_id, EventKind.REJECTED, run)

    @post("/cases/{case_id:int}/pause", operation_id="StaffPause", guards=[requires(Permission.CASE_PAUSE)])
    async def pause(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(v: dict[str, str]) -> None:
            await casework.pause(services.pool, case_id, staff, forms.command(Pause, v), now=utcnow())

        return await act(request, services, staff, case_id, EventKind.PAUSED, run)

    @post("/cases/{case_id:int}/resume", operation_id="StaffResume", guards=[requires(Permission.CASE_PAUSE)])
    async def resume(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(_: dict[str, str]) -> None:
            await casework.resume(services.pool, case_id, staff, now=utcnow())

        return await act(request, services, staff, case_id, EventKind.RESUMED, run)

    @post("/cases/{case_id:int}/close", operation_id="StaffClose", guards=[requires(Permission.CASE_WORK)])
    async def close(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        async def run(v: dict[str, str]) -> None:
            await closing.close(services.pool, case_id, staff, forms.command(Close, v), now=utcnow())

        return await act(request, services, staff, case_id, EventKind.CLOSED, run)
