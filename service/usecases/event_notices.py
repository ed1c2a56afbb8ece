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
from domain.events import EventKind
from domain.notices import Party
from domain.outcomes import OUTCOMES
from domain.routing import ROUTE_LABELS, Route
from domain.taxonomy import REQUEST_KINDS
from service.adapters.channels import Channels
from service.store import notice_feed, surveys
from service.store.notice_feed import FeedEvent
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
MAPPING: dict[EventKind, tuple[str, Callable[[Mapping[str, Any], date], Fields]]] = {
    EventKind.REGISTERED: (
        "complaint_registered",
        lambda p, d: {"received_on": d, "acceptance_due": _day(p.get("acceptance_due"), d)},
    ),
    EventKind.ACCEPTED: ("acceptance_accepted", lambda p, d: {"accepted_on": _day(p.get("accepted_on"), d)}),
    EventKind.REJECTED: (
        "acceptance_rejected",
        lambda p, d: {"decided_on": d, "ground": GROUND_LABELS[Ground(int(p["ground"]))][0]},
    ),
    EventKind.ROUTED: ("route_decided", lambda p, d: {"route": ROUTE_LABELS[Route(p["route"])][0]}),
    EventKind.ROUTE_OVERRIDDEN: ("route_decided", lambda p, d: {"route": ROUTE_LABELS[Route(p["route"])][0]}),
    EventKind.FIRST_PAYMENT_OPENED: (
        "first_payment_requested",
        lambda p, d: {
            "amount": f"{int(p['amount_fen']) // 100}.{int(p['amount_fen']) % 100:02d}",
            "reply_due": _day(p.get("reply_due"), d),
            "merchant_name": p.get("payer_name") or "贵单位",
        },
    ),
    EventKind.CLOSED: (
        "case_closed",
        lambda p, d: {"closed_on": d, "outcome": OUTCOMES.get(str(p.get("outcome")), ("",))[0]},
    ),  # survey_link is added when the event is read: the survey opens then
    EventKind.OFFER_MADE: ("offer_to_answer", lambda p, d: _offer(p, d)),
    EventKind.OFFER_COUNTERED: ("offer_to_answer", lambda p, d: _offer(p, d)),
    EventKind.SETTLEMENT_MADE: (
        "settlement_made",
        lambda p, d: {
            "settled_on": d,
            "remedy": _remedy(p["remedy"]),
            "amount": p["amount"],
            "perform_by": _day(p.get("perform_by"), d),
        },
    ),
    EventKind.TERMINATED: (
        "termination_notice",
        lambda p, d: {"terminated_on": d, "reason": p["reason_label"]},
    ),
    EventKind.SETTLEMENT_ISSUED: (
        "settlement_to_confirm",
        lambda p, d: {
            "remedy": _remedy(p["remedy"]),
            "amount": p["amount"],
            "perform_by": _day(p.get("perform_by"), d),
        },
    ),
    # a settled case is rated once its performance is known: recorded, or flagged when the date passed
    EventKind.SETTLEMENT_PERFORMED: ("survey_invite", lambda p, d: {"performance": "已履行"}),
    EventKind.SETTLEMENT_NOT_PERFORMED: ("survey_invite", lambda p, d: {"performance": "未按期履行"}),
}
# an offer goes to the side that must answer it
AUDIENCE: dict[EventKind, Callable[[Mapping[str, Any]], tuple[Party, ...]]] = {
    EventKind.OFFER_MADE: lambda p: (
        Party.MERCHANT if p.get("from_party") == "consumer" else Party.CONSUMER,
    ),
    EventKind.OFFER_COUNTERED: lambda p: (
        Party.MERCHANT if p.get("from_party") == "consumer" else Party.CONSUMER,
    ),
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


async def _survey_link(conn: asyncpg.Connection, event: FeedEvent, now: datetime, base_url: str) -> str:
    """The closed case's survey link (once; a duplicate's follow-up is its original's).

    A survey opened by this very closing (`open_survey_at_close`) gets its link token now; one from
    before this closing (a reopened case closing again) keeps its first link. The token lives only in the
    notice sent to the consumer; staff see the notice with it masked.
    """
    if event.payload.get("outcome") == "duplicate":
        raise ValueError("no survey for a duplicate")
    fresh = secrets.token_urlsafe(32)
    issued = await notice_feed.issue_survey_link_token(
        conn, event.case_id, event.at, surveys.token_hash(fresh)
    )
    # not opened at this closing: a case closed before this release opens its survey now
    token = fresh if issued else await surveys.open_for_case(conn, event.case_id, now)
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
        snap = await notice_feed.snapshot(conn)
        safe: int | None = None
        for i in range(len(self._polls) - 1, 0, -1):
            if self._polls[i][1] <= snap.xmin:
                safe = self._polls[i - 1][0]
                del self._polls[: i - 1]
                break
        self._polls.append((snap.seq, snap.xmax))
        del self._polls[: -self.KEEP]
        return safe


async def notify_from_events(
    pool: asyncpg.Pool,
    *,
    now: datetime,
    channels: Channels,
    base_url: str = "",
    batch: int = BATCH,
    upto: int | None = None,
    both: bool = True,
) -> int:
    """Read the events after the cursor (up to id `upto`, see EventHorizon), queue their notices through
    `channels`, move the cursor; return notices queued.

    The cursor row is locked for the transaction, so two workers never read the same events.
    """
    queued = 0
    async with pool.acquire() as conn, conn.transaction():
        last = await notice_feed.lock_cursor(conn)
        events = await notice_feed.events_after(conn, last, limit=batch, upto=upto)
        for e in events:
            notice = await _notice_for(conn, e, now, base_url)
            if notice is None:
                continue
            template, fields = notice
            audience = AUDIENCE.get(EventKind(e.kind))
            queued += len(
                await notify_case(
                    conn,
                    e.case_id,
                    template,
                    fields,
                    now=now,
                    channels=channels,
                    key=str(e.id),
                    to=audience(e.payload) if audience else None,
                    base_url=base_url,
                    both=both,
                )
            )
        if events:
            await notice_feed.move_cursor(conn, events[-1].id)
    return queued


async def _notice_for(
    conn: asyncpg.Connection, e: FeedEvent, now: datetime, base_url: str
) -> tuple[str, Fields] | None:
    """The template and fields an event calls for; None when it calls for none (or lacks what it needs)."""
    if e.kind not in MAPPING:
        return None
    template, fields_of = MAPPING[EventKind(e.kind)]
    try:
        fields = fields_of(e.payload, local_date(e.at))
        if e.kind == EventKind.CLOSED and not await survey_due(
            conn, e.case_id, e.payload.get("outcome"), local_date(now)
        ):
            template = "case_closed_settled"  # a settlement is rated once performed (or due)
        elif e.kind == EventKind.CLOSED:
            fields["survey_link"] = await _survey_link(conn, e, now, base_url)
        elif template == "survey_invite":
            token = await surveys.open_for_case(conn, e.case_id, now)
            if token is None:  # already invited (a late performance after the flag)
                return None
            fields["survey_link"] = f"{base_url.rstrip('/')}/survey/{token}"
    except (KeyError, ValueError) as exc:  # an event without what its notice needs: skip, say so
        log.warning("notice skipped", event_id=e.id, kind=e.kind, error=type(exc).__name__)
        return None
    return template, fields
