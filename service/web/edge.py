"""The HTTP edge: what every request passes before routing, and every response on its way out.

`wrap_edge(app, settings)` wraps the Litestar app's ASGI handler (so unrouted paths are covered too):
- the client is resolved once (service.web.client: forwarding headers from TRUSTED_PROXIES only);
- with ALLOWED_HOSTS set, another Host header is answered 400 before anything else runs (/health excepted);
- the request body must keep arriving: a wait longer than BODY_TIMEOUT_S for its next piece is a 408,
  and a client that hangs up mid-body is logged as a disconnect (status 499), not as our error;
- HSTS when PUBLIC_BASE_URL is https, and `Cache-Control: no-store` on staff and merchant pages.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import msgspec
import structlog
from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.exceptions import ClientException, SerializationException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.settings import Settings
from service.web.client import parse_trusted_proxies, resolve_scope

log = structlog.get_logger("http")

HSTS = "max-age=31536000; includeSubDomains"  # one year: what preload lists and audits ask for
# pages that show personal data to the signed-in or link-holding reader: never kept in a cache
_NO_STORE = re.compile(r"^/(?:staff|m)(?:/|$)")
DISCONNECTED = 499  # nginx's "client closed request": nobody receives it, the log line says what happened


class UnreadableBody(ClientException):
    """A body the decoder cannot take, whatever the reason: the client's input, answered 400."""

    def __init__(self) -> None:
        super().__init__(
            detail="请求内容不是可以读取的 JSON（格式错误、嵌套过深或编码无效）/ "
            "the request body is not readable JSON (malformed, nested too deeply or not UTF-8)"
        )


def decode_json_body(raw: bytes) -> Any:
    """The JSON of a request body; anything msgspec refuses (`[` x 100000 is a RecursionError, bad bytes a
    UnicodeDecodeError, the rest DecodeError) is the client's 400, never our 500."""
    try:
        return msgspec.json.decode(raw)
    except (msgspec.DecodeError, RecursionError, ValueError):
        raise UnreadableBody() from None


class EdgeRequest(Request[Any, Any, Any]):
    """Litestar's request, with its JSON decoding held to the same rule as decode_json_body."""

    async def json(self) -> Any:
        try:
            return await super().json()
        except (SerializationException, RecursionError, ValueError):
            raise UnreadableBody() from None


class BodyTimedOut(ClientException):
    status_code = 408


class ClientDisconnected(ClientException):
    status_code = DISCONNECTED


def _host_of(scope: Scope) -> str:
    for key, value in scope.get("headers", ()):
        if key == b"host":
            return value.decode("latin-1").strip().lower()
    return ""


def host_allowed(host: str, allowed: frozenset[str]) -> bool:
    """'disputes.example.gov.cn' allows any port on that name; 'name:8443' allows that port only."""
    if host in allowed:
        return True
    name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    return bool(name) and port.isdigit() and name in allowed


async def _refuse_host(scope: Scope, send: Send) -> None:
    api = str(scope.get("path", "")).startswith("/api/")
    detail = "请求的主机名不被接受 / the Host header names a site this service does not serve"
    if api:
        body = msgspec.json.encode({"status_code": 400, "detail": detail})
        media = b"application/json"
    else:
        body = detail.encode()
        media = b"text/plain; charset=utf-8"
    start: Any = {
        "type": "http.response.start",
        "status": 400,
        "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode())],
    }
    end: Any = {"type": "http.response.body", "body": body}
    await send(start)
    await send(end)


def _watch_body(receive: Receive, timeout_s: float) -> Receive:
    """`receive` that gives up on a body that stalls and reports a hang-up as the client's doing."""
    body_done = False

    async def wrapped() -> Any:
        nonlocal body_done
        if body_done:
            return await receive()
        try:
            message = await asyncio.wait_for(receive(), timeout_s) if timeout_s > 0 else await receive()
        except TimeoutError:
            log.info("request body timed out", after_s=timeout_s)
            raise BodyTimedOut(
                detail="请求内容发送超时 / the request body was not received in time",
                headers={"Connection": "close"},
            ) from None
        if message["type"] == "http.disconnect":
            log.info("client disconnected before the request body was complete")
            raise ClientDisconnected(detail="client disconnected")
        if message["type"] == "http.request" and not message.get("more_body", False):
            body_done = True
        return message

    return wrapped


def _outgoing_headers(send: Send, path: str, https: bool) -> Send:
    no_store = bool(_NO_STORE.match(path))

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start" and (https or no_store):
            headers = MutableScopeHeaders.from_message(message)
            if https and "strict-transport-security" not in headers:
                headers.add("strict-transport-security", HSTS)
            if no_store and "no-store" not in headers.get("cache-control", ""):
                headers["cache-control"] = "no-store"
        await send(message)

    return wrapped


def wrap_edge(app: ASGIApp, settings: Settings) -> ASGIApp:
    trusted = parse_trusted_proxies(settings.trusted_proxies)
    allowed = frozenset(h.strip().lower() for h in settings.allowed_hosts if h.strip())
    https = settings.public_base_url.lower().startswith("https://")

    async def edge(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {ScopeType.HTTP, ScopeType.WEBSOCKET}:
            await app(scope, receive, send)
            return
        resolve_scope(scope, trusted)
        # /health answers load balancers that probe by IP address; it builds no links and shows nothing
        if allowed and scope.get("path") != "/health" and not host_allowed(_host_of(scope), allowed):
            log.info("host refused", path=str(scope.get("path")))
            await _refuse_host(scope, send)
            return
        if scope["type"] == ScopeType.HTTP:
            receive = _watch_body(receive, settings.body_timeout_s)
            send = _outgoing_headers(send, str(scope.get("path", "")), https)
        await app(scope, receive, send)

    return edge
