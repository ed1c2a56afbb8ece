"""Intake: one transaction writes the case, its consumer, the registered event, any split-off report,
the evidence rows and the routing job's outbox row. Nothing is acknowledged before the commit."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec

from domain import deadlines
from domain.calendar import Deadline
from domain.deadlines import RuleSet
from domain.errors import Conflict, FieldError, ValidationFailed
from domain.evidence import EvidenceProblem, check_file, sniff
from domain.intake import ComplaintDraft, parse_complaint
from domain.tracking import format_tracking_no, new_access_code
from service import evidence_files
from service.evidence_files import StagedFile
from service.store import cases, idempotency, outbox, reference
from service.store.staff import StaffUser
from service.usecases.access import code_hash
from service.usecases.clock import local_date

IDEMPOTENCY_SCOPE = "complaints"


@dataclass(frozen=True, slots=True)
class IntakeContext:
    secret_key: str
    evidence_dir: Path
    evidence_max_files: int
    evidence_max_bytes: int
    idempotency_ttl_s: int


@dataclass(frozen=True, slots=True)
class Receipt:
    case_id: int
    tracking_no: str
    access_code: str
    status: str
    received_at: datetime
    acceptance_due: date
    acceptance_due_provisional: bool
    evidence_count: int = 0

    def to_json(self) -> dict[str, Any]:
        return msgspec.to_builtins(asdict(self))  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Receipt:
        return msgspec.convert(data, cls)


@dataclass(frozen=True, slots=True)
class IdempotencyKey:
    key: str
    body: bytes  # the raw request body, hashed to tell a replay from a different request


async def acceptance_deadline(conn: asyncpg.Connection, received_on: date) -> tuple[RuleSet, Deadline]:
    rules = await reference.rule_set_in_force(conn, received_on)
    calendar = await reference.work_calendar_from(conn, received_on)
    return rules, deadlines.acceptance_deadline(calendar, rules, received_on)


def check_uploads(files: Sequence[StagedFile], ctx: IntakeContext, already: int = 0) -> list[FieldError]:
    errors = []
    if len(files) + already > ctx.evidence_max_files:
        errors.append(
            FieldError(
                "evidence",
                "too_many",
                f"证据材料最多{ctx.evidence_max_files}个文件",
                f"At most {ctx.evidence_max_files} evidence files",
            )
        )
    for f in files:
        verdict = check_file(f.name, f.size, f.head, ctx.evidence_max_bytes)
        if isinstance(verdict, EvidenceProblem):
            errors.append(FieldError("evidence", verdict.code, verdict.message, verdict.message_en))
    return errors


async def submit_complaint(
    pool: asyncpg.Pool,
    body: Mapping[str, Any],
    ctx: IntakeContext,
    *,
    now: datetime,
    files: Sequence[StagedFile] = (),
    idempotency_key: IdempotencyKey | None = None,
    request_id: str | None = None,
    recorded_by: StaffUser | None = None,
    code_choice: Callable[[str], str] = secrets.choice,
) -> Receipt:
    """Validate and register a complaint; raise ValidationFailed with every bad field, or Conflict."""
    try:
        async with pool.acquire() as conn:
            taxonomy = await reference.taxonomy(conn)
        errors: list[FieldError] = []
        try:
            draft: ComplaintDraft | None = parse_complaint(body, taxonomy, local_date(now))
        except ValidationFailed as exc:
            errors, draft = list(exc.errors), None
        if draft is not None and draft.channel != "web" and recorded_by is None:
            errors.append(
                FieldError(
                    "channel", "staff_only", "该登记渠道仅限工作人员使用", "This channel is for staff only"
                )
            )
        errors += check_uploads(files, ctx)
        if errors or draft is None:
            raise ValidationFailed(errors)
        for f in files:
            evidence_files.commit(ctx.evidence_dir, f)  # content-addressed: safe before the commit
        return await _register(
            pool, draft, ctx, now, files, idempotency_key, request_id, code_choice, recorded_by
        )
    finally:
        for f in files:
            f.discard()


async def _register(
    pool: asyncpg.Pool,
    draft: ComplaintDraft,
    ctx: IntakeContext,
    now: datetime,
    files: Sequence[StagedFile],
    idem: IdempotencyKey | None,
    request_id: str | None,
    code_choice: Callable[[str], str],
    recorded_by: StaffUser | None,
) -> Receipt:
    received_on = local_date(now)
    async with pool.acquire() as conn, conn.transaction():
        if idem is not None:
            body_hash = hashlib.sha256(idem.body).digest()
            earlier = await idempotency.reserve(
                conn, IDEMPOTENCY_SCOPE, idem.key, body_hash, ctx.idempotency_ttl_s
            )
            if earlier is not None:
                if earlier.body_hash != body_hash:
                    raise Conflict("this Idempotency-Key was used with a different request body")
                return Receipt.from_json(earlier.response)
        rules, deadline = await acceptance_deadline(conn, received_on)
        tracking_no = format_tracking_no(received_on, await cases.next_sequence(conn, received_on))
        access_code = new_access_code(code_choice)
        case = await cases.insert(
            conn,
            draft,
            tracking_no=tracking_no,
            access_code_hash=code_hash(ctx.secret_key, tracking_no, access_code),
            received_at=now,
            received_on=received_on,
            rule_set_id=rules.id,
            acceptance_due=deadline.due,
            provisional=deadline.provisional,
            recorded_by=recorded_by.id if recorded_by else None,
        )
        await cases.add_event(
            conn,
            case.id,
            "registered",
            actor=recorded_by.actor if recorded_by else "consumer",
            at=now,
            payload={
                "channel": draft.channel,
                "rule_set": rules.id,
                "acceptance_due": deadline.due.isoformat(),
                "acceptance_due_provisional": deadline.provisional,
            },
            request_id=request_id,
        )
        if draft.reports_violation:
            referral_id = await cases.add_referral(conn, case.id, draft.reports_violation)
            await cases.add_event(
                conn,
                case.id,
                "report_split",
                actor="system",
                at=now,
                payload={"referral_id": referral_id},
                request_id=request_id,
            )
        stored = 0
        for f in files:
            if await cases.add_evidence(
                conn,
                case.id,
                sha256=f.sha256,
                size=f.size,
                content_type=content_type(f),
                name=f.name,
                by="consumer",
            ):
                stored += 1
        if stored:
            await cases.add_event(
                conn,
                case.id,
                "evidence_added",
                actor="consumer",
                at=now,
                payload={"files": stored},
                request_id=request_id,
            )
        await outbox.add(
            conn, "route_case", key=f"route_case:{case.id}", args={"case_id": case.id}, request_id=request_id
        )
        receipt = Receipt(
            case_id=case.id,
            tracking_no=tracking_no,
            access_code=access_code,
            status=case.status,
            received_at=case.received_at,
            acceptance_due=deadline.due,
            acceptance_due_provisional=deadline.provisional,
            evidence_count=stored,
        )
        if idem is not None:
            await idempotency.save(conn, IDEMPOTENCY_SCOPE, idem.key, 201, receipt.to_json())
    return receipt


def content_type(f: StagedFile) -> str:
    kind = sniff(f.head)
    assert kind is not None, "files are checked before they are recorded"
    return kind
