"""The case page's forms as one table: each form is a CaseForm (its path under /staff/cases/{case_id},
operation id, permission, what it runs with the form's values, the `done` it confirms) and `pages` turns
a table into POST handlers, the way merchant_forms.FORMS does for a merchant's file.

A main form (no `section`) shows its errors on the case page (`case_page.act`); a section's form redirects
back to its section with `<prefix>_error`/`<prefix>_fields` codes (`forms.run_case_form`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Router, post
from litestar.di import Provide
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect, Template

from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.web import forms
from service.web.auth import provide_staff, requires
from service.web.pages.staff.case_page import act
from service.web.pages.staff.common import CaseId, Req, Staff, Svc


@dataclass(frozen=True, slots=True)
class Ctx:
    """Who posts which case's form; `path` holds the other path parameters (e.g. a test's id)."""

    services: Services
    staff: StaffUser
    case_id: int
    path: Mapping[str, Any]


# a form: run it with its values; what it returns feeds a callable `done`
Run = Callable[[Ctx, dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Section:
    """Where a section's form redirects: its error parameters' prefix and the page's anchor."""

    prefix: str
    anchor: str

    def form(
        self,
        path: str,
        operation_id: str,
        form: str,
        run: Run,
        done: str | Callable[[Any], str],
        who: Permission = Permission.CASE_WORK,
    ) -> CaseForm:
        """One form of this section, named `form` (the page marks the failed one by it); open to whoever
        works the case unless `who` says otherwise."""
        return CaseForm(path, operation_id, who, run, done, form=form, section=self)


WORK = Section("work", "work")  # templates/_case_work.html
MERCHANT = Section("merchant", "merchant-match")
MEDIATION = Section("med", "mediation")  # templates/_case_mediation.html


@dataclass(frozen=True, slots=True)
class CaseForm:
    path: str
    operation_id: str
    permission: Permission
    run: Run
    done: str | Callable[[Any], str]
    form: str = ""  # a section form's name (the page marks the failed one by it)
    section: Section | None = None  # None: a main form, its errors shown on the page


def route(f: CaseForm) -> HTTPRouteHandler:
    """The POST handler of one form of the case page."""
    section = f.section

    async def handler(request: Req, services: Svc, staff: Staff, case_id: CaseId) -> Template | Redirect:
        c = Ctx(services, staff, case_id, request.path_params)

        async def run(values: dict[str, Any]) -> Any:
            return await f.run(c, values)

        if section is None:
            return await act(request, services, staff, case_id, f.done, run)
        return await forms.run_case_form(
            request,
            case_id,
            form=f.form,
            done=f.done,
            run=run,
            prefix=section.prefix,
            anchor=section.anchor,
        )

    handler.__name__ = f.operation_id
    return post(f.path, operation_id=f.operation_id, guards=[requires(f.permission)])(handler)


def pages(table: Iterable[CaseForm], *extra: HTTPRouteHandler) -> Router:
    """A router under /staff/cases/{case_id} of the table's forms (and any other handlers there), with
    the signed-in staff user provided."""
    return Router(
        path="/staff/cases/{case_id:int}",
        route_handlers=[*extra, *(route(f) for f in table)],
        dependencies={"staff": Provide(provide_staff)},
        include_in_schema=False,
    )
