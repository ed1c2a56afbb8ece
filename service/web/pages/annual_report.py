"""The annual report pages (STATS_VIEW): the years, and a year's consumer-disputes chapter printable on A4
with its Word download; supervisors choose and write its typical cases on the same page, and those who may
produce returns freeze the months still missing. Reading never writes."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from litestar import Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from domain import annual_report as rules
from domain import indicators as ind
from domain.errors import NotFound, ValidationFailed
from domain.events import EventKind
from domain.outcomes import OUTCOMES
from domain.roles import Permission, can
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import annual_report
from service.usecases import annual_report_document as document
from service.usecases.annual_report_commands import SaveTypicalCase
from service.usecases.clock import utcnow
from service.web import forms
from service.web.auth import requires
from service.web.forms import FRESH, RowForm
from service.web.pages.public import PRIVATE
from service.web.pages.staff.common import Req, Staff, StaffController, Svc, staff_context
from service.web.pages.staff.notices import NoticeCode

READERS = [requires(Permission.STATS_VIEW)]
CHOOSERS = [requires(Permission.TYPICAL_CASES)]
PRODUCERS = [requires(Permission.RETURNS_PRODUCE)]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OUTCOME_LABELS = {code: zh for code, (zh, _) in OUTCOMES.items()}


async def report_page(
    services: Services,
    staff: StaffUser,
    year: int,
    *,
    done: str | None = None,
    produced: int = 0,
    form: RowForm = FRESH,
) -> Template:
    report = await annual_report.build(services.pool, year, now=utcnow())
    rendered = document.render(report)
    can_choose = can(staff.roles, Permission.TYPICAL_CASES)
    context = {
        **staff_context(staff),
        "year": year,
        "doc": rendered.doc,
        "images": rendered.data_urls(),
        "months": [
            (ind.month_key(m), state, rules.MONTH_STATES[state])
            for m, state in sorted(report.states.items())
            if m.year == year
        ],
        "missing": report.missing,
        "can_produce": can(staff.roles, Permission.RETURNS_PRODUCE),
        "can_choose": can_choose,
        "candidates": await annual_report.candidates(services.pool, year) if can_choose else [],
        "outcome_labels": OUTCOME_LABELS,
        "done": done,
        "produced": produced,
        "docx_url": f"/staff/reports/{year}.docx",
        **form.context(),
    }
    return Template(
        "staff_report_annual.html", context=context, status_code=form.status_code, headers=PRIVATE
    )


def _docx(year: int, rendered: document.Rendered) -> Response[bytes]:
    name = document.file_name(year, "docx")
    zh = f"{year}年度报告-消费质量争议处理情况.docx"
    disposition = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(zh)}"
    return Response(rendered.docx(), media_type=DOCX, headers={**PRIVATE, "Content-Disposition": disposition})


class AnnualReportPages(StaffController):
    @get("/reports", operation_id="StaffAnnualReportsPage", guards=READERS)
    async def years_page(self, services: Svc, staff: Staff) -> Template:
        years = await annual_report.years(services.pool, now=utcnow())
        context = {**staff_context(staff), "years": years}
        return Template("staff_report_annual_index.html", context=context, headers=PRIVATE)

    @get("/reports/{year:str}", operation_id="StaffAnnualReportPage", guards=READERS)
    async def report(
        self,
        services: Svc,
        staff: Staff,
        year: FromPath[str],
        done: NoticeCode = None,
        produced: Annotated[int, QueryParameter(ge=0, le=24)] = 0,
    ) -> Template | Response[bytes]:
        """The page, or with .docx the Word document (the same blocks, from the same returns)."""
        text, _, suffix = year.partition(".")
        if suffix not in ("", "docx"):
            raise NotFound(f"no report file .{suffix}")
        the_year = annual_report.year_of(text, now=utcnow())
        if suffix == "docx":
            report = await annual_report.build(services.pool, the_year, now=utcnow())
            return _docx(the_year, document.render(report))
        return await report_page(services, staff, the_year, done=done, produced=produced)

    @post("/reports/{year:str}/returns", operation_id="StaffAnnualReportProduceMissing", guards=PRODUCERS)
    async def produce_missing(self, services: Svc, staff: Staff, year: FromPath[str]) -> Redirect:
        """Freeze the year's (and the year before's) missing months, as the monthly job would."""
        now = utcnow()
        the_year = annual_report.year_of(year, now=now)
        report = await annual_report.build(
            services.pool, the_year, now=now, produce_missing=True, actor=staff.actor
        )
        return Redirect(f"/staff/reports/{the_year}?produced={len(report.produced)}", status_code=303)

    @post(
        "/reports/{year:str}/typical-cases/{case_id:int}",
        operation_id="StaffSaveTypicalCase",
        guards=CHOOSERS,
    )
    async def save_typical_case(
        self, request: Req, services: Svc, staff: Staff, year: FromPath[str], case_id: FromPath[int]
    ) -> Template | Redirect:
        now = utcnow()
        the_year = annual_report.year_of(year, now=now)
        values = await forms.form_values(request)
        try:
            cmd = forms.command(SaveTypicalCase, values)
            await annual_report.save_typical_case(services.pool, the_year, case_id, staff, cmd, now=now)
        except ValidationFailed as exc:
            return await report_page(services, staff, the_year, form=RowForm.invalid(case_id, exc, values))
        done = EventKind.TYPICAL_CASE_SAVED
        return Redirect(f"/staff/reports/{the_year}?done={done}#case-{case_id}", status_code=303)

    @post(
        "/reports/{year:str}/typical-cases/{case_id:int}/remove",
        operation_id="StaffRemoveTypicalCase",
        guards=CHOOSERS,
    )
    async def remove_typical_case(
        self, services: Svc, staff: Staff, year: FromPath[str], case_id: FromPath[int]
    ) -> Redirect:
        now = utcnow()
        the_year = annual_report.year_of(year, now=now)
        await annual_report.remove_typical_case(services.pool, the_year, case_id, staff, now=now)
        done = EventKind.TYPICAL_CASE_REMOVED
        return Redirect(f"/staff/reports/{the_year}?done={done}#case-{case_id}", status_code=303)
