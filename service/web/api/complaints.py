"""The consumer's JSON API: submit a complaint, view it, add evidence."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import ClientException
from litestar.params import FromPath, HeaderParameter

from domain.evidence import MAX_BYTES, MAX_FILES
from service.app_types import Services
from service.evidence_files import StagedFile
from service.usecases import intake, tracking
from service.usecases.clock import utcnow
from service.web.client import client_address
from service.web.deps import stage_uploads
from service.web.edge import decode_json_body
from service.web.middleware import current_request_id

AccessCode = Annotated[str, HeaderParameter(name="X-Access-Code", min_length=1, max_length=64)]


class ReceiptOut(msgspec.Struct):
    tracking_no: str
    access_code: str
    status: str
    received_at: datetime
    acceptance_due: date
    acceptance_due_provisional: bool
    evidence_count: int = 0
    received_on: date | None = None  # the day the acceptance limit counts from
    already_filed: bool = False  # the same complaint was filed minutes ago: this is its first receipt


class TimelineOut(msgspec.Struct):
    at: datetime
    kind: str
    label: str
    label_en: str


class CaseOut(msgspec.Struct):
    tracking_no: str
    status: str
    status_label: str
    received_at: datetime
    acceptance_due: date
    acceptance_due_provisional: bool
    rule_set: str
    quality_domain: str
    category: str
    problem_type: str
    merchant_name: str
    requests: list[str]
    amount_paid: str
    claim_amount: str
    evidence_count: int
    timeline: list[TimelineOut]
    mediation_due: date | None
    mediation_due_provisional: bool
    rejection_ground: str | None
    decision_note: str | None
    other_routes: list[str]
    route: str | None
    route_label: str | None
    route_summary: str | None
    route_reasons: list[str]
    first_payment_state: str | None
    first_payment_paid: str | None


_CONVERTED = {"requests", "timeline", "rejection_ground", "other_routes", "route_reasons"}


class EvidenceOut(msgspec.Struct):
    added: int


def receipt_out(receipt: intake.Receipt) -> ReceiptOut:
    return ReceiptOut(
        tracking_no=receipt.tracking_no,
        access_code=receipt.access_code,
        status=receipt.status,
        received_at=receipt.received_at,
        acceptance_due=receipt.acceptance_due,
        acceptance_due_provisional=receipt.acceptance_due_provisional,
        evidence_count=receipt.evidence_count,
        received_on=receipt.received_on,
        already_filed=receipt.already_filed,
    )


class ComplaintController(Controller):
    path = "/api/v1/complaints"
    tags = ("complaints",)

    @post(
        "/",
        operation_id="SubmitComplaint",
        status_code=201,
        summary="File a complaint (JSON body as documented in the README)",
    )
    async def submit(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        idempotency_key: Annotated[
            str | None, HeaderParameter(name="Idempotency-Key", max_length=200)
        ] = None,
    ) -> ReceiptOut:
        raw = await request.body()
        body = decode_json_body(raw)
        key = intake.IdempotencyKey(idempotency_key, raw) if idempotency_key else None
        async with services.filing.counted(client_address(request), body):  # 429 past the filing limits
            receipt = await intake.submit_complaint(
                services.pool,
                body,
                services.intake,
                now=utcnow(),
                idempotency_key=key,
                request_id=current_request_id(),
            )
        return receipt_out(receipt)

    @get("/{tracking_no:str}", operation_id="GetComplaint", summary="The consumer's view of their case")
    async def view(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        tracking_no: FromPath[str],
        access_code: AccessCode,
    ) -> CaseOut:
        case = await tracking.view_case(
            services.pool,
            tracking_no,
            access_code,
            secret_key=services.settings.secret_key,
            throttle=services.throttle,
            client=client_address(request),
        )
        return CaseOut(
            **{f: getattr(case, f) for f in CaseOut.__struct_fields__ if f not in _CONVERTED},
            requests=list(case.requests),
            rejection_ground=case.rejection_ground_label,
            other_routes=list(case.other_routes),
            route_reasons=list(case.route_reasons),
            timeline=[TimelineOut(e.at, e.kind, e.label, e.label_en) for e in case.timeline],
        )

    @post(
        "/{tracking_no:str}/evidence",
        operation_id="AddEvidence",
        status_code=201,
        summary="Add evidence files (multipart field 'files' or 'evidence'; JPEG, PNG, PDF, HEIC)",
        request_max_body_size=MAX_FILES * MAX_BYTES + 1024 * 1024,
    )
    async def add_evidence(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        tracking_no: FromPath[str],
        access_code: AccessCode,
    ) -> EvidenceOut:
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise ClientException(detail="expected multipart/form-data", status_code=415)

        async def read_files() -> list[StagedFile]:  # called once the number and code are checked
            form = await request.form()
            uploads = [
                v for k in ("files", "evidence") for v in form.getall(k, []) if isinstance(v, UploadFile)
            ]
            return await stage_uploads(services, uploads)

        added = await tracking.add_evidence(
            services.pool,
            tracking_no,
            access_code,
            read_files,
            services.intake,
            now=utcnow(),
            throttle=services.throttle,
            client=client_address(request),
            request_id=current_request_id(),
        )
        return EvidenceOut(added=added)
