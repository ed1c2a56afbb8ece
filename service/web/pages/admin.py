"""The administrator's pages (issue 15): staff accounts — list, add, change roles, disable, unlock, reset a
password (a one-time temporary password shown once) — with each account's sign-in history and open
sessions and tokens (revocable); and the public page where a temporary password is replaced.

Forms answer with a redirect (PRG) carrying `notice=<code>`; the temporary password is the exception: it
is shown on the answer to the form itself (no-store), never put in a URL or a log.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from domain.errors import TooManyAttempts, ValidationFailed
from domain.roles import ROLE_LABELS, Permission, Role
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases import auth, staff_admin
from service.usecases.clock import local_time, utcnow
from service.web.auth import requires, signed_in_redirect
from service.web.client import client_address
from service.web.errors import error_page
from service.web.pages.public import PRIVATE
from service.web.pages.staff.common import Req, Staff, StaffController, Svc, safe_next, staff_context
from service.web.pages.staff.notices import NoticeCode, Notices, notice_context

NOTICES: Notices = {
    "roles_changed": ("角色已保存。", "ok"),
    "disabled": ("账户已停用，其登录会话和接口令牌已全部失效。", "ok"),
    "enabled": ("账户已启用。", "ok"),
    "unlocked": ("账户已解锁。", "ok"),
    "revoked": ("该会话/令牌已撤销。", "ok"),
    "not_found": ("没有找到该账户或会话。", "error"),
}
ROLE_CHOICES = [(r.value, ROLE_LABELS[r][0]) for r in Role]


def _to_account(user_id: int, notice: str) -> Redirect:
    return Redirect(f"/staff/admin/users/{user_id}?{urlencode({'notice': notice})}", status_code=303)


def _errors(exc: ValidationFailed) -> dict[str, str]:
    return {e.field: e.message for e in exc.errors}


class AdminPages(StaffController):
    path = "/staff/admin"
    guards = [requires(Permission.USERS_MANAGE)]  # noqa: RUF012 - Litestar reads this class attribute

    def _base(self, staff: StaffUser) -> dict[str, Any]:
        return {**staff_context(staff), "nav": "admin"}

    async def _list(
        self, services: Services, staff: StaffUser, *, status: int = 200, **extra: Any
    ) -> Template:
        context = {
            **self._base(staff),
            "users": await auth.list_users(services.pool),
            "role_choices": ROLE_CHOICES,
            "role_names": {r.value: ROLE_LABELS[r][0] for r in Role},
            "now": utcnow(),
            "local_time": local_time,
            "errors": {},
            "values": {},
            "created": None,
            **extra,
        }
        return Template("staff_admin_users.html", context=context, status_code=status, headers=PRIVATE)

    @get("/users", operation_id="StaffAdminUsers")
    async def users(self, services: Svc, staff: Staff) -> Template:
        return await self._list(services, staff)

    @post("/users", operation_id="StaffAdminAddUser")
    async def add_user(self, request: Req, services: Svc, staff: Staff) -> Template:
        form = await request.form()
        username = str(form.get("username") or "").strip().lower()[:64]
        display_name = str(form.get("display_name") or "").strip()[:64]
        roles = [str(v) for v in form.getall("roles", [])]
        values = {"username": username, "display_name": display_name, "roles": roles}
        try:
            user_id, password = await staff_admin.create_account(
                services.pool, username, roles, display_name, actor=staff, now=utcnow()
            )
        except ValidationFailed as exc:
            return await self._list(services, staff, status=422, errors=_errors(exc), values=values)
        created = {"user_id": user_id, "username": username, "password": password}
        return await self._list(services, staff, created=created)

    @get("/users/{user_id:int}", operation_id="StaffAdminUser")
    async def account(
        self,
        services: Svc,
        staff: Staff,
        user_id: FromPath[int],
        notice: NoticeCode = None,
    ) -> Template:
        return await self._account(services, staff, user_id, notice=notice)

    async def _account(
        self,
        services: Services,
        staff: StaffUser,
        user_id: int,
        *,
        notice: str | None = None,
        status: int = 200,
        errors: dict[str, str] | None = None,
        temporary: str | None = None,
    ) -> Template:
        now = utcnow()
        view = await staff_admin.account_view(services.pool, user_id, now=now)
        if view is None:
            return error_page(404, "未找到", "没有找到该账户。")
        context = {
            **self._base(staff),
            "view": view,
            "acct": view.account,
            "role_choices": ROLE_CHOICES,
            "role_names": {r.value: ROLE_LABELS[r][0] for r in Role},
            "now": now,
            "local_time": local_time,
            **notice_context(NOTICES, notice),
            "errors": errors or {},
            "temporary": temporary,
        }
        return Template("staff_admin_user.html", context=context, status_code=status, headers=PRIVATE)

    @post("/users/{user_id:int}/roles", operation_id="StaffAdminRoles")
    async def roles(
        self,
        request: Req,
        services: Svc,
        staff: Staff,
        user_id: FromPath[int],
    ) -> Template | Redirect:
        form = await request.form()
        roles = [str(v) for v in form.getall("roles", [])]
        try:
            changed = await staff_admin.change_roles(services.pool, user_id, roles, actor=staff, now=utcnow())
        except ValidationFailed as exc:
            return await self._account(services, staff, user_id, status=422, errors=_errors(exc))
        return _to_account(user_id, "roles_changed" if changed else "not_found")

    @post("/users/{user_id:int}/{action:str}", operation_id="StaffAdminAccountAction")
    async def action(
        self,
        services: Svc,
        staff: Staff,
        user_id: FromPath[int],
        action: FromPath[str],
    ) -> Template | Redirect:
        """disable, enable, unlock; reset-password answers with the temporary password, once."""
        now = utcnow()
        if action == "reset-password":
            password = await staff_admin.reset_by_admin(services.pool, user_id, actor=staff, now=now)
            if password is None:
                return _to_account(user_id, "not_found")
            return await self._account(services, staff, user_id, temporary=password)
        if action not in staff_admin.ADMIN_ACTIONS:
            return _to_account(user_id, "not_found")
        try:
            done = await staff_admin.administer(services.pool, action, user_id, actor=staff, now=now)
        except ValidationFailed as exc:
            return await self._account(services, staff, user_id, status=422, errors=_errors(exc))
        return _to_account(user_id, staff_admin.ADMIN_ACTIONS[action] if done else "not_found")

    @post("/users/{user_id:int}/sessions/{fingerprint:str}/revoke", operation_id="StaffAdminRevokeSession")
    async def revoke(
        self,
        services: Svc,
        staff: Staff,
        user_id: FromPath[int],
        fingerprint: FromPath[str],
    ) -> Redirect:
        done = await staff_admin.revoke_session(
            services.pool, user_id, fingerprint, actor=staff, now=utcnow()
        )
        return _to_account(user_id, "revoked" if done else "not_found")


class PasswordPages(Controller):
    """Where a temporary password is replaced: open to anyone, as the sign-in page is (it checks the
    temporary password with the sign-in's own limits and lockout)."""

    path = "/staff/password"
    include_in_schema = False

    @get("/new", operation_id="StaffNewPasswordPage")
    async def page(
        self,
        username: FromQuery[str | None] = None,
        next_path: Annotated[str | None, QueryParameter(name="next")] = None,
    ) -> Template:
        context = {"values": {"username": (username or "")[:64]}, "next": safe_next(next_path), "errors": {}}
        return Template("staff_admin_password.html", context=context, headers=PRIVATE)

    @post("/new", operation_id="StaffNewPassword")
    async def change(self, request: Req, services: Svc) -> Template | Redirect:
        form = await request.form()
        username = str(form.get("username") or "")[:64]
        temporary = str(form.get("temporary") or "")[:256]
        password = str(form.get("password") or "")[:256]
        confirm = str(form.get("confirm") or "")[:256]
        target = safe_next(str(form.get("next") or ""))
        context: dict[str, Any] = {"values": {"username": username}, "next": target, "errors": {}}

        def again(status: int, errors: dict[str, str], headers: dict[str, str] | None = None) -> Template:
            return Template(
                "staff_admin_password.html",
                status_code=status,
                context={**context, "errors": errors},
                headers={**PRIVATE, **(headers or {})},
            )

        if password != confirm:
            return again(422, {"confirm": "两次输入的新密码不一致"})
        try:
            session = await auth.change_temporary_password(
                services.pool,
                username,
                temporary,
                password,
                now=utcnow(),
                policy=services.auth_policy,
                passwords=services.passwords,
                limits=services.signin_limits,
                client=client_address(request),
            )
        except ValidationFailed as exc:
            return again(422, _errors(exc))
        except auth.SignInFailed:
            return again(401, {"temporary": "用户名或临时密码不正确。"})
        except TooManyAttempts as exc:
            return again(
                429,
                {"temporary": f"尝试过于频繁，请 {exc.retry_after_s} 秒后再试。"},
                {"Retry-After": str(exc.retry_after_s)},
            )
        return signed_in_redirect(request, services, session.token, target)
