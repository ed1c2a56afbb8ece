"""The arbitration read side: the referral bundle the institution receives (facts, timeline, evidence
index, the parties' positions, offers, test reports, the agreement), and the case page's section on
product testing and arbitration. No access code, no identity number, no phone leaves here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec

from domain import arbitration as rules
from domain import product_testing as testing_rules
from domain.errors import NotFound
from domain.events import staff_label
from domain.lifecycle import STATUS_LABELS, Status
from domain.money import format_yuan
from domain.taxonomy import REQUEST_KINDS
from service.store import arbitration as store
from service.store import cases, product_tests, reference, staff
from service.store.rows import from_row
from service.usecases.clock import local_date, local_time


class BundleTimelineEntry(msgspec.Struct, frozen=True):
    at: datetime  # Asia/Shanghai
    kind: str
    label: str
    actor: str


class BundleEvidence(msgspec.Struct, frozen=True):
    id: int
    name: str
    content_type: str
    size_bytes: int
    sha256: str  # the full SHA-256: the institution checks each file against it
    uploaded_at: datetime  # Asia/Shanghai


class BundleStatement(msgspec.Struct, frozen=True):
    label: str
    text: str


class LabReport(msgspec.Struct, frozen=True):
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


class ArbitrationAgreement(msgspec.Struct, frozen=True):
    id: int
    kind: str
    kind_label: str
    institution: str
    signed_on: date | None
    note: str | None


class ArbitrationAward(msgspec.Struct, frozen=True):
    award_on: date
    award_for: str
    award_for_label: str
    amount: str | None  # yuan


class ArbitrationBundle(msgspec.Struct, frozen=True):
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
    consumer_position: list[BundleStatement]
    merchant_position: list[BundleStatement]
    offers: list[BundleStatement]  # [("", "无")] when none was made
    tests: list[LabReport]
    agreement: ArbitrationAgreement | None  # the referral's; None before the referral
    agreements_available: list[ArbitrationAgreement]  # what the case could be referred under
    institution: str | None
    referred_on: date | None
    award: ArbitrationAward | None
    timeline: list[BundleTimelineEntry]
    evidence: list[BundleEvidence]


class ArbitrationReferralInfo(msgspec.Struct, frozen=True):
    agreement: ArbitrationAgreement
    institution: str
    referred_on: date
    award: ArbitrationAward | None


class CaseWork(msgspec.Struct, frozen=True):
    """The case page's section on product testing and arbitration (templates/_case_work.html)."""

    tests: list[LabReport]
    referral: ArbitrationReferralInfo | None
    agreements: list[ArbitrationAgreement]  # what the case may be referred under


# --- shaping records -------------------------------------------------------------------------------------


def event_label(kind: str) -> str:
    """The bundle reads like the case history: the staff label of domain.events."""
    return staff_label(kind)


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


def _agreement(r: Mapping[str, Any], prefix: str = "") -> ArbitrationAgreement:
    """An agreement row, or the referral row's agreement columns (`prefix` "agreement_")."""
    kind = r[f"{prefix}kind"]
    return ArbitrationAgreement(
        id=r["agreement_id" if prefix else "id"],
        kind=kind,
        kind_label=rules.AGREEMENT_KINDS[kind][0],
        institution=r[f"{prefix}institution"],
        signed_on=r[f"{prefix}signed_on"],
        note=r[f"{prefix}note"],
    )


def _lab_report(t: Mapping[str, Any]) -> LabReport:
    fault = t["at_fault"]
    return LabReport(
        id=t["id"],
        lab=t["lab"],
        started_on=t["started_on"],
        finished_on=t["finished_on"],
        fee=format_yuan(t["fee_fen"]),
        fee_advanced_by=testing_rules.FEE_ADVANCED_BY[t["fee_advanced_by"]][0],
        consumer_guarantee=format_yuan(t["consumer_guarantee_fen"]),
        finding=t["finding"],
        at_fault=fault,
        at_fault_label=testing_rules.AT_FAULT[fault][0] if fault else None,
        fee_payer_label=testing_rules.FEE_PAYERS[testing_rules.fee_payer(fault)][0] if fault else None,
        report_name=t["report_name"],
        report_sha256=t["report_sha256"],
    )


def _award(ref: Mapping[str, Any] | None) -> ArbitrationAward | None:
    if not ref or not ref["award_on"]:
        return None
    fen = ref["award_amount_fen"]
    return ArbitrationAward(
        award_on=ref["award_on"],
        award_for=ref["award_for"],
        award_for_label=rules.AWARD_FOR[ref["award_for"]][0],
        amount=format_yuan(fen) if fen is not None else None,
    )


def _statements(events: list[cases.Event], kinds: tuple[str, ...], text: Any) -> list[BundleStatement]:
    return [
        BundleStatement(f"{event_label(e.kind)}（{_ymd(local_date(e.at))}）", text(e.payload))
        for e in events
        if e.kind in kinds
    ]


# --- the case page ---------------------------------------------------------------------------------------


async def _case_and_work(
    conn: asyncpg.Connection, case_id: int
) -> tuple[asyncpg.Record, list[asyncpg.Record], asyncpg.Record | None, list[asyncpg.Record]]:
    """The case, its product tests, its referral (or None), the agreements it may be referred under."""
    c = await cases.by_id(conn, case_id)
    if c is None:
        raise NotFound(f"case {case_id}")
    tests = await product_tests.product_tests(conn, case_id)
    ref = await store.referral(conn, case_id)
    return c, tests, ref, await store.usable_agreements(conn, case_id, c["merchant_id"])


async def case_work(pool: asyncpg.Pool, case_id: int) -> CaseWork:
    async with pool.acquire() as conn:
        _, tests, ref, usable = await _case_and_work(conn, case_id)
    referral = None
    if ref:
        referral = ArbitrationReferralInfo(
            _agreement(ref, "agreement_"), ref["institution"], ref["referred_on"], _award(ref)
        )
    return CaseWork([_lab_report(t) for t in tests], referral, [_agreement(a) for a in usable])


# --- the referral bundle ---------------------------------------------------------------------------------


async def bundle(pool: asyncpg.Pool, case_id: int) -> ArbitrationBundle:
    """Everything the arbitration institution receives."""
    async with pool.acquire() as conn:
        c, tests, ref, usable = await _case_and_work(conn, case_id)
        events = await cases.events(conn, case_id)
        evidence = await cases.evidence(conn, case_id)
        taxonomy = await reference.taxonomy(conn)
        fp_note = await store.first_payment_note(conn, case_id)
        staff_ids = sorted({int(e.actor.split(":", 1)[1]) for e in events if e.actor.startswith("staff:")})
        names = {f"staff:{k}": v for k, v in (await staff.names(conn, staff_ids)).items()}
    requests = [REQUEST_KINDS[r][0] for r in c["requests"] if r in REQUEST_KINDS]
    claim = format_yuan(c["claim_amount_fen"])
    return from_row(  # the case's own columns as they are, the rest worded for the institution
        ArbitrationBundle,
        c,
        case_id=c["id"],
        status_label=STATUS_LABELS[Status(c["status"])][0],
        received_at=local_time(c["received_at"]),
        quality_domain_label=taxonomy.label("quality_domains", c["quality_domain"]),
        category_label=taxonomy.label("categories", c["category"]),
        problem_type_label=taxonomy.label("problem_types", c["problem_type"]),
        amount_paid=format_yuan(c["amount_paid_fen"]),
        claim_amount=claim,
        requests=requests,
        consumer_position=[
            BundleStatement("事实与理由", c["description"]),
            BundleStatement("请求事项", "、".join(requests) or "—"),
            BundleStatement("请求金额", f"{claim} 元"),
        ],
        merchant_position=_merchant_position(events, fp_note),
        offers=_statements(events, rules.OFFER_EVENTS, _offer_text) or [BundleStatement("", rules.NO_OFFERS)],
        tests=[_lab_report(t) for t in tests],
        agreement=_agreement(ref, "agreement_") if ref else None,
        agreements_available=[_agreement(a) for a in usable],
        institution=ref["institution"] if ref else None,
        referred_on=ref["referred_on"] if ref else None,
        award=_award(ref),
        timeline=_timeline(events, names),
        evidence=_evidence_index(evidence),
    )


def _merchant_position(events: list[cases.Event], first_payment_note: str | None) -> list[BundleStatement]:
    says = _statements(events, rules.MERCHANT_POSITION_EVENTS, lambda p: _words(p) or "（未附说明）")
    if first_payment_note and first_payment_note.strip():
        says.append(BundleStatement("先行赔付程序中经营者的意见", first_payment_note.strip()))
    return says or [BundleStatement("", rules.NO_MERCHANT_POSITION)]


def _timeline(events: list[cases.Event], staff_names: dict[str, str]) -> list[BundleTimelineEntry]:
    names = {"consumer": "消费者", "system": "系统", "merchant": "经营者", **staff_names}
    return [
        BundleTimelineEntry(local_time(e.at), e.kind, event_label(e.kind), names.get(e.actor, e.actor))
        for e in events
    ]


def _evidence_index(evidence: list[asyncpg.Record]) -> list[BundleEvidence]:
    return [
        BundleEvidence(
            id=e["id"],
            name=e["original_name"] or f"证据材料{i}",
            content_type=e["content_type"],
            size_bytes=e["size_bytes"],
            sha256=e["sha256"],
            uploaded_at=local_time(e["uploaded_at"]),
        )
        for i, e in enumerate(evidence, start=1)
    ]
