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
from typing import Any

from litestar import get
from litestar.params import FromPath
from litestar.response import Template

from domain.errors import NotFound
from domain.events import EventKind
from domain.roles import Permission
from service.queries import mediation_documents as documents
from service.usecases import mediation
from service.usecases.clock import local_date, utcnow
from service.web import forms
from service.web.auth import requires
from service.web.errors import error_page
from service.web.pages.public import PRIVATE
from service.web.pages.staff import case_forms
from service.web.pages.staff.case_forms import MEDIATION, Ctx
from service.web.pages.staff.common import Svc

DECIDE = Permission.ROUTE_OVERRIDE


def _with(cls: type[Any], use_case: Callable[..., Awaitable[Any]], *ids: str) -> case_forms.Run:
    """Run `use_case(pool, case_id, *the path's ids, staff, command)` with the form's command `cls`."""

    async def run(c: Ctx, values: dict[str, Any]) -> Any:
        path_ids = (int(c.path[name]) for name in ids)
        cmd = forms.command(cls, values)
        return await use_case(c.services.pool, c.case_id, *path_ids, c.staff, cmd, now=utcnow())

    return run


def _answered(result: Any) -> str:
    # accepted: the draft 调解书 awaits the mediator's review
    return EventKind.SETTLEMENT_DRAFTED if result.answer == "accept" else result.event


def _confirmed(done: Any) -> str:
    """A party's confirmation given on site, by phone or by signing the paper copy."""
    return EventKind.SETTLEMENT_MADE if done.effective else EventKind.SETTLEMENT_CONFIRMED


def _performed(done: Any) -> str:
    performed = done.performance == "performed"
    return EventKind.SETTLEMENT_PERFORMED if performed else EventKind.SETTLEMENT_NOT_PERFORMED


async def _notice_sent(c: Ctx, _: dict[str, Any]) -> None:
    await mediation.mark_notice_sent(c.services.pool, c.case_id, c.staff, now=utcnow())


# --- the printable documents ----------------------------------------------------------------------------


async def _printable(
    load: Awaitable[dict[str, Any]], template: str, missing: tuple[str, str], **extra: Any
) -> Template:
    """A printable document of the case, or the 404 page saying (title, message) why the case has none."""
    try:
        context = await load
    except NotFound:
        return error_page(404, *missing, PRIVATE)
    return Template(template, context={**context, **extra}, headers=PRIVATE)


@get("/settlement", operation_id="StaffSettlement", guards=[requires(Permission.CASE_VIEW)])
async def settlement(services: Svc, case_id: FromPath[int]) -> Template:
    no_settlement = ("没有调解书", "本案尚未达成调解协议，没有调解书。")
    load = documents.settlement_document(services.pool, case_id)
    return await _printable(load, "staff_settlement.html", no_settlement)


@get("/termination-notice", operation_id="StaffTerminationNotice", guards=[requires(Permission.CASE_VIEW)])
async def termination_notice(services: Svc, case_id: FromPath[int]) -> Template:
    no_termination = ("没有终止调解告知书", "本案未终止调解，没有终止调解告知书。")
    load = documents.termination_document(services.pool, case_id)
    return await _printable(
        load, "staff_termination_notice.html", no_termination, printed_on=local_date(utcnow())
    )


_form = MEDIATION.form  # a form of the case page's mediation section


M = mediation
# path, operation id, the form's name, what it runs, the event it confirms (or how the result says it)
FORMS = (
    # the record
    _form(
        "/contacts", "StaffLogContact", "contact", _with(M.LogContact, M.log_contact),
        EventKind.CONTACT_LOGGED,
    ),
    _form(
        "/sessions", "StaffLogSession", "session", _with(M.LogSession, M.log_session), EventKind.SESSION_HELD
    ),
    # offers
    _form("/offers", "StaffMakeOffer", "offer", _with(M.MakeOffer, M.make_offer), EventKind.OFFER_MADE),
    _form(
        "/offers/{offer_id:int}/answer", "StaffRecordOfferAnswer", "answer",
        _with(M.AnswerOffer, M.record_answer, "offer_id"), _answered,
    ),
    _form(
        "/offers/{offer_id:int}/withdraw", "StaffWithdrawOffer", "withdraw",
        _with(M.WithdrawOffer, M.withdraw_offer, "offer_id"), EventKind.OFFER_WITHDRAWN,
    ),
    # the settlement: the mediator reviewed the draft (wording, performance date); confirmations; performance
    _form(
        "/settlement/issue", "StaffIssueSettlement", "issue",
        _with(M.IssueSettlement, M.issue_settlement), EventKind.SETTLEMENT_ISSUED,
    ),
    _form(
        "/settlement/confirm", "StaffRecordConfirmation", "confirm",
        _with(M.ConfirmSettlement, M.record_confirmation), _confirmed,
    ),
    _form(
        "/settlement/performance", "StaffRecordPerformance", "performance",
        _with(M.RecordPerformance, M.record_performance), _performed,
    ),
    # termination, recusal and reopening
    _form(
        "/terminate", "StaffTerminateMediation", "terminate", _with(M.Terminate, M.terminate),
        EventKind.TERMINATED,
    ),
    _form(
        "/termination-notice/sent", "StaffTerminationNoticeSent", "notice", _notice_sent,
        EventKind.TERMINATION_NOTICE_SENT,
    ),
    _form(
        "/recusals", "StaffRequestRecusal", "recusal",
        _with(M.RequestRecusal, M.request_recusal), EventKind.RECUSAL_REQUESTED,
    ),
    _form(
        "/recusals/{recusal_id:int}/decide", "StaffDecideRecusal", "decide",
        _with(M.DecideRecusal, M.decide_recusal, "recusal_id"), EventKind.RECUSAL_DECIDED, who=DECIDE,
    ),
    _form("/reopen", "StaffReopenCase", "reopen", _with(M.Reopen, M.reopen), EventKind.REOPENED, who=DECIDE),
)  # fmt: skip

MediationPages = case_forms.pages(FORMS, settlement, termination_notice)
