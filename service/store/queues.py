"""Team queues: which queue a case is in, who holds it, claiming the next one, and each queue's load."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from domain.queues import QueueRule
from service.store.sql import SQL


@dataclass(frozen=True, slots=True)
class QueueRow:
    code: str
    name_zh: str
    name_en: str
    subdistricts: tuple[str, ...] | None
    categories: tuple[str, ...] | None
    max_open_per_mediator: int
    sort: int
    active: bool


@dataclass(frozen=True, slots=True)
class LockedCase:
    id: int
    status: str
    queue: str | None
    assigned_to: int | None


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: int
    display_name: str
    roles: tuple[str, ...]
    disabled: bool


@dataclass(frozen=True, slots=True)
class MemberRow:
    queue: str
    user_id: int
    display_name: str
    disabled: bool


def _queue(r: asyncpg.Record) -> QueueRow:
    return QueueRow(
        code=r["code"],
        name_zh=r["name_zh"],
        name_en=r["name_en"],
        subdistricts=tuple(r["subdistricts"]) if r["subdistricts"] is not None else None,
        categories=tuple(r["categories"]) if r["categories"] is not None else None,
        max_open_per_mediator=r["max_open_per_mediator"],
        sort=r["sort"],
        active=r["active"],
    )


async def rules(conn: asyncpg.Connection) -> list[QueueRule]:
    """The active queues as routing rules."""
    return [
        QueueRule(
            code=r["code"],
            subdistricts=frozenset(r["subdistricts"]) if r["subdistricts"] is not None else None,
            categories=frozenset(r["categories"]) if r["categories"] is not None else None,
            sort=r["sort"],
            active=r["active"],
        )
        for r in await conn.fetch(SQL["queues_rules"])
    ]


async def by_code(conn: asyncpg.Connection, code: str) -> QueueRow | None:
    r = await conn.fetchrow(SQL["queues_by_code"], code)
    return _queue(r) if r else None


async def list_all(conn: asyncpg.Connection) -> list[QueueRow]:
    return [_queue(r) for r in await conn.fetch(SQL["queues_list"])]


async def set_queue(conn: asyncpg.Connection, case_id: int, queue: str) -> None:
    await conn.execute(SQL["queues_set_case_queue"], case_id, queue)


async def lock_staff(conn: asyncpg.Connection, user_id: int) -> bool:
    """Lock a staff account's row until the transaction ends (one claim at a time per mediator)."""
    return await conn.fetchval(SQL["queues_lock_staff"], user_id) is not None


async def staff_member(conn: asyncpg.Connection, user_id: int) -> StaffMember | None:
    r = await conn.fetchrow(SQL["queues_staff_member"], user_id)
    return StaffMember(r["id"], r["display_name"], tuple(r["roles"]), r["disabled"]) if r else None


async def open_count(conn: asyncpg.Connection, user_id: int) -> int:
    """The user's open cases: not in domain.queues.FINISHED_STATUSES, which the SQL writes out so that the
    partial index on open assignments serves it (tests/unit/test_open_assignment_predicate.py)."""
    held: int = await conn.fetchval(SQL["queues_open_count"], user_id)
    return held


async def claim_next(
    conn: asyncpg.Connection, queue: str, user_id: int, at: datetime
) -> asyncpg.Record | None:
    """UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING …; None: nothing to claim."""
    return await conn.fetchrow(SQL["queues_claim_next"], queue, user_id, at)


async def lock_case(conn: asyncpg.Connection, case_id: int) -> LockedCase | None:
    r = await conn.fetchrow(SQL["queues_lock_case"], case_id)
    return LockedCase(r["id"], r["status"], r["queue"], r["assigned_to"]) if r else None


async def assign(conn: asyncpg.Connection, case_id: int, user_id: int | None, at: datetime) -> None:
    """Give the case to `user_id`, or (None) back to its queue."""
    await conn.execute(SQL["queues_assign_case"], case_id, user_id, at)


async def overview(conn: asyncpg.Connection, today: date) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["queues_overview"], today))


async def members(conn: asyncpg.Connection) -> list[MemberRow]:
    return [MemberRow(**dict(r)) for r in await conn.fetch(SQL["queues_members"])]


async def add_member(conn: asyncpg.Connection, queue: str, user_id: int) -> bool:
    """False when the user was already a member."""
    return await conn.fetchval(SQL["queues_member_add"], queue, user_id) is not None


async def remove_member(conn: asyncpg.Connection, queue: str, user_id: int) -> bool:
    return await conn.fetchval(SQL["queues_member_remove"], queue, user_id) is not None


async def queues_of(conn: asyncpg.Connection, user_id: int) -> list[str]:
    return [r["code"] for r in await conn.fetch(SQL["queues_of_member"], user_id)]


async def unassigned(conn: asyncpg.Connection, queues: Sequence[str], per_queue: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["queues_unassigned"], list(queues), per_queue))


async def assigned_to(
    conn: asyncpg.Connection, user_id: int, limit: int | None = None, offset: int = 0
) -> list[asyncpg.Record]:
    """The user's open cases, `limit` of them (None: all) from row `offset`; each row has their `total`."""
    return list(await conn.fetch(SQL["queues_assigned_to"], user_id, limit, offset))


async def unqueued_for_update(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return list(await conn.fetch(SQL["queues_unqueued"]))


@dataclass(frozen=True, slots=True)
class MediatorLoad:
    user_id: int
    display_name: str
    open_count: int
    own_limit: int | None  # None: each queue's max_open_per_mediator applies
    queues: tuple[str, ...]


async def mediators_load(conn: asyncpg.Connection) -> list[MediatorLoad]:
    """Every active mediator with their open cases, own limit and teams."""
    return [
        MediatorLoad(r["user_id"], r["display_name"], r["open_count"], r["max_open"], tuple(r["queues"]))
        for r in await conn.fetch(SQL["queues_mediators_load"])
    ]


async def own_limit(conn: asyncpg.Connection, user_id: int) -> int | None:
    limit: int | None = await conn.fetchval(SQL["mediator_limits_get"], user_id)
    return limit


async def set_own_limit(
    conn: asyncpg.Connection, user_id: int, limit: int | None, actor: str, at: datetime
) -> int | None:
    """Set (None: clear) a mediator's own open-case limit; returns the previous one."""
    previous: int | None = await conn.fetchval(SQL["mediator_limits_set"], user_id, limit, actor, at)
    return previous
