"""The merchant registry: add, find and check merchants; their commitments and arbitration clauses; the
CSV import (all or nothing); finding a complaint's merchant (a ranked match, DESIGN §2.5 item 6); the
complaint form's suggestions; correcting a merchant made from a complaint and merging a duplicate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import msgspec

from domain import merchant_match
from domain.errors import NotFound, ValidationFailed
from domain.events import EventKind
from domain.merchant_names import normalize
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
from service.queries.merchants import MerchantFile, file_of
from service.store import cases, merchants, office, reference

# Linking a complaint to the registry runs inside the routing job's transaction, so it takes a connection.
from service.store.merchants import Agreement, Commitment, Merchant, Suggestion
from service.store.merchants import find_or_create_for_complaint as find_or_create_for_complaint
from service.usecases.merchant_commands import (
    AddArbitrationClause,
    AddCommitment,
    EditMerchant,
    RegisterMerchant,
)

SUGGEST_MIN_CHARS = 2
SUGGEST_LIMIT = 10
CANDIDATE_LIMIT = 50  # prefiltered rows the scorer ranks


async def _check_parent(conn: asyncpg.Connection, parent_id: int | None) -> None:
    if parent_id is None:
        return
    parent = await merchants.by_id(conn, parent_id)
    if parent is None:
        raise ValidationFailed.one(
            "parent_id", "unknown_merchant", "没有这个编号的商家", "No merchant with this id"
        )
    if parent.kind not in HOST_KINDS:
        raise ValidationFailed.one(
            "parent_id",
            "not_a_host",
            "所属平台或市场应为电商平台、商场/市场、展销会或柜台出租者",
            "The parent must be a platform, market, trade fair or counter lessor",
        )


async def create_merchant(pool: asyncpg.Pool, cmd: RegisterMerchant) -> MerchantFile:
    """Register a (verified) merchant. DuplicateUscc (a Conflict) when its USCC is registered already."""
    async with pool.acquire() as conn, conn.transaction():
        taxonomy = await reference.taxonomy(conn)
        draft = parse_merchant(msgspec.structs.asdict(cmd), taxonomy.codes("subdistricts"))
        await _check_parent(conn, draft.parent_id)
        if draft.uscc is not None:
            existing = (await merchants.registered(conn, [draft.uscc])).get(draft.uscc)
            if existing is not None:
                raise DuplicateUscc(draft.uscc, existing.id)
        try:
            merchant_id = await merchants.insert(conn, draft)
        except asyncpg.UniqueViolationError:  # registered by someone else a moment ago
            raise DuplicateUscc(draft.uscc or "", None) from None
        return await file_of(conn, merchant_id)


async def add_commitment(pool: asyncpg.Pool, merchant_id: int, cmd: AddCommitment) -> Commitment:
    """Record a first-payment commitment (先行赔付承诺) of the merchant."""
    async with pool.acquire() as conn, conn.transaction():
        if not await merchants.exists(conn, merchant_id):
            raise NotFound(f"merchant {merchant_id}")
        taxonomy = await reference.taxonomy(conn)
        draft = parse_commitment(msgspec.structs.asdict(cmd), taxonomy.codes("categories"))
        return await merchants.add_commitment(conn, merchant_id, draft)


async def add_agreement(pool: asyncpg.Pool, merchant_id: int, cmd: AddArbitrationClause) -> Agreement:
    """Record an arbitration clause the merchant publishes (e.g. in its terms of sale)."""
    async with pool.acquire() as conn, conn.transaction():
        if not await merchants.exists(conn, merchant_id):
            raise NotFound(f"merchant {merchant_id}")
        draft = parse_agreement(msgspec.structs.asdict(cmd))
        return await merchants.add_agreement(conn, merchant_id, draft)


async def verify(pool: asyncpg.Pool, merchant_id: int, *, now: datetime) -> MerchantFile:
    """Mark a merchant checked (e.g. one created from a complaint). Verifying twice changes nothing."""
    async with pool.acquire() as conn, conn.transaction():
        if not await merchants.set_verified(conn, merchant_id, now):
            raise NotFound(f"merchant {merchant_id}")
        return await file_of(conn, merchant_id)


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    updated: int


async def import_rows(
    pool: asyncpg.Pool,
    rows: Sequence[SourceRow],
    *,
    update: bool = False,
    actor: str | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """The import, all or nothing. With `update`, a row whose USCC is registered rewrites that merchant
    (found by USCC) instead of being refused as "已登记". With an actor, the import is an office event
    (counts only: the rows carry contact names and phones)."""
    async with pool.acquire() as conn, conn.transaction():
        taxonomy = await reference.taxonomy(conn)
        known = await merchants.registered(conn, usccs_mentioned(rows))
        plan = plan_import(
            rows, taxonomy.codes("subdistricts"), {u: r.kind for u, r in known.items()}, update=update
        )
        ids = {u: r.id for u, r in known.items()}
        created = updated = 0
        for item in plan:
            draft = replace(item.draft, parent_id=ids[item.parent_uscc] if item.parent_uscc else None)
            if update and draft.uscc is not None and draft.uscc in known:
                await merchants.update_from_import(conn, draft, now or datetime.now(UTC))
                updated += 1
                continue
            try:
                merchant_id = await merchants.insert(conn, draft)
            except asyncpg.UniqueViolationError:
                raise DuplicateUscc(draft.uscc or "", None) from None
            created += 1
            if draft.uscc is not None:
                ids[draft.uscc] = merchant_id
        if actor is not None and now is not None:
            await office.add_event(
                conn, "merchants_imported", actor=actor, at=now,
                payload={"created": created, "updated": updated, "update_mode": update},
            )  # fmt: skip
    return ImportResult(created, updated)


# --- finding a complaint's merchant ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Linked:
    merchant_id: int
    how: str  # "uscc", "match" (a confident ranked match), "name_address" or "created"
    best: merchant_match.Scored | None = None

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"merchant_id": self.merchant_id, "how": self.how}
        if self.best is not None:
            out["score"] = self.best.score
            out["reasons"] = [r.text for r in self.best.reasons]
        return out


@dataclass(frozen=True, slots=True)
class ToConfirm:
    candidates: tuple[merchant_match.Scored, ...]


def match_policy(policy_row: Mapping[str, Any]) -> merchant_match.MatchPolicy:
    return merchant_match.MatchPolicy(
        confident=policy_row["merchant_match_confident"],
        plausible=policy_row["merchant_match_plausible"],
        margin=policy_row["merchant_match_margin"],
    )


def query_of(case_row: Mapping[str, Any]) -> merchant_match.Query:
    return merchant_match.Query(
        name=case_row["merchant_name"],
        address=case_row["merchant_address"],
        subdistrict=case_row["subdistrict"],
        platform_name=case_row["platform_name"],
        platform_uscc=case_row["platform_uscc"],
    )


async def ranked_candidates(
    conn: asyncpg.Connection, q: merchant_match.Query, uscc: str | None, policy: merchant_match.MatchPolicy
) -> merchant_match.MatchDecision:
    name_grams, address_grams = merchant_match.prefilter_grams(q)
    found = await merchants.match_candidates(
        conn, name_grams, address_grams, unregistered_uscc=uscc, limit=CANDIDATE_LIMIT
    )
    return merchant_match.decide(q, found, policy)


async def link_for_case(
    conn: asyncpg.Connection, case_row: Mapping[str, Any], policy: merchant_match.MatchPolicy
) -> Linked | ToConfirm:
    """The registry merchant a case is against: by USCC when registered; else one confident ranked match;
    else the plausible candidates for a person to choose from; else an unverified merchant made from
    the complaint (or the one an earlier complaint with the same name and address made)."""
    uscc = case_row["merchant_uscc"]
    if uscc:
        found = (await merchants.registered(conn, [uscc])).get(uscc)
        if found is not None:
            return Linked(found.id, "uscc")
    decision = await ranked_candidates(conn, query_of(case_row), uscc, policy)
    if decision.outcome == "confident" and decision.best is not None:
        return Linked(decision.best.candidate.id, "match", decision.best)
    if decision.outcome == "plausible":
        return ToConfirm(decision.ranked)
    merchant_id, how = await create_from_case(conn, case_row)
    return Linked(merchant_id, how)


async def create_from_case(conn: asyncpg.Connection, case_row: Mapping[str, Any]) -> tuple[int, str]:
    return await find_or_create_for_complaint(
        conn,
        case_row["merchant_name"],
        case_row["merchant_address"],
        case_row["merchant_uscc"],
        subdistrict=case_row["subdistrict"],
        phone=case_row["merchant_phone"],
    )


async def suggest(pool: asyncpg.Pool, text: str) -> list[Suggestion]:
    """Registered merchants for the complaint form, best first: public business data only."""
    q = merchant_match.Query(name=text[:100], address="")
    grams, _ = merchant_match.prefilter_grams(q)
    if len(normalize(text)) < SUGGEST_MIN_CHARS or not grams:
        return []
    async with pool.acquire() as conn:
        found = await merchants.suggest(conn, grams, CANDIDATE_LIMIT)
    by_id = {s.id: s for s in found}
    ranked = merchant_match.rank(
        q, [merchant_match.Candidate(s.id, s.name, s.address, subdistrict=s.subdistrict) for s in found]
    )
    return [by_id[r.candidate.id] for r in ranked if r.name_similarity >= 0.3][:SUGGEST_LIMIT]


FORM_OPTIONS_LIMIT = 200


async def form_options(pool: asyncpg.Pool, typed: str | None, *, today: date) -> list[Suggestion]:
    """The complaint form's <datalist> (the browser filters it as the consumer types, without script):
    suggestions for a name already typed (a form shown again), else the merchants with a commitment."""
    if typed and (found := await suggest(pool, typed)):
        return found
    async with pool.acquire() as conn:
        return await merchants.form_options(conn, today, FORM_OPTIONS_LIMIT)


# --- correcting and merging merchants made from complaints -------------------------------------


async def edit_unverified(
    pool: asyncpg.Pool, merchant_id: int, cmd: EditMerchant, *, now: datetime
) -> MerchantFile:
    """Correct a merchant made from a complaint (name, USCC, address, sub-district, phone). A verified
    merchant is the registry's and is not edited here (409)."""
    async with pool.acquire() as conn, conn.transaction():
        current = await merchants.by_id(conn, merchant_id)
        if current is None:
            raise NotFound(f"merchant {merchant_id}")
        if current.verified or current.merged_into is not None:
            raise merchant_match.LinkRefused(
                "not_unverified",
                "只能修改由投诉信息创建、尚未核实的商家 / Only an unverified merchant can be edited here",
            )
        taxonomy = await reference.taxonomy(conn)
        merged = {
            "name": current.name,
            "address": current.address,
            "uscc": current.uscc,
            "subdistrict": current.subdistrict,
            "contact_phone": current.contact_phone,
            **{k: v for k, v in msgspec.structs.asdict(cmd).items() if v is not None},
        }
        draft = parse_merchant(merged, taxonomy.codes("subdistricts"))
        if draft.uscc is not None:
            existing = (await merchants.registered(conn, [draft.uscc])).get(draft.uscc)
            if existing is not None and existing.id != merchant_id:
                raise DuplicateUscc(draft.uscc, existing.id)
        try:
            await merchants.update_unverified(conn, merchant_id, draft, now)
        except asyncpg.UniqueViolationError:
            raise DuplicateUscc(draft.uscc or "", None) from None
        return await file_of(conn, merchant_id)


BLOCKER_LABELS = {
    "commitments": "先行赔付承诺",
    "ledger": "保证金账户",
    "first_payments": "先行赔付记录",
    "cluster_alerts": "群体投诉提醒",
    "children": "下属商户",
}


@dataclass(frozen=True, slots=True)
class Merged:
    source: Merchant
    into_id: int
    case_ids: list[int]


async def merge_in(
    conn: asyncpg.Connection, merchant_id: int, into_id: object, actor: str, *, now: datetime
) -> Merged:
    """Merge an unverified duplicate into another (usually the registered) merchant, in the caller's
    transaction: its cases move, each with a `merchant_merged` event; its links are revoked; it is never
    matched or listed again. (service.usecases.routing.merge_merchant also routes the open cases again.)"""
    if isinstance(into_id, str) and into_id.strip().isascii() and into_id.strip().isdigit():
        into_id = int(into_id.strip())
    if not isinstance(into_id, int) or isinstance(into_id, bool) or into_id <= 0:
        raise ValidationFailed.one(
            "into_id", "invalid_id", "请填写要并入的商家编号", "The merchant to merge into"
        )
    if into_id == merchant_id:
        raise ValidationFailed.one(
            "into_id", "self", "不能并入自身", "A merchant cannot be merged into itself"
        )
    source = await merchants.by_id(conn, merchant_id)
    if source is None:
        raise NotFound(f"merchant {merchant_id}")
    target = await merchants.by_id(conn, into_id)
    if target is None or target.merged_into is not None:
        raise ValidationFailed.one(
            "into_id", "unknown_merchant", "没有这个编号的商家", "No merchant with this id"
        )
    if source.verified or source.merged_into is not None:
        raise merchant_match.LinkRefused(
            "not_unverified",
            "只能合并由投诉信息创建、尚未核实的重复商家 / Only an unverified duplicate can be merged",
        )
    blockers = await merchants.merge_blockers(conn, merchant_id)
    if blockers:
        what = "、".join(BLOCKER_LABELS.get(b, b) for b in blockers)
        raise merchant_match.LinkRefused(
            "has_ties", f"该商家已有{what}，不能合并 / The merchant has {', '.join(blockers)}"
        )
    if not await merchants.mark_merged(conn, merchant_id, into_id, now):
        raise merchant_match.LinkRefused("already_merged", "该商家已被合并 / Already merged")
    moved = await merchants.move_cases(conn, merchant_id, into_id, now)
    await merchants.revoke_tokens(conn, merchant_id, now)
    for case_id in moved:
        await cases.add_event(
            conn,
            case_id,
            EventKind.MERCHANT_MERGED,
            actor=actor,
            at=now,
            payload={
                "from_merchant_id": merchant_id,
                "merchant_id": into_id,
                "from_name": source.name,
                "name": target.name,
                "released_uscc": source.uscc,
            },
        )
    return Merged(source, into_id, moved)
