"""What the API says about itself, written once for every operation (service.app calls `describe`).

Walking the app's route handlers, each operation gets the error responses it can give, with their bodies:
a guard or the signed-in staff dependency → 401 and 403 and the bearer scheme; a path parameter → 404;
a body → 413 and 422; parameters → 400 and 422; a write → 409; a throttled operation → 429; every one
→ 503 (the database or Redis is down). The bodies are the two shapes service.web.errors answers with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Components,
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Schema,
    SecurityScheme,
)
from litestar.routes import HTTPRoute

BEARER = "StaffBearer"
# operations behind a rate limit (service.adapters.throttle, service.usecases.signin_limits)
THROTTLED = frozenset({"SubmitComplaint", "GetComplaint", "AddEvidence", "IssueToken"})
# checks the bearer token itself (no guard): signed-in staff only
SIGNED_IN = frozenset({"RevokeToken"})
# answers a wrong password with 401
SIGN_IN = frozenset({"IssueToken"})
# an upload that is not multipart/form-data
MULTIPART = frozenset({"AddEvidence"})


class FieldErrorItem(msgspec.Struct):
    """One bad field: its path (`consumer.phone`; "" for the body), a stable code, zh and en text."""

    field: str
    code: str
    message: str
    message_en: str


class ValidationErrorBody(msgspec.Struct):
    """422: every bad field at once."""

    status_code: int
    errors: list[FieldErrorItem]


class ErrorBody(msgspec.Struct):
    """Every other error: the status and what happened (zh / en); some carry a code or a wait."""

    status_code: int
    detail: str
    detail_en: str | None = None
    code: str | None = None
    retry_after: int | None = None  # seconds, also in the Retry-After header
    extra: dict[str, Any] | list[Any] | None = None


_TEXT = {
    400: "The request could not be read (malformed JSON, a bad parameter)",
    401: "Not signed in: send `Authorization: Bearer <token>` (POST /api/v1/auth/token)",
    403: "The staff member's role or assignment does not allow this",
    404: "No such record (or, for a consumer, no case with this number and access code)",
    409: "The case or record is not in a state that allows this, or the Idempotency-Key was used "
    "with another body",
    413: "The request body is too large",
    415: "Expected multipart/form-data",
    422: "Fields that are missing or wrong, each with its code",
    429: "Too many attempts: wait Retry-After seconds",
    503: "The service is briefly unavailable: retry after Retry-After seconds",
}


@dataclass
class DescribedOperation(Operation):
    """An operation whose "any type" download (`*/*`, e.g. an evidence file) is also offered as
    application/octet-stream first, the type a generated client reads as bytes."""

    def __post_init__(self) -> None:
        for response in (self.responses or {}).values():
            if not isinstance(response, OpenAPIResponse) or list(response.content or {}) != ["*/*"]:
                continue
            binary = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY))
            response.content = {"application/octet-stream": binary, **(response.content or {})}


def config(**kwargs: Any) -> OpenAPIConfig:
    """The OpenAPI settings with the staff bearer scheme declared."""
    scheme = SecurityScheme(
        type="http",
        scheme="bearer",
        description="A staff API token from POST /api/v1/auth/token (see service/web/auth.py)",
    )
    return OpenAPIConfig(components=Components(security_schemes={BEARER: scheme}), **kwargs)


def _spec(status: int) -> ResponseSpec:
    # a 422 names its fields, except a few plain refusals of a query (an unknown status code to filter by)
    body: Any = ValidationErrorBody | ErrorBody if status == 422 else ErrorBody
    return ResponseSpec(data_container=body, description=_TEXT[status], generate_examples=False)


def _is_staff(handler: HTTPRouteHandler) -> bool:
    return (
        bool(handler.resolve_guards())
        or "staff" in handler.resolve_dependencies()
        or handler.operation_id in SIGNED_IN
    )


_NOT_PARAMETERS = frozenset({"self", "request", "data", "state", "scope", "headers", "cookies", "query"})


def _statuses(handler: HTTPRouteHandler, path_params: set[str]) -> set[int]:
    names = set(handler.parsed_fn_signature.parameters) - _NOT_PARAMETERS
    parameters = names - set(handler.resolve_dependencies()) - path_params
    has_body = "data" in handler.parsed_fn_signature.parameters
    statuses = {400, 503}  # 400: a request that cannot be read (Host, JSON, a parameter)
    if _is_staff(handler):
        statuses |= {401, 403}
    if path_params:
        statuses.add(404)
    if has_body or parameters:
        statuses.add(422)
    if handler.http_methods - {"GET", "HEAD", "OPTIONS"}:
        statuses |= {409, 413}
    if handler.operation_id in THROTTLED:
        statuses.add(429)
    if handler.operation_id in SIGN_IN:
        statuses.add(401)
    if handler.operation_id in MULTIPART:
        statuses.add(415)
    return statuses


def describe(app: Litestar) -> None:
    """Document every API operation's error responses and its security (before the schema is built)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            documented = dict(handler.responses or {})
            for status in _statuses(handler, set(route.path_parameters)):
                documented.setdefault(status, _spec(status))
            handler.responses = documented
            if handler.operation_class is Operation:
                handler.operation_class = DescribedOperation
            if _is_staff(handler) and not handler.security:
                handler.security = [{BEARER: []}]
