"""The consumer's JSON API: submit a complaint, view it, add evidence."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import ClientException
from litestar.params import FromPath, HeaderParameter, JSONBody

from domain.evidence import MAX_BYTES, MAX_FILES
from service import i18n
from service.adapters.evidence_files import StagedFile
from service.app_types import Services
from service.usecases import intake, tracking
from service.usecases.clock import utcnow
from service.usecases.intake import ComplaintReceipt
from service.usecases.intake_commands import SubmitComplaint
from service.usecases.tracking_views import ConsumerCaseView
from service.web.api.intake import INTAKE_ERRORS
from service.web.client import client_address
from service.web.deps import stage_uploads
from service.web.middleware import current_request_id

AccessCode = Annotated[str, HeaderParameter(name="X-Access-Code", min_length=1, max_length=64)]


class EvidenceAdded(msgspec.Struct):
    added: int  # how many of the files were new to the case


class ComplaintController(Controller):
    path = "/api/v1/complaints"
    tags = ("complaints",)

    @post(
        "/",
        operation_id="SubmitComplaint",
        status_code=201,
        summary="File a complaint",
        exception_handlers=INTAKE_ERRORS,
    )
    async def submit(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        data: JSONBody[SubmitComplaint],
        idempotency_key: Annotated[
            str | None, HeaderParameter(name="Idempotency-Key", max_length=200)
        ] = None,
    ) -> ComplaintReceipt:
        """The same Idempotency-Key with the same body returns the first answer; with another body, 409."""
        raw = await request.body()  # the bytes as sent: what a replay under the same key must repeat
        key = intake.IdempotencyKey(idempotency_key, raw) if idempotency_key else None
        if data.locale is None:  # the consumer's language for notices: the browser's, else Chinese
            locale = i18n.from_accept_language(request.headers.get("accept-language")) or i18n.SOURCE
            data = msgspec.structs.replace(data, locale=locale)
        # counted first (429 past the filing limits), given back when the complaint is refused as invalid
        async with services.filing.counted(client_address(request), data.body()):
            receipt = await intake.submit_complaint(
                services.pool,
                data,
                services.intake,
                now=utcnow(),
                idempotency_key=key,
                request_id=current_request_id(),
            )
        return receipt.view()

    @get("/{tracking_no:str}", operation_id="GetComplaint", summary="The consumer's view of their case")
    async def view(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        tracking_no: FromPath[str],
        access_code: AccessCode,
    ) -> ConsumerCaseView:
        case = await tracking.view_case(
            services.pool,
            tracking_no,
            access_code,
            secret_key=services.settings.secret_key,
            throttle=services.throttle,
            client=client_address(request),
        )
        return ConsumerCaseView.of(case)

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
    ) -> EvidenceAdded:
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
        return EvidenceAdded(added=added)
