"""The merchant registry: add, find and check merchants; their commitments and arbitration clauses; the
CSV import (all or nothing); and linking a complaint's merchant to the registry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import asyncpg

from domain.errors import FieldError, NotFound, ValidationFailed
from domain.merchants import (
    HOST_KINDS,
    DuplicateUscc,
    SourceRow,
    parse_agreement,
    parse_commitment,
    parse_merchant,
    plan_import,
    usccs_mentioned,
)
from service.store import merchants, reference
from service.store.merchants import Agreement, Commitment, Merchant, MerchantFilter

# Linking a complaint to the registry runs inside the routing job's transaction, so it takes a connection.
from service.store.merchants import find_or_create_for_complaint as find_or_create_for_complaint


@dataclass(frozen=True, slots=True)
class MerchantFile:
    merchant: Merchant
    commitments: list[Commitment]
    agreements: list[Agreement]  # published clauses only


@dataclass(frozen=True, slots=True)
class MerchantPage:
    items: list[Merchant]
    total: int


async def _file(conn: asyncpg.Connection, merchant_id: int) -> MerchantFile:
    merchant = await merchants.by_id(conn, merchant_id)
    if merchant is None:
        raise NotFound(f"merchant {merchant_id}")
    return MerchantFile(
        merchant,
        await merchants.commitments(conn, merchant_id),
        await merchants.published_agreements(conn, merchant_id),
    )


async def _check_parent(conn: asyncpg.Connection, parent_id: int | None) -> None:
    if parent_id is None:
        return
    parent = await merchants.by_id(conn, parent_id)
    if parent is None:
        raise ValidationFailed(
            [FieldError("parent_id", "unknown_merchant", "没有这个编号的商家", "No merchant with this id")]
        )
    if parent.kind not in HOST_KINDS:
        raise ValidationFailed(
            [
                FieldError(
                    "parent_id",
                    "not_a_host",
                    "所属平台或市场应为电商平台、商场/市场、展销会或柜台出租者",
                    "The parent must be a platform, market, trade fair or counter lessor",
                )
            ]
        )


async def create_merchant(pool: asyncpg.Pool, data: Mapping[str, Any]) -> MerchantFile:
    """Register a (verified) merchant. DuplicateUscc (a Conflict) when its USCC is registered already."""
    async with pool.acquire() as conn, conn.transaction():
        taxonomy = await reference.taxonomy(conn)
        draft = parse_merchant(data, taxonomy.codes("subdistricts"))
        await _check_parent(conn, draft.parent_id)
        if draft.uscc is not None:
            existing = (await merchants.registered(conn, [draft.uscc])).get(draft.uscc)
            if existing is not None:
                raise DuplicateUscc(draft.uscc, existing.id)
        try:
            merchant_id = await merchants.insert(conn, draft)
        except asyncpg.UniqueViolationError:  # registered by someone else a moment ago
            raise DuplicateUscc(draft.uscc or "", None) from None
        return await _file(conn, merchant_id)


async def merchant_file(pool: asyncpg.Pool, merchant_id: int) -> MerchantFile:
    """A merchant with its parent, deposit balance, commitments and published arbitration clauses."""
    async with pool.acquire() as conn:
        return await _file(conn, merchant_id)


async def list_merchants(
    pool: asyncpg.Pool,
    *,
    q: str | None = None,
    kind: str | None = None,
    unverified: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> MerchantPage:
    """By name; `q` matches a part of the name or a whole USCC."""
    f = MerchantFilter(
        q=(q or "").strip() or None, kind=kind, unverified=unverified, limit=limit, offset=offset
    )
    async with pool.acquire() as conn:
        items, total = await merchants.list_for_staff(conn, f)
    return MerchantPage(items, total)


async def add_commitment(pool: asyncpg.Pool, merchant_id: int, data: Mapping[str, Any]) -> Commitment:
    """Record a first-payment commitment (先行赔付承诺) of the merchant."""
    async with pool.acquire() as conn, conn.transaction():
        if not await merchants.exists(conn, merchant_id):
            raise NotFound(f"merchant {merchant_id}")
        taxonomy = await reference.taxonomy(conn)
        draft = parse_commitment(data, taxonomy.codes("categories"))
        return await merchants.add_commitment(conn, merchant_id, draft)


async def add_agreement(pool: asyncpg.Pool, merchant_id: int, data: Mapping[str, Any]) -> Agreement:
    """Record an arbitration clause the merchant publishes (e.g. in its terms of sale)."""
    async with pool.acquire() as conn, conn.transaction():
        if not await merchants.exists(conn, merchant_id):
            raise NotFound(f"merchant {merchant_id}")
        draft = parse_agreement(data)
        return await merchants.add_agreement(conn, merchant_id, draft)


async def verify(pool: asyncpg.Pool, merchant_id: int, *, now: datetime) -> MerchantFile:
    """Mark a merchant checked (e.g. one created from a complaint). Verifying twice changes nothing."""
    async with pool.acquire() as conn, conn.transaction():
        if not await merchants.set_verified(conn, merchant_id, now):
            raise NotFound(f"merchant {merchant_id}")
        return await _file(conn, merchant_id)


async def import_merchants(pool: asyncpg.Pool, rows: Sequence[SourceRow]) -> int:
    """Import the rows of a file in one transaction: every row is checked first, and if any is bad
    domain.merchants.ImportRejected lists them all and nothing is imported. Returns how many were."""
    async with pool.acquire() as conn, conn.transaction():
        taxonomy = await reference.taxonomy(conn)
        known = await merchants.registered(conn, usccs_mentioned(rows))
        plan = plan_import(rows, taxonomy.codes("subdistricts"), {u: r.kind for u, r in known.items()})
        ids = {u: r.id for u, r in known.items()}
        for item in plan:
            draft = replace(item.draft, parent_id=ids[item.parent_uscc] if item.parent_uscc else None)
            try:
                merchant_id = await merchants.insert(conn, draft)
            except asyncpg.UniqueViolationError:
                raise DuplicateUscc(draft.uscc or "", None) from None
            if draft.uscc is not None:
                ids[draft.uscc] = merchant_id
    return len(plan)
