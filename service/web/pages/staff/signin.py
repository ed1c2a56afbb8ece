"""Signing in and out of the staff area, and its home page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from litestar import get, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from domain.errors import TooManyAttempts
from service.usecases import auth
from service.web.auth import (
    SESSION_COOKIE,
    cookies_secure,
    current_staff,
    session_cookie_removal,
    signed_in_redirect,
)
from service.web.auth import sign_in as web_sign_in
from service.web.pages.staff.common import Req, StaffController, Svc, safe_next, staff_context


class SignInPages(StaffController):
    @get("/login", operation_id="StaffLoginPage")
    async def login_page(
        self, next_path: Annotated[str | None, QueryParameter(name="next")] = None
    ) -> Template:
        return Template(
            "staff_login.html", context={"error": None, "next": safe_next(next_path), "values": {}}
        )

    @post("/login", operation_id="StaffLogin")
    async def login(self, request: Req, services: Svc) -> Template | Redirect:
        form = await request.form()
        username = str(form.get("username") or "")[:64]
        password = str(form.get("password") or "")[:256]
        target = safe_next(str(form.get("next") or ""))
        context = {"next": target, "values": {"username": username}}
        try:
            session = await web_sign_in(request, services, username, password, kind="cookie")
        except auth.PasswordChangeRequired:
            # a temporary password from the administrator opens only the page that replaces it
            query = urlencode({"username": username.strip().lower(), "next": target})
            return Redirect(f"/staff/password/new?{query}", status_code=303)
        except auth.SignInFailed:
            # one answer for a wrong password, an unknown user and a locked account (nothing to probe)
            return Template(
                "staff_login.html", status_code=401, context={**context, "error": "用户名或密码不正确。"}
            )
        except TooManyAttempts as exc:
            return Template(
                "staff_login.html",
                status_code=429,
                headers={"Retry-After": str(exc.retry_after_s)},
                context={**context, "error": f"登录尝试过于频繁，请 {exc.retry_after_s} 秒后再试。"},
            )
        return signed_in_redirect(request, services, session.token, target)

    @post("/logout", operation_id="StaffLogout")
    async def logout(self, request: Req, services: Svc) -> Redirect:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            await auth.sign_out(services.pool, token)
        redirect = Redirect("/staff/login", status_code=303)
        secure = cookies_secure(services.settings.public_base_url, request.url.scheme)
        redirect.set_cookie(session_cookie_removal(secure=secure))
        return redirect

    @get("/", operation_id="StaffHome")
    async def home(self, request: Req) -> Template:
        user = await current_staff(request)
        if user is None:
            raise NotAuthorizedException()
        return Template("staff_home.html", context=staff_context(user))
