"""The case queue: the filter form as people use it, and paging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

import asyncpg
from litestar import get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from domain.lifecycle import STATUS_LABELS, Status
from domain.roles import Permission
from service.queries import cases as case_queries
from service.queries import reference
from service.queries.cursors import BadCursor
from service.usecases.clock import local_date, utcnow
from service.web.auth import requires
from service.web.pages.staff.common import Staff, StaffController, Svc, staff_context

PAGE_SIZE = 50
DUE_KINDS = {"acceptance": "受理", "reply": "答复", "mediation": "调解"}  # which deadline a row counts down


def due_within(text: str | None) -> tuple[int | None, dict[str, str]]:
    """The "剩余工作日不超过" field: blank is no filter; anything else a whole number 0..365."""
    value = (text or "").strip()
    if not value:
        return None, {}
    if value.isascii() and value.isdigit() and int(value) <= 365:
        return int(value), {}
    return None, {"due_within": "请填写0到365之间的整数，或留空表示不限"}


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """The queue's filters as the form shows them back."""

    status: list[str]
    subdistrict: str
    category: str
    overdue: bool
    due_within: int | None
    due_within_text: str

    def url(self, offset: int = 0, *, cursor: str | None = None, at: int = 0) -> str:
        """The queue's address with these filters (blank ones left out): from row `offset`, or after
        `cursor`, whose first row is number `at` (kept for the count shown and the previous page's link)."""
        query = [("status", s) for s in self.status] + [
            (k, str(v))
            for k, v in (
                ("subdistrict", self.subdistrict),
                ("category", self.category),
                ("overdue", "true" if self.overdue else None),
                ("due_within", self.due_within),
                ("offset", offset or None),
                ("cursor", cursor),
                ("at", at or None),
            )
            if v not in (None, "")
        ]
        return "/staff/cases" + (f"?{urlencode(query)}" if query else "")

    def links(self, queue: case_queries.Queue, first_row: int) -> dict[str, Any]:
        """The pager: the next page after the cursor (it seeks, however deep), the previous one by offset
        while that stays small (else the first page)."""
        back = first_row - PAGE_SIZE
        return {
            "prev_url": (self.url(max(back, 0)) if back <= case_queries.MAX_OFFSET else self.url())
            if first_row > 0
            else None,
            "next_url": self.url(cursor=queue.next_cursor, at=first_row + PAGE_SIZE)
            if queue.next_cursor
            else None,
            "offset": first_row,
        }


async def read_page(
    pool: asyncpg.Pool, filters: QueueFilters, today: date, *, offset: int, cursor: str | None, at: int
) -> tuple[case_queries.Queue, int, dict[str, str]]:
    """The page asked for, its first row's number, and the reason it is the first page instead (an offset
    past MAX_OFFSET, a cursor this service did not make)."""
    read = partial(
        case_queries.queue,
        pool,
        today=today,
        statuses=filters.status or None,
        subdistrict=filters.subdistrict or None,
        category=filters.category or None,
        overdue=filters.overdue,
        due_within=filters.due_within,
        limit=PAGE_SIZE,
    )
    if offset > case_queries.MAX_OFFSET:
        return await read(), 0, {"paging": "页码过大，已回到第一页；请用“下一页”逐页翻阅"}
    try:
        return (await read(cursor=cursor), at, {}) if cursor else (await read(offset=offset), offset, {})
    except BadCursor:
        return await read(), 0, {"paging": "翻页链接无效，已回到第一页"}


class CaseListPages(StaffController):
    @get("/cases", operation_id="StaffCasesPage", guards=[requires(Permission.CASE_VIEW)])
    async def cases_page(
        self,
        services: Svc,
        staff: Staff,
        status: FromQuery[list[str] | None] = None,
        subdistrict: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        overdue: FromQuery[str | None] = None,
        due_within_text: Annotated[str | None, QueryParameter(name="due_within")] = None,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
        cursor: FromQuery[str | None] = None,
        at: Annotated[int, QueryParameter(ge=0, le=100_000_000)] = 0,
    ) -> Template:
        """The queue's filter form as people use it: an empty field is "no filter", never a 400."""
        within, filter_errors = due_within(due_within_text)
        filters = QueueFilters(
            status=[s for s in status or [] if s in Status.__members__.values()],
            subdistrict=(subdistrict or "").strip(),
            category=(category or "").strip(),
            overdue=(overdue or "").strip().lower() in ("true", "1", "on", "yes"),
            due_within=within,
            due_within_text=(due_within_text or "").strip()[:10],
        )
        today = local_date(utcnow())
        queue, first_row, paging_errors = await read_page(
            services.pool, filters, today, offset=offset, cursor=cursor, at=at
        )
        filter_errors |= paging_errors
        taxonomy = await reference.taxonomy(services.pool)
        context = {
            **staff_context(staff),
            "queue": queue,
            "filters": filters,
            "taxonomy": taxonomy,
            "today": today,
            "status_labels": {s.value: STATUS_LABELS[s][0] for s in Status},
            **filters.links(queue, first_row),
            "filter_errors": filter_errors,
            "due_kinds": DUE_KINDS,
        }
        return Template("staff_cases.html", context=context, status_code=400 if filter_errors else 200)
