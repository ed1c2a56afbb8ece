"""Staff administration (issue 15): accounts created with a temporary password, roles changed, accounts
disabled, enabled or unlocked, passwords reset, sessions revoked — each an office event naming the
administrator; and one account's page (its sign-ins and open sessions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from domain.errors import ValidationFailed
from domain.roles import parse_roles
from service.store import office, staff
from service.store.staff import StaffUser
from service.usecases.auth import add_user, reset_password, temporary_password

# action -> what is done (the office event is "staff_<done>", the page's notice "<done>")
ADMIN_ACTIONS = {"disable": "disabled", "enable": "enabled", "unlock": "unlocked"}


async def administer(
    pool: asyncpg.Pool, action: str, user_id: int, *, actor: StaffUser, now: datetime
) -> bool:
    """Disable (ending its sessions), enable or unlock an account, recorded as an office event;
    False when there is no such account. An administrator may not disable their own account."""
    if action == "disable" and user_id == actor.id:
        raise ValidationFailed.one("user", "self", "不能停用自己的账户", "You cannot disable yourself")
    apply = {"disable": staff.disable_by_id, "enable": staff.enable, "unlock": staff.unlock}[action]
    async with pool.acquire() as conn, conn.transaction():
        if not await apply(conn, user_id):
            return False
        await office.add_event(
            conn, f"staff_{ADMIN_ACTIONS[action]}", actor=actor.actor, at=now, payload={"user_id": user_id}
        )
    return True


async def create_account(
    pool: asyncpg.Pool, username: str, roles: list[str], display_name: str, *, actor: StaffUser, now: datetime
) -> tuple[int, str]:
    """An account with a temporary password (returned once) to be replaced at its first sign-in."""
    password = temporary_password()
    user_id = await add_user(pool, username, roles, password, display_name=display_name.strip() or None)
    async with pool.acquire() as conn, conn.transaction():
        await staff.require_password_change(conn, user_id)
        await office.add_event(
            conn,
            "staff_added",
            actor=actor.actor,
            at=now,
            payload={"user_id": user_id, "roles": sorted(roles)},
        )
    return user_id, password


async def change_roles(
    pool: asyncpg.Pool, user_id: int, roles: list[str], *, actor: StaffUser, now: datetime
) -> bool:
    if not roles:
        raise ValidationFailed.one("roles", "required", "请至少选择一个角色", "Choose a role")
    try:
        parsed = sorted(r.value for r in parse_roles(roles))
    except ValueError as exc:
        raise ValidationFailed.one("roles", "invalid", "请至少选择一个有效角色", str(exc)) from exc
    if user_id == actor.id and "admin" not in parsed:
        raise ValidationFailed.one(
            "roles", "self", "不能取消自己的系统管理员角色", "You cannot drop your own admin role"
        )
    async with pool.acquire() as conn, conn.transaction():
        if not await staff.set_roles(conn, user_id, parsed):
            return False
        await office.add_event(
            conn,
            "staff_roles_changed",
            actor=actor.actor,
            at=now,
            payload={"user_id": user_id, "roles": parsed},
        )
    return True


async def reset_by_admin(pool: asyncpg.Pool, user_id: int, *, actor: StaffUser, now: datetime) -> str | None:
    password = await reset_password(pool, user_id, now=now)
    if password is not None:
        async with pool.acquire() as conn:
            await office.add_event(
                conn, "staff_password_reset", actor=actor.actor, at=now, payload={"user_id": user_id}
            )
    return password


async def revoke_session(
    pool: asyncpg.Pool, user_id: int, fingerprint: str, *, actor: StaffUser, now: datetime
) -> bool:
    async with pool.acquire() as conn, conn.transaction():
        if not await staff.revoke_fingerprint(conn, user_id, fingerprint[:12]):
            return False
        await office.add_event(
            conn,
            "staff_session_revoked",
            actor=actor.actor,
            at=now,
            payload={"user_id": user_id, "fingerprint": fingerprint[:12]},
        )
    return True


@dataclass(frozen=True, slots=True)
class AccountView:
    account: asyncpg.Record
    sign_ins: list[asyncpg.Record]
    sessions: list[asyncpg.Record]


async def account_view(pool: asyncpg.Pool, user_id: int, *, now: datetime) -> AccountView | None:
    async with pool.acquire() as conn:
        account = await staff.by_id(conn, user_id)
        if account is None:
            return None
        return AccountView(
            account, await staff.sign_ins(conn, user_id), await staff.open_sessions(conn, user_id, now)
        )
