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
from datetime import date
from typing import Annotated, Any, cast

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from litestar.response import Template

from domain.roles import Permission
from service.app_types import Services
from service.store import reference
from service.store.calendar_source import CalendarRow, ScheduleError, parse_schedule_text
from service.store.staff import StaffUser
from service.usecases import calendar
from service.usecases.clock import local_date, utcnow
from service.web.auth import provide_staff, requires
from service.web.pages.public import PRIVATE
from service.web.pages.staff import StaffPages

MAX_FILE_BYTES = 256 * 1024  # a year's exceptions are a few dozen lines
DEADLINE_LABELS = {"acceptance_due": "受理期限", "mediation_due": "调解期限"}


class CalendarPages(Controller):
    path = "/staff/admin/calendar"
    include_in_schema = False
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute
    guards = [requires(Permission.CALENDAR_MANAGE)]  # noqa: RUF012 - Litestar reads this class attribute

    def _page(self, staff: StaffUser, template: str, *, status: int = 200, **context: Any) -> Template:
        base = StaffPages._base(cast(StaffPages, self), staff)
        full = {**base, "nav": "admin", "deadline_labels": DEADLINE_LABELS, "error": None, **context}
        return Template(template, status_code=status, context=full, headers=PRIVATE)

    async def _year_page(
        self, services: Services, staff: StaffUser, year: int, *, status: int = 200, error: str | None = None
    ) -> Template:
        async with services.pool.acquire() as conn:
            cal = await reference.work_calendar(conn, date(year, 1, 1), date(year, 12, 31))
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
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
    ) -> Template:
        return await self._year_page(services, staff, year or local_date(utcnow()).year)

    async def _schedule(
        self, request: Request[Any, Any, Any], services: Services, staff: StaffUser
    ) -> tuple[str, bytes, int, list[CalendarRow]] | Template:
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
            year, rows = parse_schedule_text(name, content.decode("utf-8"))
        except UnicodeDecodeError:
            return await self._year_page(
                services, staff, this_year, status=422, error="文件应为 UTF-8 编码。"
            )
        except ScheduleError as exc:
            # the message is "English / 中文": the page shows the Chinese half first
            english, _, chinese = str(exc).partition(" / ")
            return await self._year_page(services, staff, this_year, status=422, error=chinese or english)
        return name, content, year, rows

    @post("/preview", operation_id="StaffAdminCalendarPreview")
    async def preview(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
    ) -> Template:
        parsed = await self._schedule(request, services, staff)
        if isinstance(parsed, Template):
            return parsed
        name, content, year, rows = parsed
        result, moves = await calendar.preview_year(services.pool, year, rows, now=utcnow())
        return self._page(
            staff,
            "staff_admin_calendar_preview.html",
            result=result,
            moves=moves,
            rows=[r for r in rows if r.holiday_name or (r.is_workday and r.day.weekday() >= 5)],
            filename=name,
            content=base64.b64encode(content).decode(),
            done=False,
        )

    @post("/load", operation_id="StaffAdminCalendarLoad")
    async def load(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
    ) -> Template:
        parsed = await self._schedule(request, services, staff)
        if isinstance(parsed, Template):
            return parsed
        _, _, year, rows = parsed
        result, moves = await calendar.load_year_with_moves(
            services.pool, year, rows, now=utcnow(), actor=staff.actor
        )
        return self._page(
            staff,
            "staff_admin_calendar_preview.html",
            result=result,
            moves=moves,
            rows=[r for r in rows if r.holiday_name or (r.is_workday and r.day.weekday() >= 5)],
            done=True,
        )
