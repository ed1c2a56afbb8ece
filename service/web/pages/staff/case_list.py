"""The case queue: the filter form as people use it, and paging."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from litestar import get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from domain.lifecycle import STATUS_LABELS, Status
from domain.roles import Permission
from service.queries import cases as case_queries
from service.queries import reference
from service.usecases.clock import local_date, utcnow
from service.web.auth import requires
from service.web.pages.staff.common import Staff, StaffController, Svc, paging, staff_context

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

    def url(self, offset: int) -> str:
        """The queue's address with these filters at this offset (blank filters left out)."""
        query = [("status", s) for s in self.status] + [
            (k, str(v))
            for k, v in (
                ("subdistrict", self.subdistrict),
                ("category", self.category),
                ("overdue", "true" if self.overdue else None),
                ("due_within", self.due_within),
                ("offset", offset or None),
            )
            if v not in (None, "")
        ]
        return "/staff/cases" + (f"?{urlencode(query)}" if query else "")


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
        queue = await case_queries.queue(
            services.pool,
            today=today,
            statuses=filters.status or None,
            subdistrict=filters.subdistrict or None,
            category=filters.category or None,
            overdue=filters.overdue,
            due_within=within,
            limit=PAGE_SIZE,
            offset=offset,
        )
        taxonomy = await reference.taxonomy(services.pool)
        context = {
            **staff_context(staff),
            "queue": queue,
            "filters": filters,
            "taxonomy": taxonomy,
            "today": today,
            "status_labels": {s.value: STATUS_LABELS[s][0] for s in Status},
            **paging(offset, queue.total, PAGE_SIZE, filters.url),
            "filter_errors": filter_errors,
            "due_kinds": DUE_KINDS,
        }
        return Template("staff_cases.html", context=context, status_code=400 if filter_errors else 200)
