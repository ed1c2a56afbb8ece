"""What the arbitration, product-testing and cluster rules share: reading money and past dates from a
request, and the coded conflict their steps raise (HTTP 409)."""

from __future__ import annotations

from datetime import date

from domain.errors import CodedConflict
from domain.fields import Fields

TEXT_MAX = 200  # an institution or a lab: a name
NOTE_MAX = 2000
MAX_FEE_FEN = 100_000_000  # one million yuan: above any test fee, below any overflow
ID_MAX = 2**63  # ids are bigint


class CaseworkConflict(CodedConflict):
    """A casework step clashes with what is recorded (already referred, no referral yet …): HTTP 409.

    `code` is stable (pages put it in a redirect); str(exc) is the Chinese message.
    """


class CaseworkFields(Fields):
    def money(self, field: str, raw: object, *, missing: str | None) -> int | None:
        return self.yuan(field, raw, missing=missing, max_fen=MAX_FEE_FEN, allow_int=False)

    def day(self, field: str, raw: object, *, missing: str | None, not_after: date) -> date | None:
        value = self.iso_day(field, raw, missing=missing)
        if value is not None and value > not_after:
            self.fail(field, "in_future", "日期不能晚于今天", "Cannot be in the future")
            return None
        return value
