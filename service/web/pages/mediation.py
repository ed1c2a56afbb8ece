"""Staff pages for mediation: the case page's mediation forms (contacts, sessions, offers, answers by
phone, performance, termination and its notice, recusals, reopening), each answered with a redirect back
to the case (PRG), and the printable settlement (调解书) and termination notice (终止调解告知书).

A failed form redirects to the case with `med_error=<form>` and `med_fields=<field>.<code>,…` (codes,
never free text, in the URL); templates/_case_mediation.html turns them into Chinese messages.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.errors import NotFound
from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import mediation
from service.usecases.clock import local_date, utcnow
from service.web.auth import provide_staff, requires
from service.web.pages.case_forms import Run, case_url, run_case_form
from service.web.pages.public import PRIVATE


async def _act(request: Request[Any, Any, Any], case_id: int, form: str, done: str, run: Run) -> Redirect:
    """Run one mediation form and redirect to the case's mediation section."""
    return await run_case_form(
        request, case_id, form=form, done=done, run=run, prefix="med", anchor="mediation"
    )


def _blank(value: str | None) -> str | None:
    return value if value not in (None, "") else None


def _missing(status: int, title: str, message: str) -> Template:
    return Template(
        "error.html",
        status_code=status,
        headers=PRIVATE,
        context={"status": status, "title": title, "message": message},
    )


class MediationPages(Controller):
    path = "/staff/cases/{case_id:int}"
    include_in_schema = False
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    # --- the printable documents ----------------------------------------------------------------------

    @get("/settlement", operation_id="StaffSettlement", guards=[requires(Permission.CASE_VIEW)])
    async def settlement(self, services: NamedDependency[Services], case_id: FromPath[int]) -> Template:
        try:
            context = await mediation.settlement_document(services.pool, case_id)
        except NotFound:
            return _missing(404, "没有调解书", "本案尚未达成调解协议，没有调解书。")
        return Template("staff_settlement.html", context=context, headers=PRIVATE)

    @get(
        "/termination-notice", operation_id="StaffTerminationNotice", guards=[requires(Permission.CASE_VIEW)]
    )
    async def termination_notice(
        self, services: NamedDependency[Services], case_id: FromPath[int]
    ) -> Template:
        try:
            context = await mediation.termination_document(services.pool, case_id)
        except NotFound:
            return _missing(404, "没有终止调解告知书", "本案未终止调解，没有终止调解告知书。")
        context["printed_on"] = local_date(utcnow())
        return Template("staff_termination_notice.html", context=context, headers=PRIVATE)

    # --- the record ---------------------------------------------------------------------------------------

    @post("/contacts", operation_id="StaffLogContact", guards=[requires(Permission.CASE_WORK)])
    async def contact(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> None:
            await mediation.log_contact(
                services.pool,
                case_id,
                staff,
                party=_blank(v.get("party")),
                method=_blank(v.get("method")),
                at=_blank(v.get("at")),
                note=_blank(v.get("note")),
                now=utcnow(),
            )

        return await _act(request, case_id, "contact", "contact_logged", run)

    @post("/sessions", operation_id="StaffLogSession", guards=[requires(Permission.CASE_WORK)])
    async def session(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> None:
            await mediation.log_session(
                services.pool,
                case_id,
                staff,
                mode=_blank(v.get("mode")),
                at=_blank(v.get("at")),
                place=_blank(v.get("place")),
                attendees=_blank(v.get("attendees")),
                note=_blank(v.get("note")),
                now=utcnow(),
            )

        return await _act(request, case_id, "session", "session_held", run)

    # --- offers -----------------------------------------------------------------------------------------

    @post("/offers", operation_id="StaffMakeOffer", guards=[requires(Permission.CASE_WORK)])
    async def offer(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> None:
            await mediation.make_offer(
                services.pool,
                case_id,
                staff,
                from_party=_blank(v.get("from_party")),
                remedy=_blank(v.get("remedy")),
                amount=_blank(v.get("amount")),
                answer_by=_blank(v.get("answer_by")),
                note=_blank(v.get("note")),
                perform_by=_blank(v.get("perform_by")),
                now=utcnow(),
            )

        return await _act(request, case_id, "offer", "offer_made", run)

    @post(
        "/offers/{offer_id:int}/answer",
        operation_id="StaffRecordOfferAnswer",
        guards=[requires(Permission.CASE_WORK)],
    )
    async def answer(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        offer_id: FromPath[int],
    ) -> Redirect:
        answered: list[str] = []

        async def run(v: dict[str, str]) -> None:
            result = await mediation.record_answer(
                services.pool,
                case_id,
                offer_id,
                staff,
                answer=_blank(v.get("answer")),
                party=_blank(v.get("party")),
                remedy=_blank(v.get("remedy")),
                amount=_blank(v.get("amount")),
                answer_by=_blank(v.get("answer_by")),
                note=_blank(v.get("note")),
                perform_by=_blank(v.get("perform_by")),
                now=utcnow(),
            )
            answered.append(result.answer)

        response = await _act(request, case_id, "answer", "offer_answered", run)
        if answered == ["accept"]:  # the draft 调解书 awaits the mediator's review
            return Redirect(_med_url(case_id, done="settlement_drafted"), status_code=303)
        return response

    @post(
        "/offers/{offer_id:int}/withdraw",
        operation_id="StaffWithdrawOffer",
        guards=[requires(Permission.CASE_WORK)],
    )
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        offer_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> None:
            await mediation.withdraw_offer(
                services.pool, case_id, offer_id, staff, note=_blank(v.get("note")), now=utcnow()
            )

        return await _act(request, case_id, "withdraw", "offer_withdrawn", run)

    # --- the settlement, termination and reopening ------------------------------------------------------

    @post("/settlement/issue", operation_id="StaffIssueSettlement", guards=[requires(Permission.CASE_WORK)])
    async def issue_settlement(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        """The mediator reviewed the draft: the confirmed wording and the performance date."""

        async def run(v: dict[str, str]) -> None:
            await mediation.issue_settlement(
                services.pool,
                case_id,
                staff,
                wording=_blank(v.get("wording")),
                perform_by=_blank(v.get("perform_by")),
                now=utcnow(),
            )

        return await _act(request, case_id, "issue", "settlement_issued", run)

    @post(
        "/settlement/confirm", operation_id="StaffRecordConfirmation", guards=[requires(Permission.CASE_WORK)]
    )
    async def confirm_settlement(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        """A party's confirmation given on site, by phone or by signing the paper copy."""
        effective: list[bool] = []

        async def run(v: dict[str, str]) -> None:
            done = await mediation.record_confirmation(
                services.pool,
                case_id,
                staff,
                party=_blank(v.get("party")),
                means=_blank(v.get("means")),
                now=utcnow(),
            )
            effective.append(done.effective)

        response = await _act(request, case_id, "confirm", "settlement_confirmed", run)
        if effective == [True]:
            return Redirect(_med_url(case_id, done="settled"), status_code=303)
        return response

    @post(
        "/settlement/performance",
        operation_id="StaffRecordPerformance",
        guards=[requires(Permission.CASE_WORK)],
    )
    async def performance(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> None:
            await mediation.record_performance(
                services.pool,
                case_id,
                staff,
                performance=_blank(v.get("performance")),
                note=_blank(v.get("note")),
                now=utcnow(),
            )

        return await _act(request, case_id, "performance", "performance_recorded", run)

    @post("/terminate", operation_id="StaffTerminateMediation", guards=[requires(Permission.CASE_WORK)])
    async def terminate(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> None:
            await mediation.terminate(
                services.pool, case_id, staff, _blank(v.get("reason")), _blank(v.get("note")), utcnow()
            )

        return await _act(request, case_id, "terminate", "terminated", run)

    @post(
        "/termination-notice/sent",
        operation_id="StaffTerminationNoticeSent",
        guards=[requires(Permission.CASE_WORK)],
    )
    async def notice_sent(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(_: dict[str, str]) -> None:
            await mediation.mark_notice_sent(services.pool, case_id, staff, now=utcnow())

        return await _act(request, case_id, "notice", "notice_sent", run)

    @post("/recusals", operation_id="StaffRequestRecusal", guards=[requires(Permission.CASE_WORK)])
    async def recusal(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> None:
            await mediation.request_recusal(
                services.pool,
                case_id,
                staff,
                party=_blank(v.get("party")),
                reason=_blank(v.get("reason")),
                now=utcnow(),
            )

        return await _act(request, case_id, "recusal", "recusal_requested", run)

    @post(
        "/recusals/{recusal_id:int}/decide",
        operation_id="StaffDecideRecusal",
        guards=[requires(Permission.ROUTE_OVERRIDE)],
    )
    async def decide_recusal(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        recusal_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> None:
            await mediation.decide_recusal(
                services.pool,
                case_id,
                recusal_id,
                staff,
                decision=_blank(v.get("decision")),
                new_mediator=_blank(v.get("new_mediator")),
                note=_blank(v.get("note")),
                now=utcnow(),
            )

        return await _act(request, case_id, "decide", "recusal_decided", run)

    @post("/reopen", operation_id="StaffReopenCase", guards=[requires(Permission.ROUTE_OVERRIDE)])
    async def reopen(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
    ) -> Redirect:
        async def run(v: dict[str, str]) -> None:
            await mediation.reopen(services.pool, case_id, staff, _blank(v.get("reason")), now=utcnow())

        return await _act(request, case_id, "reopen", "reopened", run)


def _med_url(case_id: int, **query: str) -> str:
    return case_url(case_id, "mediation", **query)
