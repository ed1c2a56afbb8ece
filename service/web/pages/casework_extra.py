"""Staff pages for arbitration, product testing and clusters: the printable referral bundle, the cluster
alerts with the supervisor's decision, and the case page's work forms (refer, award, start and finish a
test), each answered with a redirect back to the case (PRG).

A failed case-page form redirects to the case with `work_error=<form>` and `work_fields=<field>.<code>,…`
(codes, never free text, in the URL); templates/_case_work.html turns them into Chinese messages.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from domain import arbitration as rules
from domain.errors import FieldError, ValidationFailed
from domain.roles import ROLE_LABELS, Permission, can
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import arbitration, clusters, testing
from service.usecases.clock import local_date, local_time, utcnow
from service.web.auth import provide_staff, requires
from service.web.pages.case_forms import Run, case_url, run_case_form
from service.web.pages.public import PRIVATE

CLUSTER_NOTICES = {"decided": "已作出处置决定。"}


def _base(user: StaffUser) -> dict[str, Any]:
    """The staff header's context, as StaffPages._base builds it."""
    return {
        "staff": user,
        "role_labels": [ROLE_LABELS[r][0] for r in sorted(user.roles)],
        "can": {p.value.replace(".", "_"): can(user.roles, p) for p in Permission},
    }


def _errors(errors: list[FieldError]) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in errors:
        out.setdefault(e.field, e.message)
    return out


def _case_url(case_id: int, **query: str) -> str:
    return case_url(case_id, "work", **query)


async def _work(request: Request[Any, Any, Any], case_id: int, form: str, done: str, run: Run) -> Redirect:
    """Run one work form and redirect to the case's work section."""
    return await run_case_form(request, case_id, form=form, done=done, run=run, prefix="work", anchor="work")


def _blank(value: str | None) -> str | None:
    return value if value not in (None, "") else None


class CaseworkExtraPages(Controller):
    path = "/staff"
    include_in_schema = False
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @get(
        "/cases/{case_id:int}/arbitration-bundle",
        operation_id="StaffArbitrationBundle",
        guards=[requires(Permission.CASE_VIEW)],
    )
    async def bundle_page(self, services: NamedDependency[Services], case_id: FromPath[int]) -> Template:
        b = await arbitration.bundle(services.pool, case_id)
        context = {"b": b, "prepared_on": local_date(utcnow())}
        return Template("staff_arbitration_bundle.html", context=context, headers=PRIVATE)

    @post(
        "/cases/{case_id:int}/arbitration/referral",
        operation_id="StaffReferToArbitration",
        guards=[requires(Permission.CASE_WORK)],
    )
    async def refer(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> None:
            chosen = v.get("agreement") or ""
            new = chosen == "new"
            await arbitration.refer(
                services.pool,
                case_id,
                staff,
                agreement_id=int(chosen) if chosen.isdigit() else None,
                kind=_blank(v.get("kind")) if new else None,
                institution=_blank(v.get("institution")) if new else None,
                signed_on=_blank(v.get("signed_on")) if new else None,
                note=_blank(v.get("note")) if new else None,
                now=utcnow(),
            )

        return await _work(request, case_id, "refer", "referred", run)

    @post(
        "/cases/{case_id:int}/arbitration/award",
        operation_id="StaffRecordArbitrationAward",
        guards=[requires(Permission.CASE_WORK)],
    )
    async def award(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> None:
            await arbitration.record_award(
                services.pool,
                case_id,
                staff,
                award_on=_blank(v.get("award_on")),
                award_for=_blank(v.get("award_for")),
                amount=_blank(v.get("amount")),
                now=utcnow(),
            )

        return await _work(request, case_id, "award", "award_recorded", run)

    @post(
        "/cases/{case_id:int}/tests", operation_id="StaffStartTest", guards=[requires(Permission.CASE_WORK)]
    )
    async def start_test(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> None:
            await testing.start_test(
                services.pool,
                case_id,
                staff,
                lab=_blank(v.get("lab")),
                fee=_blank(v.get("fee")),
                advanced_by=_blank(v.get("advanced_by")) or "merchant",
                consumer_guarantee=_blank(v.get("consumer_guarantee")),
                now=utcnow(),
            )

        return await _work(request, case_id, "test", "testing_started", run)

    @post(
        "/cases/{case_id:int}/tests/{test_id:int}/finish",
        operation_id="StaffFinishTest",
        guards=[requires(Permission.CASE_WORK)],
    )
    async def finish_test(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        test_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> None:
            await testing.finish_test(
                services.pool,
                test_id,
                staff,
                finding=_blank(v.get("finding")),
                at_fault=_blank(v.get("at_fault")),
                report_evidence_id=_blank(v.get("report_evidence_id")),
                case_id=case_id,
                now=utcnow(),
            )

        return await _work(request, case_id, "finish", "testing_finished", run)

    async def _clusters_page(
        self,
        services: Services,
        staff: StaffUser,
        *,
        notice: str | None = None,
        problem: str | None = None,
        failed: int | None = None,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        found = await clusters.alerts(services.pool, now=utcnow())
        context = {
            **_base(staff),
            "alerts": found,
            "decisions": [
                (d.value, name, meaning) for d, (name, meaning, _) in rules.CLUSTER_DECISIONS.items()
            ],
            "decision_names": {d.value: name for d, (name, _, _) in rules.CLUSTER_DECISIONS.items()},
            "local_time": local_time,
            "notice": notice,
            "problem": problem,
            "failed": failed,
            "errors": errors or {},
            "values": values or {},
        }
        return Template("staff_clusters.html", context=context, status_code=status_code, headers=PRIVATE)

    @get("/clusters", operation_id="StaffClustersPage", guards=[requires(Permission.CASE_VIEW)])
    async def clusters_page(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await self._clusters_page(services, staff, notice=CLUSTER_NOTICES.get(done or ""))

    @post(
        "/clusters/{alert_id:int}/decide",
        operation_id="StaffDecideCluster",
        guards=[requires(Permission.CLUSTERS_DECIDE)],
    )
    async def decide(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        alert_id: FromPath[int],
    ) -> Template | Redirect:
        data = await request.form()
        values = {k: str(v) for k, v in data.items() if k != "_csrf_token"}
        try:
            await clusters.decide(
                services.pool,
                alert_id,
                staff,
                _blank(values.get("decision")),
                _blank(values.get("note")),
                now=utcnow(),
            )
        except ValidationFailed as exc:
            return await self._clusters_page(
                services,
                staff,
                failed=alert_id,
                errors=_errors(exc.errors),
                values=values,
                status_code=422,
            )
        except rules.CaseworkConflict as exc:
            return await self._clusters_page(services, staff, problem=exc.message, status_code=409)
        return Redirect(f"/staff/clusters?done=decided#alert-{alert_id}", status_code=303)
