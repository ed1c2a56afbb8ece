"""Who is calling: a browser session cookie or an API bearer token, checked against a permission.

Guards answer 401 when nobody is signed in and 403 when the signed-in user's roles do not allow the
action; pages turn a 401 into a redirect to the sign-in page (service.web.errors).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from domain.roles import Permission, can
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import auth
from service.usecases.clock import utcnow

SESSION_COOKIE = "qd_session"


async def current_staff(connection: ASGIConnection[Any, Any, Any, Any]) -> StaffUser | None:
    state = connection.scope.setdefault("state", {})  # type: ignore[typeddict-item]
    if "staff" in state:
        return state["staff"]  # type: ignore[no-any-return]
    services: Services = connection.app.state.services
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        kind = "bearer"
    elif connection.url.path.startswith("/api/"):
        # the API takes bearer tokens only: a browser's cookie riding along on a forged cross-site
        # request must not act for the user (pages have CSRF tokens; the JSON API has none)
        kind, token = "bearer", ""
    else:
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
