"""Staff API for mediation: contacts and sessions, offers and answers given by phone, the settlement's
issue, confirmation and performance, termination and its notice, recusals, reopening, and the mediation
record as JSON. Each body is the action's command and each answer its view (service.usecases.mediation)."""

from __future__ import annotations

from domain.roles import Permission
from service.queries import mediation as views
from service.usecases import mediation as m
from service.web.api.actions import case_action, case_reading
from service.web.auth import StaffApiController

WORK = Permission.CASE_WORK
DECIDE = Permission.ROUTE_OVERRIDE


class MediationController(StaffApiController):
    path = "/api/v1/cases/{case_id:int}"
    tags = ("staff: mediation",)

    # Contacts, sessions, offers, the settlement, the termination and recusals of one case.
    record = case_reading("/mediation", "GetMediationRecord", Permission.CASE_VIEW, views.record)

    contact = case_action("/contacts", "LogMediationContact", WORK, m.log_contact, status_code=201)
    session = case_action("/sessions", "LogMediationSession", WORK, m.log_session, status_code=201)
    # One side's proposal; the other side answers it (one open offer per case).
    offer = case_action("/offers", "MakeOffer", WORK, m.make_offer, status_code=201)
    # The other side's answer given by phone; accepting drafts the 调解书 for the mediator's review.
    answer = case_action("/offers/{offer_id:int}/answer", "RecordOfferAnswer", WORK, m.record_answer)
    withdraw = case_action("/offers/{offer_id:int}/withdraw", "WithdrawOffer", WORK, m.withdraw_offer)
    # The mediator reviewed the draft (wording, performance date) and issues it for confirmation.
    issue_settlement = case_action("/settlement/issue", "IssueSettlement", WORK, m.issue_settlement)
    # A party's confirmation given on site, by phone or by signature; the second closes the case.
    confirm_settlement = case_action(
        "/settlement/confirm", "RecordSettlementConfirmation", WORK, m.record_confirmation
    )
    performance = case_action(
        "/settlement/performance", "RecordSettlementPerformance", WORK, m.record_performance
    )
    # End mediation on one of the eight grounds (Order 121 art. 23), with the facts in a note.
    terminate = case_action("/terminate", "TerminateMediation", WORK, m.terminate)
    notice_sent = case_action("/termination-notice/sent", "TerminationNoticeSent", WORK, m.mark_notice_sent)
    # A party asks for another mediator: the clock stops until a supervisor decides.
    recusal = case_action("/recusals", "RequestRecusal", WORK, m.request_recusal, status_code=201)
    # granted (optionally with new_mediator) | denied (with a note); the clock restarts either way.
    decide_recusal = case_action(
        "/recusals/{recusal_id:int}/decide", "DecideRecusal", DECIDE, m.decide_recusal
    )
    # A supervisor reopens a closed case, saying why (e.g. to route it to first payment).
    reopen = case_action("/reopen", "ReopenCase", DECIDE, m.reopen)
