"""Who is calling: a browser session cookie or an API bearer token, checked against a permission.

Guards answer 401 when nobody is signed in and 403 when the signed-in user's roles do not allow the
action; pages turn a 401 into a redirect to the sign-in page (service.web.errors).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Redirect
from litestar.types import Guard

from domain.roles import Permission, can
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import auth
from service.usecases.clock import utcnow
from service.web.client import client_address

SESSION_COOKIE = "qd_session"


def cookies_secure(public_base_url: str, request_scheme: str) -> bool:
    """Cookies are Secure when the service is published over HTTPS, even though TLS usually ends at the
    load balancer and the request reaching us says http."""
    return public_base_url.lower().startswith("https://") or request_scheme == "https"


def session_cookie(token: str, *, max_age: int, secure: bool) -> Cookie:
    """The staff session: never readable by scripts, not sent on cross-site sub-requests or posts."""
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
        max_age=max_age,
    )


def signed_in_redirect(
    request: Request[Any, Any, Any], services: Services, token: str, target: str
) -> Redirect:
    """A page's answer to a sign-in: on to `target`, holding the new session's cookie."""
    redirect = Redirect(target, status_code=303)
    redirect.set_cookie(
        session_cookie(
            token,
            max_age=int(services.auth_policy.session_max.total_seconds()),
            secure=cookies_secure(services.settings.public_base_url, request.url.scheme),
        )
    )
    return redirect


def session_cookie_removal(*, secure: bool) -> Cookie:
    """The same cookie, expired: a browser drops it only when path and flags match the one it holds."""
    return Cookie(
        key=SESSION_COOKIE,
        value="",
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
        max_age=0,
        expires=0,
    )


async def current_staff(connection: ASGIConnection[Any, Any, Any, Any]) -> StaffUser | None:
    state = connection.scope.setdefault("state", {})  # type: ignore[typeddict-item]
    if "staff" in state:
        return state["staff"]  # type: ignore[no-any-return]
    services: Services = connection.app.state.services
    if connection.url.path.startswith("/api/"):
        # the API takes bearer tokens only: a browser's cookie riding along on a forged cross-site
        # request must not act for the user (pages have CSRF tokens; the JSON API has none)
        scheme, _, token = connection.headers.get("authorization", "").partition(" ")
        kind, token = "bearer", token if scheme.lower() == "bearer" else ""
    else:
        # pages take the session cookie only: a bearer token would skip the session's idle limit
        kind, token = "cookie", connection.cookies.get(SESSION_COOKIE, "")
    user = None
    if token:
        user = await auth.authenticate(
            services.pool, token.strip(), kind=kind, now=utcnow(), policy=services.auth_policy
        )
    state["staff"] = user
    return user


def requires(permission: Permission) -> Guard:
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = await current_staff(connection)
        if user is None:
            raise NotAuthorizedException(detail="请先登录 / sign in first")
        if not can(user.roles, permission):
            raise PermissionDeniedException(detail="您的角色无权执行此操作 / your role does not allow this")

    return guard


async def provide_staff(request: Request[Any, Any, Any]) -> StaffUser:
    """The signed-in user of a guarded route (the guard has already checked there is one)."""
    user = await current_staff(request)
    if user is None:
        raise NotAuthorizedException(detail="请先登录 / sign in first")
    return user


class StaffApiController(Controller):
    """A controller of the staff API: its handlers may take the signed-in `staff` user."""

    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute


async def sign_in(
    request: ASGIConnection[Any, Any, Any, Any],
    services: Services,
    username: str,
    password: str,
    *,
    kind: str,
) -> auth.Session:
    """Sign in from the API or the sign-in page with the same protections: the per-client and
    per-username limits (client as resolved from trusted proxies only), the cap on password checks in
    flight, argon2 in its threads. Raises auth.SignInFailed (401) or TooManyAttempts (429)."""
    return await auth.sign_in(
        services.pool,
        username,
        password,
        kind=kind,
        now=utcnow(),
        policy=services.auth_policy,
        passwords=services.passwords,
        limits=services.signin_limits,
        client=client_address(request),
    )
