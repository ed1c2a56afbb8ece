"""One log line per request, with a request id (X-Request-ID honoured or generated) sent back."""

from __future__ import annotations

import re
import uuid

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.metrics import ObservedResponse
from service.web.client import client_address

__all__ = ["client_address", "current_request_id", "request_log_middleware", "response_headers"]

log = structlog.get_logger("http")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# Pages run no scripts; styles are inline or /static/staff.css (same origin); nothing may frame them.
SECURITY_HEADERS = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)
# merchant and survey links carry their credential in the path: never log it
_SECRET_IN_PATH = re.compile(r"^(/m/|/survey/)[^/]+")


def current_request_id() -> str | None:
    value = structlog.contextvars.get_contextvars().get("request_id")
    return str(value) if value else None


def request_log_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        incoming = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        scope.setdefault("state", {})["request_id"] = request_id  # type: ignore[typeddict-item]
        observed = ObservedResponse(send)
        try:
            await app(scope, receive, observed)
        except Exception as exc:
            # an error raised before the response started (e.g. the CSRF check) is answered further out
            observed.status = int(getattr(exc, "status_code", 500))
            raise
        finally:
            # the path only: query strings and bodies may carry personal data
            log.info(
                "request",
                method=scope.get("method"),
                path=_SECRET_IN_PATH.sub(r"\1[token]", str(scope.get("path"))),
                status=observed.status,
                client=client_address(scope),  # TRUSTED_PROXIES decide whether X-Forwarded-For counts
                ms=round(observed.elapsed_s() * 1000, 1),
            )
            structlog.contextvars.clear_contextvars()

    return middleware


async def response_headers(message: Message, scope: Scope) -> None:
    """Every response — errors answered outside the middleware too — gets its request id and the
    security headers (a header the handler set itself is kept)."""
    if message["type"] != "http.response.start":
        return
    headers = list(message.get("headers", []))
    present = {bytes(name).lower() for name, _ in headers}
    headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
    request_id = scope.get("state", {}).get("request_id")
    if request_id and b"x-request-id" not in present:
        headers.append((b"x-request-id", str(request_id).encode()))
    message["headers"] = headers
