"""The notification channel registry: every channel module is found and declared, and a recipient's
contacts and a body's length choose the channel (a fake channel registered here shows how one is added)."""

from __future__ import annotations

import pytest

from service.adapters.channels import Channels, Message, channel_types, declared, recorded_only
from service.adapters.channels.email import EmailChannel, SmtpConfig
from service.adapters.channels.log import LogChannel
from service.adapters.channels.pacing import RateLimits
from service.settings import Settings
from tests.support.channels import ANY_SMTP, FakeChannel, channels

BOTH = {"email": "zhang@example.com", "phone": "13812345678"}


def test_the_package_declares_the_log_email_and_sms_channels() -> None:
    assert list(channel_types()) == ["email", "sms", "log"]  # by rank: the log, reaching everyone, comes last
    assert declared() == [
        ("email", "电子邮件", "email", None),
        ("sms", "短信", "phone", None),
        ("log", "系统留存", None, None),
    ]
    assert [c.name for c in recorded_only().active] == ["log"]


def test_settings_decide_which_channels_send() -> None:
    without = channels()
    assert [c.name for c in without.active] == ["log"]
    assert without.unavailable == {
        "email": "SMTP is not configured (SMTP_HOST)",
        "sms": "SMS is not configured (SMS_GATEWAY_URL)",
    }
    assert isinstance(channels(ANY_SMTP).channel_for("email"), EmailChannel)
    assert isinstance(without.channel_for("log"), LogChannel)


async def test_a_channel_that_cannot_send_fails_each_try_with_the_reason() -> None:
    from service.adapters.channels import DeliveryError

    message = Message(1, "consumer", "zhang@example.com", "t", "s", "b")
    with pytest.raises(DeliveryError, match="SMTP is not configured"):
        await channels().channel_for("email").send(message)
    with pytest.raises(DeliveryError, match="no channel 'pigeon'"):
        await channels().channel_for("pigeon").send(message)


def test_the_registry_prefers_a_channel_that_reaches_and_fits() -> None:
    registry = Channels([FakeChannel(), *channels(ANY_SMTP).active])
    assert [c.name for c in registry.active] == ["fake_sms", "email", "log"]  # by rank
    limit = FakeChannel.max_chars or 0
    assert registry.route(BOTH, "x" * limit) == ("fake_sms", "13812345678")
    assert registry.route(BOTH, "x" * (limit + 1)).channel == "email"  # too long for a text
    assert registry.route({"phone": "13812345678"}, "x" * (limit + 1)).channel == "log"
    assert registry.route({"phone": None, "email": ""}, "x") == ("log", None)
    assert channels().route(BOTH, "x").channel == "log"  # e-mail without SMTP settings is not chosen


def test_a_registry_without_a_channel_for_everyone_says_so() -> None:
    with pytest.raises(LookupError, match="no channel reaches"):
        Channels([FakeChannel()]).route({"email": "zhang@example.com"}, "x")


def test_smtp_config_comes_from_the_settings() -> None:
    s = Settings.from_env(
        {
            "SECRET_KEY": "k",
            "SMTP_HOST": "smtp.example.com",
            "SMTP_PORT": "465",
            "SMTP_FROM": "拱墅区市场监督管理局 <noreply@example.com>",
            "SMTP_USER": "noreply@example.com",
            "SMTP_PASSWORD": "secret",
            "SMTP_SSL": "1",
            "SMTP_TIMEOUT_S": "10",
        }
    )
    assert EmailChannel.from_settings(s).config == SmtpConfig(
        "smtp.example.com",
        465,
        "拱墅区市场监督管理局 <noreply@example.com>",
        "noreply@example.com",
        "secret",
        starttls=False,
        ssl=True,
        timeout_s=10.0,
    )


async def test_rate_limits_pace_each_channel_by_its_setting() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(round(seconds, 6))

    limits = RateLimits({"email": 10.0, "log": 0.0}, clock=lambda: 100.0, sleep=sleep)
    for _ in range(4):
        await limits.wait("email")
    await limits.wait("log")  # 0: unlimited
    await limits.wait("sms")  # no setting: unlimited
    assert waits == [0.1, 0.2, 0.3]  # the first at once, then one slot each 1/10 s
