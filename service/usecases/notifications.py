"""Notices to the parties and staff: queued with the data they concern, sent later by a job with retries.

Queuing works like the outbox: inside the caller's transaction, once per dedupe key. Sending takes one
due notice at a time, locked with SKIP LOCKED for the length of its try, so workers running side by
side never send the same notice twice; every try is written down, and after the fifth failure the
notice is 'failed' — a state staff see on the case page and in the failed list.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import re
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import datetime
from typing import ParamSpec

import asyncpg
import structlog

from domain import notices, sms_texts
from domain.errors import NotFound
from domain.events import EventKind
from domain.notices import Party
from domain.tracking import ACCESS_CODE_ALPHABET, ACCESS_CODE_LENGTH
from service import i18n
from service.adapters.channels import Channels, DeliveryError, Message, RateLimits, Route, recorded_only
from service.store import cases
from service.store import notifications as store
from service.store.notifications import Contacts, Notice
from service.usecases import notice_language

log = structlog.get_logger("notifications")

SUPERVISORS = "staff:supervisors"
ERROR_MAX = 500
# survey and merchant links carry their credential in the path; a delivered notice no longer needs it
_LINK_TOKEN = re.compile(r"(/(?:survey|m)/)[A-Za-z0-9_-]{8,}")
REDACTED = "[已隐去]"
_ACCESS_CODE = re.compile(rf"(?<![A-Za-z0-9])[{ACCESS_CODE_ALPHABET}]{{{ACCESS_CODE_LENGTH}}}(?![A-Za-z0-9])")
ONCE_PER_CASE = frozenset({"complaint_registered"})
P = ParamSpec("P")


def redact(template: str, body: str) -> str:
    """The body to keep once sent: link tokens, and the access code of the one text that carries it."""
    body = redact_link_tokens(body)
    if template == sms_texts.REGISTERED_WITH_CODE:
        body = _ACCESS_CODE.sub(REDACTED, body)
    return body


def redact_link_tokens(body: str) -> str:
    """The body to keep once sent: each link's token replaced, so a copy of the table opens no survey or
    merchant page (the sent body's SHA-256 is kept beside it as proof of what went out)."""
    return _LINK_TOKEN.sub(rf"\1{REDACTED}", body)


async def queue_notices(
    conn: asyncpg.Connection,
    *,
    case_id: int | None,
    recipient: str,
    template: str,
    fields: Mapping[str, object],
    dedupe_key: str | None,
    now: datetime | None = None,
    contacts: Contacts | None = None,
    channels: Channels | None = None,
    locale: str = i18n.SOURCE,
    base_url: str = "",
    both: bool = True,
) -> list[int]:
    """Queue a notice in the caller's transaction, once per channel that will carry it; the ids queued.

    The channels are those of `channels` that reach the recipient's `contacts` and carry the notice: the
    preferred one, or (`both`) every one, e.g. e-mail and SMS; a text channel (SMS) carries the notice's
    short text where it has one. Without contacts (staff), channels, or any that reaches them, it is one
    that needs neither: the log. A consumer's notice is in `locale`. `now` (default: the database's
    clock) is when it was created and first becomes due. Each channel's copy has its own dedupe key.
    """
    words = notice_language.wording(locale if _party(recipient) == Party.CONSUMER else i18n.SOURCE)
    subject, body = notices.render(template, fields, translate=words.translate, day=words.day)
    texts = {**fields, "link": notice_language.tracking_link(base_url, words.locale)}
    queued = []
    for index, (route, text) in enumerate(
        _carriers(
            channels or recorded_only(), contacts or {}, template, recipient, (body, texts, words), both
        )
    ):
        key = (
            dedupe_key
            if dedupe_key is None or (index == 0 and text is None)
            else f"{dedupe_key}:{route.channel}"
        )
        notice_id = await store.insert(
            conn,
            case_id=case_id,
            recipient=recipient,
            channel=route.channel,
            address=route.address,
            template=template,
            subject=subject,
            body=body if text is None else text,
            dedupe_key=key,
            at=now,
        )
        if notice_id is not None:
            queued.append(notice_id)
    return queued


def _first_of(queue: Callable[P, Awaitable[list[int]]]) -> Callable[P, Awaitable[int | None]]:
    """`queue` answering the first id it queued, or None when it queued none."""

    async def first(*args: P.args, **kwargs: P.kwargs) -> int | None:
        ids = await queue(*args, **kwargs)
        return ids[0] if ids else None

    return first


# Queue a notice in the caller's transaction, as `queue_notices` does; the first id queued, or None when its
# dedupe key was queued before.
queue_notification = _first_of(queue_notices)


def _carriers(
    registry: Channels,
    contacts: Contacts,
    template: str,
    recipient: str,
    content: tuple[str, Mapping[str, object], notice_language.Wording],
    both: bool,
) -> list[tuple[Route, str | None]]:
    """The routes a notice goes by, each with its short text (None: it carries the full body)."""
    body, fields, words = content
    fallback: list[tuple[Route, str | None]] = []
    chosen: list[tuple[Route, str | None]] = []
    for channel, route in registry.reaching(contacts):
        if route.address is None:
            fallback = fallback or [(route, None)]
            continue
        text = None
        if getattr(channel, "short_text", False):
            if not sms_texts.has_text(template, _party(recipient)):
                continue
            text = sms_texts.render(template, fields, translate=words.translate, day=words.day)
        fits = getattr(channel, "fits", None)
        limit = channel.max_chars
        carried = body if text is None else text
        if (limit is not None and len(carried) > limit) or (fits is not None and not fits(carried)):
            continue
        chosen.append((route, text))
    if not chosen:
        if not fallback:
            raise LookupError(f"no channel reaches contacts {sorted(k for k, v in contacts.items() if v)}")
        return fallback
    return chosen if both else chosen[:1]


def _party(recipient: str) -> Party:
    if recipient == "consumer":
        return Party.CONSUMER
    return Party.MERCHANT if recipient.startswith("merchant") else Party.STAFF


async def notify_case(
    conn: asyncpg.Connection,
    case_id: int,
    template: str,
    fields: Mapping[str, object],
    *,
    now: datetime,
    channels: Channels,
    to: Collection[Party] | None = None,
    key: str = "",
    base_url: str = "",
    both: bool = True,
) -> list[int]:
    """Queue the template for the case's parties (the template's audience unless `to` names them).

    Each party gets the channels of `channels` that reach its contacts (e-mail when the case has an
    address and SMTP is configured; SMS to a reachable mobile; both when `both`), else a logged notice;
    staff always a logged notice — the assigned mediator, or the supervisors while nobody is assigned.
    The consumer's notices are in the language the consumer filed in. `tracking_no` is filled in when
    the template uses it. Each (template, case, recipient, key) is queued once: pass `key` (an offer id,
    a date) for a notice that may rightly repeat (registration never does: its key is ignored, so the
    text with the access code queued at intake stands for it). Returns the ids queued now.
    """
    r = await store.recipients(conn, case_id)
    if r is None:
        raise NotFound(f"case {case_id}")
    values = dict(fields)
    if "tracking_no" in notices.template(template).fields:
        values.setdefault("tracking_no", r.tracking_no)
    parties = notices.template(template).audience if to is None else tuple(to)
    key = "" if template in ONCE_PER_CASE else key
    queued = []
    for party in Party:  # a stable order: consumer, merchant, staff
        if party not in parties:
            continue
        recipient, contacts = _recipient(r, party)
        queued += await queue_notices(
            conn,
            case_id=case_id,
            recipient=recipient,
            template=template,
            fields=values,
            contacts=contacts,
            channels=channels,
            dedupe_key=":".join(filter(None, (template, str(case_id), recipient, key))),
            now=now,
            locale=r.consumer_locale,
            base_url=base_url,
            both=both,
        )
    return queued


def _recipient(r: store.Recipients, party: Party) -> tuple[str, Contacts]:
    if party == Party.CONSUMER:
        return "consumer", r.consumer
    if party == Party.MERCHANT:
        return (f"merchant:{r.merchant_id}", r.merchant) if r.merchant_id else ("merchant", {})
    return (f"staff:{r.assigned_to}" if r.assigned_to else SUPERVISORS), {}


async def send_due(
    pool: asyncpg.Pool, channels: Channels, *, now: datetime, batch: int = 50
) -> tuple[int, int]:
    """Try up to `batch` notices due at `now`, one after another; return (sent, failed tries).

    Each notice is claimed in its own transaction (FOR UPDATE SKIP LOCKED) that lasts through its try,
    so concurrent runs skip it and a crash mid-try rolls back to 'pending' and it is tried again
    (delivery is at least once). A failed try waits 1 min, 5 min, 30 min, then 2 h; the fifth failure
    makes the notice 'failed' and writes an event on its case.
    """
    sent = failed = 0
    async with pool.acquire() as conn:
        for _ in range(batch):
            outcome = await _send_one(conn, channels, now)
            if outcome is None:
                break
            sent, failed = (sent + 1, failed) if outcome else (sent, failed + 1)
    return sent, failed


async def drain(
    pool: asyncpg.Pool,
    channels: Channels,
    *,
    clock: Callable[[], datetime],
    senders: int = 4,
    limits: RateLimits | None = None,
    max_notices: int | None = None,
) -> tuple[int, int]:
    """Send everything due until nothing is (or `max_notices` were tried), with `senders` side by side.

    Each sender holds one pooled connection and claims notices one at a time, as `send_due` does; a slow
    channel (an SMTP round trip) then costs its latency once per sender, not once per queue. `limits`
    paces each channel. Returns (sent, failed tries).
    """
    totals = [0, 0]
    budget = [max_notices if max_notices is not None else -1]

    async def sender() -> None:
        async with pool.acquire() as conn:
            while budget[0] != 0:
                budget[0] -= 1
                outcome = await _send_one(conn, channels, clock(), limits)
                if outcome is None:
                    return
                totals[0 if outcome else 1] += 1

    await asyncio.gather(*(sender() for _ in range(max(1, senders))))
    return totals[0], totals[1]


async def _send_one(
    conn: asyncpg.Connection, channels: Channels, now: datetime, limits: RateLimits | None = None
) -> bool | None:
    """Claim and try the next due notice: True sent, False a failed try, None when nothing is due."""
    async with conn.transaction():
        pending = await store.claim_due(conn, now)
        if pending is None:
            return None
        if limits is not None:
            await limits.wait(pending.channel)  # the row stays locked meanwhile: other senders skip it
        error, reference = await _try(channels, pending)
        if error is None:
            await store.add_attempt(conn, pending.id, now, ok=True)
            await store.mark_sent(
                conn,
                pending.id,
                now,
                stored_body=redact(pending.template, pending.body),
                sent_body_sha256=hashlib.sha256(pending.body.encode()).hexdigest(),
                reference=reference,
            )
            return True
        await store.add_attempt(conn, pending.id, now, ok=False, error=error)
        wait = notices.next_try(pending.attempts + 1)
        await store.mark_failed_try(
            conn, pending.id, error, next_attempt_at=now + wait if wait else now, give_up=wait is None
        )
        if wait is None:
            log.warning("notice gave up", notice_id=pending.id, attempts=pending.attempts + 1)
            if pending.case_id is not None:
                await cases.add_event(
                    conn,
                    pending.case_id,
                    EventKind.NOTIFICATION_FAILED,
                    actor="system",
                    at=now,
                    payload={
                        "notification_id": pending.id,
                        "recipient": pending.recipient,
                        "template": pending.template,
                    },
                )
        return False


async def _try(channels: Channels, pending: store.Pending) -> tuple[str | None, str | None]:
    """(None, the channel's reference) when delivered, else (the reason, None): kept short, it is stored
    and shown to staff."""
    message = Message(
        id=pending.id,
        recipient=pending.recipient,
        address=pending.address,
        template=pending.template,
        subject=pending.subject,
        body=pending.body,
    )
    try:
        delivery = await channels.channel_for(pending.channel).send(message)
    except DeliveryError as exc:
        return str(exc)[:ERROR_MAX] or "delivery failed", None
    except Exception as exc:  # a channel's own bug must not stop the batch: record it like any failure
        log.exception("notice channel raised", notice_id=pending.id, channel=pending.channel)
        return f"{type(exc).__name__}: {exc}"[:ERROR_MAX], None
    return None, delivery.reference


async def notifications_for_case(pool: asyncpg.Pool, case_id: int) -> list[Notice]:
    """A case's notices, oldest first, with their status and tries (for the case page). A text with the
    access code still waiting to go shows it masked: staff never see a consumer's code."""
    async with pool.acquire() as conn:
        found = await store.for_case(conn, case_id)
    return [dataclasses.replace(n, body=redact(n.template, n.body)) for n in found]


async def failed_notifications(pool: asyncpg.Pool, *, limit: int = 100) -> list[asyncpg.Record]:
    """Notices that gave up, newest first, with their case's tracking number: staff follow them up."""
    async with pool.acquire() as conn:
        return await store.failed(conn, limit)
