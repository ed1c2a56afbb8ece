"""The administrator's calendar page (issue 15): a year's 休/班 days, and loading the next year's official
schedule from a file in the formats `disputes calendar load` takes — first a preview of what it changes
(run as the real load in a transaction that is rolled back), then the load on confirmation, with the
`deadline_recomputed` events it wrote.

The preview page carries the file itself (base64, in a hidden field) to the confirmation, so what is
loaded is exactly what was previewed; nothing is stored between the two.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from litestar import get, post
from litestar.datastructures import UploadFile
from litestar.params import QueryParameter
from litestar.response import Template

from domain.roles import Permission
from service.app_types import Services
from service.queries import reference
from service.store.staff import StaffUser
from service.usecases import calendar
from service.usecases.clock import local_date, utcnow
from service.web.auth import requires
from service.web.pages.public import PRIVATE
from service.web.pages.staff.common import Req, Staff, StaffController, Svc, staff_context

MAX_FILE_BYTES = 256 * 1024  # a year's exceptions are a few dozen lines
DEADLINE_LABELS = {"acceptance_due": "受理期限", "mediation_due": "调解期限"}


class CalendarPages(StaffController):
    path = "/staff/admin/calendar"
    guards = [requires(Permission.CALENDAR_MANAGE)]  # noqa: RUF012 - Litestar reads this class attribute

    def _page(self, staff: StaffUser, template: str, *, status: int = 200, **context: Any) -> Template:
        base = staff_context(staff)
        full = {**base, "nav": "admin", "deadline_labels": DEADLINE_LABELS, "error": None, **context}
        return Template(template, status_code=status, context=full, headers=PRIVATE)

    async def _year_page(
        self, services: Services, staff: StaffUser, year: int, *, status: int = 200, error: str | None = None
    ) -> Template:
        cal = await reference.year_calendar(services.pool, year)
        days = sorted(
            [(d, "休", name) for d, name in cal.holidays.items()]
            + [(d, "班", "调休上班") for d, working in cal.workdays.items() if working and d.weekday() >= 5]
        )
        return self._page(
            staff,
            "staff_admin_calendar.html",
            status=status,
            year=year,
            loaded=year in cal.known_years,
            known_years=sorted(cal.known_years),
            days=days,
            error=error,
        )

    @get("/", operation_id="StaffAdminCalendar")
    async def show(
        self,
        services: Svc,
        staff: Staff,
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
    ) -> Template:
        return await self._year_page(services, staff, year or local_date(utcnow()).year)

    async def _schedule(
        self, request: Req, services: Services, staff: StaffUser
    ) -> tuple[str, bytes, calendar.Schedule] | Template:
        """The uploaded (or carried) file parsed, or the calendar page again with what is wrong."""
        form = await request.form()
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            name, content = upload.filename, await upload.read(MAX_FILE_BYTES + 1)
        else:
            name = str(form.get("filename") or "")
            try:
                content = base64.b64decode(str(form.get("content") or ""), validate=True)
            except (binascii.Error, ValueError):
                content = b""
        this_year = local_date(utcnow()).year
        if not name or not content:
            return await self._year_page(
                services, staff, this_year, status=422, error="请选择要上传的日历文件（.csv 或 .json）。"
            )
        if len(content) > MAX_FILE_BYTES:
            return await self._year_page(
                services, staff, this_year, status=422, error="文件过大：日历文件不应超过256KB。"
            )
        try:
            schedule = calendar.read_schedule(name, content)
        except calendar.ScheduleUnreadable as exc:
            return await self._year_page(services, staff, this_year, status=422, error=str(exc))
        return name, content, schedule

    async def _preview_or_load(
        self, request: Req, services: Services, staff: StaffUser, *, load: bool
    ) -> Template:
        """What the schedule changes: previewed, or loaded."""
        parsed = await self._schedule(request, services, staff)
        if isinstance(parsed, Template):
            return parsed
        name, content, schedule = parsed
        if load:
            result, moves = await calendar.load_year_with_moves(
                services.pool, schedule.year, schedule.rows, now=utcnow(), actor=staff.actor
            )
        else:
            result, moves = await calendar.preview_year(
                services.pool, schedule.year, schedule.rows, now=utcnow()
            )
        return self._page(
            staff,
            "staff_admin_calendar_preview.html",
            result=result,
            moves=moves,
            rows=schedule.exceptions,
            done=load,
            filename=None if load else name,  # the preview carries the file on to the confirmation
            content=None if load else base64.b64encode(content).decode(),
        )

    @post("/preview", operation_id="StaffAdminCalendarPreview")
    async def preview(self, request: Req, services: Svc, staff: Staff) -> Template:
        return await self._preview_or_load(request, services, staff, load=False)

    @post("/load", operation_id="StaffAdminCalendarLoad")
    async def load(self, request: Req, services: Svc, staff: Staff) -> Template:
        return await self._preview_or_load(request, services, staff, load=True)
