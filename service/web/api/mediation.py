"""Staff API for mediation: contacts and sessions, offers and answers given by phone, the settlement's
issue, confirmation and performance, termination and its notice, recusals, reopening, and the mediation
record as JSON. Each body is the action's command and each answer its view (service.usecases.mediation)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from domain.roles import Permission
from service.app_types import Services
from service.queries import mediation as views
from service.store.staff import StaffUser
from service.usecases import mediation
from service.usecases.clock import utcnow
from service.web.auth import provide_staff, requires

Svc = NamedDependency[Services]
Staff = NamedDependency[StaffUser]
CaseId = FromPath[int]
Id = FromPath[int]
WORK = [requires(Permission.CASE_WORK)]
DECIDE = [requires(Permission.ROUTE_OVERRIDE)]


class MediationController(Controller):
    path = "/api/v1/cases/{case_id:int}"
    tags = ("staff: mediation",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @get("/mediation", operation_id="GetMediationRecord", guards=[requires(Permission.CASE_VIEW)])
    async def record(self, services: Svc, case_id: CaseId) -> views.MediationRecord:
        """Contacts, sessions, offers, the settlement, the termination and recusals of one case."""
        return await views.record(services.pool, case_id, now=utcnow())

    @post("/contacts", operation_id="LogMediationContact", status_code=201, guards=WORK)
    async def contact(
        self, services: Svc, staff: Staff, case_id: CaseId, data: JSONBody[mediation.LogContact]
    ) -> mediation.MediationEntry:
        return await mediation.log_contact(services.pool, case_id, staff, data, now=utcnow())

    @post("/sessions", operation_id="LogMediationSession", status_code=201, guards=WORK)
    async def session(
        self, services: Svc, staff: Staff, case_id: CaseId, data: JSONBody[mediation.LogSession]
    ) -> mediation.MediationEntry:
        return await mediation.log_session(services.pool, case_id, staff, data, now=utcnow())

    @post("/offers", operation_id="MakeOffer", status_code=201, guards=WORK)
    async def offer(
        self, services: Svc, staff: Staff, case_id: CaseId, data: JSONBody[mediation.MakeOffer]
    ) -> mediation.OfferState:
        """One side's proposal; the other side answers it (one open offer per case)."""
        return await mediation.make_offer(services.pool, case_id, staff, data, now=utcnow())

    @post("/offers/{offer_id:int}/answer", operation_id="RecordOfferAnswer", status_code=200, guards=WORK)
    async def answer(
        self,
        services: Svc,
        staff: Staff,
        case_id: CaseId,
        offer_id: Id,
        data: JSONBody[mediation.AnswerOffer],
    ) -> mediation.OfferAnswered:
        """The other side's answer given by phone; accepting drafts the 调解书 for the mediator's review."""
        return await mediation.record_answer(services.pool, case_id, offer_id, staff, data, now=utcnow())

    @post("/offers/{offer_id:int}/withdraw", operation_id="WithdrawOffer", status_code=200, guards=WORK)
    async def withdraw(
        self,
        services: Svc,
        staff: Staff,
        case_id: CaseId,
        offer_id: Id,
        data: JSONBody[mediation.WithdrawOffer],
    ) -> mediation.OfferState:
        return await mediation.withdraw_offer(services.pool, case_id, offer_id, staff, data, now=utcnow())

    @post("/settlement/issue", operation_id="IssueSettlement", status_code=200, guards=WORK)
    async def issue_settlement(
        self, services: Svc, staff: Staff, case_id: CaseId, data: JSONBody[mediation.IssueSettlement]
    ) -> mediation.MediationEntry:
        """The mediator reviewed the draft (wording, performance date) and issues it for confirmation."""
        return await mediation.issue_settlement(services.pool, case_id, staff, data, now=utcnow())

    @post("/settlement/confirm", operation_id="RecordSettlementConfirmation", status_code=200, guards=WORK)
    async def confirm_settlement(
        self, services: Svc, staff: Staff, case_id: CaseId, data: JSONBody[mediation.ConfirmSettlement]
    ) -> mediation.SettlementConfirmed:
        """A party's confirmation given on site, by phone or by signature; the second closes the case."""
        return await mediation.record_confirmation(services.pool, case_id, staff, data, now=utcnow())

    @post("/settlement/performance", operation_id="RecordSettlementPerformance", status_code=200, guards=WORK)
    async def performance(
        self, services: Svc, staff: Staff, case_id: CaseId, data: JSONBody[mediation.RecordPerformance]
    ) -> mediation.PerformanceRecorded:
        return await mediation.record_performance(services.pool, case_id, staff, data, now=utcnow())

    @post("/terminate", operation_id="TerminateMediation", status_code=200, guards=WORK)
    async def terminate(
        self, services: Svc, staff: Staff, case_id: CaseId, data: JSONBody[mediation.Terminate]
    ) -> mediation.MediationTerminated:
        """End mediation on one of the eight grounds (Order 121 art. 23), with the facts in a note."""
        return await mediation.terminate(services.pool, case_id, staff, data, now=utcnow())

    @post("/termination-notice/sent", operation_id="TerminationNoticeSent", status_code=200, guards=WORK)
    async def notice_sent(
        self, services: Svc, staff: Staff, case_id: CaseId
    ) -> mediation.TerminationNoticeSent:
        return await mediation.mark_notice_sent(services.pool, case_id, staff, now=utcnow())

    @post("/recusals", operation_id="RequestRecusal", status_code=201, guards=WORK)
    async def recusal(
        self, services: Svc, staff: Staff, case_id: CaseId, data: JSONBody[mediation.RequestRecusal]
    ) -> mediation.MediationEntry:
        """A party asks for another mediator: the clock stops until a supervisor decides."""
        return await mediation.request_recusal(services.pool, case_id, staff, data, now=utcnow())

    @post("/recusals/{recusal_id:int}/decide", operation_id="DecideRecusal", status_code=200, guards=DECIDE)
    async def decide_recusal(
        self,
        services: Svc,
        staff: Staff,
        case_id: CaseId,
        recusal_id: Id,
        data: JSONBody[mediation.DecideRecusal],
    ) -> mediation.RecusalDecided:
        """granted (optionally with new_mediator) | denied (with a note); the clock restarts either way."""
        return await mediation.decide_recusal(services.pool, case_id, recusal_id, staff, data, now=utcnow())

    @post("/reopen", operation_id="ReopenCase", status_code=200, guards=DECIDE)
    async def reopen(
        self, services: Svc, staff: Staff, case_id: CaseId, data: JSONBody[mediation.Reopen]
    ) -> mediation.CaseReopened:
        """A supervisor reopens a closed case, saying why (e.g. to route it to first payment)."""
        return await mediation.reopen(services.pool, case_id, staff, data, now=utcnow())
