"""POST /api/v1/auth/token: a bearer token for staff API clients."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody

from service.app_types import Services
from service.usecases import auth
from service.usecases.clock import utcnow


class TokenIn(msgspec.Struct):
    username: str
    password: str


class TokenOut(msgspec.Struct):
    access_token: str
    token_type: str
    expires_at: datetime
    username: str
    roles: list[str]


@post("/api/v1/auth/token", operation_id="IssueToken", tags=["auth"], status_code=200)
async def issue_token(services: NamedDependency[Services], data: JSONBody[TokenIn]) -> TokenOut:
    try:
        session = await auth.sign_in(
            services.pool,
            data.username,
            data.password,
            kind="bearer",
            now=utcnow(),
            policy=services.auth_policy,
        )
    except auth.SignInFailed as exc:
        extra = {"locked_until": exc.locked_until.isoformat()} if exc.locked_until else None
        raise NotAuthorizedException(
            detail="用户名或密码不正确 / wrong username or password", extra=extra
        ) from exc
    return TokenOut(
        access_token=session.token,
        token_type="bearer",
        expires_at=session.expires_at,
        username=session.user.username,
        roles=sorted(session.user.roles),
    )
