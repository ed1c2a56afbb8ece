"""Staff case API: the queue, a case, acceptance decisions, pauses, complaints recorded by staff."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ClientException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import File

from domain.acceptance import GROUND_LABELS, Ground
from domain.money import format_yuan
from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import case_view, casework, closing, intake
from service.usecases.clock import local_date, utcnow
from service.web.api.complaints import ReceiptOut, receipt_out
from service.web.auth import provide_staff, requires
from service.web.deps import evidence_download
from service.web.edge import decode_json_body
from service.web.middleware import current_request_id

STATUSES = (
    "received",
    "accepted",
    "merchant_to_confirm",
    "rejected",
    "first_payment",
    "mediation",
    "arbitration",
    "closed",
)


# Litestar documents a File response with content type "" and a Last-Modified of format date-time, though the
# header is an HTTP date ("Thu, 26 Nov 2026 06:19:06 GMT"): a schema-checking client refuses every download.
EVIDENCE_FILE = ResponseSpec(
    data_container=bytes,
    media_type="*/*",
    description="The evidence file as uploaded (JPEG, PNG, PDF, HEIC), always as an attachment",
    generate_examples=False,
)


class QueueItemOut(msgspec.Struct):
    id: int
    tracking_no: str
    status: str
    paused: bool
    received_at: datetime
    merchant_name: str
    category: str
    subdistrict: str | None
    next_due: date | None
    next_due_provisional: bool
    working_days_left: int | None
    overdue_flagged: bool


class QueueOut(msgspec.Struct):
    total: int
    items: list[QueueItemOut]


class EventOut(msgspec.Struct):
    id: int
    kind: str
    actor: str
    at: datetime
    payload: dict[str, Any]


class EvidenceOut(msgspec.Struct):
    id: int
    sha256: str
    size_bytes: int
    content_type: str
    original_name: str
    uploaded_at: datetime


class SuggestionOut(msgspec.Struct):
    ground: int
    label: str
    reason: str
    facts: dict[str, str]


class ConsumerOut(msgspec.Struct):
    name: str
    phone: str
    address: str
    id_number: str | None


class RuleOut(msgspec.Struct):
    rule: str
    reason: str
    facts: dict[str, str]


class RouteOut(msgspec.Struct):
    route: str  # first_payment | mediation | arbitration
    label: str
    summary: str | None
    fired: list[RuleOut]  # the rules that decided the route, with the facts they read
    checked: list[RuleOut]  # the rules checked that did not fire


class LinkedMerchantOut(msgspec.Struct):
    id: int
    name: str
    verified: bool


class FirstPaymentOut(msgspec.Struct):
    state: str
    amount: str
    payer_id: int
    payer_name: str
    reply_due: date
    paid: str | None
    topup_due: date | None


class HolderOut(msgspec.Struct):
    id: int
    name: str | None


class QueueRefOut(msgspec.Struct):
    code: str
    name: str


class CaseOut(msgspec.Struct):
    id: int
    tracking_no: str
    status: str
    paused: bool
    channel: str
    received_at: datetime
    rule_set_id: str
    acceptance_due: date
    acceptance_due_provisional: bool
    mediation_due: date | None
    mediation_due_provisional: bool
    decided_at: datetime | None
    rejection_ground: int | None
    decision_note: str | None
    consumer: ConsumerOut
    merchant: dict[str, str | None]
    platform: dict[str, str | None] | None
    quality_domain: str
    category: str
    problem_type: str
    subdistrict: str | None
    purchase_date: date
    amount_paid: str
    claim_amount: str
    requests: list[str]
    description: str
    consents: dict[str, bool]
    allowed_actions: list[str]
    suggested_grounds: list[SuggestionOut]
    evidence: list[EvidenceOut]
    events: list[EventOut]
    # what the case page shows (issue 12): the route and why, the registry merchant or the candidates to
    # confirm, the first-payment flow and its deadlines, the assignee and the queue, the outcome
    route: RouteOut | None = None
    registry_merchant: LinkedMerchantOut | None = None
    merchant_candidates: list[dict[str, Any]] = msgspec.field(default_factory=list)
    first_payment: FirstPaymentOut | None = None
    assignee: HolderOut | None = None
    queue: QueueRefOut | None = None
    outcome: str | None = None
    relief_type: str | None = None
    relief: str | None = None


class AcceptIn(msgspec.Struct):
    note: str | None = None


class RejectIn(msgspec.Struct):
    ground: Any = None  # validated by the domain, so a bad value is a 422 with a field, not a 400
    note: Any = None


class PauseIn(msgspec.Struct):
    reason: Any = None
    note: Any = None
    expected_end: Any = None


class CloseIn(msgspec.Struct):
    outcome: Any = None  # paid_by_merchant, paid_from_deposit, award_for_consumer, award_against_consumer,
    relief_type: Any = None  # withdrawn, referred_to_enforcement, duplicate (settlements and terminations
    relief: Any = None  # close themselves); relief: the remedy obtained and its amount in yuan
    note: Any = None


class DecisionOut(msgspec.Struct):
    id: int
    status: str
    mediation_due: date | None = None


def _extras(x: case_view.CaseExtras) -> dict[str, Any]:
    r, fp = x.route, x.first_payment
    return {
        "route": RouteOut(
            r.route,
            r.label,
            r.summary,
            [RuleOut(h.rule, h.reason, h.facts) for h in r.fired],
            [RuleOut(h.rule, h.reason, h.facts) for h in r.checked],
        )
        if r
        else None,
        "registry_merchant": LinkedMerchantOut(
            x.linked_merchant.id, x.linked_merchant.name, x.linked_merchant.verified
        )
        if x.linked_merchant
        else None,
        "merchant_candidates": x.merchant_candidates,
        "first_payment": FirstPaymentOut(
            fp.state, fp.amount, fp.payer_id, fp.payer_name, fp.reply_due, fp.paid, fp.topup_due
        )
        if fp
        else None,
        "assignee": HolderOut(x.assignee.id, x.assignee.name) if x.assignee else None,
        "queue": QueueRefOut(x.queue.code, x.queue.name) if x.queue else None,
        "outcome": x.outcome,
        "relief_type": x.relief_type,
        "relief": x.relief,
    }


def case_out(f: casework.CaseFile, extras: case_view.CaseExtras | None = None) -> CaseOut:
    c = f.case
    return CaseOut(
        id=c["id"],
        tracking_no=c["tracking_no"],
        status=c["status"],
        paused=c["paused"],
        channel=c["channel"],
        received_at=c["received_at"],
        rule_set_id=c["rule_set_id"],
        acceptance_due=c["acceptance_due"],
        acceptance_due_provisional=c["acceptance_due_provisional"],
        mediation_due=c["mediation_due"],
        mediation_due_provisional=c["mediation_due_provisional"],
        decided_at=c["decided_at"],
        rejection_ground=c["rejection_ground"],
        decision_note=c["decision_note"],
        consumer=ConsumerOut(
            c["consumer_name"], c["consumer_phone"], c["consumer_address"], c["consumer_id_number"]
        ),
        merchant={
            "name": c["merchant_name"],
            "address": c["merchant_address"],
            "uscc": c["merchant_uscc"],
            "phone": c["merchant_phone"],
        },
        platform={"name": c["platform_name"], "uscc": c["platform_uscc"]} if c["platform_name"] else None,
        quality_domain=c["quality_domain"],
        category=c["category"],
        problem_type=c["problem_type"],
        subdistrict=c["subdistrict"],
        purchase_date=c["purchase_date"],
        amount_paid=format_yuan(c["amount_paid_fen"]),
        claim_amount=format_yuan(c["claim_amount_fen"]),
        requests=list(c["requests"]),
        description=c["description"],
        consents={
            "mediation": c["consent_mediation"],
            "entrusted_mediation": c["consent_entrusted"],
            "publish": c["consent_publish"],
        },
        allowed_actions=sorted(f.actions),
        suggested_grounds=[
            SuggestionOut(int(s.ground), GROUND_LABELS[Ground(s.ground)][0], s.reason, dict(s.facts))
            for s in f.suggestions
        ],
        evidence=[EvidenceOut(**dict(e)) for e in f.evidence],
        events=[EventOut(e.id, e.kind, e.actor, e.at, dict(e.payload)) for e in f.events],
        **(_extras(extras) if extras else {}),
    )


class CaseController(Controller):
    path = "/api/v1/cases"
    tags = ("staff: cases",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @get("/", operation_id="ListCases", guards=[requires(Permission.CASE_VIEW)])
    async def list_cases(
        self,
        services: NamedDependency[Services],
        status: FromQuery[list[str] | None] = None,
        subdistrict: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        overdue: FromQuery[bool] = False,
        due_within: Annotated[int | None, QueryParameter(ge=0, le=365)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> QueueOut:
        unknown = [s for s in status or [] if s not in STATUSES]
        if unknown:
            raise ClientException(detail=f"unknown status: {', '.join(unknown)}", status_code=422)
        q = await casework.queue(
            services.pool,
            today=local_date(utcnow()),
            statuses=status,
            subdistrict=subdistrict,
            category=category,
            overdue=overdue,
            due_within=due_within,
            limit=limit,
            offset=offset,
        )
        return QueueOut(
            total=q.total,
            items=[
                QueueItemOut(
                    id=i.id,
                    tracking_no=i.tracking_no,
                    status=i.status,
                    paused=i.paused,
                    received_at=i.received_at,
                    merchant_name=i.merchant_name,
                    category=i.category,
                    subdistrict=i.subdistrict,
                    next_due=i.next_due,
                    next_due_provisional=i.provisional,
                    working_days_left=i.working_days_left,
                    overdue_flagged=i.overdue_flagged,
                )
                for i in q.items
            ],
        )

    @post("/", operation_id="RecordComplaint", status_code=201, guards=[requires(Permission.CASE_RECORD)])
    async def record(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
    ) -> ReceiptOut:
        """A complaint taken by phone, letter, at the counter or by transfer (body as in SubmitComplaint,
        plus `received_on`: the day it arrived, YYYY-MM-DD — required for letter and transfer, optional
        for phone and counter (default today), not in the future, at most 30 days back)."""
        body = decode_json_body(await request.body())
        receipt = await intake.submit_complaint(
            services.pool,
            body,
            services.intake,
            now=utcnow(),
            request_id=current_request_id(),
            recorded_by=staff,
        )
        return receipt_out(receipt)

    @get("/{case_id:int}", operation_id="GetCase", guards=[requires(Permission.CASE_VIEW)])
    async def get_case(self, services: NamedDependency[Services], case_id: FromPath[int]) -> CaseOut:
        f = await casework.case_file(services.pool, case_id, today=local_date(utcnow()))
        return case_out(f, await case_view.case_extras(services.pool, f.case))

    @post(
        "/{case_id:int}/accept",
        operation_id="AcceptCase",
        status_code=200,
        guards=[requires(Permission.CASE_DECIDE)],
    )
    async def accept(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[AcceptIn | None] = None,
    ) -> DecisionOut:
        due = await casework.accept(services.pool, case_id, staff, data.note if data else None, now=utcnow())
        return DecisionOut(case_id, "accepted", due)

    @post(
        "/{case_id:int}/reject",
        operation_id="RejectCase",
        status_code=200,
        guards=[requires(Permission.CASE_DECIDE)],
    )
    async def reject(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[RejectIn],
    ) -> DecisionOut:
        await casework.reject(services.pool, case_id, staff, data.ground, data.note, now=utcnow())
        return DecisionOut(case_id, "rejected")

    @post(
        "/{case_id:int}/pause",
        operation_id="PauseCase",
        status_code=200,
        guards=[requires(Permission.CASE_PAUSE)],
    )
    async def pause(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[PauseIn],
    ) -> DecisionOut:
        await casework.pause(
            services.pool, case_id, staff, data.reason, data.note, data.expected_end, now=utcnow()
        )
        return DecisionOut(case_id, "paused")

    @post(
        "/{case_id:int}/resume",
        operation_id="ResumeCase",
        status_code=200,
        guards=[requires(Permission.CASE_PAUSE)],
    )
    async def resume(
        self, services: NamedDependency[Services], staff: NamedDependency[StaffUser], case_id: FromPath[int]
    ) -> DecisionOut:
        due = await casework.resume(services.pool, case_id, staff, now=utcnow())
        return DecisionOut(case_id, "resumed", due)

    @post(
        "/{case_id:int}/close",
        operation_id="CloseCase",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def close(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[CloseIn],
    ) -> DecisionOut:
        await closing.close(
            services.pool,
            case_id,
            staff,
            outcome=data.outcome,
            relief_type=data.relief_type,
            relief=data.relief,
            note=data.note,
            now=utcnow(),
        )
        return DecisionOut(case_id, "closed")

    @get(
        "/{case_id:int}/evidence/{evidence_id:int}",
        operation_id="GetEvidenceFile",
        guards=[requires(Permission.CASE_VIEW)],
        responses={200: EVIDENCE_FILE},
    )
    async def evidence_file(
        self, services: NamedDependency[Services], case_id: FromPath[int], evidence_id: FromPath[int]
    ) -> File:
        return await evidence_download(services, case_id, evidence_id)
