"""The intake command: one complaint, as the JSON API takes it and as the web form is shaped.

Every field is permissive (`str | None`): the domain's parser (domain.intake.parse_complaint) checks
each one with its own code and reports every bad field at once, as it always did; a value of the wrong
JSON type is refused before it with the same 422 body. Unknown fields are ignored.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from service.usecases.wire_types import LocalDate, Yuan

Phone = Annotated[
    str,
    Meta(
        description="Mainland mobile (11 digits) or landline, or a number abroad in E.164 (+ country code)",
        examples=["13812345678", "+447911123456"],
    ),
]
Uscc = Annotated[str, Meta(description="Unified social credit code, 18 characters (optional)")]
Address = Annotated[str, Meta(description="Postal address, at least 5 characters")]
Code = Annotated[str, Meta(description="A code of GET /api/v1/taxonomy")]


class ComplaintConsumer(msgspec.Struct, forbid_unknown_fields=False):
    """The consumer: who complains and how to reach them."""

    name: Annotated[str, Meta(description="Full name", examples=["张三"])] | None = None
    phone: Phone | None = None
    address: Address | None = None
    id_number: Annotated[str, Meta(description="Identity document number (optional)")] | None = None
    id_type: (
        Annotated[
            str,
            Meta(
                description="The document of id_number: resident_id (default), passport, hk_macau_permit, "
                "taiwan_permit, foreign_permanent_resident"
            ),
        ]
        | None
    ) = None
    email: Annotated[str, Meta(description="E-mail for notices (optional)")] | None = None


class ComplaintMerchant(msgspec.Struct, forbid_unknown_fields=False):
    """The merchant complained about, as the consumer knows it."""

    name: Annotated[str, Meta(description="Shop or company name")] | None = None
    address: Address | None = None
    uscc: Uscc | None = None
    phone: Phone | None = None


class ComplaintPlatform(msgspec.Struct, forbid_unknown_fields=False):
    """The online platform the purchase was made on, if any."""

    name: Annotated[str, Meta(description="Platform name")] | None = None
    uscc: Uscc | None = None


class ComplaintProduct(msgspec.Struct, forbid_unknown_fields=False):
    """The product complained of, as printed on it or its receipt (all optional): complaints naming the
    same brand and model across merchants raise a product risk signal."""

    brand: Annotated[str, Meta(description="Brand, at most 50 characters", examples=["美的"])] | None = None
    model: Annotated[str, Meta(description="Model, at most 80 characters", examples=["KFR-35GW"])] | None = (
        None
    )
    batch: (
        Annotated[str, Meta(description="Batch or production date as printed, at most 50 characters")] | None
    ) = None
    injury: Annotated[bool, Meta(description="The consumer reports a physical injury")] | None = None


class ComplaintConsents(msgspec.Struct, forbid_unknown_fields=False):
    """What the consumer agrees to; absent is no."""

    mediation: bool | None = None
    entrusted_mediation: bool | None = None
    publish: bool | None = None


class SubmitComplaint(msgspec.Struct, forbid_unknown_fields=False):
    """A complaint (`POST /api/v1/complaints`; staff: `POST /api/v1/cases`, with `channel` and
    `received_on`)."""

    consumer: ComplaintConsumer | None = None
    merchant: ComplaintMerchant | None = None
    platform: ComplaintPlatform | None = None
    subdistrict: Code | None = None
    quality_domain: Code | None = None
    category: Code | None = None
    problem_type: Code | None = None
    purchase_date: LocalDate | None = None
    amount_paid: Yuan | None = None
    claim_amount: Yuan | None = None
    requests: Annotated[list[str], Meta(description="Request codes: refund, exchange, repair, …")] | None = (
        None
    )
    description: Annotated[str, Meta(description="What happened, 10 to 5000 characters")] | None = None
    consents: ComplaintConsents | None = None
    reports_violation: Annotated[str, Meta(description="A violation to report (optional)")] | None = None
    product: ComplaintProduct | None = None
    channel: Annotated[str, Meta(description="web; staff only: phone, letter, counter, transfer")] | None = (
        None
    )
    received_on: LocalDate | None = None  # staff: the day a letter, transfer, call or visit arrived
    send_code_by_sms: Annotated[bool, Meta(description="Text the access code to the phone too")] | None = None
    locale: (
        Annotated[
            Literal["zh_CN", "en"],
            Meta(description="The consumer's language for notices; absent: from Accept-Language, else zh_CN"),
        ]
        | None
    ) = None

    def body(self) -> dict[str, Any]:
        """The complaint as the domain's parser reads it (an absent field is None)."""
        return msgspec.to_builtins(self)  # type: ignore[no-any-return]
