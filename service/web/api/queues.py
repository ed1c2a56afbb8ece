"""Staff API for team queues: each queue's load, claiming the next case, releasing and reassigning a case,
and a queue's members."""

from __future__ import annotations

import msgspec
from litestar import Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from domain.queues import QUEUE_MANAGE, parse_user_id
from domain.roles import Permission
from service.app_types import Services
from service.queries import queues as read
from service.queries.queues import QueueList
from service.store.staff import StaffUser
from service.usecases import queues
from service.usecases.clock import local_date, utcnow
from service.usecases.queue_commands import AddQueueMember, AssignCase
from service.usecases.queues import Claimed
from service.web.api.actions import case_action
from service.web.auth import StaffApiController, requires

WORK = [requires(Permission.CASE_WORK)]
MANAGE = [requires(QUEUE_MANAGE)]


class CaseAssignment(msgspec.Struct):
    id: int
    assigned_to: int | None
    previous: int | None

    @classmethod
    def released(cls, case_id: int, previous: int | None) -> CaseAssignment:
        """Back in its queue, from `previous` (who held it)."""
        return cls(case_id, None, previous)


class QueueMembership(msgspec.Struct):
    queue: str
    user_id: int
    added: bool


class QueueController(StaffApiController):
    path = "/api/v1"
    tags = ("staff: queues",)

    @get("/queues", operation_id="ListQueues", guards=[requires(Permission.CASE_VIEW)])
    async def list_queues(self, services: NamedDependency[Services]) -> QueueList:
        """Each queue's load: cases in mediation unassigned and assigned, the oldest waiting, the overdue."""
        return await read.queue_list(services.pool, today=local_date(utcnow()))

    @post("/queues/{queue:str}/claim", operation_id="ClaimNextCase", status_code=200, guards=WORK)
    async def claim(
        self, services: NamedDependency[Services], staff: NamedDependency[StaffUser], queue: FromPath[str]
    ) -> Response[Claimed | None]:
        """The most urgent unassigned case of the queue, now yours: 200 with it, 204 when none is waiting,
        409 at your open-case limit."""
        claimed = await queues.claim(services.pool, queue, staff, now=utcnow())
        if claimed is None:
            return Response(None, status_code=204)
        return Response(claimed, status_code=200)

    # Back to its queue: by the mediator holding it, or a supervisor (anyone else: 409).
    release = case_action(
        "/cases/{case_id:int}/release",
        "ReleaseCase",
        Permission.CASE_WORK,
        queues.release,
        view=CaseAssignment.released,
    )

    @post("/cases/{case_id:int}/assign", operation_id="AssignCase", status_code=200, guards=MANAGE)
    async def assign(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[AssignCase],
    ) -> CaseAssignment:
        """A supervisor gives the case to an active mediator."""
        previous = await queues.reassign(services.pool, case_id, staff, data.user_id, now=utcnow())
        return CaseAssignment(case_id, parse_user_id(data.user_id), previous)

    @post("/queues/{queue:str}/members", operation_id="AddQueueMember", status_code=200, guards=MANAGE)
    async def add_member(
        self, services: NamedDependency[Services], queue: FromPath[str], data: JSONBody[AddQueueMember]
    ) -> QueueMembership:
        added = await queues.add_member(services.pool, queue, data.user_id)
        return QueueMembership(queue, parse_user_id(data.user_id), added)

    @delete("/queues/{queue:str}/members/{user_id:int}", operation_id="RemoveQueueMember", guards=MANAGE)
    async def remove_member(
        self, services: NamedDependency[Services], queue: FromPath[str], user_id: FromPath[int]
    ) -> None:
        await queues.remove_member(services.pool, queue, user_id)
