"""Notices to the parties, derived from the case history: every state change is an event, and the
worker reads new events in order and queues the notices they call for (the notifications outbox).

Use cases stay free of notification code, and a notice is never queued for a change that rolled back.
The worker reads every second (`EventHorizon` says how far it may read without skipping an event whose
transaction had not committed yet), so a notice is queued within seconds of its event.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import asyncpg
import structlog

from domain.acceptance import GROUND_LABELS, Ground
from domain.notices import Party
from domain.outcomes import OUTCOMES
from domain.routing import ROUTE_LABELS, Route
from domain.taxonomy import REQUEST_KINDS
from service.store import surveys
from service.usecases.clock import local_date
from service.usecases.notifications import notify_case
from service.usecases.satisfaction import survey_due

log = structlog.get_logger("notices")
BATCH = 500

Fields = dict[str, Any]


def _day(value: object, fallback: date) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else fallback


def _remedy(code: object) -> str:
    return REQUEST_KINDS.get(str(code), (str(code),))[0]


# event kind → (template, the fields from the event's payload and its local date)
MAPPING: dict[str, tuple[str, Callable[[Mapping[str, Any], date], Fields]]] = {
    "registered": (
        "complaint_registered",
        lambda p, d: {"received_on": d, "acceptance_due": _day(p.get("acceptance_due"), d)},
    ),
    "accepted": ("acceptance_accepted", lambda p, d: {"accepted_on": _day(p.get("accepted_on"), d)}),
    "rejected": (
        "acceptance_rejected",
        lambda p, d: {"decided_on": d, "ground": GROUND_LABELS[Ground(int(p["ground"]))][0]},
    ),
    "routed": ("route_decided", lambda p, d: {"route": ROUTE_LABELS[Route(p["route"])][0]}),
    "route_overridden": ("route_decided", lambda p, d: {"route": ROUTE_LABELS[Route(p["route"])][0]}),
    "first_payment_opened": (
        "first_payment_requested",
        lambda p, d: {
            "amount": f"{int(p['amount_fen']) // 100}.{int(p['amount_fen']) % 100:02d}",
            "reply_due": _day(p.get("reply_due"), d),
            "merchant_name": p.get("payer_name") or "贵单位",
        },
    ),
    "closed": (
        "case_closed",
        lambda p, d: {"closed_on": d, "outcome": OUTCOMES.get(str(p.get("outcome")), ("",))[0]},
    ),  # survey_link is added when the event is read: the survey opens then
    "offer_made": ("offer_to_answer", lambda p, d: _offer(p, d)),
    "offer_countered": ("offer_to_answer", lambda p, d: _offer(p, d)),
    "settlement_made": (
        "settlement_made",
        lambda p, d: {
            "settled_on": d,
            "remedy": _remedy(p["remedy"]),
            "amount": p["amount"],
            "perform_by": _day(p.get("perform_by"), d),
        },
    ),
    "terminated": ("termination_notice", lambda p, d: {"terminated_on": d, "reason": p["reason_label"]}),
    "settlement_issued": (
        "settlement_to_confirm",
        lambda p, d: {
            "remedy": _remedy(p["remedy"]),
            "amount": p["amount"],
            "perform_by": _day(p.get("perform_by"), d),
        },
    ),
    # a settled case is rated once its performance is known: recorded, or flagged when the date passed
    "settlement_performed": ("survey_invite", lambda p, d: {"performance": "已履行"}),
    "settlement_not_performed": ("survey_invite", lambda p, d: {"performance": "未按期履行"}),
}
# an offer goes to the side that must answer it
AUDIENCE: dict[str, Callable[[Mapping[str, Any]], tuple[Party, ...]]] = {
    "offer_made": lambda p: (Party.MERCHANT if p.get("from_party") == "consumer" else Party.CONSUMER,),
    "offer_countered": lambda p: (Party.MERCHANT if p.get("from_party") == "consumer" else Party.CONSUMER,),
}


def _offer(p: Mapping[str, Any], d: date) -> Fields:
    return {
        "from_party": "消费者" if p.get("from_party") == "consumer" else "经营者",
        "remedy": _remedy(p["remedy"]),
        "amount": p["amount"],
        "answer_by": _day(p.get("deadline"), d),
    }


async def open_survey_at_close(conn: asyncpg.Connection, case_id: int, outcome: str, now: datetime) -> None:
    """In the closing transaction: open the survey when it is due, so the tracking page offers it at once.

    Its link token is issued later, with the closing notice (`_survey_link`); until then the survey is
    reached from the tracking page (number and access code). A duplicate's follow-up is its original's;
    a settlement is rated once its performance is known (`survey_due`).
    """
    if outcome != "duplicate" and await survey_due(conn, case_id, outcome, local_date(now)):
        await surveys.open_for_case(conn, case_id, now)  # the token is discarded: the notice gets a new one


async def _survey_link(conn: asyncpg.Connection, event: asyncpg.Record, now: datetime, base_url: str) -> str:
    """The closed case's survey link (once; a duplicate's follow-up is its original's).

    A survey opened by this very closing (`open_survey_at_close`) gets its link token now; one from
    before this closing (a reopened case closing again) keeps its first link. The token lives only in the
    notice sent to the consumer; staff see the notice with it masked.
    """
    if event["payload"].get("outcome") == "duplicate":
        raise ValueError("no survey for a duplicate")
    fresh = secrets.token_urlsafe(32)
    issued = await conn.fetchval(
        "UPDATE surveys SET token_hash = $2 WHERE case_id = $1 AND created_at = $3 AND answered_at IS NULL"
        " RETURNING case_id",
        event["case_id"],
        surveys.token_hash(fresh),
        event["at"],
    )
    # not opened at this closing: a case closed before this release opens its survey now
    token = fresh if issued is not None else await surveys.open_for_case(conn, event["case_id"], now)
    if token is None:  # a reopened case closing again keeps its first survey
        return "请凭投诉编号和查询码登录查询页面评价"
    return f"{base_url.rstrip('/')}/survey/{token}"


class EventHorizon:
    """How far the event log may be read without skipping an event still being written.

    Event ids come from a sequence, taken before the writing transaction commits: id 11 may be visible
    while id 10's transaction is still open. Each poll notes the sequence's high-water mark and the
    snapshot's next transaction id. Once every transaction that was running at a later poll has ended
    (the oldest running one is past that poll's next id), every id up to the earlier mark is final:
    committed and visible, or never to be. Kept per worker process; it only ever lags, never skips.
    """

    KEEP = 120

    def __init__(self) -> None:
        self._polls: list[tuple[int, int]] = []  # (sequence high-water mark, next xid), oldest first

    async def advance(self, conn: asyncpg.Connection) -> int | None:
        """The highest event id safe to read now (None: not yet known)."""
        row = await conn.fetchrow(
            "SELECT pg_snapshot_xmin(s)::text::bigint AS xmin, pg_snapshot_xmax(s)::text::bigint AS xmax,"
            " coalesce(pg_sequence_last_value(pg_get_serial_sequence('case_events', 'id')), 0) AS seq"
            " FROM pg_current_snapshot() AS s"
        )
        safe: int | None = None
        for i in range(len(self._polls) - 1, 0, -1):
            if self._polls[i][1] <= row["xmin"]:
                safe = self._polls[i - 1][0]
                del self._polls[: i - 1]
                break
        self._polls.append((row["seq"], row["xmax"]))
        del self._polls[: -self.KEEP]
        return safe


async def notify_from_events(
    pool: asyncpg.Pool,
    *,
    now: datetime,
    smtp_configured: bool,
    base_url: str = "",
    batch: int = BATCH,
    upto: int | None = None,
) -> int:
    """Read the events after the cursor (up to id `upto`, see EventHorizon), queue their notices, move the
    cursor; return notices queued.

    The cursor row is locked for the transaction, so two workers never read the same events.
    """
    queued = 0
    async with pool.acquire() as conn, conn.transaction():
        last = await conn.fetchval("SELECT last_event_id FROM notice_cursor WHERE id = 1 FOR UPDATE")
        events = await conn.fetch(
            "SELECT id, case_id, kind, payload, at FROM case_events"
            " WHERE id > $1 AND ($3::bigint IS NULL OR id <= $3) ORDER BY id LIMIT $2",
            last,
            batch,
            upto,
        )
        for e in events:
            if e["kind"] not in MAPPING:
                continue
            template, fields_of = MAPPING[e["kind"]]
            try:
                fields = fields_of(e["payload"], local_date(e["at"]))
                outcome = e["payload"].get("outcome")
                if e["kind"] == "closed" and not await survey_due(
                    conn, e["case_id"], outcome, local_date(now)
                ):
                    template = "case_closed_settled"  # a settlement is rated once performed (or due)
                elif e["kind"] == "closed":
                    fields["survey_link"] = await _survey_link(conn, e, now, base_url)
                elif template == "survey_invite":
                    token = await surveys.open_for_case(conn, e["case_id"], now)
                    if token is None:  # already invited (a late performance after the flag)
                        continue
                    fields["survey_link"] = f"{base_url.rstrip('/')}/survey/{token}"
            except (KeyError, ValueError) as exc:  # an event without what its notice needs: skip, say so
                log.warning("notice skipped", event_id=e["id"], kind=e["kind"], error=type(exc).__name__)
                continue
            queued += len(
                await notify_case(
                    conn,
                    e["case_id"],
                    template,
                    fields,
                    now=now,
                    smtp_configured=smtp_configured,
                    key=str(e["id"]),
                    to=AUDIENCE[e["kind"]](e["payload"]) if e["kind"] in AUDIENCE else None,
                )
            )
        if events:
            await conn.execute("UPDATE notice_cursor SET last_event_id = $1 WHERE id = 1", events[-1]["id"])
    return queued
