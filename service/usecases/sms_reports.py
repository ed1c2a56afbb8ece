"""Text messages beyond the outbox's own work: the gateway's delivery reports, and the registration text
with the access code that a consumer asked for on the form.

A report names the notice and carries the signature the SMS channel put in its dlr-url; a report whose
signature does not match is refused (403), one for a notice that is not an SMS 404, and an unknown
report type 422. A late intermediate report (accepted by the SMSC) never undoes a final one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

import asyncpg
import structlog

from domain import sms_texts
from domain.errors import FieldError, Forbidden, NotFound, ValidationFailed
from domain.identifiers import mask_phone
from service.adapters.channels import Channels, configured_channels
from service.adapters.channels.sms import REPORTS, genuine
from service.settings import Settings
from service.store import notifications as store
from service.usecases.notice_language import tracking_link, wording

log = structlog.get_logger("sms")
CHANNEL = "sms"


async def record_report(
    pool: asyncpg.Pool, *, key: bytes, notice_id: int, signature: str, status: int, now: datetime
) -> str:
    """Record Kannel's report of type `status` (its %d) on the notice; the delivery state recorded."""
    if not genuine(key, notice_id, signature):
        log.info("sms report refused: bad signature", notice_id=notice_id)
        raise Forbidden("bad_signature", "回执签名无效", "the report's signature does not match")
    delivery = REPORTS.get(status)
    if delivery is None:
        raise ValidationFailed(
            [FieldError("status", "invalid", "未知的回执类型", f"unknown report type {status}")]
        )
    async with pool.acquire() as conn, conn.transaction():
        # locks the row: waits while the sender still holds it (a report can beat the send's commit)
        if await store.delivery_of(conn, notice_id, CHANNEL) is None:
            raise NotFound(f"sms notice {notice_id}")
        recorded = await store.record_delivery(conn, notice_id, CHANNEL, delivery, now, f"kannel:{status}")
    log.info("sms report", notice_id=notice_id, delivery=delivery, recorded=recorded)
    return delivery


CodeTexter = Callable[[asyncpg.Pool, int, str, datetime], Awaitable[int | None]]


def code_texter(settings: Settings) -> CodeTexter | None:
    """What intake calls to text the access code when the consumer asked; None: SMS is not configured."""
    if not settings.sms_gateway_url:
        return None
    channels = configured_channels(settings)

    async def text_code(pool: asyncpg.Pool, case_id: int, access_code: str, now: datetime) -> int | None:
        return await queue_code_text(
            pool,
            channels,
            case_id=case_id,
            access_code=access_code,
            base_url=settings.public_base_url,
            now=now,
        )

    return text_code


async def queue_code_text(
    pool: asyncpg.Pool,
    channels: Channels,
    *,
    case_id: int,
    access_code: str,
    base_url: str,
    now: datetime,
) -> int | None:
    """Queue the registration text with the access code, asked for on the form; None when the consumer's
    phone is not one the gateway reaches (the code was shown on screen all the same) or it was queued.

    Its dedupe key is the one the registration's own text would take (notifications.notify_case keys
    registration once per case), so the consumer gets one registration text, the one with the code.
    """
    async with pool.acquire() as conn, conn.transaction():
        r = await store.recipients(conn, case_id)
        if r is None:
            raise NotFound(f"case {case_id}")
        phone = r.consumer.get("phone")
        reaching = channels.reaching({"phone": phone})
        if phone is None or not any(route.channel == CHANNEL for _, route in reaching):
            log.info("access code not texted: number not reached", phone=mask_phone(phone or ""))
            return None
        words = wording(r.consumer_locale)
        text = sms_texts.render(
            sms_texts.REGISTERED_WITH_CODE,
            {
                "tracking_no": r.tracking_no,
                "access_code": access_code,
                "acceptance_due": r.acceptance_due,
                "link": tracking_link(base_url, words.locale),
            },
            translate=words.translate,
            day=words.day,
        )
        return await store.insert(
            conn,
            case_id=case_id,
            recipient="consumer",
            channel=CHANNEL,
            address=phone,
            template=sms_texts.REGISTERED_WITH_CODE,
            subject=words.translate("投诉已登记（{tracking_no}）").format(tracking_no=r.tracking_no),
            body=text,
            dedupe_key=f"complaint_registered:{case_id}:consumer:{CHANNEL}",
            at=now,
        )
