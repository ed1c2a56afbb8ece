"""Notices: the templates (pure), queuing once per dedupe key, choosing recipients and channels, and sending
with retries — against a real SMTP server (aiosmtpd) on 127.0.0.1 — on a database of their own, so the
counts are exact."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from domain import notices
from domain.notices import Party
from service.adapters.channels import Channels, channel_types, configured_channels
from service.settings import Settings
from service.store import notifications as store
from service.usecases import auth, intake
from service.usecases.notifications import (
    failed_notifications,
    notifications_for_case,
    notify_case,
    queue_notification,
    send_due,
)
from tests.support.channels import ANY_SMTP, FakeChannel, SlowLog, channels
from tests.support.databases import Databases
from tests.support.factories import complaint_body
from tests.support.intake import ctx
from tests.support.smtp import SmtpServer

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 10:00 in Hangzhou


# -- the templates (pure) ---------------------------------------------------------------------------


def sample_fields(t: notices.Template) -> dict[str, object]:
    return {name: date(2026, 7, 6) if name.endswith(("_on", "_due", "_by")) else "X" for name in t.fields}


@pytest.mark.parametrize("code", sorted(notices.TEMPLATES))
def test_every_template_renders_in_chinese_without_personal_fields(code: str) -> None:
    t = notices.template(code)
    assert "tracking_no" in t.fields and not t.fields & notices.FORBIDDEN_FIELDS
    subject, body = notices.render(code, sample_fields(t))
    assert subject and "{" not in subject + body and "杭州市拱墅区市场监督管理局" in body


# -- servers and data -------------------------------------------------------------------------------


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
async def npool(databases: Databases) -> AsyncIterator[asyncpg.Pool]:
    """A database of this module's own: send_due sees every pending notice, so no other test's may be."""
    async with databases.pool(max_size=6) as p:
        yield p


@pytest.fixture(autouse=True)
async def _no_notices(npool: asyncpg.Pool) -> None:
    await npool.execute("DELETE FROM notification_attempts")
    await npool.execute("DELETE FROM notifications")


async def new_case(pool: asyncpg.Pool, settings: Settings) -> intake.Receipt:
    return await intake.submit_complaint(pool, complaint_body(today=T0.date()), ctx(settings), now=T0)


async def queue(pool: asyncpg.Pool, key: str, **kw: Any) -> int | None:
    args: dict[str, Any] = {
        "case_id": None,
        "recipient": "consumer",
        "template": "acceptance_accepted",
        "fields": {"tracking_no": "GS20261126-0001", "accepted_on": date(2026, 11, 26)},
        "dedupe_key": key,
        "now": T0,
    }
    args.update(kw)
    async with pool.acquire() as conn, conn.transaction():
        return await queue_notification(conn, **args)


async def row(pool: asyncpg.Pool, notice_id: int) -> asyncpg.Record:
    r = await pool.fetchrow("SELECT * FROM notifications WHERE id = $1", notice_id)
    assert r is not None
    return r


async def tries(pool: asyncpg.Pool, notice_id: int) -> list[tuple[bool, str | None]]:
    rows = await pool.fetch(
        "SELECT ok, error FROM notification_attempts WHERE notification_id = $1 ORDER BY id", notice_id
    )
    return [(r["ok"], r["error"]) for r in rows]


# -- queuing ----------------------------------------------------------------------------------------


async def test_a_dedupe_key_is_queued_once(npool: asyncpg.Pool) -> None:
    first = await queue(npool, "once")
    assert first is not None
    assert await queue(npool, "once") is None
    assert await npool.fetchval("SELECT count(*) FROM notifications") == 1
    r = await row(npool, first)
    assert r["subject"] == "投诉已受理（GS20261126-0001）" and "2026年11月26日" in r["body"]
    assert r["status"] == "pending" and r["next_attempt_at"] == T0


def by_email(address: str | None) -> dict[str, Any]:
    """Queue for a recipient with this e-mail address, SMTP configured."""
    return {"contacts": {"email": address}, "channels": channels(ANY_SMTP)}


async def test_the_registry_picks_the_channel_from_the_contacts(npool: asyncpg.Pool) -> None:
    by_mail = await queue(npool, "mail", **by_email("zhang@example.com"))
    no_address = await queue(npool, "no-address", **by_email(None))
    no_smtp = await queue(npool, "no-smtp-set", contacts={"email": "zhang@example.com"}, channels=channels())
    staff = await queue(npool, "staff", recipient="staff:supervisors")
    got = [
        (r["channel"], r["address"])
        for r in [await row(npool, i) for i in (by_mail, no_address, no_smtp, staff)]
    ]
    assert got == [("email", "zhang@example.com"), ("log", None), ("log", None), ("log", None)]


async def test_a_channel_registered_in_a_test_is_chosen_and_sends(npool: asyncpg.Pool) -> None:
    fake = FakeChannel()
    registry = configured_channels(Settings(), types=[*channel_types().values(), FakeChannel])
    registry = Channels([fake, *(c for c in registry.active if c.name != fake.name)], registry.unavailable)
    async with npool.acquire() as conn:  # the lookup learns it as `disputes migrate` writes a declared one
        await store.declare_channels(conn, [(fake.name, fake.label, fake.contact_field, fake.max_chars)])
    notice_id = await queue(npool, "fake", contacts={"phone": "13812345678"}, channels=registry)
    assert notice_id is not None
    assert ((await row(npool, notice_id))["channel"], (await row(npool, notice_id))["address"]) == (
        "fake_sms",
        "13812345678",
    )
    assert await send_due(npool, registry, now=T0) == (1, 0)
    [message] = fake.sent["13812345678"]
    assert message.id == notice_id and message.subject == "投诉已受理（GS20261126-0001）"


async def test_notify_case_picks_recipients_and_channels(npool: asyncpg.Pool, settings: Settings) -> None:
    receipt = await new_case(npool, settings)
    case_id = receipt.case_id
    fields = {
        "settled_on": date(2026, 11, 26),
        "remedy": "退货",
        "amount": "399.00",
        "perform_by": date(2026, 12, 3),
    }
    async with npool.acquire() as conn, conn.transaction():
        # no e-mail anywhere, merchant not linked yet: logged notices
        ids = await notify_case(conn, case_id, "settlement_made", fields, now=T0, channels=channels(ANY_SMTP))
    assert [(n.recipient, n.channel) for n in await notifications_for_case(npool, case_id)] == [
        ("consumer", "log"),
        ("merchant", "log"),
    ]
    assert len(ids) == 2

    merchant_id = await npool.fetchval(
        "INSERT INTO merchants (name, address, contact_email)"
        " VALUES ('杭州某某电器有限公司', '湖墅南路200号', $1) RETURNING id",
        "shop@example.com",
    )
    mediator = await auth.add_user(npool, "t_notice_mediator", ["mediator"], "a long enough password")
    await npool.execute(
        "UPDATE cases SET merchant_id = $2, assigned_to = $3 WHERE id = $1", case_id, merchant_id, mediator
    )
    await npool.execute("UPDATE case_consumers SET email = 'zhang@example.com' WHERE case_id = $1", case_id)
    offer = {"from_party": "经营者", "remedy": "退货", "amount": "399.00", "answer_by": date(2026, 12, 1)}
    async with npool.acquire() as conn, conn.transaction():
        with_smtp = await notify_case(
            conn, case_id, "offer_to_answer", offer, now=T0, channels=channels(ANY_SMTP), key="o1"
        )
        without = await notify_case(
            conn,
            case_id,
            "offer_to_answer",
            offer,
            now=T0,
            channels=channels(),
            to=(Party.MERCHANT, Party.STAFF),
            key="o2",
        )
        again = await notify_case(
            conn, case_id, "offer_to_answer", offer, now=T0, channels=channels(ANY_SMTP), key="o1"
        )
    assert len(with_smtp) == 1 and len(without) == 2 and again == []
    shown = [(n.recipient, n.channel, n.address) for n in await notifications_for_case(npool, case_id)][2:]
    assert shown == [
        ("consumer", "email", "zhang@example.com"),
        (f"merchant:{merchant_id}", "log", None),
        (f"staff:{mediator}", "log", None),
    ]
    notices_ = await notifications_for_case(npool, case_id)
    assert all(receipt.tracking_no in n.subject for n in notices_)
    text = " ".join(n.subject + n.body for n in notices_)
    assert receipt.access_code not in text and "张三" not in text and "13812345678" not in text


# -- sending ----------------------------------------------------------------------------------------


async def test_a_log_notice_is_sent_at_once(npool: asyncpg.Pool) -> None:
    notice_id = await queue(npool, "log-now")
    assert notice_id is not None
    assert await send_due(npool, channels(None), now=T0 - timedelta(seconds=1)) == (0, 0)  # not due yet
    assert await send_due(npool, channels(None), now=T0) == (1, 0)
    r = await row(npool, notice_id)
    assert (r["status"], r["attempts"], r["sent_at"]) == ("sent", 1, T0)
    assert await tries(npool, notice_id) == [(True, None)]
    assert await send_due(npool, channels(None), now=T0 + timedelta(hours=1)) == (0, 0)


async def test_an_email_fails_on_a_closed_port_then_is_delivered_when_the_server_is_up(
    npool: asyncpg.Pool, smtp: SmtpServer
) -> None:
    subject_fields = {"tracking_no": "GS20261126-0007", "accepted_on": date(2026, 11, 26)}
    notice_id = await queue(npool, "smtp-retry", **by_email("zhang@example.com"), fields=subject_fields)
    assert notice_id is not None
    sending = channels(smtp.config)

    assert await send_due(npool, sending, now=T0) == (0, 1)  # nothing listens on the port yet
    r = await row(npool, notice_id)
    assert (r["status"], r["attempts"], r["next_attempt_at"]) == ("pending", 1, T0 + timedelta(minutes=1))
    assert "ConnectionRefused" in r["last_error"]
    assert [ok for ok, _ in await tries(npool, notice_id)] == [False]

    smtp.start()
    assert await send_due(npool, sending, now=T0 + timedelta(seconds=30)) == (0, 0)  # waiting its turn
    assert await send_due(npool, sending, now=T0 + timedelta(minutes=1)) == (1, 0)
    r = await row(npool, notice_id)
    assert (r["status"], r["attempts"], r["sent_at"], r["last_error"]) == (
        "sent",
        2,
        T0 + timedelta(minutes=1),
        None,
    )
    assert [ok for ok, _ in await tries(npool, notice_id)] == [False, True]

    [(rcpt, message)] = smtp.inbox.messages
    assert rcpt == ["zhang@example.com"]
    assert message["Subject"] == "投诉已受理（GS20261126-0007）"  # decoded from RFC 2047
    assert message["From"].addresses[0].display_name == "拱墅区市场监督管理局"
    assert message["Message-ID"] == f"<notice-{notice_id}@gongshu.example>"
    body = message.get_content()
    assert isinstance(body, str) and "已于2026年11月26日受理" in body


async def test_five_failures_make_a_notice_failed(
    npool: asyncpg.Pool, settings: Settings, smtp: SmtpServer
) -> None:
    receipt = await new_case(npool, settings)
    notice_id = await queue(npool, "smtp-gives-up", case_id=receipt.case_id, **by_email("zhang@example.com"))
    assert notice_id is not None
    sending = channels(smtp.config)  # never started: every try is refused
    now = T0
    for n, wait in enumerate([*notices.RETRY_BACKOFF, None], start=1):
        assert await send_due(npool, sending, now=now) == (0, 1)
        r = await row(npool, notice_id)
        assert r["attempts"] == n
        if wait is None:
            assert r["status"] == "failed"
        else:
            assert (r["status"], r["next_attempt_at"]) == ("pending", now + wait)
            now = now + wait
    assert len(await tries(npool, notice_id)) == 5
    assert await send_due(npool, sending, now=now + timedelta(days=1)) == (0, 0)  # given up: no sixth try
    event = await npool.fetchrow(
        "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'notification_failed'", receipt.case_id
    )
    assert event is not None and event["payload"]["notification_id"] == notice_id
    failed = await failed_notifications(npool)
    assert [(f["id"], f["tracking_no"]) for f in failed] == [(notice_id, receipt.tracking_no)]


async def test_email_without_smtp_settings_fails_and_is_retried(npool: asyncpg.Pool) -> None:
    notice_id = await queue(npool, "no-smtp", **by_email("zhang@example.com"))
    assert notice_id is not None
    assert await send_due(npool, channels(None), now=T0) == (0, 1)
    r = await row(npool, notice_id)
    assert r["status"] == "pending" and "SMTP is not configured" in r["last_error"]


async def test_two_concurrent_runs_never_send_a_notice_twice(npool: asyncpg.Pool) -> None:
    ids = [i for i in [await queue(npool, f"parallel-{n}") for n in range(30)] if i is not None]
    recorder = SlowLog(pause_s=0.01)

    results = await asyncio.gather(
        *(send_due(npool, Channels([recorder]), now=T0, batch=50) for _ in range(3))
    )
    assert sum(sent for sent, _ in results) == 30 and all(failed == 0 for _, failed in results)
    assert sorted(recorder.delivered) == sorted(ids)  # each once
    assert sum(1 for sent, _ in results if sent) >= 2  # the runs really did share the work
    assert await npool.fetchval("SELECT count(*) FROM notification_attempts") == 30
    assert await npool.fetchval("SELECT count(*) FROM notifications WHERE status = 'sent'") == 30
