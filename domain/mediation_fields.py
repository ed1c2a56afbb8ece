"""Reading mediation's fields: an amount in yuan, a deadline from today on, when something happened, a
record's id; each bad value is a FieldError with its code (domain.fields)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from domain.fields import Fields
from domain.money import MAX_AMOUNT_FEN

ANSWER_WINDOW_DAYS = 365  # an answer deadline further away than this is a typing error
FUTURE_SLACK = timedelta(minutes=10)  # a contact "now" typed on a clock a little ahead is not the future
ID_MAX = 2**63


class MediationFields(Fields):
    """The field readers mediation adds: an amount in yuan, a deadline from today, when something
    happened, a record id."""

    def money(self, field: str, raw: object, *, missing: str) -> int | None:
        return self.yuan(field, raw, missing=missing, max_fen=MAX_AMOUNT_FEN, allow_int=True)

    def day(self, field: str, raw: object, *, missing: str | None, today: date) -> date | None:
        """A date from today on (an answer or performance deadline), within the answer window."""
        value = self.iso_day(field, raw, missing=missing)
        if value is None:
            return None
        if value < today:
            self.fail(field, "in_past", "日期不能早于今天", "Cannot be in the past")
            return None
        if value > today + timedelta(days=ANSWER_WINDOW_DAYS):
            self.fail(field, "too_far", "日期过远，请核对", "Too far ahead")
            return None
        return value

    def moment(self, field: str, raw: object, *, now: datetime, tz: tzinfo) -> datetime:
        """When something happened: ISO date-time (a bare one is local time); absent means now."""
        if raw is None or raw == "":
            return now
        if isinstance(raw, datetime):
            value = raw
        else:
            try:
                value = datetime.fromisoformat(str(raw).strip())
            except ValueError:
                self.fail(field, "invalid_datetime", "时间格式应为 年-月-日 时:分", "Use YYYY-MM-DDTHH:MM")
                return now
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        if value > now + FUTURE_SLACK:
            self.fail(field, "in_future", "时间不能晚于现在", "Cannot be in the future")
            return now
        return value

    def ident(self, field: str, raw: object, *, missing: str | None) -> int | None:
        if self.absent(field, raw, missing=missing):
            return None
        if isinstance(raw, str) and raw.strip().isdigit():
            raw = int(raw.strip())
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < ID_MAX:
            self.fail(field, "invalid_type", "应为正整数编号", "Must be a positive integer")
            return None
        return raw
