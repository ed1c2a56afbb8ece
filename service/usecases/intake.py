"""Intake: one transaction writes the case, its consumer, the registered event, any split-off report,
the evidence rows and the routing job's outbox row. Nothing is acknowledged before the commit."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from msgspec.structs import replace

from domain import deadlines
from domain.calendar import Deadline
from domain.errors import Conflict, FieldError, ValidationFailed, one_of
from domain.events import EventKind
from domain.evidence import EvidenceProblem, check_file, sniff
from domain.intake import ComplaintDraft, duplicate_key, parse_complaint
from domain.tracking import new_access_code
from service import i18n
from service.adapters import evidence_files
from service.adapters.evidence_files import StagedFile
from service.settings import Settings
from service.store import cases, idempotency
from service.store.staff import StaffUser
from service.usecases.access import hmac_pads
from service.usecases.clock import LOCAL_TZ, local_date
from service.usecases.intake_commands import SubmitComplaint
from service.usecases.reference_cache import Reference, ReferenceCache
from service.usecases.sms_reports import CodeTexter, code_texter

IDEMPOTENCY_SCOPE = "complaints"
DUPLICATE_WINDOW_S = 600  # issue 12: the same complaint again within 10 minutes returns the first receipt


@dataclass(frozen=True, slots=True)
class IntakeContext:
    secret_key: str
    evidence_dir: Path
    evidence_max_files: int
    evidence_max_bytes: int
    idempotency_ttl_s: int
    reference: ReferenceCache = field(default_factory=ReferenceCache)  # per process
    duplicate_window_s: int = DUPLICATE_WINDOW_S
    text_code: CodeTexter | None = None  # texts the access code when asked (SMS configured), else None

    @classmethod
    def from_settings(cls, settings: Settings) -> IntakeContext:
        """The context a process (the web app, the demo seeding) builds from its settings."""
        return cls(
            secret_key=settings.secret_key,
            evidence_dir=settings.evidence_dir,
            evidence_max_files=settings.evidence_max_files,
            evidence_max_bytes=settings.evidence_max_bytes,
            idempotency_ttl_s=settings.idempotency_ttl_s,
            text_code=code_texter(settings),
        )


class ComplaintReceipt(msgspec.Struct, frozen=True):
    """The answer to a filed complaint: the tracking number and the access code to follow it with."""

    tracking_no: str
    access_code: str
    status: str
    received_at: datetime
    acceptance_due: date
    acceptance_due_provisional: bool
    evidence_count: int = 0
    received_on: date | None = None  # the day the law counts from (answers stored before it: None)
    already_filed: bool = False  # the same complaint was filed minutes ago: this is its first receipt


class Receipt(ComplaintReceipt, frozen=True, kw_only=True):
    """The receipt with the case it made: what intake returns, and stores as the answer to repeat."""

    case_id: int

    def to_json(self) -> dict[str, Any]:
        return msgspec.to_builtins(self)  # type: ignore[no-any-return]

    def view(self) -> ComplaintReceipt:
        """What the filer is answered: all of it but the internal case id."""
        return ComplaintReceipt(**{f: getattr(self, f) for f in ComplaintReceipt.__struct_fields__})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Receipt:
        return msgspec.convert(data, cls)


@dataclass(frozen=True, slots=True)
class IdempotencyKey:
    key: str
    body: bytes  # the raw request body, hashed to tell a replay from a different request


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
        verdict = check_file(
            f.name,
            f.size,
            f.head,
            ctx.evidence_max_bytes,
            inflated=f.inflated,
            inflate_budget=f.inflate_budget,
            active=f.active,
        )
        if isinstance(verdict, EvidenceProblem):
            errors.append(FieldError("evidence", verdict.code, verdict.message, verdict.message_en))
    return errors


async def submit_complaint(
    pool: asyncpg.Pool,
    cmd: SubmitComplaint | Mapping[str, Any],  # or the same complaint as JSON-shaped builtins
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
    body = cmd.body() if isinstance(cmd, SubmitComplaint) else cmd
    try:
        taxonomy = (await ctx.reference.get(pool, local_date(now))).taxonomy
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
        locale = body["locale"] if one_of(body.get("locale"), i18n.LOCALES) else i18n.SOURCE
        filing = _Filing(
            draft, ctx, now, files, idempotency_key, request_id, code_choice, recorded_by, locale
        )
        receipt = await _register(pool, filing)
        if body.get("send_code_by_sms") is True and ctx.text_code and not receipt.already_filed:
            await ctx.text_code(pool, receipt.case_id, receipt.access_code, now)  # asked for on the form
        return receipt
    finally:
        for f in files:
            f.discard()


class _Retry(Exception):
    """The reference version moved since the snapshot (nothing was written), or an Idempotency-Key
    in use expired before its answer was read, or a duplicate key named a case that was never
    written (`release`: drop that key first, outside any transaction): register again."""

    def __init__(self, release: tuple[str, str] | None = None) -> None:
        super().__init__()
        self.release = release


@dataclass(frozen=True, slots=True)
class _Filing:
    """One complaint on its way in: the checked draft and how it came."""

    draft: ComplaintDraft
    ctx: IntakeContext
    now: datetime
    files: Sequence[StagedFile]
    idem: IdempotencyKey | None
    request_id: str | None
    code_choice: Callable[[str], str]
    recorded_by: StaffUser | None
    locale: str = "zh_CN"  # the consumer's language, for the notices written to them


async def _register(pool: asyncpg.Pool, filing: _Filing) -> Receipt:
    ctx = filing.ctx
    received_on = filing.draft.received_on or local_date(filing.now)
    for _ in range(3):  # a calendar load between snapshot and insert costs one retry
        ref = await ctx.reference.get(pool, received_on)
        try:
            return await _register_once(pool, filing, ref)
        except _Retry as retry:
            if retry.release is not None:
                async with pool.acquire() as conn:
                    await cases.release_duplicate_key(conn, *retry.release)
            else:
                ctx.reference.invalidate(ref)
    raise RuntimeError("reference data kept changing during intake")


async def _register_once(pool: asyncpg.Pool, filing: _Filing, ref: Reference) -> Receipt:
    """One statement, so one round trip, for a plain complaint (DESIGN §5's intake figure); a
    transaction around it when a report or files come with it."""
    draft, ctx, now, idem, recorded_by = filing.draft, filing.ctx, filing.now, filing.idem, filing.recorded_by
    received_on = draft.received_on or local_date(now)
    received_at = received_moment(received_on, now)
    rules = ref.rule_set_on(received_on)
    deadline = deadlines.acceptance_deadline(ref.calendar, rules, received_on)
    access_code = new_access_code(filing.code_choice)
    body_hash = hashlib.sha256(idem.body).digest() if idem is not None else b""
    answer = Receipt(
        case_id=0,  # the statement fills in the case id and the tracking number
        tracking_no="",
        access_code=access_code,
        status="received",
        received_at=received_at,
        acceptance_due=deadline.due,
        acceptance_due_provisional=deadline.provisional,
        evidence_count=len(filing.files),  # corrected below when a file was already on the case
        received_on=received_on,
    )
    registration = cases.Registration(
        received_at=received_at,
        received_on=received_on,
        day_base=await ctx.reference.day_base(pool, received_on),
        access_code=access_code,
        hmac_pads=hmac_pads(ctx.secret_key),
        rule_set_id=rules.id,
        acceptance_due=deadline.due,
        provisional=deadline.provisional,
        recorded_by=recorded_by.id if recorded_by else None,
        actor=recorded_by.actor if recorded_by else "consumer",
        event_payload=_registered_payload(draft, rules.id, deadline, received_on, recorded_by, now),
        request_id=filing.request_id,
        reference_version=ref.version,
        answer=answer.to_json(),
        idempotency=(IDEMPOTENCY_SCOPE, idem.key, body_hash, ctx.idempotency_ttl_s) if idem else None,
        entered_at=now,
        duplicate=(duplicate_key(draft, ctx.secret_key.encode()), ctx.duplicate_window_s),
        locale=filing.locale,
    )
    return await _write(pool, filing, registration, answer, body_hash)


def _registered_payload(
    draft: ComplaintDraft,
    rule_set: str,
    deadline: Deadline,
    received_on: date,
    recorded_by: StaffUser | None,
    now: datetime,
) -> dict[str, Any]:
    return {
        "channel": draft.channel,
        "rule_set": rule_set,
        "acceptance_due": deadline.due.isoformat(),
        "acceptance_due_provisional": deadline.provisional,
        # who entered the receipt date and when: the event's actor and time say so too
        "received_on": received_on.isoformat(),
        "received_on_entered_by": recorded_by.actor if draft.received_on and recorded_by else None,
        "entered_at": now.isoformat(),
    }


async def _write(
    pool: asyncpg.Pool, filing: _Filing, registration: cases.Registration, answer: Receipt, body_hash: bytes
) -> Receipt:
    draft, files, idem = filing.draft, filing.files, filing.idem
    async with pool.acquire() as conn:
        if not files and not draft.reports_violation:
            receipt, _ = await _insert(conn, draft, registration, answer, body_hash)
            return receipt
        async with conn.transaction():
            receipt, replayed = await _insert(conn, draft, registration, answer, body_hash)
            if replayed:
                return receipt
            stored = await _add_report_and_files(
                conn, draft, receipt.case_id, files, filing.now, filing.request_id
            )
            if stored != receipt.evidence_count:  # a file that was already on the case counts once
                receipt = replace(receipt, evidence_count=stored)
                if idem is not None:
                    await idempotency.save(conn, IDEMPOTENCY_SCOPE, idem.key, 201, receipt.to_json())
    return receipt


async def _insert(
    conn: asyncpg.Connection,
    draft: ComplaintDraft,
    registration: cases.Registration,
    answer: Receipt,
    body_hash: bytes,
) -> tuple[Receipt, bool]:
    """The receipt, and whether it is an earlier answer (the same complaint minutes ago, or the same
    Idempotency-Key)."""
    result = await cases.register(conn, draft, registration)
    if not result.fresh:
        raise _Retry
    if result.duplicate_of is not None:
        return await _duplicate(conn, registration, result.duplicate_of, body_hash), True
    if result.case is None:
        assert registration.idempotency is not None, "only a key in use stops a fresh registration"
        if result.claimed_duplicate and registration.duplicate is not None:  # no case came of it
            await cases.release_duplicate_key(conn, registration.duplicate[0], result.claimed_duplicate)
        scope, key, _, _ = registration.idempotency
        earlier = await idempotency.earlier(conn, scope, key)
        if earlier is None:  # it expired and was purged between the two statements
            raise _Retry
        if earlier.body_hash != body_hash:
            raise Conflict("this Idempotency-Key was used with a different request body")
        return Receipt.from_json(earlier.response), True
    case = result.case
    receipt = replace(
        answer,
        case_id=case.id,
        tracking_no=case.tracking_no,
        status=case.status,
        received_at=case.received_at,
    )
    return receipt, False


async def _duplicate(
    conn: asyncpg.Connection,
    registration: cases.Registration,
    earlier: Mapping[str, Any],
    body_hash: bytes,
) -> Receipt:
    """The first receipt of the same complaint; under an Idempotency-Key too, so a retry with that key
    keeps getting it after the duplicate window."""
    receipt = replace(Receipt.from_json(earlier), already_filed=True)
    if not await cases.exists(conn, receipt.case_id):  # a key left by a registration cut short
        assert registration.duplicate is not None
        raise _Retry(release=(registration.duplicate[0], receipt.tracking_no))
    if registration.idempotency is not None:
        scope, key, _, ttl_s = registration.idempotency
        if not await idempotency.claim(conn, scope, key, body_hash, 201, dict(earlier), ttl_s):
            kept = await idempotency.earlier(conn, scope, key)
            if kept is not None and kept.body_hash != body_hash:
                raise Conflict("this Idempotency-Key was used with a different request body")
            if kept is not None:  # a replay under the same key: its answer as it was
                return Receipt.from_json(kept.response)
    return receipt


def received_moment(received_on: date, now: datetime) -> datetime:
    """When a complaint counts as received: now, or for a day entered by a clerk the start of that
    local day (the law counts the date; no time of day is invented beyond it)."""
    if received_on == local_date(now):
        return now
    return datetime.combine(received_on, time(), LOCAL_TZ).astimezone(UTC)


async def _add_report_and_files(
    conn: asyncpg.Connection,
    draft: ComplaintDraft,
    case_id: int,
    files: Sequence[StagedFile],
    now: datetime,
    request_id: str | None,
) -> int:
    """The split-off violation report and the evidence rows; returns how many files were new."""

    async def event(kind: EventKind, actor: str, payload: dict[str, Any]) -> None:
        await cases.add_event(
            conn, case_id, kind, actor=actor, at=now, payload=payload, request_id=request_id
        )

    if draft.reports_violation:
        referral_id = await cases.add_referral(conn, case_id, draft.reports_violation)
        await event(EventKind.REPORT_SPLIT, "system", {"referral_id": referral_id})
    stored = await store_consumer_files(conn, case_id, files)
    if stored:
        await event(EventKind.EVIDENCE_ADDED, "consumer", {"files": stored})
    return stored


async def store_consumer_files(conn: asyncpg.Connection, case_id: int, files: Sequence[StagedFile]) -> int:
    """Record the consumer's checked files as evidence of the case; returns how many were new."""
    stored = 0
    for f in files:
        if await cases.add_evidence(
            conn,
            case_id,
            sha256=f.sha256,
            size=f.size,
            content_type=content_type(f),
            name=f.name,
            by="consumer",
        ):
            stored += 1
    return stored


def content_type(f: StagedFile) -> str:
    kind = sniff(f.head)
    assert kind is not None, "files are checked before they are recorded"
    return kind
