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
from domain import identity_documents as id_documents
from domain.errors import FieldError, ValidationFailed
from domain.fields import Fields
from domain.identity_documents import IdType
from domain.money import MAX_AMOUNT_FEN
from domain.product_risk import BATCH_MAX, BRAND_MAX, MODEL_MAX, product_key
from domain.taxonomy import CHANNELS, REQUEST_KINDS, Taxonomy

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
    id_type: str | None = None  # domain.identity_documents.IdType, given with id_number


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
class ProductRef:
    """The product complained of, as the consumer names it (all optional; issue 18 §4). Not personal
    data, but never logged with the consumer."""

    brand: str | None = None
    model: str | None = None
    batch: str | None = None  # a lot number or production date, as printed
    injury: bool = False  # the consumer reports a physical injury

    @property
    def key(self) -> str | None:
        return product_key(self.brand, self.model)


@dataclass(frozen=True, slots=True)
class Consents:
    """What the consumer agreed to on the form; each absent means no."""

    mediation: bool  # 同意调解: the bureau may mediate
    entrusted_mediation: bool  # 同意委托调解: it may entrust the mediation to the consumer council (消保委)
    publish: bool  # 同意公开处理结果: the outcome may be published without personal data


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
    product: ProductRef = ProductRef()


class _Reader(Fields):
    """Reads a nested body: its sections, then their entries by dotted path ("consumer.name")."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        super().__init__()
        self.data = data

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

    def entry(
        self, source: Mapping[str, Any] | None, path: str, *, required: bool, min_len: int = 1, max_len: int
    ) -> str | None:
        raw = None if source is None else source.get(path.rsplit(".", 1)[-1])
        missing = "此项必填" if required else None
        return self.text(path, raw, required=missing, min_len=min_len, max_len=max_len)

    def choice(
        self, path: str, allowed: frozenset[str], *, required: bool, source: Mapping[str, Any] | None = None
    ) -> str | None:
        """A code of `allowed`, read from `source` (default: the body's top level)."""
        value = self.entry(self.data if source is None else source, path, required=required, max_len=64)
        if value is not None and value not in allowed:
            self.fail(path, "unknown_code", "不是可选的选项", "Not one of the allowed codes")
            return None
        return value

    def money(self, path: str) -> int | None:
        raw = self.data.get(path)
        return self.yuan(path, raw, missing="请填写金额", max_fen=MAX_AMOUNT_FEN, allow_int=False)

    def day(self, path: str, *, required: bool) -> date | None:
        raw = self.entry(self.data, path, required=required, max_len=10)
        if raw is None:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.fail(path, "invalid_date", "日期格式应为 年-月-日，如 2026-11-01", "Use YYYY-MM-DD")
            return None

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
    subdistrict = r.choice("subdistrict", taxonomy.codes("subdistricts"), required=False)
    quality_domain = r.choice("quality_domain", taxonomy.codes("quality_domains"), required=True)
    category = r.choice("category", taxonomy.codes("categories"), required=True)
    problem_type = r.choice("problem_type", taxonomy.codes("problem_types"), required=True)
    purchase_date = _purchase_date(r, today)
    amount_paid = r.money("amount_paid")
    claim_amount = r.money("claim_amount")
    requests = _requests(r)
    description = r.entry(
        data, "description", required=True, min_len=DESCRIPTION_MIN, max_len=DESCRIPTION_MAX
    )
    consents_raw = r.section("consents", required=False)
    consents = Consents(
        mediation=r.flag(consents_raw, "consents.mediation"),
        entrusted_mediation=r.flag(consents_raw, "consents.entrusted_mediation"),
        publish=r.flag(consents_raw, "consents.publish"),
    )
    violation = r.entry(data, "reports_violation", required=False, max_len=VIOLATION_MAX)
    channel = r.choice("channel", frozenset(CHANNELS), required=False) or "web"
    received_on = _received_on(r, channel, today)
    product = _product(r)

    r.done()
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
        product=product,
    )


def _consumer(r: _Reader) -> Consumer | None:
    consumer = r.section("consumer", required=True)
    name = r.entry(consumer, "consumer.name", required=True, max_len=50)
    phone = _phone(r, consumer, "consumer.phone", required=True)
    address = r.entry(consumer, "consumer.address", required=True, min_len=5, max_len=200)
    id_type, id_number = _identity(r, consumer)
    email = r.entry(consumer, "consumer.email", required=False, max_len=254)
    if email is not None and not EMAIL.match(email):
        r.fail("consumer.email", "invalid_email", "电子邮箱格式不正确", "Not an e-mail address")
        email = None
    if name and phone and address:
        return Consumer(name, phone, address, id_number, email, id_type)
    return None


def _identity(r: _Reader, consumer: Mapping[str, Any] | None) -> tuple[str | None, str | None]:
    """The identity document, when a number is given: its type (居民身份证 when none is named, as before
    the types existed) and the number in that type's format. A type without a number is nothing given."""
    kind = r.choice("consumer.id_type", frozenset(IdType), required=False, source=consumer)
    raw = r.entry(consumer, "consumer.id_number", required=False, max_len=id_documents.NUMBER_MAX)
    if raw is None or r.failed("consumer.id_type"):
        return None, None
    id_type = IdType(kind) if kind else IdType.RESIDENT_ID
    number = id_documents.normalize_number(raw)
    if problem := id_documents.number_problem(id_type, number):
        r.fail("consumer.id_number", *problem)
        return None, None
    return id_type.value, number


def _merchant(r: _Reader) -> MerchantRef | None:
    merchant = r.section("merchant", required=True)
    name = r.entry(merchant, "merchant.name", required=True, min_len=2, max_len=100)
    address = r.entry(merchant, "merchant.address", required=True, min_len=5, max_len=200)
    uscc = _uscc(r, merchant, "merchant.uscc")
    phone = _phone(r, merchant, "merchant.phone", required=False)
    return MerchantRef(name, address, uscc, phone) if name and address else None


def _platform(r: _Reader) -> PlatformRef | None:
    platform = r.section("platform", required=False)
    if platform is None:
        return None
    name = r.entry(platform, "platform.name", required=True, min_len=2, max_len=100)
    uscc = _uscc(r, platform, "platform.uscc")
    return PlatformRef(name, uscc) if name is not None else None


def _product(r: _Reader) -> ProductRef:
    product = r.section("product", required=False)
    if product is None:
        return ProductRef()
    return ProductRef(
        brand=r.entry(product, "product.brand", required=False, max_len=BRAND_MAX),
        model=r.entry(product, "product.model", required=False, max_len=MODEL_MAX),
        batch=r.entry(product, "product.batch", required=False, max_len=BATCH_MAX),
        injury=r.flag(product, "product.injury"),
    )


def _phone(r: _Reader, source: Mapping[str, Any] | None, path: str, *, required: bool) -> str | None:
    raw = r.entry(source, path, required=required, max_len=30)
    if raw is None:
        return None
    phone = identifiers.normalize_phone(raw)
    if phone is None:
        r.fail(
            path,
            "invalid_phone",
            "电话号码格式不正确：手机号11位，座机如 0571-87654321，境外号码以 + 和国家或地区代码开头",
            "Not a mainland mobile (11 digits) or landline (e.g. 0571-87654321), nor a number abroad"
            " starting with + and its country code",
        )
    return phone


def _uscc(r: _Reader, source: Mapping[str, Any] | None, path: str) -> str | None:
    raw = r.entry(source, path, required=False, max_len=30)
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
    day = r.day("purchase_date", required=True)
    if day is None:
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
    day = r.day("received_on", required=False)
    if len(r.errors) > before:
        return None
    if day is None:
        if channel in RECEIVED_ON_REQUIRED:
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
