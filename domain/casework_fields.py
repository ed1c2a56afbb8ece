"""What the arbitration, product-testing and cluster rules share: reading money and past dates from a
request, and the coded conflict their steps raise (HTTP 409)."""

from __future__ import annotations

from datetime import date

from domain.errors import Conflict
from domain.fields import Fields
from domain.money import parse_yuan

TEXT_MAX = 200  # an institution or a lab: a name
NOTE_MAX = 2000
MAX_FEE_FEN = 100_000_000  # one million yuan: above any test fee, below any overflow
ID_MAX = 2**63  # ids are bigint


class CaseworkConflict(Conflict):
    """A casework step clashes with what is recorded (already referred, no referral yet …): HTTP 409.

    `code` is stable (pages put it in a redirect); str(exc) is the Chinese message.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class CaseworkFields(Fields):
    def money(self, field: str, raw: object, *, missing: str | None) -> int | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if missing:
                self.fail(field, "required", missing, "This field is required")
            return None
        if not isinstance(raw, str):
            self.fail(field, "invalid_type", '金额应写成文字，如 "300.00"', 'A decimal string, e.g. "300.00"')
            return None
        fen = parse_yuan(raw)
        if fen is None:
            self.fail(
                field,
                "invalid_amount",
                "金额格式不正确：以元为单位，最多两位小数",
                "Yuan, at most two decimals",
            )
            return None
        if fen > MAX_FEE_FEN:
            self.fail(field, "too_large", "金额过大，请核对", "Amount is implausibly large")
            return None
        return fen

    def day(self, field: str, raw: object, *, missing: str | None, not_after: date) -> date | None:
        if raw is None or raw == "":
            if missing:
                self.fail(field, "required", missing, "This field is required")
            return None
        if isinstance(raw, date):
            value = raw
        else:
            try:
                value = date.fromisoformat(str(raw))
            except ValueError:
                self.fail(field, "invalid_date", "日期格式应为 年-月-日", "Use YYYY-MM-DD")
                return None
        if value > not_after:
            self.fail(field, "in_future", "日期不能晚于今天", "Cannot be in the future")
            return None
        return value
