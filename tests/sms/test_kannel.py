"""SMS through a real Kannel: what the fake SMSC receives, and the delivery reports Kannel sends back."""

from __future__ import annotations

import asyncio
import itertools
import time

import asyncpg
import httpx
import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from domain import sms
from domain.notices import en_date
from service.adapters.channels import RateLimits, configured_channels
from service.adapters.channels.sms import report_key, report_signature
from service.settings import ROOT, Settings
from service.usecases import intake, notifications
from service.usecases.clock import utcnow
from service.usecases.event_notices import notify_from_events
from tests.support.factories import complaint_body
from tests.support.kannel import Kannel, Text
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.db
TEMPLATES = Environment(
    loader=FileSystemLoader(ROOT / "templates"), autoescape=True, undefined=StrictUndefined
)
SIGNATURE = "【拱墅区市场监管局】"


async def file(pool: asyncpg.Pool, settings: Settings, **changes: object) -> intake.Receipt:
    body = complaint_body(**changes)
    context = intake.IntakeContext.from_settings(settings)  # with SMS configured: texts the code when asked
    return await intake.submit_complaint(pool, body, context, now=utcnow())


async def notify_and_send(pool: asyncpg.Pool, settings: Settings, limits: RateLimits | None = None) -> None:
    """What a worker does: the new events become notices, and the senders send what is due."""
    channels = configured_channels(settings)
    await notify_from_events(
        pool, now=utcnow(), channels=channels, base_url=settings.public_base_url, both=settings.notify_both
    )
    await notifications.drain(pool, channels, clock=utcnow, limits=limits)


async def texts_to(kannel: Kannel, number: str, count: int = 1) -> list[Text]:
    """The texts the fake SMSC received for `number`, once `count` have (15 s at most)."""
    found: list[Text] = []
    for _ in range(150):
        found = [t for t in kannel.received() if t.receiver == number]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"{number}: {len(found)} of {count} texts arrived")


async def sms_rows(pool: asyncpg.Pool, case_id: int) -> list[asyncpg.Record]:
    return list(
        await pool.fetch(
            "SELECT * FROM notifications WHERE case_id = $1 AND channel = 'sms' ORDER BY id", case_id
        )
    )


async def delivery_becomes(pool: asyncpg.Pool, notice_id: int, state: str) -> asyncpg.Record:
    for _ in range(150):
        row = await pool.fetchrow("SELECT * FROM notifications WHERE id = $1", notice_id)
        if row is not None and row["delivery"] == state:
            return row
        await asyncio.sleep(0.1)
    raise AssertionError(f"notice {notice_id} never became {state}: {row and row['delivery']}")


async def test_a_chinese_filing_with_a_mainland_mobile_gets_the_registration_text_and_its_report(
    sms_pool: asyncpg.Pool, sms_settings: Settings, kannel: Kannel, web: str
) -> None:
    receipt = await file(sms_pool, sms_settings, consumer__phone="13800000001")
    await notify_and_send(sms_pool, sms_settings)
    [text] = await texts_to(kannel, "+8613800000001")
    assert text.sender == "10690571"
    assert text.text.startswith(SIGNATURE) and receipt.tracking_no in text.text
    assert f"{web}/track" in text.text and "决定是否受理" in text.text
    assert receipt.access_code not in text.text  # not asked for on the form
    [row] = await sms_rows(sms_pool, receipt.case_id)
    assert row["status"] == "sent" and row["body"] == text.text
    delivered = await delivery_becomes(sms_pool, row["id"], "delivered")  # fakesmsc: 8, then 1
    assert delivered["delivery_at"] is not None
    [notice] = await notifications.notifications_for_case(sms_pool, receipt.case_id)
    assert (notice.channel_label, notice.delivery) == ("短信", "delivered")
    # the case page's notice list shows staff the report
    page = TEMPLATES.get_template("_case_notices.html").render(notices=[notice])
    assert "短信" in page and "回执：已送达" in page


async def a_delivered_text(
    sms_pool: asyncpg.Pool, sms_settings: Settings, kannel: Kannel, phone: str
) -> asyncpg.Record:
    """The registration text of a complaint filed with `phone`, sent through Kannel and reported
    delivered: its notice row, for the reports that follow."""
    receipt = await file(sms_pool, sms_settings, consumer__phone=phone)
    await notify_and_send(sms_pool, sms_settings)
    await texts_to(kannel, f"+86{phone}")
    [row] = await sms_rows(sms_pool, receipt.case_id)
    await delivery_becomes(sms_pool, row["id"], "delivered")
    return row


async def test_a_failed_report_marks_the_notice_failed_and_a_late_one_does_not_undo_it(
    sms_pool: asyncpg.Pool, sms_settings: Settings, kannel: Kannel, web: str
) -> None:
    row = await a_delivered_text(sms_pool, sms_settings, kannel, "13800000002")
    sig = report_signature(report_key(sms_settings.secret_key), row["id"])
    async with httpx.AsyncClient(base_url=f"{web}/api/v1/sms") as client:
        # as Kannel calls it for a message the SMSC could not deliver (type 16), then a late "accepted" (8)
        failed = await client.get("/reports", params={"notice": row["id"], "sig": sig, "status": 16})
        assert failed.status_code == 200 and failed.json() == {"notice": row["id"], "delivery": "failed"}
        late = await client.get("/reports", params={"notice": row["id"], "sig": sig, "status": 8})
        assert late.status_code == 200
    assert (await delivery_becomes(sms_pool, row["id"], "failed"))["delivery_detail"] == "kannel:16"


async def test_a_forged_or_unknown_report_is_refused(
    sms_pool: asyncpg.Pool, sms_settings: Settings, kannel: Kannel, web: str
) -> None:
    row = await a_delivered_text(sms_pool, sms_settings, kannel, "13800000003")
    key = report_key(sms_settings.secret_key)
    async with httpx.AsyncClient(base_url=f"{web}/api/v1/sms") as client:
        forged = await client.get("/reports", params={"notice": row["id"], "sig": "0" * 32, "status": 16})
        other_key = report_signature(report_key("another-secret"), row["id"])
        foreign = await client.get("/reports", params={"notice": row["id"], "sig": other_key, "status": 2})
        unknown = await client.get(
            "/reports", params={"notice": 999999, "sig": report_signature(key, 999999), "status": 1}
        )
        odd = await client.get(
            "/reports", params={"notice": row["id"], "sig": report_signature(key, row["id"]), "status": 3}
        )
        garbled = await client.get("/reports", params={"notice": "x", "sig": "y", "status": "z"})
    assert (forged.status_code, foreign.status_code, unknown.status_code) == (403, 403, 404)
    assert odd.status_code == 422 and garbled.status_code == 400
    assert (await delivery_becomes(sms_pool, row["id"], "delivered"))["delivery"] == "delivered"


async def test_the_access_code_goes_by_text_only_when_the_consumer_asked(
    sms_pool: asyncpg.Pool, sms_settings: Settings, kannel: Kannel, web: str
) -> None:
    asked = await file(sms_pool, sms_settings, consumer__phone="13800000004", send_code_by_sms=True)
    [waiting] = await notifications.notifications_for_case(sms_pool, asked.case_id)  # queued at intake
    assert asked.access_code not in waiting.body and "[已隐去]" in waiting.body  # staff never see it
    await notify_and_send(sms_pool, sms_settings)
    [text] = await texts_to(kannel, "+8613800000004")
    assert asked.access_code in text.text and asked.tracking_no in text.text
    [row] = await sms_rows(sms_pool, asked.case_id)  # one registration text: the one with the code
    assert row["template"] == "complaint_registered_code" and asked.access_code not in row["body"]
    assert row["sent_body_sha256"] is not None  # what went out is proven by its hash, not kept
    await asyncio.sleep(0.5)
    assert len([t for t in kannel.received() if t.receiver == "+8613800000004"]) == 1


async def test_the_sms_rate_is_respected(
    sms_pool: asyncpg.Pool, sms_settings: Settings, kannel: Kannel, web: str
) -> None:
    numbers = [f"1380000010{i}" for i in range(4)]
    for number in numbers:
        await file(sms_pool, sms_settings, consumer__phone=number)
    limits = PacedAt({"sms": 5.0})
    await notify_and_send(sms_pool, sms_settings, limits)
    for number in numbers:
        await texts_to(kannel, f"+86{number}")
    # four texts at 5 a second, four senders side by side: none went to the gateway within a fifth of a
    # second of the one before
    assert len(limits.passed) == 4
    gaps = [b - a for a, b in itertools.pairwise(sorted(limits.passed))]
    assert min(gaps) >= 0.2 - 0.01, gaps


class PacedAt(RateLimits):
    """The production pacer, noting when it let each notice go."""

    def __init__(self, per_second: dict[str, float]) -> None:
        super().__init__(per_second)
        self.passed: list[float] = []

    async def wait(self, channel: str) -> None:
        await super().wait(channel)
        self.passed.append(time.monotonic())


async def test_an_english_consumer_gets_english_texts_and_e_mails(
    sms_pool: asyncpg.Pool, sms_settings: Settings, kannel: Kannel, smtp: SmtpServer, web: str
) -> None:
    receipt = await file(
        sms_pool, sms_settings, consumer__phone="13800000005", consumer__email="jane@example.com", locale="en"
    )
    await notify_and_send(sms_pool, sms_settings)
    [text] = await texts_to(kannel, "+8613800000005")
    assert text.text.startswith("Gongshu Market Regulation: complaint " + receipt.tracking_no)
    assert f"{web}/track?lang=en" in text.text
    assert sms.segments(text.text) == sms.Segments(
        sms.Coding.GSM7, len(text.text), text.parts
    )  # as Kannel split it
    for _ in range(50):
        mails = [m for rcpt, m in smtp.inbox.messages if rcpt == ["jane@example.com"]]
        if mails:
            break
        await asyncio.sleep(0.1)
    [mail] = mails
    assert mail["Subject"] == f"Complaint registered ({receipt.tracking_no})"
    body = mail.get_body().get_content()
    assert "Your complaint was registered on" in body and "决定" not in body
    assert receipt.received_on is not None and en_date(receipt.received_on) in body  # "6 July 2026"


async def test_an_international_number_without_e_mail_gets_no_text_but_a_recorded_notice(
    sms_pool: asyncpg.Pool, sms_settings: Settings, kannel: Kannel, web: str
) -> None:
    receipt = await file(sms_pool, sms_settings, consumer__phone="13800000006", locale="en")
    # a foreign resident's number as intake stores it (E.164); the gateway reaches mainland numbers only
    case_id = receipt.case_id
    await sms_pool.execute("UPDATE case_consumers SET phone = '+447911123456' WHERE case_id = $1", case_id)
    await notify_and_send(sms_pool, sms_settings)
    rows = await sms_pool.fetch("SELECT channel, address FROM notifications WHERE case_id = $1", case_id)
    assert [(r["channel"], r["address"]) for r in rows] == [("log", None)]
    assert not [t for t in kannel.received() if t.receiver in {"+447911123456", "+8613800000006"}]
