"""Staff API for mediation: contacts and sessions, offers and answers given by phone, the settlement's
performance, termination and its notice, recusals, reopening, and the mediation record as JSON."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import mediation
from service.usecases.clock import utcnow
from service.web.auth import provide_staff, requires

# --- bodies (fields are Any: the domain validates them, so a bad value is a 422 naming the field) ------


class ContactIn(msgspec.Struct):
    party: Any = None  # consumer | merchant
    method: Any = None  # phone | visit | message
    at: Any = None  # ISO date-time; a bare one is Asia/Shanghai; default now
    note: Any = None


class SessionIn(msgspec.Struct):
    mode: Any = None  # on_site | phone | video
    at: Any = None
    place: Any = None  # required on site
    attendees: Any = None
    note: Any = None


class CreatedOut(msgspec.Struct):
    id: int
    case_id: int


class OfferIn(msgspec.Struct):
    from_party: Any = None  # consumer | merchant
    remedy: Any = None  # a statutory request kind: repair, replace, return, refund, compensate …
    amount: Any = None  # yuan, "0" when no money changes hands
    answer_by: Any = None  # ISO date, today or later
    note: Any = None  # the proposing side's remark: shown to the mediator, never a clause of the 调解书
    perform_by: Any = None  # ISO date the proposal asks performance by (optional, not before answer_by)


class IssueIn(msgspec.Struct):
    wording: Any = None  # the mediator's confirmed wording of any further agreement (其他约定)
    perform_by: Any = None  # ISO date; blank keeps the draft's


class ConfirmIn(msgspec.Struct):
    party: Any = None  # consumer | merchant
    means: Any = None  # on_site | phone | signature


class ConfirmedOut(msgspec.Struct):
    case_id: int
    party: str
    effective: bool  # both parties confirmed: the case closed as settled
    case_status: str


class OfferOut(msgspec.Struct):
    id: int
    case_id: int
    status: str = "open"


class AnswerIn(msgspec.Struct):
    answer: Any = None  # accept | refuse | counter
    party: Any = None  # who answered (optional: the other side of the offer)
    remedy: Any = None  # a counter-offer's
    amount: Any = None
    answer_by: Any = None
    note: Any = None
    perform_by: Any = None  # on acceptance: the agreed performance deadline (default answer_by + 7 days)


class AnswerOut(msgspec.Struct):
    offer_id: int
    answer: str
    status: str
    case_status: str
    new_offer_id: int | None = None
    settlement_id: int | None = None


class NoteIn(msgspec.Struct):
    note: Any = None


class PerformanceIn(msgspec.Struct):
    performance: Any = None  # performed | not_performed
    note: Any = None


class PerformanceOut(msgspec.Struct):
    case_id: int
    performance: str


class TerminateIn(msgspec.Struct):
    reason: Any = None  # 1–8, Order 121 art. 23
    note: Any = None


class TerminatedOut(msgspec.Struct):
    case_id: int
    status: str
    notice_due: date


class NoticeSentOut(msgspec.Struct):
    case_id: int
    on_time: bool


class RecusalIn(msgspec.Struct):
    party: Any = None
    reason: Any = None


class RecusalDecisionIn(msgspec.Struct):
    decision: Any = None  # granted | denied
    new_mediator: Any = None  # a staff user id (granted only)
    note: Any = None


class RecusalDecidedOut(msgspec.Struct):
    id: int
    case_id: int
    decision: str
    mediation_due: date | None


class ReopenIn(msgspec.Struct):
    reason: Any = None


class ReopenedOut(msgspec.Struct):
    case_id: int
    status: str


class ContactOut(msgspec.Struct):
    id: int
    party: str
    party_label: str
    method: str
    method_label: str
    at: datetime
    note: str | None
    by_name: str | None


class SessionOut(msgspec.Struct):
    id: int
    mode: str
    mode_label: str
    at: datetime
    place: str | None
    attendees: str
    note: str | None
    by_name: str | None


class OfferViewOut(msgspec.Struct):
    id: int
    parent_id: int | None
    from_party: str
    from_label: str
    to_party: str
    to_label: str
    remedy: str
    remedy_label: str
    amount: str
    answer_by: date
    note: str | None
    status: str
    status_label: str
    answered_at: datetime | None
    answered_via: str | None
    answered_via_label: str | None
    answer_note: str | None
    created_at: datetime


class SettlementOut(msgspec.Struct):
    id: int
    offer_id: int
    terms: str
    remedy: str
    remedy_label: str
    amount: str
    perform_by: date
    created_at: datetime
    mediator: str | None
    performance: str
    performance_label: str
    performance_at: datetime | None
    performance_note: str | None
    performance_by_system: bool
    superseded: bool
    status: str = "issued"  # draft | issued | effective (both parties confirmed)
    status_label: str = ""
    wording: str | None = None
    consumer_confirmed_at: datetime | None = None
    consumer_confirmed_via: str | None = None
    merchant_confirmed_at: datetime | None = None
    merchant_confirmed_via: str | None = None


class TerminationOut(msgspec.Struct):
    id: int
    reason: int
    reason_label: str
    reason_text: str
    note: str
    terminated_on: date
    notice_due: date
    notice_sent_at: datetime | None
    notice_overdue: bool
    by_name: str | None
    superseded: bool


class RecusalOut(msgspec.Struct):
    id: int
    party: str
    party_label: str
    reason: str
    requested_at: datetime
    decided_at: datetime | None
    decision: str | None
    decision_label: str | None
    decision_note: str | None
    decided_by_name: str | None
    new_mediator_name: str | None
    previous_mediator_name: str | None


class MediationOut(msgspec.Struct):
    case_id: int
    status: str
    status_label: str
    in_mediation: bool
    paused: bool
    assigned_to: int | None
    assigned_name: str | None
    contacts: list[ContactOut]
    sessions: list[SessionOut]
    offers: list[OfferViewOut]
    open_offer: OfferViewOut | None
    settlement: SettlementOut | None
    termination: TerminationOut | None
    recusals: list[RecusalOut]
    open_recusal: RecusalOut | None
    first_payment_possible: bool
    remaining_routes: list[str]
    earlier_settlements: list[SettlementOut]
    earlier_terminations: list[TerminationOut]


def answer_out(r: mediation.AnswerResult) -> AnswerOut:
    return AnswerOut(r.offer_id, r.answer, r.status, r.case_status, r.new_offer_id, r.settlement_id)


class MediationController(Controller):
    path = "/api/v1/cases/{case_id:int}"
    tags = ("staff: mediation",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @get("/mediation", operation_id="GetMediationRecord", guards=[requires(Permission.CASE_VIEW)])
    async def record(self, services: NamedDependency[Services], case_id: FromPath[int]) -> MediationOut:
        """Contacts, sessions, offers, the settlement, the termination and recusals of one case."""
        found = await mediation.record(services.pool, case_id, now=utcnow())
        return msgspec.convert(found, MediationOut, from_attributes=True)

    @post(
        "/contacts",
        operation_id="LogMediationContact",
        status_code=201,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def contact(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[ContactIn],
    ) -> CreatedOut:
        contact_id = await mediation.log_contact(
            services.pool,
            case_id,
            staff,
            party=data.party,
            method=data.method,
            at=data.at,
            note=data.note,
            now=utcnow(),
        )
        return CreatedOut(contact_id, case_id)

    @post(
        "/sessions",
        operation_id="LogMediationSession",
        status_code=201,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def session(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[SessionIn],
    ) -> CreatedOut:
        session_id = await mediation.log_session(
            services.pool,
            case_id,
            staff,
            mode=data.mode,
            at=data.at,
            place=data.place,
            attendees=data.attendees,
            note=data.note,
            now=utcnow(),
        )
        return CreatedOut(session_id, case_id)

    @post("/offers", operation_id="MakeOffer", status_code=201, guards=[requires(Permission.CASE_WORK)])
    async def offer(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[OfferIn],
    ) -> OfferOut:
        """One side's proposal; the other side answers it (one open offer per case)."""
        offer_id = await mediation.make_offer(
            services.pool,
            case_id,
            staff,
            from_party=data.from_party,
            remedy=data.remedy,
            amount=data.amount,
            answer_by=data.answer_by,
            note=data.note,
            perform_by=data.perform_by,
            now=utcnow(),
        )
        return OfferOut(offer_id, case_id)

    @post(
        "/offers/{offer_id:int}/answer",
        operation_id="RecordOfferAnswer",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def answer(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        offer_id: FromPath[int],
        data: JSONBody[AnswerIn],
    ) -> AnswerOut:
        """The other side's answer given by phone; accepting drafts the 调解书 for the mediator's review."""
        result = await mediation.record_answer(
            services.pool,
            case_id,
            offer_id,
            staff,
            answer=data.answer,
            party=data.party,
            remedy=data.remedy,
            amount=data.amount,
            answer_by=data.answer_by,
            note=data.note,
            perform_by=data.perform_by,
            now=utcnow(),
        )
        return answer_out(result)

    @post(
        "/offers/{offer_id:int}/withdraw",
        operation_id="WithdrawOffer",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def withdraw(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        offer_id: FromPath[int],
        data: JSONBody[NoteIn],
    ) -> OfferOut:
        await mediation.withdraw_offer(services.pool, case_id, offer_id, staff, note=data.note, now=utcnow())
        return OfferOut(offer_id, case_id, "withdrawn")

    @post(
        "/settlement/issue",
        operation_id="IssueSettlement",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def issue_settlement(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[IssueIn],
    ) -> CreatedOut:
        """The mediator reviewed the draft (wording, performance date) and issues it for confirmation."""
        settlement_id = await mediation.issue_settlement(
            services.pool, case_id, staff, wording=data.wording, perform_by=data.perform_by, now=utcnow()
        )
        return CreatedOut(settlement_id, case_id)

    @post(
        "/settlement/confirm",
        operation_id="RecordSettlementConfirmation",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def confirm_settlement(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[ConfirmIn],
    ) -> ConfirmedOut:
        """A party's confirmation given on site, by phone or by signature; the second closes the case."""
        done = await mediation.record_confirmation(
            services.pool, case_id, staff, party=data.party, means=data.means, now=utcnow()
        )
        return ConfirmedOut(case_id, done.party, done.effective, done.case_status)

    @post(
        "/settlement/performance",
        operation_id="RecordSettlementPerformance",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def performance(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[PerformanceIn],
    ) -> PerformanceOut:
        done = await mediation.record_performance(
            services.pool, case_id, staff, performance=data.performance, note=data.note, now=utcnow()
        )
        return PerformanceOut(case_id, done)

    @post(
        "/terminate",
        operation_id="TerminateMediation",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def terminate(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[TerminateIn],
    ) -> TerminatedOut:
        """End mediation on one of the eight grounds (Order 121 art. 23), with the facts in a note."""
        due = await mediation.terminate(services.pool, case_id, staff, data.reason, data.note, utcnow())
        return TerminatedOut(case_id, "closed", due)

    @post(
        "/termination-notice/sent",
        operation_id="TerminationNoticeSent",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def notice_sent(
        self, services: NamedDependency[Services], staff: NamedDependency[StaffUser], case_id: FromPath[int]
    ) -> NoticeSentOut:
        return NoticeSentOut(
            case_id, await mediation.mark_notice_sent(services.pool, case_id, staff, now=utcnow())
        )

    @post(
        "/recusals", operation_id="RequestRecusal", status_code=201, guards=[requires(Permission.CASE_WORK)]
    )
    async def recusal(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[RecusalIn],
    ) -> CreatedOut:
        """A party asks for another mediator: the clock stops until a supervisor decides."""
        recusal_id = await mediation.request_recusal(
            services.pool, case_id, staff, party=data.party, reason=data.reason, now=utcnow()
        )
        return CreatedOut(recusal_id, case_id)

    @post(
        "/recusals/{recusal_id:int}/decide",
        operation_id="DecideRecusal",
        status_code=200,
        guards=[requires(Permission.ROUTE_OVERRIDE)],
    )
    async def decide_recusal(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        recusal_id: FromPath[int],
        data: JSONBody[RecusalDecisionIn],
    ) -> RecusalDecidedOut:
        """granted (optionally with new_mediator) | denied (with a note); the clock restarts either way."""
        due = await mediation.decide_recusal(
            services.pool,
            case_id,
            recusal_id,
            staff,
            decision=data.decision,
            new_mediator=data.new_mediator,
            note=data.note,
            now=utcnow(),
        )
        return RecusalDecidedOut(recusal_id, case_id, str(data.decision), due)

    @post("/reopen", operation_id="ReopenCase", status_code=200, guards=[requires(Permission.ROUTE_OVERRIDE)])
    async def reopen(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[ReopenIn],
    ) -> ReopenedOut:
        """A supervisor reopens a closed case, saying why (e.g. to route it to first payment)."""
        status = await mediation.reopen(services.pool, case_id, staff, data.reason, now=utcnow())
        return ReopenedOut(case_id, status)
