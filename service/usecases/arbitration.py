"""Arbitration referrals (第三方质量争议仲裁): only under an agreement, with the bundle and the award.

The regulator cannot send a case to arbitration on its own (DESIGN §2.5.2): a referral names an
agreement — the clause the merchant published, or a written or implied one recorded for this case.
Each action is one transaction that locks the case and appends an event carrying the actor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg

from domain import arbitration as rules
from domain.errors import FieldError, NotFound, ValidationFailed
from domain.events import staff_label
from domain.lifecycle import STATUS_LABELS, Status
from domain.money import format_yuan
from domain.taxonomy import REQUEST_KINDS
from service.store import arbitration as store
from service.store import cases, reference, staff
from service.store.staff import StaffUser
from service.usecases.casework import held_case
from service.usecases.clock import local_date, local_time


def event_label(kind: str) -> str:
    """The bundle reads like the case history: the staff label of domain.events."""
    return staff_label(kind)


async def refer(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    *,
    agreement_id: object,
    kind: object,
    institution: object,
    signed_on: object,
    note: object,
    now: datetime,
) -> int:
    """Refer a case in the arbitration stage to the institution its agreement names; returns the agreement id.

    Either `agreement_id` (the merchant's published clause, or an agreement already recorded for this case)
    or a new case-level agreement (`kind` written | implied, `institution`, `signed_on`, `note`).
    """
    today = local_date(now)
    given = rules.referral_input(agreement_id, kind, institution, signed_on, note, today=today)
    async with pool.acquire() as conn, conn.transaction():
        row = await held_case(conn, case_id, actor)
        if row["status"] != Status.ARBITRATION:
            raise rules.CaseworkConflict(
                "not_in_arbitration",
                f"案件须先分流至仲裁程序，才能登记仲裁移送（当前状态：{STATUS_LABELS[Status(row['status'])][0]}）",
            )
        if await store.referral(conn, case_id) is not None:
            raise rules.CaseworkConflict("already_referred", "本案已移送仲裁，不能重复移送")
        if given.agreement_id is not None:
            found = await store.agreement(conn, given.agreement_id)
            if found is None or not rules.agreement_usable(
                found["kind"], found["merchant_id"], found["case_id"], case_id, row["merchant_id"]
            ):
                raise ValidationFailed(
                    [
                        FieldError(
                            "agreement_id",
                            "not_usable",
                            "该仲裁协议不适用于本案：只能选择为本案登记的协议，或本案经营者公开的仲裁条款",
                            "Not an agreement of this case or of its business",
                        )
                    ]
                )
            used_id, used_kind, used_institution = found["id"], found["kind"], found["institution"]
        else:
            new = given.new
            assert new is not None
            used_id = await store.add_agreement(
                conn,
                merchant_id=row["merchant_id"],
                case_id=case_id,
                kind=new.kind,
                institution=new.institution,
                signed_on=new.signed_on,
                note=new.note,
            )
            used_kind, used_institution = new.kind, new.institution
        if not await store.add_referral(conn, case_id, used_id, used_institution, today):
            raise rules.CaseworkConflict("already_referred", "本案已移送仲裁，不能重复移送")
        await cases.add_event(
            conn,
            case_id,
            "arbitration_referred",
            actor=actor.actor,
            at=now,
            payload={
                "institution": used_institution,
                "agreement_kind": used_kind,
                "agreement_id": used_id,
                "referred_on": today.isoformat(),
            },
        )
    return int(used_id)


async def record_award(
    pool: asyncpg.Pool,
    case_id: int,
    actor: StaffUser,
    *,
    award_on: object,
    award_for: object,
    amount: object,
    now: datetime,
) -> None:
    """Record the institution's award (once): for the consumer, partly, or dismissing the request."""
    async with pool.acquire() as conn, conn.transaction():
        await held_case(conn, case_id, actor)
        ref = await store.referral(conn, case_id)
        if ref is None:
            raise rules.CaseworkConflict("not_referred", "本案尚未移送仲裁，不能登记裁决")
        if ref["award_on"] is not None:
            raise rules.CaseworkConflict("award_recorded", "本案已登记仲裁裁决，不能重复登记")
        award = rules.award_input(
            award_on, award_for, amount, today=local_date(now), referred_on=ref["referred_on"]
        )
        await store.record_award(conn, case_id, award.award_on, award.award_for, award.amount_fen)
        await cases.add_event(
            conn,
            case_id,
            "arbitration_award",
            actor=actor.actor,
            at=now,
            payload={
                "institution": ref["institution"],
                "award_on": award.award_on.isoformat(),
                "award_for": award.award_for,
                "amount": format_yuan(award.amount_fen) if award.amount_fen is not None else None,
            },
        )


# --- the referral bundle -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime  # Asia/Shanghai
    kind: str
    label: str
    actor: str


@dataclass(frozen=True, slots=True)
class EvidenceEntry:
    id: int
    name: str
    content_type: str
    size_bytes: int
    sha256: str  # the full SHA-256: the institution checks each file against it
    uploaded_at: datetime  # Asia/Shanghai


@dataclass(frozen=True, slots=True)
class Statement:
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class LabReport:
    id: int
    lab: str
    started_on: date
    finished_on: date | None
    fee: str  # yuan
    fee_advanced_by: str  # zh
    consumer_guarantee: str  # yuan
    finding: str | None
    at_fault: str | None
    at_fault_label: str | None
    fee_payer_label: str | None
    report_name: str | None
    report_sha256: str | None


@dataclass(frozen=True, slots=True)
class AgreementInfo:
    id: int
    kind: str
    kind_label: str
    institution: str
    signed_on: date | None
    note: str | None


@dataclass(frozen=True, slots=True)
class AwardInfo:
    award_on: date
    award_for: str
    award_for_label: str
    amount: str | None  # yuan


@dataclass(frozen=True, slots=True)
class Bundle:
    case_id: int
    tracking_no: str
    status: str
    status_label: str
    received_at: datetime  # Asia/Shanghai
    accepted_on: date | None
    consumer_name: str
    merchant_name: str
    merchant_address: str
    merchant_uscc: str | None
    platform_name: str | None
    quality_domain_label: str
    category: str
    category_label: str
    problem_type_label: str
    purchase_date: date
    amount_paid: str  # yuan
    claim_amount: str  # yuan
    requests: list[str]  # zh
    description: str
    consumer_position: list[Statement]
    merchant_position: list[Statement]
    offers: list[Statement]  # [("", "无")] when none was made
    tests: list[LabReport]
    agreement: AgreementInfo | None  # the referral's; None before the referral
    agreements_available: list[AgreementInfo]  # what the case could be referred under
    institution: str | None
    referred_on: date | None
    award: AwardInfo | None
    timeline: list[TimelineEntry]
    evidence: list[EvidenceEntry]


def _words(payload: Mapping[str, Any]) -> str | None:
    for key in ("note", "answer", "reason", "text", "message"):
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _offer_text(payload: Mapping[str, Any]) -> str:
    parts = []
    if payload.get("remedy"):
        remedy = str(payload["remedy"])
        parts.append(REQUEST_KINDS.get(remedy, (remedy,))[0])
    if payload.get("amount"):
        parts.append(f"{payload['amount']} 元")
    if payload.get("deadline"):
        parts.append(f"期限 {payload['deadline']}")
    words = _words(payload)
    if words:
        parts.append(words)
    return "，".join(parts) or "（未附内容）"


def _ymd(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _agreement_info(r: Mapping[str, Any]) -> AgreementInfo:
    return AgreementInfo(
        id=r["id"],
        kind=r["kind"],
        kind_label=rules.AGREEMENT_KINDS[r["kind"]][0],
        institution=r["institution"],
        signed_on=r["signed_on"],
        note=r["note"],
    )


def _test_report(t: Mapping[str, Any]) -> LabReport:
    fault = t["at_fault"]
    return LabReport(
        id=t["id"],
        lab=t["lab"],
        started_on=t["started_on"],
        finished_on=t["finished_on"],
        fee=format_yuan(t["fee_fen"]),
        fee_advanced_by=rules.FEE_ADVANCED_BY[t["fee_advanced_by"]][0],
        consumer_guarantee=format_yuan(t["consumer_guarantee_fen"]),
        finding=t["finding"],
        at_fault=fault,
        at_fault_label=rules.AT_FAULT[fault][0] if fault else None,
        fee_payer_label=rules.FEE_PAYERS[rules.fee_payer(fault)][0] if fault else None,
        report_name=t["report_name"],
        report_sha256=t["report_sha256"],
    )


async def bundle(pool: asyncpg.Pool, case_id: int) -> Bundle:
    """Everything the arbitration institution receives: facts, timeline, evidence index, the parties'
    positions, offers, test reports, the agreement. No access code, no identity number, no phone."""
    async with pool.acquire() as conn:
        c = await cases.by_id(conn, case_id)
        if c is None:
            raise NotFound(f"case {case_id}")
        events = await cases.events(conn, case_id)
        evidence = await cases.evidence(conn, case_id)
        taxonomy = await reference.taxonomy(conn)
        ref = await store.referral(conn, case_id)
        tests = await store.product_tests(conn, case_id)
        usable = await store.usable_agreements(conn, case_id, c["merchant_id"])
        fp_note = await store.first_payment_note(conn, case_id)
        staff_ids = sorted({int(e.actor.split(":", 1)[1]) for e in events if e.actor.startswith("staff:")})
        names = {f"staff:{k}": v for k, v in (await staff.names(conn, staff_ids)).items()}
    names = {"consumer": "消费者", "system": "系统", "merchant": "经营者", **names}

    requests = [REQUEST_KINDS[r][0] for r in c["requests"] if r in REQUEST_KINDS]
    claim = format_yuan(c["claim_amount_fen"])
    merchant_says = [
        Statement(f"{event_label(e.kind)}（{_ymd(local_date(e.at))}）", _words(e.payload) or "（未附说明）")
        for e in events
        if e.kind in rules.MERCHANT_POSITION_EVENTS
    ]
    if fp_note and fp_note.strip():
        merchant_says.append(Statement("先行赔付程序中经营者的意见", fp_note.strip()))
    offers = [
        Statement(f"{event_label(e.kind)}（{_ymd(local_date(e.at))}）", _offer_text(e.payload))
        for e in events
        if e.kind in rules.OFFER_EVENTS
    ]
    return Bundle(
        case_id=c["id"],
        tracking_no=c["tracking_no"],
        status=c["status"],
        status_label=STATUS_LABELS[Status(c["status"])][0],
        received_at=local_time(c["received_at"]),
        accepted_on=c["accepted_on"],
        consumer_name=c["consumer_name"],
        merchant_name=c["merchant_name"],
        merchant_address=c["merchant_address"],
        merchant_uscc=c["merchant_uscc"],
        platform_name=c["platform_name"],
        quality_domain_label=taxonomy.label("quality_domains", c["quality_domain"]),
        category=c["category"],
        category_label=taxonomy.label("categories", c["category"]),
        problem_type_label=taxonomy.label("problem_types", c["problem_type"]),
        purchase_date=c["purchase_date"],
        amount_paid=format_yuan(c["amount_paid_fen"]),
        claim_amount=claim,
        requests=requests,
        description=c["description"],
        consumer_position=[
            Statement("事实与理由", c["description"]),
            Statement("请求事项", "、".join(requests) or "—"),
            Statement("请求金额", f"{claim} 元"),
        ],
        merchant_position=merchant_says or [Statement("", rules.NO_MERCHANT_POSITION)],
        offers=offers or [Statement("", rules.NO_OFFERS)],
        tests=[_test_report(t) for t in tests],
        agreement=AgreementInfo(
            id=ref["agreement_id"],
            kind=ref["agreement_kind"],
            kind_label=rules.AGREEMENT_KINDS[ref["agreement_kind"]][0],
            institution=ref["agreement_institution"],
            signed_on=ref["agreement_signed_on"],
            note=ref["agreement_note"],
        )
        if ref
        else None,
        agreements_available=[_agreement_info(a) for a in usable],
        institution=ref["institution"] if ref else None,
        referred_on=ref["referred_on"] if ref else None,
        award=AwardInfo(
            award_on=ref["award_on"],
            award_for=ref["award_for"],
            award_for_label=rules.AWARD_FOR[ref["award_for"]][0],
            amount=format_yuan(ref["award_amount_fen"]) if ref["award_amount_fen"] is not None else None,
        )
        if ref and ref["award_on"]
        else None,
        timeline=[
            TimelineEntry(local_time(e.at), e.kind, event_label(e.kind), names.get(e.actor, e.actor))
            for e in events
        ],
        evidence=[
            EvidenceEntry(
                id=e["id"],
                name=e["original_name"] or f"证据材料{i}",
                content_type=e["content_type"],
                size_bytes=e["size_bytes"],
                sha256=e["sha256"],
                uploaded_at=local_time(e["uploaded_at"]),
            )
            for i, e in enumerate(evidence, start=1)
        ],
    )


# --- the case page ---------------------------------------------------------------------------------------


async def case_work_context(pool: asyncpg.Pool, case_id: int) -> dict[str, Any]:
    """What the case page's work section shows: {"tests", "referral", "agreements"}.

    tests: product_tests rows (+ fee, consumer_guarantee in yuan, zh labels, report_sha256);
    referral: the arbitration_referrals row (+ agreement kind and labels, award amount in yuan) or None;
    agreements: the agreements this case may be referred under (+ kind_label).
    """
    async with pool.acquire() as conn:
        c = await cases.by_id(conn, case_id)
        if c is None:
            raise NotFound(f"case {case_id}")
        tests = await store.product_tests(conn, case_id)
        ref = await store.referral(conn, case_id)
        usable = await store.usable_agreements(conn, case_id, c["merchant_id"])
    return {
        "tests": [
            {
                **dict(t),
                "fee": format_yuan(t["fee_fen"]),
                "consumer_guarantee": format_yuan(t["consumer_guarantee_fen"]),
                "advanced_by_label": rules.FEE_ADVANCED_BY[t["fee_advanced_by"]][0],
                "at_fault_label": rules.AT_FAULT[t["at_fault"]][0] if t["at_fault"] else None,
                "fee_payer_label": rules.FEE_PAYERS[rules.fee_payer(t["at_fault"])][0]
                if t["at_fault"]
                else None,
            }
            for t in tests
        ],
        "referral": {
            **dict(ref),
            "agreement_kind_label": rules.AGREEMENT_KINDS[ref["agreement_kind"]][0],
            "award_for_label": rules.AWARD_FOR[ref["award_for"]][0] if ref["award_for"] else None,
            "award_amount": format_yuan(ref["award_amount_fen"])
            if ref["award_amount_fen"] is not None
            else None,
        }
        if ref
        else None,
        "agreements": [{**dict(a), "kind_label": rules.AGREEMENT_KINDS[a["kind"]][0]} for a in usable],
    }
