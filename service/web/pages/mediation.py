"""Staff pages for mediation: the case page's mediation forms (contacts, sessions, offers, answers by
phone, the settlement's issue, confirmation and performance, termination and its notice, recusals,
reopening), each building the action's command from the form (service.web.forms) and answered with a
redirect back to the case (PRG); and the printable settlement (调解书) and termination notice
(终止调解告知书).

A done form redirects with `done=<event kind>` (the template shows the registry's confirmation); a failed
one with `med_error=<form>` and `med_fields=<field>.<code>,…` (codes, never free text, in the URL);
templates/_case_mediation.html turns them into Chinese messages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.errors import NotFound
from domain.events import EventKind
from domain.roles import Permission
from service.app_types import Services
from service.queries import mediation_documents as documents
from service.store.staff import StaffUser
from service.usecases import mediation
from service.usecases.clock import local_date, utcnow
from service.web import forms
from service.web.auth import provide_staff, requires
from service.web.pages.public import PRIVATE

C = TypeVar("C")
Req = Request[Any, Any, Any]
Svc = NamedDependency[Services]
Staff = NamedDependency[StaffUser]
CaseId = FromPath[int]
Id = FromPath[int]
WORK = [requires(Permission.CASE_WORK)]
DECIDE = [requires(Permission.ROUTE_OVERRIDE)]


async def _act(
    request: Req, case_id: int, form: str, cls: type[C], action: Callable[[C], Awaitable[str]]
) -> Redirect:
    """Build the form's command, run its action and redirect to the case's mediation section with the
    event kind it wrote (`action` returns it), or with the form's errors."""
    done: list[str] = []

    async def run(values: dict[str, Any]) -> None:
        done.append(await action(forms.command(cls, values)))

    response = await forms.run_case_form(
        request, case_id, form=form, done="", run=run, prefix="med", anchor="mediation"
    )
    if done:
        return Redirect(forms.case_url(case_id, "mediation", done=done[0]), status_code=303)
    return response


def _then(kind: str, use_case: Callable[..., Awaitable[Any]], *args: Any) -> Callable[[Any], Awaitable[str]]:
    """The action of a form whose use case writes one event kind: run it with the command, say `kind`."""

    async def action(cmd: Any) -> str:
        await use_case(*args, cmd, now=utcnow())
        return kind

    return action


def _missing(title: str, message: str) -> Template:
    context = {"status": 404, "title": title, "message": message}
    return Template("error.html", status_code=404, headers=PRIVATE, context=context)


class NoBody(msgspec.Struct):
    """A form with nothing to read but its CSRF token."""


class MediationPages(Controller):
    path = "/staff/cases/{case_id:int}"
    include_in_schema = False
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    # --- the printable documents ----------------------------------------------------------------------

    @get("/settlement", operation_id="StaffSettlement", guards=[requires(Permission.CASE_VIEW)])
    async def settlement(self, services: Svc, case_id: CaseId) -> Template:
        try:
            context = await documents.settlement_document(services.pool, case_id)
        except NotFound:
            return _missing("没有调解书", "本案尚未达成调解协议，没有调解书。")
        return Template("staff_settlement.html", context=context, headers=PRIVATE)

    @get(
        "/termination-notice", operation_id="StaffTerminationNotice", guards=[requires(Permission.CASE_VIEW)]
    )
    async def termination_notice(self, services: Svc, case_id: CaseId) -> Template:
        try:
            context = await documents.termination_document(services.pool, case_id)
        except NotFound:
            return _missing("没有终止调解告知书", "本案未终止调解，没有终止调解告知书。")
        context["printed_on"] = local_date(utcnow())
        return Template("staff_termination_notice.html", context=context, headers=PRIVATE)

    # --- the record ---------------------------------------------------------------------------------------

    @post("/contacts", operation_id="StaffLogContact", guards=WORK)
    async def contact(self, request: Req, services: Svc, staff: Staff, case_id: CaseId) -> Redirect:
        run = _then(EventKind.CONTACT_LOGGED, mediation.log_contact, services.pool, case_id, staff)
        return await _act(request, case_id, "contact", mediation.LogContact, run)

    @post("/sessions", operation_id="StaffLogSession", guards=WORK)
    async def session(self, request: Req, services: Svc, staff: Staff, case_id: CaseId) -> Redirect:
        run = _then(EventKind.SESSION_HELD, mediation.log_session, services.pool, case_id, staff)
        return await _act(request, case_id, "session", mediation.LogSession, run)

    # --- offers -----------------------------------------------------------------------------------------

    @post("/offers", operation_id="StaffMakeOffer", guards=WORK)
    async def offer(self, request: Req, services: Svc, staff: Staff, case_id: CaseId) -> Redirect:
        run = _then(EventKind.OFFER_MADE, mediation.make_offer, services.pool, case_id, staff)
        return await _act(request, case_id, "offer", mediation.MakeOffer, run)

    @post("/offers/{offer_id:int}/answer", operation_id="StaffRecordOfferAnswer", guards=WORK)
    async def answer(
        self, request: Req, services: Svc, staff: Staff, case_id: CaseId, offer_id: Id
    ) -> Redirect:
        async def run(cmd: mediation.AnswerOffer) -> str:
            result = await mediation.record_answer(services.pool, case_id, offer_id, staff, cmd, now=utcnow())
            # accepted: the draft 调解书 awaits the mediator's review
            return EventKind.SETTLEMENT_DRAFTED if result.answer == "accept" else result.event

        return await _act(request, case_id, "answer", mediation.AnswerOffer, run)

    @post("/offers/{offer_id:int}/withdraw", operation_id="StaffWithdrawOffer", guards=WORK)
    async def withdraw(
        self, request: Req, services: Svc, staff: Staff, case_id: CaseId, offer_id: Id
    ) -> Redirect:
        run = _then(
            EventKind.OFFER_WITHDRAWN, mediation.withdraw_offer, services.pool, case_id, offer_id, staff
        )
        return await _act(request, case_id, "withdraw", mediation.WithdrawOffer, run)

    # --- the settlement ---------------------------------------------------------------------------------

    @post("/settlement/issue", operation_id="StaffIssueSettlement", guards=WORK)
    async def issue_settlement(self, request: Req, services: Svc, staff: Staff, case_id: CaseId) -> Redirect:
        """The mediator reviewed the draft: the confirmed wording and the performance date."""
        run = _then(EventKind.SETTLEMENT_ISSUED, mediation.issue_settlement, services.pool, case_id, staff)
        return await _act(request, case_id, "issue", mediation.IssueSettlement, run)

    @post("/settlement/confirm", operation_id="StaffRecordConfirmation", guards=WORK)
    async def confirm_settlement(
        self, request: Req, services: Svc, staff: Staff, case_id: CaseId
    ) -> Redirect:
        """A party's confirmation given on site, by phone or by signing the paper copy."""

        async def run(cmd: mediation.ConfirmSettlement) -> str:
            done = await mediation.record_confirmation(services.pool, case_id, staff, cmd, now=utcnow())
            return EventKind.SETTLEMENT_MADE if done.effective else EventKind.SETTLEMENT_CONFIRMED

        return await _act(request, case_id, "confirm", mediation.ConfirmSettlement, run)

    @post("/settlement/performance", operation_id="StaffRecordPerformance", guards=WORK)
    async def performance(self, request: Req, services: Svc, staff: Staff, case_id: CaseId) -> Redirect:
        async def run(cmd: mediation.RecordPerformance) -> str:
            done = await mediation.record_performance(services.pool, case_id, staff, cmd, now=utcnow())
            performed = done.performance == "performed"
            return EventKind.SETTLEMENT_PERFORMED if performed else EventKind.SETTLEMENT_NOT_PERFORMED

        return await _act(request, case_id, "performance", mediation.RecordPerformance, run)

    # --- termination, recusal and reopening ------------------------------------------------------------

    @post("/terminate", operation_id="StaffTerminateMediation", guards=WORK)
    async def terminate(self, request: Req, services: Svc, staff: Staff, case_id: CaseId) -> Redirect:
        run = _then(EventKind.TERMINATED, mediation.terminate, services.pool, case_id, staff)
        return await _act(request, case_id, "terminate", mediation.Terminate, run)

    @post("/termination-notice/sent", operation_id="StaffTerminationNoticeSent", guards=WORK)
    async def notice_sent(self, request: Req, services: Svc, staff: Staff, case_id: CaseId) -> Redirect:
        async def run(_: NoBody) -> str:
            await mediation.mark_notice_sent(services.pool, case_id, staff, now=utcnow())
            return EventKind.TERMINATION_NOTICE_SENT

        return await _act(request, case_id, "notice", NoBody, run)

    @post("/recusals", operation_id="StaffRequestRecusal", guards=WORK)
    async def recusal(self, request: Req, services: Svc, staff: Staff, case_id: CaseId) -> Redirect:
        run = _then(EventKind.RECUSAL_REQUESTED, mediation.request_recusal, services.pool, case_id, staff)
        return await _act(request, case_id, "recusal", mediation.RequestRecusal, run)

    @post("/recusals/{recusal_id:int}/decide", operation_id="StaffDecideRecusal", guards=DECIDE)
    async def decide_recusal(
        self, request: Req, services: Svc, staff: Staff, case_id: CaseId, recusal_id: Id
    ) -> Redirect:
        pool = services.pool
        run = _then(EventKind.RECUSAL_DECIDED, mediation.decide_recusal, pool, case_id, recusal_id, staff)
        return await _act(request, case_id, "decide", mediation.DecideRecusal, run)

    @post("/reopen", operation_id="StaffReopenCase", guards=DECIDE)
    async def reopen(self, request: Req, services: Svc, staff: Staff, case_id: CaseId) -> Redirect:
        run = _then(EventKind.REOPENED, mediation.reopen, services.pool, case_id, staff)
        return await _act(request, case_id, "reopen", mediation.Reopen, run)
