"""The first-payment flow (先行赔付, policy art. 14; DESIGN §2.5.1).

The merchant is told through a link (a long random token, stored hashed, scoped to the merchant and
the case) and has until its reply deadline to pay the consumer itself or to refuse. On a refusal or
a missed deadline a supervisor pays the consumer from the guarantee deposit; recourse against the
merchant opens with a top-up deadline in working days. Every step is an event the consumer sees.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from domain import ledger as money
from domain.calendar import add_working_days
from domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from domain.events import EventKind
from domain.evidence import sniff
from domain.identifiers import mask_name, mask_phone
from domain.money import format_yuan, parse_yuan
from service.adapters import evidence_files
from service.adapters.evidence_files import StagedFile
from service.store import cases, first_payments, ledger, reference
from service.store import routing as routing_store
from service.store import staff as staff_store
from service.store.staff import StaffUser
from service.usecases.case_step import case_step, locked_case, system_events
from service.usecases.clock import local_date
from service.usecases.first_payment_commands import MerchantAnswer, RecordDeposit
from service.usecases.intake import IntakeContext, check_uploads

LINK_VALID = timedelta(days=60)
ANSWERABLE = ("notified", "deadline_missed")


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def issue_merchant_link(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, *, now: datetime
) -> tuple[str, datetime]:
    """A new link for the merchant of this case; the token is returned once and stored only hashed."""
    async with case_step(pool, case_id, now=now, actor=actor) as step:
        if step.case.status in ("closed", "rejected"):  # nothing is left for the merchant to answer
            raise Conflict("案件已办结或不予受理，不再生成商家链接")
        flow = await first_payments.get(step.conn, case_id)
        merchant_id = flow["payer_id"] if flow else step.case.merchant_id
        if merchant_id is None:
            raise Conflict("该投诉尚未关联到商家（受理并分流后生成链接）")
        token = secrets.token_urlsafe(32)
        expires_at = now + LINK_VALID
        await first_payments.add_token(step.conn, _hash(token), merchant_id, case_id, expires_at)
        await step.event(
            EventKind.MERCHANT_LINK_ISSUED, {"merchant_id": merchant_id, "expires_at": expires_at.isoformat()}
        )
    return token, expires_at


@dataclass(frozen=True, slots=True)
class MerchantCase:
    id: int
    tracking_no: str
    received_on: object
    category: str
    requests: tuple[str, ...]
    amount_paid: str
    claim_amount: str
    description: str
    consumer: str  # masked
    first_payment_state: str | None
    reply_due: object
    first_payment_amount: str | None
    answerable: bool


@dataclass(frozen=True, slots=True)
class MerchantView:
    merchant_id: int
    merchant_name: str
    cases: list[MerchantCase]


async def merchant_link_of(conn: asyncpg.Connection, token: str, now: datetime) -> asyncpg.Record:
    """The unexpired merchant link of `token` (merchant_id, merchant_name, case_id); else NotFound."""
    if not token or len(token) > 200:
        raise NotFound("merchant link")
    found = await first_payments.token(conn, _hash(token), now)
    if found is None:
        raise NotFound("merchant link")
    return found


async def merchant_view(pool: asyncpg.Pool, token: str, *, now: datetime) -> MerchantView:
    async with pool.acquire() as conn:
        link = await merchant_link_of(conn, token, now)
        rows = await first_payments.merchant_cases(conn, link["merchant_id"], link["case_id"])
    return MerchantView(
        link["merchant_id"],
        link["merchant_name"],
        [
            MerchantCase(
                id=r["id"],
                tracking_no=r["tracking_no"],
                received_on=r["received_on"],
                category=r["category"],
                requests=tuple(r["requests"]),
                amount_paid=format_yuan(r["amount_paid_fen"]),
                claim_amount=format_yuan(r["claim_amount_fen"]),
                description=r["description"],
                consumer=f"{mask_name(r['consumer_name'])}（{mask_phone(r['consumer_phone'])}）",
                first_payment_state=r["fp_state"],
                reply_due=r["reply_due"],
                first_payment_amount=format_yuan(r["fp_amount_fen"]) if r["fp_amount_fen"] else None,
                answerable=r["fp_state"] in ANSWERABLE and r["payer_id"] == link["merchant_id"],
            )
            for r in rows
        ],
    )


def _answer_input(cmd: MerchantAnswer, default_fen: int) -> tuple[str, str | None, int]:
    answer, note, amount = cmd.answer, cmd.note, cmd.amount
    errors = []
    if answer not in ("pay", "refuse"):
        errors.append(
            FieldError("answer", "unknown_code", "请选择：已向消费者赔付，或拒绝先行赔付", "pay or refuse")
        )
    clean_note = note.strip() if isinstance(note, str) and note.strip() else None
    if clean_note and len(clean_note) > 2000:
        errors.append(FieldError("note", "too_long", "说明不能超过2000字", "At most 2000 characters"))
    if answer == "refuse" and not clean_note:
        errors.append(FieldError("note", "required", "拒绝先行赔付请写明理由", "Say why"))
    fen = default_fen
    if answer == "pay" and amount not in (None, ""):
        parsed = parse_yuan(str(amount))
        if parsed is None or parsed <= 0:
            errors.append(
                FieldError("amount", "invalid_amount", "金额格式不正确", "Yuan, at most two decimals")
            )
        else:
            fen = parsed
    if errors:
        raise ValidationFailed(errors)
    return str(answer), clean_note, fen


async def _add_proof(
    conn: asyncpg.Connection, case_id: int, proof: Sequence[StagedFile], actor: str
) -> int | None:
    """The merchant's proof of payment as the case's evidence; the id of the last one added."""
    proof_id = None
    for f in proof:
        kind_of = sniff(f.head)
        assert kind_of is not None
        added = await cases.add_evidence(
            conn, case_id, sha256=f.sha256, size=f.size, content_type=kind_of, name=f.name, by=actor
        )
        proof_id = added or proof_id
    return proof_id


async def answer(
    pool: asyncpg.Pool,
    case_id: int,
    cmd: MerchantAnswer,
    *,
    proof: Sequence[StagedFile] = (),
    ctx: IntakeContext,
    now: datetime,
    token: str | None = None,
    staff: StaffUser | None = None,
) -> str:
    """The merchant's answer, through its link (`token`) or recorded by staff from a phone call."""
    try:
        async with pool.acquire() as conn:
            if token is not None:
                link = await merchant_link_of(conn, token, now)
                if link["case_id"] not in (None, case_id):
                    raise NotFound("case not in this link")
            flow = await first_payments.get(conn, case_id)
        if flow is None or (token is not None and flow["payer_id"] != link["merchant_id"]):
            raise NotFound("no first payment for this merchant and case")
        kind, clean_note, fen = _answer_input(cmd, flow["amount_fen"])
        upload_errors = check_uploads(proof, ctx)
        if upload_errors:
            raise ValidationFailed(upload_errors)
        for f in proof:
            evidence_files.commit(ctx.evidence_dir, f)
        actor = staff.actor if staff else f"merchant:{flow['payer_id']}"
        async with pool.acquire() as conn, conn.transaction():
            await locked_case(conn, case_id, actor=staff)
            current = await first_payments.lock(conn, case_id)
            assert current is not None
            if current["state"] not in ANSWERABLE:
                raise Conflict("该先行赔付已处理，不能再次答复")
            proof_id = await _add_proof(conn, case_id, proof, actor)
            today = local_date(now)
            if kind == "pay":
                await first_payments.set_state(
                    conn,
                    case_id,
                    "paid_by_merchant",
                    note=clean_note,
                    proof_evidence_id=proof_id,
                    paid_fen=fen,
                    paid_on=today,
                )
                event, payload = EventKind.MERCHANT_PAID, {"amount": format_yuan(fen), "note": clean_note}
            else:
                await first_payments.set_state(conn, case_id, "refused", note=clean_note)
                event, payload = EventKind.MERCHANT_REFUSED, {"note": clean_note}
            await cases.add_event(
                conn, case_id, event, actor=actor, at=now, payload={**payload, "by_phone": staff is not None}
            )
        return kind
    finally:
        for f in proof:
            f.discard()


async def approve_payout(
    pool: asyncpg.Pool, case_id: int, actor: StaffUser, *, now: datetime, expected_fen: int | None = None
) -> str:
    """Pay the consumer from the deposit after a refusal or a missed deadline; open recourse. With
    `expected_fen` (the amount a confirmation page showed) a different amount is refused, not paid."""
    today = local_date(now)
    # the actor's string: a supervisor pays out on a case they need not hold
    async with case_step(pool, case_id, now=now, actor=actor.actor) as step:
        conn = step.conn
        flow = await first_payments.lock(conn, case_id)
        if flow is None:
            raise NotFound(f"first payment of case {case_id}")
        if flow["state"] not in ("refused", "deadline_missed"):
            raise Conflict("只有商家拒绝或逾期未答复时，才能从保证金中先行赔付")
        if expected_fen is not None and expected_fen != flow["amount_fen"]:
            raise Conflict("赔付金额已变化，请重新核对后再确认")
        payer = flow["payer_id"]
        await ledger.lock_accounts(conn, payer)  # racing payouts for the last funds take turns here
        available = (await ledger.balances(conn, payer))[money.Account.DEPOSIT]
        try:
            money.check_funds(available, flow["amount_fen"])
        except money.LedgerError as exc:
            raise Conflict(
                f"保证金余额（{format_yuan(available)}元）不足以支付{format_yuan(flow['amount_fen'])}元"
            ) from exc
        tx_id = await ledger.record(
            conn,
            money.payout(flow["amount_fen"]),
            merchant_id=payer,
            case_id=case_id,
            memo="先行赔付：从质量保证金中支付",
            actor=actor.actor,
        )
        policy = await routing_store.policy(conn, today)
        calendar = await reference.work_calendar_from(conn, today, 60)
        topup_due = add_working_days(calendar, today, policy["topup_working_days"]).due
        await first_payments.paid_from_deposit(
            conn, case_id, tx_id=tx_id, amount_fen=flow["amount_fen"], on=today, at=now, topup_due=topup_due
        )
        amount = format_yuan(flow["amount_fen"])
        await step.event(EventKind.DEPOSIT_PAYOUT, {"amount": amount})
        await step.event(
            EventKind.RECOURSE_OPENED,
            {"merchant_id": payer, "amount": amount, "topup_due": topup_due.isoformat()},
        )
    return amount


async def record_deposit(
    pool: asyncpg.Pool, merchant_id: int, actor: StaffUser, cmd: RecordDeposit, *, now: datetime
) -> tuple[str, str]:
    """Money paid into a merchant's deposit: a recovery when payouts await their top-up, else a top-up.

    Returns the transaction kind and the new deposit balance (yuan)."""
    amount, memo = cmd.amount, cmd.memo
    fen = parse_yuan(str(amount)) if amount is not None else None
    if fen is None or fen <= 0:
        raise ValidationFailed.one("amount", "invalid_amount", "金额格式不正确", "Yuan, at most two decimals")
    clean_memo = memo.strip()[:500] if isinstance(memo, str) and memo.strip() else None
    async with pool.acquire() as conn, conn.transaction():
        if await routing_store.merchant(conn, merchant_id) is None:
            raise NotFound(f"merchant {merchant_id}")
        await ledger.lock_accounts(conn, merchant_id)
        recovered = await first_payments.topup_done(conn, merchant_id, now)
        tx = money.recovery(fen) if recovered else money.top_up(fen)
        await ledger.record(
            conn, tx, merchant_id=merchant_id, case_id=None, memo=clean_memo, actor=actor.actor
        )
        for case_id in recovered:
            await cases.add_event(
                conn,
                case_id,
                EventKind.DEPOSIT_RECOVERED,
                actor=actor.actor,
                at=now,
                payload={"amount": format_yuan(fen)},
            )
        balance = (await ledger.balances(conn, merchant_id))[money.Account.DEPOSIT]
    return tx.kind.value, format_yuan(balance)


async def flag_deadlines(pool: asyncpg.Pool, *, now: datetime) -> tuple[int, int]:
    """Raise, once each, missed merchant replies and missed deposit top-ups."""
    today = local_date(now)
    async with pool.acquire() as conn, conn.transaction():
        replies = await system_events(
            conn,
            await first_payments.flag_reply_overdue(conn, today, now),
            EventKind.MERCHANT_DEADLINE_MISSED,
            lambda r: {"reply_due": r["reply_due"].isoformat()},
            now=now,
        )
        topups = await system_events(
            conn,
            await first_payments.flag_topup_overdue(conn, today, now),
            EventKind.TOPUP_OVERDUE,
            lambda r: {"merchant_id": r["payer_id"], "topup_due": r["topup_due"].isoformat()},
            now=now,
        )
    return replies, topups


# --- a merchant's deposit ledger, as its page shows it ----------------------------------------------


@dataclass(frozen=True, slots=True)
class DepositLedger:
    balances: dict[money.Account, int]
    transactions: list[asyncpg.Record]  # newest first: kind, case_id, memo, actor, created_at, deposit_change
    payouts: list[asyncpg.Record]  # the cases paid from the deposit, with their recourse
    actor_names: dict[str, str]  # "staff:3" -> display name

    @property
    def awaiting_recovery(self) -> bool:
        """Money paid in now is a recovery (recourse), not a top-up."""
        return any(p["topup_done_at"] is None for p in self.payouts)


async def deposit_ledger(pool: asyncpg.Pool, merchant_id: int, *, limit: int = 50) -> DepositLedger:
    async with pool.acquire() as conn:
        transactions = await ledger.transactions(conn, merchant_id, limit)
        ids = sorted(
            {int(t["actor"].split(":", 1)[1]) for t in transactions if t["actor"].startswith("staff:")}
        )
        names = await staff_store.names(conn, ids)
        return DepositLedger(
            await ledger.balances(conn, merchant_id),
            transactions,
            await ledger.payouts(conn, merchant_id, limit),
            {f"staff:{k}": v for k, v in names.items()},
        )
