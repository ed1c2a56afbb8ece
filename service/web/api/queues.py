"""Staff API for team queues: each queue's load, claiming the next case, releasing and reassigning a case,
and a queue's members."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from domain.queues import QUEUE_MANAGE
from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import queues
from service.usecases.clock import local_date, utcnow
from service.web.auth import provide_staff, requires


class MemberOut(msgspec.Struct):
    user_id: int
    display_name: str
    disabled: bool


class QueueLoadOut(msgspec.Struct):
    code: str
    name_zh: str
    name_en: str
    active: bool
    max_open_per_mediator: int
    unassigned: int
    assigned: int
    oldest_unassigned: datetime | None
    overdue: int
    members: list[MemberOut]


class QueuesOut(msgspec.Struct):
    today: date
    queues: list[QueueLoadOut]


class ClaimedOut(msgspec.Struct):
    id: int
    tracking_no: str
    queue: str
    paused: bool
    mediation_due: date | None
    mediation_due_provisional: bool
    working_days_left: int | None
    assigned_at: datetime


class ReleaseIn(msgspec.Struct):
    reason: Any = None  # optional; validated by the domain (a 422 naming the field)


class AssignIn(msgspec.Struct):
    user_id: Any = None


class AssignmentOut(msgspec.Struct):
    id: int
    assigned_to: int | None
    previous: int | None


class MemberIn(msgspec.Struct):
    user_id: Any = None


class MembershipOut(msgspec.Struct):
    queue: str
    user_id: int
    added: bool


class QueueController(Controller):
    path = "/api/v1"
    tags = ("staff: queues",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @get("/queues", operation_id="ListQueues", guards=[requires(Permission.CASE_VIEW)])
    async def list_queues(self, services: NamedDependency[Services]) -> QueuesOut:
        """Each queue's load: cases in mediation unassigned and assigned, the oldest waiting, the overdue."""
        today = local_date(utcnow())
        loads = await queues.overview(services.pool, today=today)
        return QueuesOut(today, [msgspec.convert(q, QueueLoadOut, from_attributes=True) for q in loads])

    @post(
        "/queues/{queue:str}/claim",
        operation_id="ClaimNextCase",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def claim(
        self, services: NamedDependency[Services], staff: NamedDependency[StaffUser], queue: FromPath[str]
    ) -> Response[ClaimedOut | None]:
        """The most urgent unassigned case of the queue, now yours: 200 with it, 204 when none is waiting,
        409 at your open-case limit."""
        claimed = await queues.claim(services.pool, queue, staff, now=utcnow())
        if claimed is None:
            return Response(None, status_code=204)
        return Response(msgspec.convert(claimed, ClaimedOut, from_attributes=True), status_code=200)

    @post(
        "/cases/{case_id:int}/release",
        operation_id="ReleaseCase",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def release(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[ReleaseIn | None] = None,
    ) -> AssignmentOut:
        """Back to its queue: by the mediator holding it, or a supervisor (anyone else: 409)."""
        previous = await queues.release(
            services.pool, case_id, staff, data.reason if data else None, now=utcnow()
        )
        return AssignmentOut(case_id, None, previous)

    @post(
        "/cases/{case_id:int}/assign",
        operation_id="AssignCase",
        status_code=200,
        guards=[requires(QUEUE_MANAGE)],
    )
    async def assign(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[AssignIn],
    ) -> AssignmentOut:
        """A supervisor gives the case to an active mediator."""
        previous = await queues.reassign(services.pool, case_id, staff, data.user_id, now=utcnow())
        return AssignmentOut(case_id, int(data.user_id), previous)

    @post(
        "/queues/{queue:str}/members",
        operation_id="AddQueueMember",
        status_code=200,
        guards=[requires(QUEUE_MANAGE)],
    )
    async def add_member(
        self, services: NamedDependency[Services], queue: FromPath[str], data: JSONBody[MemberIn]
    ) -> MembershipOut:
        added = await queues.add_member(services.pool, queue, data.user_id)
        return MembershipOut(queue, int(data.user_id), added)

    @delete(
        "/queues/{queue:str}/members/{user_id:int}",
        operation_id="RemoveQueueMember",
        guards=[requires(QUEUE_MANAGE)],
    )
    async def remove_member(
        self, services: NamedDependency[Services], queue: FromPath[str], user_id: FromPath[int]
    ) -> None:
        await queues.remove_member(services.pool, queue, user_id)
