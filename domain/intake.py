"""Intake: turn what a consumer (or a clerk) sent into a complaint, or say precisely what is wrong.

One parser serves the JSON API and the web form (the form is first shaped like the JSON body), so both
apply the same rules (Order 121 art. 10 and DESIGN §2.3) and report every bad field at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain import identifiers
from domain.errors import FieldError, ValidationFailed
from domain.fields import text_problem
from domain.money import parse_yuan
from domain.taxonomy import CHANNELS, REQUEST_KINDS, Taxonomy

MAX_AMOUNT_FEN = 1_000_000_000  # 10,000,000 yuan: far above any consumer purchase, below any overflow
OLDEST_PURCHASE_YEARS = 30
DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 5000
VIOLATION_MAX = 2000
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
# DESIGN §2.3 "Receipt date": a clerk enters the day a complaint arrived, at most this many days back.
RECEIVED_ON_MAX_DAYS_BACK = 30
RECEIVED_ON_REQUIRED = frozenset({"letter", "transfer"})  # phone and counter default to today


@dataclass(frozen=True, slots=True)
class Consumer:
    name: str
    phone: str
    address: str
    id_number: str | None
    email: str | None = None  # optional: notices by e-mail when given


@dataclass(frozen=True, slots=True)
class MerchantRef:
    name: str
    address: str
    uscc: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class PlatformRef:
    name: str
    uscc: str | None


@dataclass(frozen=True, slots=True)
class Consents:
    mediation: bool
    entrusted_mediation: bool
    publish: bool


@dataclass(frozen=True, slots=True)
class ComplaintDraft:
    consumer: Consumer
    merchant: MerchantRef
    platform: PlatformRef | None
    subdistrict: str | None
    quality_domain: str
    category: str
    problem_type: str
    purchase_date: date
    amount_paid_fen: int
    claim_amount_fen: int
    requests: tuple[str, ...]
    description: str
    consents: Consents
    reports_violation: str | None
    channel: str
    received_on: date | None = None  # entered by staff (letter, transfer, phone, counter); None: today


class _Reader:
    """Reads fields from a nested mapping, collecting every error instead of stopping at the first."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: list[FieldError] = []

    def fail(self, field: str, code: str, zh: str, en: str) -> None:
        self.errors.append(FieldError(field, code, zh, en))

    def section(self, name: str, *, required: bool) -> Mapping[str, Any] | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, "required", "请填写此部分", "This section is required")
            return None
        if not isinstance(value, Mapping):
            self.fail(name, "invalid_type", "格式不正确，应为对象", "Must be an object")
            return None
        return value

    def text(
        self, source: Mapping[str, Any] | None, path: str, *, required: bool, min_len: int = 1, max_len: int
    ) -> str | None:
        key = path.rsplit(".", 1)[-1]
        raw = None if source is None else source.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.fail(path, "required", "此项必填", "This field is required")
            return None
        if not isinstance(raw, str):
            self.fail(path, "invalid_type", "应为文字", "Must be text")
            return None
        value = unicodedata.normalize("NFC", raw).strip()
        if problem := text_problem(value):
            self.fail(path, "invalid_chars", *problem)
            return None
        if len(value) < min_len:
            self.fail(path, "too_short", f"至少需要{min_len}个字", f"At least {min_len} characters")
            return None
        if len(value) > max_len:
            self.fail(path, "too_long", f"不能超过{max_len}个字", f"At most {max_len} characters")
            return None
        return value

    def code(self, path: str, allowed: frozenset[str], *, required: bool) -> str | None:
        value = self.text(self.data, path, required=required, max_len=64)
        if value is not None and value not in allowed:
            self.fail(path, "unknown_code", "不是可选的选项", "Not one of the allowed codes")
            return None
        return value

    def money(self, path: str) -> int | None:
        raw = self.data.get(path)
        if raw is None or raw == "":
            self.fail(path, "required", "请填写金额", "This field is required")
            return None
        if not isinstance(raw, str):
            self.fail(
                path, "invalid_type", '金额应写成文字，如 "399.00"', 'Must be a decimal string, e.g. "399.00"'
            )
            return None
        fen = parse_yuan(raw)
        if fen is None:
            self.fail(
                path,
                "invalid_amount",
                "金额格式不正确：以元为单位，最多两位小数",
                "Yuan, at most two decimals",
            )
            return None
        if fen > MAX_AMOUNT_FEN:
            self.fail(path, "too_large", "金额过大，请核对", "Amount is implausibly large")
            return None
        return fen

    def flag(self, source: Mapping[str, Any] | None, path: str) -> bool:
        raw = None if source is None else source.get(path.rsplit(".", 1)[-1])
        if raw is None:
            return False
        if not isinstance(raw, bool):
            self.fail(path, "invalid_type", "应为是或否", "Must be true or false")
            return False
        return raw


def parse_complaint(data: Mapping[str, Any], taxonomy: Taxonomy, today: date) -> ComplaintDraft:
    """Validate a complaint body; raise ValidationFailed listing every bad field."""
    if not isinstance(data, Mapping):
        raise ValidationFailed(
            [FieldError("", "invalid_type", "请求内容应为对象", "Body must be a JSON object")]
        )
    r = _Reader(data)
    consumer, merchant, platform = _consumer(r), _merchant(r), _platform(r)
    subdistrict = r.code("subdistrict", taxonomy.codes("subdistricts"), required=False)
    quality_domain = r.code("quality_domain", taxonomy.codes("quality_domains"), required=True)
    category = r.code("category", taxonomy.codes("categories"), required=True)
    problem_type = r.code("problem_type", taxonomy.codes("problem_types"), required=True)
    purchase_date = _purchase_date(r, today)
    amount_paid = r.money("amount_paid")
    claim_amount = r.money("claim_amount")
    requests = _requests(r)
    description = r.text(data, "description", required=True, min_len=DESCRIPTION_MIN, max_len=DESCRIPTION_MAX)
    consents_raw = r.section("consents", required=False)
    consents = Consents(
        mediation=r.flag(consents_raw, "consents.mediation"),
        entrusted_mediation=r.flag(consents_raw, "consents.entrusted_mediation"),
        publish=r.flag(consents_raw, "consents.publish"),
    )
    violation = r.text(data, "reports_violation", required=False, max_len=VIOLATION_MAX)
    channel = r.code("channel", frozenset(CHANNELS), required=False) or "web"
    received_on = _received_on(r, channel, today)

    if r.errors:
        raise ValidationFailed(r.errors)
    assert consumer and merchant  # guaranteed by no errors
    assert quality_domain and category and problem_type and purchase_date and description
    assert amount_paid is not None and claim_amount is not None and requests
    return ComplaintDraft(
        consumer=consumer,
        merchant=merchant,
        platform=platform,
        subdistrict=subdistrict,
        quality_domain=quality_domain,
        category=category,
        problem_type=problem_type,
        purchase_date=purchase_date,
        amount_paid_fen=amount_paid,
        claim_amount_fen=claim_amount,
        requests=requests,
        description=description,
        consents=consents,
        reports_violation=violation,
        channel=channel,
        received_on=received_on,
    )


def _consumer(r: _Reader) -> Consumer | None:
    consumer = r.section("consumer", required=True)
    name = r.text(consumer, "consumer.name", required=True, max_len=50)
    phone = _phone(r, consumer, "consumer.phone", required=True)
    address = r.text(consumer, "consumer.address", required=True, min_len=5, max_len=200)
    id_number = r.text(consumer, "consumer.id_number", required=False, max_len=18)
    if id_number is not None:
        id_number = id_number.upper()
        if not identifiers.valid_id_number(id_number):
            r.fail(
                "consumer.id_number",
                "invalid_id_number",
                "身份证号码不正确",
                "Not a valid resident ID number",
            )
            id_number = None
    email = r.text(consumer, "consumer.email", required=False, max_len=254)
    if email is not None and not EMAIL.match(email):
        r.fail("consumer.email", "invalid_email", "电子邮箱格式不正确", "Not an e-mail address")
        email = None
    if name and phone and address:
        return Consumer(name, phone, address, id_number, email)
    return None


def _merchant(r: _Reader) -> MerchantRef | None:
    merchant = r.section("merchant", required=True)
    name = r.text(merchant, "merchant.name", required=True, min_len=2, max_len=100)
    address = r.text(merchant, "merchant.address", required=True, min_len=5, max_len=200)
    uscc = _uscc(r, merchant, "merchant.uscc")
    phone = _phone(r, merchant, "merchant.phone", required=False)
    return MerchantRef(name, address, uscc, phone) if name and address else None


def _platform(r: _Reader) -> PlatformRef | None:
    platform = r.section("platform", required=False)
    if platform is None:
        return None
    name = r.text(platform, "platform.name", required=True, min_len=2, max_len=100)
    uscc = _uscc(r, platform, "platform.uscc")
    return PlatformRef(name, uscc) if name is not None else None


def _phone(r: _Reader, source: Mapping[str, Any] | None, path: str, *, required: bool) -> str | None:
    raw = r.text(source, path, required=required, max_len=30)
    if raw is None:
        return None
    phone = identifiers.normalize_phone(raw)
    if phone is None:
        r.fail(
            path,
            "invalid_phone",
            "电话号码格式不正确：手机号11位，或座机如 0571-87654321",
            "Not a mainland mobile (11 digits) or landline (e.g. 0571-87654321) number",
        )
    return phone


def _uscc(r: _Reader, source: Mapping[str, Any] | None, path: str) -> str | None:
    raw = r.text(source, path, required=False, max_len=30)
    if raw is None:
        return None
    code = identifiers.normalize_uscc(unicodedata.normalize("NFKC", raw))
    if len(code) != 18:
        r.fail(
            path, "invalid_uscc", "统一社会信用代码应为18位", "A unified social credit code has 18 characters"
        )
        return None
    if not identifiers.valid_uscc(code):
        r.fail(
            path, "invalid_uscc", "统一社会信用代码校验不通过，请核对", "The check character does not match"
        )
        return None
    return code


def _purchase_date(r: _Reader, today: date) -> date | None:
    raw = r.text(r.data, "purchase_date", required=True, max_len=10)
    if raw is None:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        r.fail("purchase_date", "invalid_date", "日期格式应为 年-月-日，如 2026-11-01", "Use YYYY-MM-DD")
        return None
    if day > today:
        r.fail(
            "purchase_date", "in_future", "购买日期不能晚于今天", "The purchase date cannot be in the future"
        )
        return None
    if day.year < today.year - OLDEST_PURCHASE_YEARS:
        r.fail("purchase_date", "too_old", "购买日期过早，请核对", "The purchase date is implausibly old")
        return None
    return day


def _received_on(r: _Reader, channel: str, today: date) -> date | None:
    """The day a letter, transfer, call or counter visit arrived; web submissions are received when
    submitted, so they carry no date of their own."""
    before = len(r.errors)
    raw = r.text(r.data, "received_on", required=False, max_len=10)
    if raw is None:
        if channel in RECEIVED_ON_REQUIRED and len(r.errors) == before:
            r.fail(
                "received_on",
                "required",
                "信函、转办须填写收到日期（信函送达或转办到达的日期）",
                "Required for letters and transfers: the day it arrived",
            )
        return None
    if channel == "web":
        r.fail(
            "received_on",
            "not_allowed",
            "网上投诉以提交时间为收到时间，不能另填收到日期",
            "A web submission is received when it is submitted",
        )
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        r.fail("received_on", "invalid_date", "日期格式应为 年-月-日，如 2026-11-01", "Use YYYY-MM-DD")
        return None
    earliest = today - timedelta(days=RECEIVED_ON_MAX_DAYS_BACK)
    if day > today:
        r.fail("received_on", "in_future", "收到日期不能晚于今天", "The receipt date cannot be in the future")
        return None
    if day < earliest:
        r.fail(
            "received_on",
            "too_old",
            f"收到日期不能早于{RECEIVED_ON_MAX_DAYS_BACK}天前（{earliest.year}年{earliest.month}月"
            f"{earliest.day}日）；更早收到的投诉请报科长处理",
            f"At most {RECEIVED_ON_MAX_DAYS_BACK} days back (not before {earliest.isoformat()})",
        )
        return None
    return day


def duplicate_key(draft: ComplaintDraft, secret: bytes) -> str:
    """What makes two submissions the same complaint: the consumer's phone, the merchant, the amounts
    and the description, as typed give or take spacing and width. Keyed with a secret (HMAC), so the
    phone is never stored in clear under it."""

    def plain(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).casefold().split())

    material = json.dumps(
        [
            draft.consumer.phone,
            plain(draft.merchant.name),
            draft.amount_paid_fen,
            draft.claim_amount_fen,
            plain(draft.description),
        ],
        ensure_ascii=False,
    )
    return hmac.new(secret, b"duplicate:" + material.encode(), hashlib.sha256).hexdigest()


def _requests(r: _Reader) -> tuple[str, ...] | None:
    raw = r.data.get("requests")
    if raw is None or raw == [] or raw == "":
        r.fail("requests", "required", "请至少选择一项诉求", "Choose at least one request")
        return None
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        r.fail("requests", "invalid_type", "诉求格式不正确", "Must be a list of request codes")
        return None
    unknown = [item for item in raw if item not in REQUEST_KINDS]
    if unknown:
        r.fail("requests", "unknown_code", "含有无效的诉求类型", "Unknown request code(s)")
        return None
    # keep the statutory order and drop repeats
    return tuple(kind for kind in REQUEST_KINDS if kind in raw)
