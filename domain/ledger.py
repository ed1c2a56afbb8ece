"""The guarantee-deposit ledger as values: every transaction's postings sum to zero.

Accounts per merchant (or platform / market holding the deposit):
- `deposit`  — money held for first payments (质量保证金); never below zero;
- `held`     — set aside for one approved payout until it is made; never below zero;
- `paid_out` — what has been paid to consumers from the deposit (grows);
- `funding`  — the outside world: the merchant's money coming in (goes negative as it pays in).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Account(StrEnum):
    DEPOSIT = "deposit"
    HELD = "held"
    PAID_OUT = "paid_out"
    FUNDING = "funding"


class TxKind(StrEnum):
    TOP_UP = "top_up"  # the merchant pays into its deposit
    HOLD = "hold"  # an approved payout sets money aside
    RELEASE = "release"  # a hold is given back (payout cancelled)
    PAYOUT = "payout"  # a consumer is paid from the deposit (or from held money)
    RECOVERY = "recovery"  # recourse: the merchant refills what was paid out for it


@dataclass(frozen=True, slots=True)
class Posting:
    account: Account
    amount_fen: int


@dataclass(frozen=True, slots=True)
class Transaction:
    kind: TxKind
    postings: tuple[Posting, ...]

    @property
    def balanced(self) -> bool:
        return sum(p.amount_fen for p in self.postings) == 0


class LedgerError(ValueError):
    pass


def _moves(kind: TxKind, source: Account, target: Account, amount_fen: int) -> Transaction:
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise LedgerError("an amount must be a positive number of fen")
    return Transaction(kind, (Posting(source, -amount_fen), Posting(target, amount_fen)))


def top_up(amount_fen: int) -> Transaction:
    return _moves(TxKind.TOP_UP, Account.FUNDING, Account.DEPOSIT, amount_fen)


def recovery(amount_fen: int) -> Transaction:
    return _moves(TxKind.RECOVERY, Account.FUNDING, Account.DEPOSIT, amount_fen)


def hold(amount_fen: int) -> Transaction:
    return _moves(TxKind.HOLD, Account.DEPOSIT, Account.HELD, amount_fen)


def release(amount_fen: int) -> Transaction:
    return _moves(TxKind.RELEASE, Account.HELD, Account.DEPOSIT, amount_fen)


def payout(amount_fen: int) -> Transaction:
    """Pay a consumer from the deposit (an approved first payment)."""
    return _moves(TxKind.PAYOUT, Account.DEPOSIT, Account.PAID_OUT, amount_fen)


def payout_held(amount_fen: int) -> Transaction:
    """Pay a consumer from money set aside earlier by `hold`."""
    return _moves(TxKind.PAYOUT, Account.HELD, Account.PAID_OUT, amount_fen)


def check_funds(available_fen: int, amount_fen: int) -> None:
    """A payout may not overdraw the deposit."""
    if amount_fen > available_fen:
        raise LedgerError(f"deposit balance {available_fen} fen is less than {amount_fen} fen")
