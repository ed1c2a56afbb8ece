"""API tokens: POST /api/v1/auth/token issues one, DELETE revokes the caller's own, and an administrator
lists the live ones (GET /api/v1/auth/tokens, never their values)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, delete, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody, QueryParameter

from domain.roles import Permission
from service.app_types import Services
from service.usecases import auth
from service.usecases.clock import utcnow
from service.web.auth import current_staff, requires, sign_in

WRONG = "用户名或密码不正确 / wrong username or password"


class TokenIn(msgspec.Struct):
    """A sign-in: the account's username and password."""

    username: str
    password: str


class IssuedToken(msgspec.Struct):
    access_token: str
    token_type: str
    expires_at: datetime
    username: str
    roles: list[str]


@post("/api/v1/auth/token", operation_id="IssueToken", tags=["auth"], status_code=200)
async def issue_token(
    request: Request[Any, Any, Any], services: NamedDependency[Services], data: JSONBody[TokenIn]
) -> IssuedToken:
    """One answer (401) for a wrong password, an unknown user and a locked or disabled account; 429 with
    Retry-After past the per-client or per-username limits, or while every password check is busy."""
    try:
        session = await sign_in(request, services, data.username, data.password, kind="bearer")
    except auth.SignInFailed as exc:
        raise NotAuthorizedException(detail=WRONG) from exc
    return IssuedToken(
        access_token=session.token,
        token_type="bearer",
        expires_at=session.expires_at,
        username=session.user.username,
        roles=sorted(session.user.roles),
    )


@delete("/api/v1/auth/token", operation_id="RevokeToken", tags=["auth"], status_code=204)
async def revoke_token(request: Request[Any, Any, Any], services: NamedDependency[Services]) -> None:
    """Revoke the bearer token this request carries: it opens nothing afterwards."""
    if await current_staff(request) is None:
        raise NotAuthorizedException(detail="请先登录 / sign in first")
    _, _, token = request.headers.get("authorization", "").partition(" ")
    await auth.sign_out(services.pool, token.strip())


@get(
    "/api/v1/auth/tokens",
    operation_id="ListTokens",
    tags=["auth"],
    guards=[requires(Permission.USERS_MANAGE)],
)
async def list_tokens(
    services: NamedDependency[Services], limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 500
) -> list[auth.TokenInfo]:
    """Live API tokens, newest first: holder, issued, last used, expiry. Never a token's value."""
    return await auth.live_tokens(services.pool, now=utcnow(), limit=limit)
