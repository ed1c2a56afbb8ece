"""Staff pages for team queues: "我的案件" (a mediator's cases and the team queues, with a one-click claim)
and the supervisor's overview of every queue's load, its team (add and remove mediators) and each
mediator's open cases and own open-case limit.

Forms answer with a redirect (PRG): a claimed case opens its page; anything else comes back to
/staff/queue with `notice=<code>` (codes, never free text, in the URL).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from litestar import get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from domain.errors import NotFound, ValidationFailed
from domain.lifecycle import STATUS_LABELS, Status
from domain.queues import QUEUE_MANAGE, OpenCaseLimit, QueueConflict, limit_message
from domain.roles import Permission
from service.queries import queues as read
from service.queries import reference
from service.usecases import queues
from service.usecases.clock import local_date, local_time, utcnow
from service.usecases.queue_commands import ReleaseCase
from service.web import forms
from service.web.auth import requires
from service.web.pages.public import PRIVATE
from service.web.pages.staff.common import Req, Staff, StaffController, Svc, paging, staff_context
from service.web.pages.staff.notices import NoticeCode, Notices, notice_context

# notice code -> (message, kind), shown by notices.notice_context
NOTICES: Notices = {
    "empty": ("队列中暂无可领取的案件", "info"),
    "released": ("案件已退回队列。", "ok"),
    "not_assigned": ("该案件目前没有承办调解员。", "error"),
    "not_assignee": ("只有承办该案件的调解员或科长可以退回该案件。", "error"),
}


# the overview's notices: codes in the URL, words here
OVERVIEW_NOTICES: Notices = {
    "member_added": ("已加入调解组。", "ok"),
    "member_exists": ("该调解员已在这个调解组中。", "info"),
    "member_removed": ("已移出调解组。", "ok"),
    "limit_set": ("在办案件上限已保存。", "ok"),
    "not_a_mediator": ("请选择一位在岗的调解员。", "error"),
    "limit_invalid": ("上限应为1到1000之间的整数；留空则按所在调解组的上限。", "error"),
    "not_found": ("没有找到该调解组或成员。", "error"),
}


def _mine_url(offset: int) -> str:
    """A page of the workbench's own cases (MINE_PAGE a page)."""
    return "/staff/queue" + (f"?offset={offset}" if offset else "") + "#mine"


def _back(**query: str) -> Redirect:
    return Redirect(f"/staff/queue?{urlencode(query)}", status_code=303)


def _overview(notice: str, anchor: str = "") -> Redirect:
    return Redirect(f"/staff/queues?{urlencode({'notice': notice})}{anchor}", status_code=303)


def _user_id(value: object) -> object:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() else value


class QueuePages(StaffController):
    """A mediator's workbench: the team queues, claiming the next case, giving one back."""

    guards = [requires(Permission.CASE_WORK)]  # noqa: RUF012 - Litestar reads this class attribute

    @get("/queue", operation_id="StaffQueuePage")
    async def queue_page(
        self,
        services: Svc,
        staff: Staff,
        notice: NoticeCode = None,
        n: Annotated[int | None, QueryParameter(ge=1, le=100_000)] = None,
        offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
    ) -> Template:
        today = local_date(utcnow())
        bench = await read.workbench(services.pool, staff, today=today, mine_offset=offset)
        taxonomy = await reference.taxonomy(services.pool)
        notice_line = notice_context(NOTICES, notice)
        if notice == "limit" and n is not None:  # the limit's number comes beside the code
            notice_line = {"notice": limit_message(n), "notice_kind": "error"}
        context = {
            **staff_context(staff),
            "bench": bench,
            "taxonomy": taxonomy,
            "today": today,
            "status_labels": {s.value: STATUS_LABELS[s][0] for s in Status},
            **notice_line,
            "local_time": local_time,
            **paging(offset, bench.mine_total, read.MINE_PAGE, _mine_url),
        }
        return Template("staff_queue.html", context=context, headers=PRIVATE)

    @post("/queue/{queue:str}/claim", operation_id="StaffClaimNext")
    async def claim(self, services: Svc, staff: Staff, queue: FromPath[str]) -> Redirect:
        try:
            claimed = await queues.claim(services.pool, queue, staff, now=utcnow())
        except OpenCaseLimit as exc:
            return _back(notice="limit", n=str(exc.limit))
        if claimed is None:
            return _back(notice="empty")
        return Redirect(f"/staff/cases/{claimed.id}", status_code=303)

    @post("/queue/release/{case_id:int}", operation_id="StaffReleaseCase")
    async def release(self, request: Req, services: Svc, staff: Staff, case_id: FromPath[int]) -> Redirect:
        values = await forms.form_values(request)
        cmd = ReleaseCase(reason=str(values.get("reason") or "")[:500] or None)
        try:
            await queues.release(services.pool, case_id, staff, cmd, now=utcnow())
        except QueueConflict as exc:
            return _back(notice=exc.code if exc.code in NOTICES else "not_assignee")
        return _back(notice="released")


class QueueOverviewPages(StaffController):
    """The supervisor's overview: every queue's load, its team and each mediator's open-case limit."""

    guards = [requires(QUEUE_MANAGE)]  # noqa: RUF012 - Litestar reads this class attribute

    @get("/queues", operation_id="StaffQueuesOverview")
    async def overview_page(self, services: Svc, staff: Staff, notice: NoticeCode = None) -> Template:
        today = local_date(utcnow())
        loads = await read.overview(services.pool, today=today)
        mediators = await queues.mediator_choices(services.pool, None)
        context = {
            **staff_context(staff),
            **notice_context(OVERVIEW_NOTICES, notice),
            "mediators": mediators,
            "queue_names": {q.code: q.name_zh for q in loads},
            "loads": loads,
            "today": today,
            "totals": {
                "unassigned": sum(q.unassigned for q in loads),
                "assigned": sum(q.assigned for q in loads),
                "overdue": sum(q.overdue for q in loads),
            },
            "local_time": local_time,
        }
        return Template("staff_queues_overview.html", context=context, headers=PRIVATE)

    @post("/queues/{queue:str}/members", operation_id="StaffAddQueueMember")
    async def add_member(self, request: Req, services: Svc, staff: Staff, queue: FromPath[str]) -> Redirect:
        form = await request.form()
        try:
            added = await queues.add_member(
                services.pool, queue, _user_id(form.get("user_id")), staff, now=utcnow()
            )
        except ValidationFailed:
            return _overview("not_a_mediator", f"#team-{queue}")
        except NotFound:
            return _overview("not_found")
        return _overview("member_added" if added else "member_exists", f"#team-{queue}")

    @post("/queues/{queue:str}/members/{user_id:int}/remove", operation_id="StaffRemoveQueueMember")
    async def remove_member(
        self,
        services: Svc,
        staff: Staff,
        queue: FromPath[str],
        user_id: FromPath[int],
    ) -> Redirect:
        try:
            await queues.remove_member(services.pool, queue, user_id, staff, now=utcnow())
        except NotFound:
            return _overview("not_found")
        return _overview("member_removed", f"#team-{queue}")

    @post("/mediators/{user_id:int}/limit", operation_id="StaffSetMediatorLimit")
    async def set_limit(self, request: Req, services: Svc, staff: Staff, user_id: FromPath[int]) -> Redirect:
        form = await request.form()
        try:
            await queues.set_limit(services.pool, user_id, form.get("max_open"), staff, now=utcnow())
        except ValidationFailed as exc:
            code = "limit_invalid" if any(e.field == "max_open" for e in exc.errors) else "not_a_mediator"
            return _overview(code, "#mediators")
        return _overview("limit_set", "#mediators")
