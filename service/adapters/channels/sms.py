"""The 'sms' channel: text messages through Kannel's sendsms HTTP interface (bearerbox + smsbox, the
open-source gateway operators and aggregators run), with delivery reports.

Each message asks Kannel for reports (dlr-mask 1|2|8|16: delivered to / failed at the phone, accepted
by / refused at the SMSC) at a `dlr-url` of ours that names the notice and carries an HMAC of its id,
so nobody else can forge a report (service/web/api/sms_reports.py checks it). Chinese text goes as
UCS-2 (coding=2), plain English as GSM-7. Only numbers of SMS_REACHABLE_REGIONS (mainland China by
default) are reached; others get e-mail or a recorded notice. Settings: SMS_GATEWAY_URL (unset: not
configured), SMS_USER, SMS_PASSWORD, SMS_SENDER, SMS_DLR_BASE_URL (default PUBLIC_BASE_URL),
SMS_REACHABLE_REGIONS, SMS_TIMEOUT_S; the rate is NOTIFY_RATE_SMS.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlencode

import httpx
import phonenumbers

from domain import sms
from service.adapters.channels.base import Delivery, DeliveryError, Message, NotConfigured

if TYPE_CHECKING:
    from service.settings import Settings

DLR_MASK = 1 | 2 | 8 | 16
REPORTS_PATH = "/api/v1/sms/reports"
# Kannel's report types (the %d of a dlr-url) as the notice records them
REPORTS = {1: "delivered", 2: "failed", 4: "buffered", 8: "submitted", 16: "failed"}
_MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def report_key(secret_key: str) -> bytes:
    """The key of the reports' signatures: derived from SECRET_KEY, so it needs no setting of its own."""
    return hmac.new(secret_key.encode(), b"sms-delivery-reports", hashlib.sha256).digest()


def report_signature(key: bytes, notice_id: int) -> str:
    return hmac.new(key, f"notice:{notice_id}".encode(), hashlib.sha256).hexdigest()[:32]


def genuine(key: bytes, notice_id: int, signature: str) -> bool:
    # compared as bytes: compare_digest refuses a str that is not ASCII (anyone may send anything here)
    return hmac.compare_digest(
        report_signature(key, notice_id).encode(), signature.encode("utf-8", "replace")
    )


def e164(phone: str, regions: tuple[str, ...]) -> str | None:
    """The number as the gateway takes it (+8613812345678) when it is a mobile of `regions`; else None.

    Mainland numbers are stored as 11 digits, international ones in E.164 (with +)."""
    try:
        number = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in _MOBILE:
        return None
    if phonenumbers.region_code_for_number(number) not in regions:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True, slots=True)
class KannelConfig:
    sendsms_url: str
    user: str
    password: str
    sender: str
    reports_base_url: str
    report_key: bytes
    regions: tuple[str, ...] = ("CN",)
    timeout_s: float = 10.0


class SmsChannel:
    name: ClassVar[str] = "sms"
    label: ClassVar[str] = "短信"
    contact_field: ClassVar[str | None] = "phone"
    max_chars: ClassVar[int | None] = None  # counted in parts instead (`fits`)
    rank: ClassVar[int] = 20  # after e-mail: with NOTIFY_BOTH=false a consumer with both gets e-mail
    short_text: ClassVar[bool] = True  # carries the notice's text message (domain.sms_texts), not its body

    def __init__(self, config: KannelConfig) -> None:
        self.config = config

    @classmethod
    def from_settings(cls, settings: Settings) -> SmsChannel:
        if not settings.sms_gateway_url:
            raise NotConfigured("SMS is not configured (SMS_GATEWAY_URL)")
        return cls(
            KannelConfig(
                sendsms_url=settings.sms_gateway_url,
                user=settings.sms_user,
                password=settings.sms_password,
                sender=settings.sms_sender,
                reports_base_url=settings.sms_dlr_base_url or settings.public_base_url,
                report_key=report_key(settings.secret_key),
                regions=tuple(r.upper() for r in settings.sms_reachable_regions),
                timeout_s=settings.sms_timeout_s,
            )
        )

    def reaches(self, address: str) -> bool:
        return e164(address, self.config.regions) is not None

    def fits(self, body: str) -> bool:
        return sms.segments(body).parts <= sms.MAX_PARTS

    def report_url(self, notice_id: int) -> str:
        query = urlencode({"notice": notice_id, "sig": report_signature(self.config.report_key, notice_id)})
        return f"{self.config.reports_base_url.rstrip('/')}{REPORTS_PATH}?{query}&status=%d"

    def request(self, message: Message) -> dict[str, str]:
        """The sendsms parameters of a message (the password included: keep them out of logs)."""
        to = e164(message.address or "", self.config.regions)
        if to is None:
            raise DeliveryError("the number is not one the SMS gateway reaches")
        if not self.fits(message.body):
            raise DeliveryError(f"the text takes more than {sms.MAX_PARTS} messages")
        params = {
            "username": self.config.user,
            "password": self.config.password,
            "to": to,
            "text": message.body,
            "charset": "UTF-8",
            "coding": "2" if sms.coding_of(message.body) is sms.Coding.UCS2 else "0",
            "dlr-mask": str(DLR_MASK),
            "dlr-url": self.report_url(message.id),
        }
        if self.config.sender:
            params["from"] = self.config.sender
        return params

    async def send(self, message: Message) -> Delivery:
        params = self.request(message)
        try:
            async with httpx.AsyncClient(timeout=self.config.timeout_s) as client:
                answer = await client.get(self.config.sendsms_url, params=params)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"SMS gateway unreachable: {type(exc).__name__}") from exc
        text = answer.text.strip()[:200]
        if answer.status_code >= 300:  # Kannel: 202 "0: Accepted for delivery" / "3: Queued for later …"
            raise DeliveryError(f"SMS gateway refused ({answer.status_code}): {text}")
        return Delivery(self.name, reference=text or None)


CHANNEL = SmsChannel
