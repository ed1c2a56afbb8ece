"""First payment and the deposit as staff read them: a merchant's deposit ledger, the punitive damages
the law allows on a case, what the case page shows of the flow, and what a payout would do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from domain.damages import Basis, Calculation, punitive
from domain.errors import NotFound
from domain.ledger import Account
from domain.money import format_yuan
from service.store import cases, first_payments, ledger
from service.store import routing as routing_store


class LedgerEntry(msgspec.Struct):
    id: int
    kind: str
    case_id: int | None
    memo: str | None
    actor: str
    created_at: datetime
    deposit_change: str  # yuan


class MerchantLedger(msgspec.Struct):
    merchant_id: int
    balances: dict[str, str]  # account -> yuan
    transactions: list[LedgerEntry]


async def merchant_ledger(pool: asyncpg.Pool, merchant_id: int) -> MerchantLedger:
    """A merchant's balances and its newest transactions."""
    async with pool.acquire() as conn:
        balances = await ledger.balances(conn, merchant_id)
        rows = await ledger.transactions(conn, merchant_id)
    return MerchantLedger(
        merchant_id=merchant_id,
        balances={account.value: format_yuan(fen) for account, fen in balances.items()},
        transactions=[
            LedgerEntry(
                r["id"],
                r["kind"],
                r["case_id"],
                r["memo"],
                r["actor"],
                r["created_at"],
                format_yuan(r["deposit_change"] or 0),
            )
            for r in rows
        ],
    )


class DamagesOption(msgspec.Struct):
    label: str
    amount: str  # yuan
    formula: str


class PunitiveDamages(msgspec.Struct):
    basis: str
    statute: str
    on_top_of: str
    note: str
    options: list[DamagesOption]

    @classmethod
    def of(cls, calc: Calculation) -> PunitiveDamages:
        return cls(
            basis=calc.basis.value,
            statute=calc.statute,
            on_top_of=calc.on_top_of,
            note=calc.note,
            options=[DamagesOption(o.label, format_yuan(o.amount_fen), o.formula) for o in calc.options],
        )


async def punitive_damages(pool: asyncpg.Pool, case_id: int, basis: Basis, loss_fen: int) -> PunitiveDamages:
    """What the law allows on top (DESIGN §2.7), from the price the consumer paid and a loss."""
    async with pool.acquire() as conn:
        row = await cases.by_id(conn, case_id)
    if row is None:
        raise NotFound(f"case {case_id}")
    return PunitiveDamages.of(punitive(basis, row["amount_paid_fen"], loss_fen))


class CaseFlow(msgspec.Struct):
    """What the case page shows of the first payment: the flow, the merchant, the payer's deposit."""

    flow: dict[str, Any] | None
    merchant: dict[str, Any] | None
    deposit_balance: str | None  # yuan


async def case_flow(pool: asyncpg.Pool, case_id: int, merchant_id: int | None) -> CaseFlow:
    async with pool.acquire() as conn:
        fp = await first_payments.get(conn, case_id)
        merchant = await routing_store.merchant(conn, merchant_id) if merchant_id else None
        balance = None
        if fp is not None:
            balance = format_yuan((await ledger.balances(conn, fp["payer_id"]))[Account.DEPOSIT])
    return CaseFlow(dict(fp) if fp else None, dict(merchant) if merchant else None, balance)


@dataclass(frozen=True, slots=True)
class PayoutPreview:
    """What a payout from the deposit would do, for the confirmation page (nothing is locked or written)."""

    case_id: int
    tracking_no: str
    state: str
    payer_id: int
    payer_name: str
    amount_fen: int
    balance_before_fen: int
    balance_after_fen: int

    @property
    def allowed(self) -> bool:
        return self.state in ("refused", "deadline_missed")

    @property
    def enough(self) -> bool:
        return self.balance_after_fen >= 0


async def payout_preview(pool: asyncpg.Pool, case_id: int) -> PayoutPreview:
    async with pool.acquire() as conn:
        row = await cases.by_id(conn, case_id)
        flow = await first_payments.get(conn, case_id)
        if row is None or flow is None:
            raise NotFound(f"first payment of case {case_id}")
        before = (await ledger.balances(conn, flow["payer_id"]))[Account.DEPOSIT]
    return PayoutPreview(
        case_id=case_id,
        tracking_no=row["tracking_no"],
        state=flow["state"],
        payer_id=flow["payer_id"],
        payer_name=flow["payer_name"],
        amount_fen=flow["amount_fen"],
        balance_before_fen=before,
        balance_after_fen=before - flow["amount_fen"],
    )
