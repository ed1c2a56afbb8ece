"""The consumer's view of their own case, behind the tracking number and access code.

A wrong code and an unknown number are the same NotFound, and both count as a failure against the
number and the client, so guessing is slowed down without telling which numbers exist. A client that
failed too often is refused (429); a number is never refused, only its wrong answers wait longer and
longer, so that no guesser can lock a consumer out of their own case (service/adapters/throttle.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, TypedDict, Unpack

import asyncpg

from domain.acceptance import GROUND_LABELS, OTHER_ROUTES, Ground
from domain.errors import FieldError, NotFound, ValidationFailed
from domain.events import EventKind, public_label
from domain.money import format_yuan
from domain.outcomes import OUTCOMES
from domain.routing import ROUTE_LABELS, Route
from domain.taxonomy import REQUEST_KINDS
from domain.tracking import normalize_access_code, normalize_tracking_no, status_label
from service.adapters import evidence_files
from service.adapters.evidence_files import StagedFile
from service.adapters.throttle import Throttle
from service.queries import mediation_public
from service.store import cases, first_payments, notifications, reference
from service.store import surveys as survey_store
from service.usecases import mediation
from service.usecases.access import code_matches
from service.usecases.case_step import case_step
from service.usecases.clock import local_date, utcnow
from service.usecases.intake import IntakeContext, check_uploads, store_consumer_files
from service.usecases.tracking_views import CaseView, PublicTimelineEntry


class WrongCode(NotFound):
    """No case with this number and code; its answer is to wait `delay_s` first (see slowed_when_wrong)."""

    def __init__(self, delay_s: float) -> None:
        super().__init__("no case with this tracking number and access code")
        self.delay_s = delay_s


@asynccontextmanager
async def slowed_when_wrong() -> AsyncIterator[None]:
    """Put this outside the block that holds a connection (`async with slowed_when_wrong(),
    pool.acquire() as conn:`): a wrong code's answer waits after the connection went back to the pool,
    so slowed guesses hold none."""
    try:
        yield
    except WrongCode as exc:
        if exc.delay_s > 0:
            await _wait(exc.delay_s)
        raise


async def _wait(seconds: float) -> None:
    await asyncio.sleep(seconds)


class CodeCheck(TypedDict):
    """What checks a tracking number and its access code: the secret the code's hash is keyed with, the
    throttle of wrong guesses, and the client they count against."""

    secret_key: str
    throttle: Throttle
    client: str


async def _authorised_case(
    conn: asyncpg.Connection,
    tracking_no: str,
    access_code: str,
    secret_key: str,
    throttle: Throttle,
    client: str,
) -> asyncpg.Record:
    """The case behind a number and its code. Raises TooManyAttempts (this client failed too often:
    counted before the code is checked, so parallel guesses cannot all slip under the limit) or
    WrongCode (counted against the number too, whose later wrong answers are slowed down)."""
    number = normalize_tracking_no(tracking_no) or tracking_no.strip()[:40]
    gates = [("ip", client)]
    await throttle.enter(gates)
    row = await cases.by_tracking_no(conn, number)
    if row is None or not code_matches(
        secret_key, number, normalize_access_code(access_code), row["access_code_hash"]
    ):
        raise WrongCode(await throttle.failed([("no", number)]))
    await throttle.passed(gates)
    return row


async def _authorised_case_id(
    pool: asyncpg.Pool, tracking_no: str, access_code: str, check: CodeCheck
) -> int:
    """The id of the case behind a number and its code, checked (and slowed when wrong) as viewing is."""
    async with slowed_when_wrong(), pool.acquire() as conn:
        row = await _authorised_case(conn, tracking_no, access_code, **check)
    return int(row["id"])


async def view_case(
    pool: asyncpg.Pool,
    tracking_no: str,
    access_code: str,
    *,
    now: datetime | None = None,  # whether the survey is still open; without it none is offered
    **check: Unpack[CodeCheck],
) -> CaseView:
    async with slowed_when_wrong(), pool.acquire() as conn:
        row = await _authorised_case(conn, tracking_no, access_code, **check)
        taxonomy = await reference.taxonomy(conn)
        events = await cases.events(conn, row["id"])
        flow = await first_payments.get(conn, row["id"])
        follow_up = await _follow_up(conn, row["id"], now)
        mediated = await mediation_public.public_view(conn, row, local_date(now or utcnow()))
        facts = await _consumer_facts(conn, row, events, flow, mediated)
    timeline = tuple(
        PublicTimelineEntry(e.at, e.kind, *label) for e in events if (label := public_label(e.kind))
    )
    if facts["merchant_notified_at"] is not None:
        timeline += (
            PublicTimelineEntry(facts["merchant_notified_at"], "merchant_notified", *MERCHANT_NOTIFIED),
        )
    return CaseView(
        case_id=row["id"],
        tracking_no=row["tracking_no"],
        status=row["status"],
        status_label=status_label(row["status"]),
        received_at=row["received_at"],
        acceptance_due=row["acceptance_due"],
        acceptance_due_provisional=row["acceptance_due_provisional"],
        rule_set=row["rule_set_name"],
        quality_domain=taxonomy.label("quality_domains", row["quality_domain"]),
        category=taxonomy.label("categories", row["category"]),
        problem_type=taxonomy.label("problem_types", row["problem_type"]),
        merchant_name=row["merchant_name"],
        requests=tuple(REQUEST_KINDS[r][0] for r in row["requests"] if r in REQUEST_KINDS),
        amount_paid=format_yuan(row["amount_paid_fen"]),
        claim_amount=format_yuan(row["claim_amount_fen"]),
        evidence_count=facts["evidence_with_form"] + facts["evidence_later"],
        timeline=timeline,
        mediation_due=row["mediation_due"],
        mediation_due_provisional=row["mediation_due_provisional"],
        **_decision(row),
        **_route(row, flow),
        **follow_up,
        **mediated,
        **facts,
        rejection_citation=mediated["citations"].ground(row["rejection_ground"])
        if row["rejection_ground"]
        else None,
    )


MERCHANT_NOTIFIED = ("已通知商家", "The merchant was notified")
_REPLY_STATES = ("notified", "deadline_missed")


async def _consumer_facts(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    events: Sequence[cases.Event],
    flow: asyncpg.Record | None,
    mediated: dict[str, Any],
) -> dict[str, Any]:
    """What the page may claim: when the merchant was really told (an e-mailed notice, or a phone call
    the mediator recorded), its reply deadline, the report's referral, the outcome, the files by when."""
    notified = await notifications.merchant_notified_at(conn, row["id"])
    called = [e.at for e in events if e.kind == "contact_logged" and e.payload.get("party") == "merchant"]
    told = min([t for t in [notified, *called] if t is not None], default=None)
    offer = mediated.get("open_offer")
    reply_due = None
    if flow is not None and flow["state"] in _REPLY_STATES and row["status"] == "first_payment":
        reply_due = flow["reply_due"]
    elif offer is not None and offer.from_party == "consumer":
        reply_due = offer.answer_by
    registered_at = next((e.at for e in events if e.kind == EventKind.REGISTERED), None)
    with_form = later = 0
    for e in events:
        if e.kind == EventKind.EVIDENCE_ADDED and e.actor == "consumer":
            files = int(e.payload.get("files", 0))
            if e.at == registered_at:
                with_form += files
            else:
                later += files
    return {
        "merchant_notified_at": told,
        "merchant_notified_on": local_date(told) if told is not None else None,
        "merchant_reply_due": reply_due if told is not None else None,
        "report_referred": any(e.kind == EventKind.REPORT_SPLIT for e in events),
        "outcome_statement": _outcome_statement(row),
        "evidence_with_form": with_form,
        "evidence_later": later,
    }


def _outcome_statement(row: asyncpg.Record) -> str | None:
    if row["status"] != "closed" or row["outcome"] is None:
        return None
    label = OUTCOMES.get(row["outcome"], (row["outcome"],))[0]
    fen = row["relief_fen"]
    return f"{label} {format_yuan(fen)} 元" if fen else label


def _route(row: asyncpg.Record, flow: asyncpg.Record | None) -> dict[str, Any]:
    """The route and why, in the plain Chinese the routing rules wrote (only the rules that fired)."""
    if row["route"] is None:
        return {}
    explanation = row["route_explanation"] or {}
    return {
        "route": row["route"],
        "route_label": ROUTE_LABELS[Route(row["route"])][0],
        "route_summary": explanation.get("summary"),
        "route_reasons": tuple(hit.get("reason", "") for hit in explanation.get("fired", [])),
        "first_payment_state": flow["state"] if flow else None,
        "first_payment_paid": format_yuan(flow["paid_fen"]) if flow and flow["paid_fen"] else None,
    }


def _decision(row: asyncpg.Record) -> dict[str, Any]:
    """What a consumer is told of a non-acceptance decision: the ground, the reason, and what remains."""
    if row["status"] != "rejected":
        return {}
    return {
        "rejection_ground": GROUND_LABELS[Ground(row["rejection_ground"])][0],
        "decision_note": row["decision_note"],
        "other_routes": tuple(zh for zh, _ in OTHER_ROUTES),
    }


async def _follow_up(conn: asyncpg.Connection, case_id: int, now: datetime | None) -> dict[str, Any]:
    """The satisfaction survey and a reopen or appeal request, as the tracking page offers them."""
    found = await survey_store.for_case(conn, case_id)
    if found is None:
        return {}
    return {
        "survey_open": now is not None and found.case_status == "closed" and found.state.open(now),
        "appeal_open": now is not None and found.state.appeal_open(now),
        "appeal": await survey_store.latest_appeal(conn, case_id) if found.state.appeals else None,
    }


async def add_evidence(
    pool: asyncpg.Pool,
    tracking_no: str,
    access_code: str,
    read_files: Callable[[], Awaitable[Sequence[StagedFile]]],
    ctx: IntakeContext,
    *,
    now: datetime,
    throttle: Throttle,
    client: str,
    request_id: str | None = None,
) -> int:
    """Attach files to the consumer's case; return how many were new. Raises NotFound, TooManyAttempts
    or ValidationFailed. The number, the code and the throttle are checked first; only then does
    `read_files` read, hash and inspect the uploads, so a wrong code costs no work on the files."""
    async with slowed_when_wrong(), pool.acquire() as conn:
        row = await _authorised_case(conn, tracking_no, access_code, ctx.secret_key, throttle, client)
        already = await cases.evidence_count(conn, row["id"])
    files = await read_files()
    try:
        if not files:
            raise ValidationFailed([_no_files()])
        errors = check_uploads(files, ctx, already=already)
        if row["status"] == "closed":
            errors.append(_closed())
        if errors:
            raise ValidationFailed(errors)
        for f in files:
            evidence_files.commit(ctx.evidence_dir, f)
        async with case_step(pool, row["id"], now=now, actor="consumer", request_id=request_id) as step:
            stored = await store_consumer_files(step.conn, row["id"], files)
            if await cases.evidence_count(step.conn, row["id"]) > ctx.evidence_max_files:
                raise ValidationFailed([_too_many(ctx)])  # two uploads raced past the limit: roll back
            if stored:
                await step.event(EventKind.EVIDENCE_ADDED, {"files": stored})
        return stored
    finally:
        for f in files:
            f.discard()


async def answer_offer(
    pool: asyncpg.Pool,
    tracking_no: str,
    access_code: str,
    offer_id: object,
    cmd: mediation.AnswerOffer,
    *,
    now: datetime,
    **check: Unpack[CodeCheck],
) -> mediation.OfferAnswered:
    """The consumer answers the merchant's offer (accept, refuse, counter) behind the number and code.
    Raises NotFound or TooManyAttempts like viewing, then ValidationFailed or a MediationConflict."""
    case_id = await _authorised_case_id(pool, tracking_no, access_code, check)
    return await mediation.consumer_answer(pool, case_id, offer_id, cmd, now=now)


async def confirm_settlement(
    pool: asyncpg.Pool,
    tracking_no: str,
    access_code: str,
    *,
    now: datetime,
    **check: Unpack[CodeCheck],
) -> mediation.SettlementConfirmed:
    """The consumer confirms the issued 调解书 behind the number and code (checked like viewing)."""
    case_id = await _authorised_case_id(pool, tracking_no, access_code, check)
    return await mediation.consumer_confirm(pool, case_id, now=now)


def _no_files() -> FieldError:
    return FieldError("evidence", "required", "请选择要上传的文件", "Choose at least one file")


def _closed() -> FieldError:
    return FieldError("evidence", "case_closed", "案件已办结，不能再补充材料", "The case is closed")


def _too_many(ctx: IntakeContext) -> FieldError:
    return FieldError(
        "evidence",
        "too_many",
        f"证据材料最多{ctx.evidence_max_files}个文件",
        f"At most {ctx.evidence_max_files} files",
    )
