"""The merchant registry: merchants, their first-payment commitments and published arbitration clauses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg

from domain.merchant_match import Candidate
from domain.merchants import AgreementDraft, CommitmentDraft, MerchantDraft
from service.store.rows import from_row
from service.store.sql import SQL, one_of


@dataclass(frozen=True, slots=True)
class Merchant(MerchantDraft):
    """A registered merchant: its registry fields (the draft it was made from, as since edited) and what
    the registry adds."""

    id: int
    verified: bool
    topup_overdue_since: datetime | None
    created_at: datetime
    updated_at: datetime
    parent_name: str | None
    parent_kind: str | None
    deposit_balance_fen: int  # the 'deposit' ledger account's balance; 0 when it has none
    merged_into: int | None = None  # a duplicate merged into this merchant (read by by_id only)


@dataclass(frozen=True, slots=True)
class Commitment:
    id: int
    merchant_id: int
    scope_requests: tuple[str, ...]
    scope_categories: tuple[str, ...] | None  # None: every category
    per_claim_cap_fen: int
    active_from: date
    active_until: date | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Agreement:
    id: int
    merchant_id: int
    kind: str
    institution: str
    signed_on: date | None
    note: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MerchantFilter:
    q: str | None = None  # part of the name, or a whole USCC
    kind: str | None = None
    unverified: bool = False
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Registered:
    id: int
    kind: str


def _merchant(row: asyncpg.Record) -> Merchant:
    return Merchant(**{k: v for k, v in row.items() if k != "total"})


def _commitment(row: asyncpg.Record) -> Commitment:
    cats = row["scope_categories"]
    return from_row(
        Commitment,
        row,
        scope_requests=tuple(row["scope_requests"]),
        scope_categories=tuple(cats) if cats is not None else None,
    )


def _registry_fields(draft: MerchantDraft) -> tuple[object, ...]:
    """A draft's registry fields in the order merchants_insert and merchants_update_from_import take
    them ($1 … $10)."""
    return (
        draft.name,
        draft.uscc,
        draft.address,
        draft.subdistrict,
        draft.kind,
        draft.parent_id,
        draft.contact_name,
        draft.contact_phone,
        draft.contact_email,
        draft.ends_on,
    )


async def insert(conn: asyncpg.Connection, draft: MerchantDraft, *, verified: bool = True) -> int:
    """Raises asyncpg.UniqueViolationError when the USCC is already registered."""
    merchant_id: int = await conn.fetchval(SQL["merchants_insert"], *_registry_fields(draft), verified)
    return merchant_id


async def update_from_import(conn: asyncpg.Connection, draft: MerchantDraft, at: datetime) -> int | None:
    """Rewrite the registered merchant with this USCC (an import in update mode); None: none has it."""
    merchant_id: int | None = await conn.fetchval(
        SQL["merchants_update_from_import"], *_registry_fields(draft), at
    )
    return merchant_id


async def insert_from_complaint(
    conn: asyncpg.Connection,
    name: str,
    address: str,
    uscc: str | None,
    subdistrict: str | None,
    phone: str | None,
) -> int | None:
    """An unverified shop; None when a merchant with this USCC exists already."""
    merchant_id: int | None = await conn.fetchval(
        SQL["merchants_insert_from_complaint"], name, uscc, address, subdistrict, phone
    )
    return merchant_id


by_id = one_of("merchants_by_id", int, _merchant)


async def exists(conn: asyncpg.Connection, merchant_id: int) -> bool:
    found: bool = await conn.fetchval(SQL["merchants_exists"], merchant_id)
    return found


async def registered(conn: asyncpg.Connection, usccs: list[str]) -> dict[str, Registered]:
    """The merchants already registered under these USCCs, by USCC."""
    rows = await conn.fetch(SQL["merchants_kinds_by_uscc"], usccs)
    return {r["uscc"]: Registered(r["id"], r["kind"]) for r in rows}


async def by_name_address(conn: asyncpg.Connection, name: str, address: str, uscc: str | None) -> int | None:
    merchant_id: int | None = await conn.fetchval(SQL["merchants_by_name_address"], name, address, uscc)
    return merchant_id


async def lock_name_address(conn: asyncpg.Connection, name: str, address: str) -> None:
    """Held until the transaction ends."""
    await conn.execute(SQL["merchants_lock_name_address"], name, address)


async def list_for_staff(conn: asyncpg.Connection, f: MerchantFilter) -> list[Merchant]:
    rows = await conn.fetch(SQL["merchants_list"], f.q, f.kind, f.unverified, f.limit, f.offset)
    return [_merchant(r) for r in rows]


async def count_for_staff(conn: asyncpg.Connection, f: MerchantFilter, cap: int) -> int:
    """How many merchants the filters match, counting no further than `cap`."""
    counted: int = await conn.fetchval(SQL["merchants_count_capped"], f.q, f.kind, f.unverified, cap)
    return counted


async def set_verified(conn: asyncpg.Connection, merchant_id: int, at: datetime) -> bool:
    found = await conn.fetchval(SQL["merchants_verify"], merchant_id, at)
    return found is not None


async def add_commitment(conn: asyncpg.Connection, merchant_id: int, draft: CommitmentDraft) -> Commitment:
    row = await conn.fetchrow(
        SQL["commitments_insert"],
        merchant_id,
        list(draft.scope_requests),
        list(draft.scope_categories) if draft.scope_categories is not None else None,
        draft.per_claim_cap_fen,
        draft.active_from,
        draft.active_until,
    )
    assert row is not None
    return _commitment(row)


async def commitments(conn: asyncpg.Connection, merchant_id: int) -> list[Commitment]:
    return [_commitment(r) for r in await conn.fetch(SQL["commitments_for_merchant"], merchant_id)]


async def add_agreement(conn: asyncpg.Connection, merchant_id: int, draft: AgreementDraft) -> Agreement:
    assert draft.kind == "published", "an agreement signed for a case belongs to the case"
    row = await conn.fetchrow(
        SQL["arbitration_agreements_insert_published"],
        merchant_id,
        draft.institution,
        draft.signed_on,
        draft.note,
    )
    assert row is not None
    return Agreement(**dict(row))


async def published_agreements(conn: asyncpg.Connection, merchant_id: int) -> list[Agreement]:
    return [
        Agreement(**dict(r)) for r in await conn.fetch(SQL["arbitration_agreements_published"], merchant_id)
    ]


async def find_or_create_for_complaint(
    conn: asyncpg.Connection,
    name: str,
    address: str,
    uscc: str | None,
    *,
    subdistrict: str | None = None,
    phone: str | None = None,
) -> tuple[int, str]:
    """The registry merchant a complaint is against, and how it was found: "uscc", "name_address" or
    "created" (an unverified shop made from the complaint's data).

    Runs in the caller's transaction: two complaints against the same new merchant take turns on a lock
    held until commit, so they link to one merchant. A merchant registered under another USCC never
    matches by name and address. `uscc` is expected normalised (as intake stores it).
    """
    if uscc:
        found = (await registered(conn, [uscc])).get(uscc)
        if found is not None:
            return found.id, "uscc"
    await lock_name_address(conn, name, address)
    same = await by_name_address(conn, name, address, uscc)
    if same is not None:
        return same, "name_address"
    created = await insert_from_complaint(conn, name, address, uscc, subdistrict, phone)
    if created is None:  # registered under this USCC by another transaction since we looked
        assert uscc
        return (await registered(conn, [uscc]))[uscc].id, "uscc"
    return created, "created"


# --- matching a complaint's merchant (domain.merchant_match scores what these find) ----------------


async def match_candidates(
    conn: asyncpg.Connection,
    name_grams: list[str],
    address_grams: list[str],
    *,
    unregistered_uscc: str | None,
    limit: int = 50,
) -> list[Candidate]:
    rows = await conn.fetch(
        SQL["merchants_match_candidates"], name_grams, address_grams, unregistered_uscc, limit
    )
    return [Candidate(**dict(r)) for r in rows]


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    name: str
    address: str
    subdistrict: str | None


async def suggest(conn: asyncpg.Connection, name_grams: list[str], limit: int) -> list[Suggestion]:
    return [Suggestion(**dict(r)) for r in await conn.fetch(SQL["merchants_suggest"], name_grams, limit)]


async def update_unverified(
    conn: asyncpg.Connection, merchant_id: int, draft: MerchantDraft, at: datetime
) -> bool:
    """Raises asyncpg.UniqueViolationError when the USCC belongs to another merchant."""
    found = await conn.fetchval(
        SQL["merchants_update_unverified"],
        merchant_id,
        draft.name,
        draft.address,
        draft.subdistrict,
        draft.uscc,
        draft.contact_phone,
        at,
    )
    return found is not None


async def merge_blockers(conn: asyncpg.Connection, merchant_id: int) -> list[str]:
    """What ties the merchant to money or decisions (commitments, ledger, ...): empty when none."""
    row = await conn.fetchrow(SQL["merchants_merge_blockers"], merchant_id)
    assert row is not None
    return [k for k, v in row.items() if v]


async def mark_merged(conn: asyncpg.Connection, merchant_id: int, into_id: int, at: datetime) -> bool:
    return await conn.fetchval(SQL["merchants_merge"], merchant_id, into_id, at) is not None


async def move_cases(conn: asyncpg.Connection, from_id: int, into_id: int, at: datetime) -> list[int]:
    return [r["id"] for r in await conn.fetch(SQL["cases_move_merchant"], from_id, into_id, at)]


async def revoke_tokens(conn: asyncpg.Connection, merchant_id: int, at: datetime) -> None:
    await conn.execute(SQL["merchant_tokens_revoke_for_merchant"], merchant_id, at)


async def await_merchant(
    conn: asyncpg.Connection, case_id: int, *, status: str, candidates: list[dict[str, Any]], at: datetime
) -> None:
    await conn.execute(SQL["cases_await_merchant"], case_id, status, candidates, at)


async def link_case(
    conn: asyncpg.Connection, case_id: int, *, status: str, merchant_id: int, at: datetime
) -> None:
    await conn.execute(SQL["cases_link_merchant"], case_id, status, merchant_id, at)


async def form_options(conn: asyncpg.Connection, today: date, limit: int) -> list[Suggestion]:
    return [Suggestion(**dict(r)) for r in await conn.fetch(SQL["merchants_form_options"], today, limit)]
