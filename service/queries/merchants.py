"""The merchant registry as staff read it: a merchant's file (commitments, published arbitration clauses),
the list, the merchant a case is against; and the same as the API's views (yuan strings, labels, a
commitment's state today). Public business data only where the public reads it (suggestions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec

from domain.errors import NotFound
from domain.merchants import KINDS, commitment_state
from domain.money import format_yuan
from service.store import cases, merchants
from service.store.merchants import Agreement, Commitment, Merchant, MerchantFilter, Suggestion
from service.store.rows import from_attrs

# --- what the pages read -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MerchantFile:
    merchant: Merchant
    commitments: list[Commitment]
    agreements: list[Agreement]  # published clauses only


COUNT_CAP = 10_000  # the registry list's total is exact up to this many merchants; beyond, "10,000+"


@dataclass(frozen=True, slots=True)
class MerchantPage:
    items: list[Merchant]
    total: int  # exact, or a lower bound when total_is_lower_bound
    total_is_lower_bound: bool = False


@dataclass(frozen=True, slots=True)
class CaseMerchant:
    status: str
    merchant: Merchant | None  # the linked registry merchant
    candidates: list[dict[str, Any]]  # while the case waits in merchant_to_confirm, best first


async def file_of(conn: asyncpg.Connection, merchant_id: int) -> MerchantFile:
    merchant = await merchants.by_id(conn, merchant_id)
    if merchant is None:
        raise NotFound(f"merchant {merchant_id}")
    return MerchantFile(
        merchant,
        await merchants.commitments(conn, merchant_id),
        await merchants.published_agreements(conn, merchant_id),
    )


async def merchant_file(pool: asyncpg.Pool, merchant_id: int) -> MerchantFile:
    """A merchant with its parent, deposit balance, commitments and published arbitration clauses."""
    async with pool.acquire() as conn:
        return await file_of(conn, merchant_id)


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
    # counted up to the cap, or one past the page asked for (so a deep page knows whether one follows)
    cap = max(COUNT_CAP, offset + limit + 1)
    async with pool.acquire() as conn:
        items = await merchants.list_for_staff(conn, f)
        counted = await merchants.count_for_staff(conn, f, cap + 1)
    capped = counted > cap
    return MerchantPage(items, cap if capped else counted, total_is_lower_bound=capped)


async def case_merchant(pool: asyncpg.Pool, case_id: int) -> CaseMerchant:
    async with pool.acquire() as conn:
        row = await cases.by_id(conn, case_id)
        if row is None:
            raise NotFound(f"case {case_id}")
        linked = await merchants.by_id(conn, row["merchant_id"]) if row["merchant_id"] else None
    return CaseMerchant(row["status"], linked, list(row["merchant_candidates"] or []))


# --- what the API returns ------------------------------------------------------------------------------


class ParentRef(msgspec.Struct):
    id: int
    name: str | None
    kind: str | None

    @classmethod
    def of(cls, m: Merchant) -> ParentRef | None:
        return cls(m.parent_id, m.parent_name, m.parent_kind) if m.parent_id is not None else None


class CommitmentView(msgspec.Struct):
    """A first-payment commitment (先行赔付承诺)."""

    id: int
    scope_requests: list[str]
    scope_categories: list[str] | None  # null: every category
    per_claim_cap: str  # yuan
    active_from: date
    active_until: date | None
    state: str  # pending, active or expired today
    created_at: datetime

    @classmethod
    def of(cls, c: Commitment, today: date) -> CommitmentView:
        return cls(
            id=c.id,
            scope_requests=list(c.scope_requests),
            scope_categories=list(c.scope_categories) if c.scope_categories is not None else None,
            per_claim_cap=format_yuan(c.per_claim_cap_fen),
            active_from=c.active_from,
            active_until=c.active_until,
            state=commitment_state(c.active_from, c.active_until, today),
            created_at=c.created_at,
        )


class ArbitrationClauseView(msgspec.Struct):
    """An arbitration clause the merchant publishes (a case's own agreement is the case's)."""

    id: int
    kind: str
    institution: str
    signed_on: date | None
    note: str | None
    created_at: datetime

    @classmethod
    def of(cls, a: Agreement) -> ArbitrationClauseView:
        return cls(a.id, a.kind, a.institution, a.signed_on, a.note, a.created_at)


class MerchantSummary(msgspec.Struct):
    id: int
    name: str
    uscc: str | None
    address: str
    subdistrict: str | None
    kind: str
    kind_label: str
    parent: ParentRef | None
    verified: bool
    ends_on: date | None
    deposit_balance: str  # yuan
    topup_overdue_since: datetime | None

    @classmethod
    def of(cls, m: Merchant) -> MerchantSummary:
        return from_attrs(
            cls,
            m,
            kind_label=KINDS[m.kind][0],
            parent=ParentRef.of(m),
            deposit_balance=format_yuan(m.deposit_balance_fen),
        )


class MerchantList(msgspec.Struct):
    total: int  # exact unless total_is_lower_bound: then "at least this many" (the count stops there)
    items: list[MerchantSummary]
    total_is_lower_bound: bool = False

    @classmethod
    def of(cls, page: MerchantPage) -> MerchantList:
        return cls(page.total, [MerchantSummary.of(m) for m in page.items], page.total_is_lower_bound)


class MerchantView(MerchantSummary):
    """A merchant's file, with its contacts (staff only)."""

    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    created_at: datetime
    updated_at: datetime
    commitments: list[CommitmentView]
    agreements: list[ArbitrationClauseView]

    @classmethod
    def of_file(cls, f: MerchantFile, today: date) -> MerchantView:
        m = f.merchant
        return from_attrs(  # the summary's worded fields first, then the file's own
            cls,
            MerchantSummary.of(m),
            m,
            commitments=[CommitmentView.of(c, today) for c in f.commitments],
            agreements=[ArbitrationClauseView.of(a) for a in f.agreements],
        )


class MerchantSuggestion(msgspec.Struct):
    """Public business data only: never a contact."""

    name: str
    address: str
    subdistrict: str | None


class MerchantSuggestions(msgspec.Struct):
    items: list[MerchantSuggestion]

    @classmethod
    def of(cls, found: list[Suggestion]) -> MerchantSuggestions:
        return cls([MerchantSuggestion(s.name, s.address, s.subdistrict) for s in found])


class MatchReason(msgspec.Struct):
    code: str
    points: int
    text: str


class MatchCandidate(msgspec.Struct):
    merchant_id: int
    name: str
    address: str
    uscc: str | None
    verified: bool
    score: int
    reasons: list[MatchReason]

    @classmethod
    def of(cls, c: dict[str, Any]) -> MatchCandidate:
        return cls(
            merchant_id=c["merchant_id"],
            name=c["name"],
            address=c["address"],
            uscc=c.get("uscc"),
            verified=bool(c.get("verified")),
            score=c["score"],
            reasons=[MatchReason(r["code"], r["points"], r["text"]) for r in c.get("reasons", [])],
        )


class LinkedMerchant(msgspec.Struct):
    id: int
    name: str
    verified: bool


class CaseMerchantView(msgspec.Struct):
    case_id: int
    status: str
    merchant: LinkedMerchant | None  # the linked registry merchant
    candidates: list[MatchCandidate]  # while status is merchant_to_confirm


async def case_merchant_view(pool: asyncpg.Pool, case_id: int) -> CaseMerchantView:
    v = await case_merchant(pool, case_id)
    linked = LinkedMerchant(v.merchant.id, v.merchant.name, v.merchant.verified) if v.merchant else None
    return CaseMerchantView(case_id, v.status, linked, [MatchCandidate.of(c) for c in v.candidates])
