"""Filing a complaint through the API: the consumer's `POST /api/v1/complaints` (service.web.api.
complaints) and the clerk's `POST /api/v1/cases` (here) take the same `SubmitComplaint` body."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.params import JSONBody

from domain.errors import FieldError, ValidationFailed
from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import intake
from service.usecases.clock import utcnow
from service.usecases.intake_commands import SubmitComplaint
from service.web import errors
from service.web.auth import provide_staff, requires
from service.web.middleware import current_request_id

NOT_AN_OBJECT = FieldError("", "invalid_type", "请求内容应为对象", "Body must be a JSON object")


def intake_body_invalid(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """A complaint body that is JSON but not an object (`[]`, `42`, `null`) is the 422 naming the body
    (field ""), as intake always answered; any other bad body (a missing one is a 400) as every command
    body."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    root = [e for e in extra if isinstance(e, dict) and e.get("key") in ("", "data", None)]
    messages = [str(e.get("message", "")) for e in root]
    if messages and all(m.startswith("Expected `object`") for m in messages):
        return errors.validation_failed(request, ValidationFailed([NOT_AN_OBJECT]))
    return errors.body_invalid(request, exc)


INTAKE_ERRORS: Any = {ValidationException: intake_body_invalid}


@post(
    "/api/v1/cases",
    operation_id="RecordComplaint",
    status_code=201,
    tags=["staff: cases"],
    dependencies={"staff": Provide(provide_staff)},
    guards=[requires(Permission.CASE_RECORD)],
    exception_handlers=INTAKE_ERRORS,
)
async def record_complaint(
    services: NamedDependency[Services],
    staff: NamedDependency[StaffUser],
    data: JSONBody[SubmitComplaint],
) -> intake.ComplaintReceipt:
    """A complaint taken by phone, letter, at the counter or by transfer (body as in SubmitComplaint,
    plus `received_on`: the day it arrived, YYYY-MM-DD — required for letter and transfer, optional
    for phone and counter (default today), not in the future, at most 30 days back).

    A function, not a controller: Litestar 2.25 refuses a second controller on /api/v1/cases (both would
    add an OPTIONS handler), and a handler merges into the path's route only when it is registered after
    CaseController (service.app lists it so)."""
    receipt = await intake.submit_complaint(
        services.pool, data, services.intake, now=utcnow(), request_id=current_request_id(), recorded_by=staff
    )
    return receipt.view()
