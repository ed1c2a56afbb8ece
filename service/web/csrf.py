"""CSRF protection for the pages, bound to the staff session.

The `csrftoken` cookie holds a signed random seed (as Litestar's double-submit scheme does); the token a
form carries is an HMAC of that seed *and* of the session cookie, so a token seen before sign-in, or in
another session, is worthless once the session changes. Whenever a response sets or clears the session
cookie (sign-in, sign-out) the seed is renewed too.

Exclusions are anchored path prefixes: `/api/` takes bearer tokens only (a browser's cookies never act
there), `/health` and `/schema` change nothing. A page path that merely contains one of them
(`/staff/queue/health/claim`) is checked like any other.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from service.web.auth import SESSION_COOKIE, cookies_secure
from service.web.client import client_scheme

CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"
CSRF_FIELD = "_csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# anchored: a prefix of the path, never a substring of it
EXEMPT = re.compile(r"^(?:/api/|/health$|/schema(?:/|$))")
_SEED_BYTES = 32
_FORMS = frozenset({RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART})


def _mac(secret: str, *parts: str) -> str:
    return hmac.new(secret.encode(), "|".join(parts).encode(), hashlib.sha256).hexdigest()


def new_seed(secret: str) -> str:
    seed = secrets.token_hex(_SEED_BYTES)
    return seed + _mac(secret, "csrf-seed", seed)


def _valid_seed(secret: str, cookie: str | None) -> str | None:
    if not cookie or len(cookie) != _SEED_BYTES * 4:
        return None
    seed, mac = cookie[: _SEED_BYTES * 2], cookie[_SEED_BYTES * 2 :]
    return seed if hmac.compare_digest(mac, _mac(secret, "csrf-seed", seed)) else None


def form_token(secret: str, seed: str, session: str) -> str:
    """The token for forms: seed and session together (an empty session before sign-in)."""
    session_id = hashlib.sha256(session.encode()).hexdigest() if session else ""
    return _mac(secret, "csrf-form", seed, session_id)


def csrf_middleware(secret: str, public_base_url: str) -> Any:
    """ASGI middleware factory for Litestar's `middleware=[...]` list."""

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP or EXEMPT.match(scope["path"]):
                await app(scope, receive, send)
                return
            request = scope["litestar_app"].request_class(scope=scope, receive=receive)
            cookie = request.cookies.get(CSRF_COOKIE)
            seed = _valid_seed(secret, cookie)
            session = request.cookies.get(SESSION_COOKIE, "")
            secure = cookies_secure(public_base_url, client_scheme(request))
            if request.method not in SAFE_METHODS:
                sent = request.headers.get(CSRF_HEADER)
                content_type, _ = request.content_type
                if not sent and content_type in _FORMS:
                    sent = (await request.form()).get(CSRF_FIELD)
                if seed is None or not isinstance(sent, str):
                    raise PermissionDeniedException("CSRF token verification failed")
                if not hmac.compare_digest(sent, form_token(secret, seed, session)):
                    raise PermissionDeniedException("CSRF token verification failed")
            fresh = seed is None
            if fresh:
                cookie = new_seed(secret)
                seed = cookie[: _SEED_BYTES * 2]
            assert seed is not None and cookie is not None
            ScopeState.from_scope(scope).csrf_token = form_token(secret, seed, session)
            await app(scope, receive, _renewing_send(send, secret, secure, cookie if fresh else None))

        return middleware

    return factory


def _renewing_send(send: Send, secret: str, secure: bool, new_cookie: str | None) -> Send:
    """Sets the seed cookie when it is new, and renews it whenever the session cookie changes."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableScopeHeaders.from_message(message)
            session_changed = any(
                v.lstrip().startswith(f"{SESSION_COOKIE}=") for v in headers.getall("set-cookie", [])
            )
            value = new_seed(secret) if session_changed else new_cookie
            if value is not None:
                cookie = Cookie(
                    key=CSRF_COOKIE, value=value, path="/", secure=secure, httponly=True, samesite="lax"
                )
                headers.add("set-cookie", cookie.to_header(header=""))
        await send(message)

    return wrapped
