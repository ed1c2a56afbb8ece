"""Merchant registry API: merchants, their first-payment commitments and published arbitration clauses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ClientException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from domain.merchants import KINDS, commitment_state
from domain.money import format_yuan
from domain.roles import Permission
from service.app_types import Services
from service.store.merchants import Agreement, Commitment, Merchant
from service.store.staff import StaffUser
from service.usecases import merchants, routing
from service.usecases.clock import local_date, utcnow
from service.web.auth import provide_staff, requires
from service.web.middleware import current_request_id


# Request bodies take any JSON value: the domain validates them, so a bad value is a 422 naming its field.
class MerchantIn(msgspec.Struct):
    name: Any = None
    address: Any = None
    uscc: Any = None
    subdistrict: Any = None
    kind: Any = None  # shop (default), platform, market, exhibition, counter_lessor
    parent_id: Any = None  # the platform, market, fair or counter lessor it sells through
    contact_name: Any = None
    contact_phone: Any = None
    contact_email: Any = None
    ends_on: Any = None  # required for exhibition and counter_lessor


class CommitmentIn(msgspec.Struct):
    scope_requests: Any = None  # request codes, e.g. ["return", "refund"]
    scope_categories: Any = None  # category codes; none or empty: every category
    per_claim_cap: Any = None  # yuan, e.g. "2000.00"
    active_from: Any = None
    active_until: Any = None


class AgreementIn(msgspec.Struct):
    institution: Any = None  # e.g. "杭州仲裁委员会"
    kind: Any = None  # "published" (the only kind a merchant holds)
    signed_on: Any = None
    note: Any = None


class MerchantEditIn(msgspec.Struct):
    """Fields to correct on a merchant made from a complaint; those left out keep their value."""

    name: Any = None
    address: Any = None
    uscc: Any = None
    subdistrict: Any = None
    contact_phone: Any = None


class MergeIn(msgspec.Struct):
    into_id: Any = None  # the (registered) merchant the duplicate is merged into


class MergeOut(msgspec.Struct):
    merchant_id: int
    into_id: int
    moved_case_ids: list[int]


class SuggestionOut(msgspec.Struct):
    """Public business data only: never a contact."""

    name: str
    address: str
    subdistrict: str | None


class SuggestOut(msgspec.Struct):
    items: list[SuggestionOut]


class ParentOut(msgspec.Struct):
    id: int
    name: str | None
    kind: str | None


class MerchantSummaryOut(msgspec.Struct):
    id: int
    name: str
    uscc: str | None
    address: str
    subdistrict: str | None
    kind: str
    kind_label: str
    parent: ParentOut | None
    verified: bool
    ends_on: date | None
    deposit_balance: str
    topup_overdue_since: datetime | None


class MerchantListOut(msgspec.Struct):
    total: int
    items: list[MerchantSummaryOut]


class CommitmentOut(msgspec.Struct):
    id: int
    scope_requests: list[str]
    scope_categories: list[str] | None  # null: every category
    per_claim_cap: str
    active_from: date
    active_until: date | None
    state: str  # pending, active or expired today
    created_at: datetime


class AgreementOut(msgspec.Struct):
    id: int
    kind: str
    institution: str
    signed_on: date | None
    note: str | None
    created_at: datetime


class MerchantOut(msgspec.Struct):
    id: int
    name: str
    uscc: str | None
    address: str
    subdistrict: str | None
    kind: str
    kind_label: str
    parent: ParentOut | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    verified: bool
    ends_on: date | None
    deposit_balance: str
    topup_overdue_since: datetime | None
    created_at: datetime
    updated_at: datetime
    commitments: list[CommitmentOut]
    agreements: list[AgreementOut]


def _parent(m: Merchant) -> ParentOut | None:
    return ParentOut(m.parent_id, m.parent_name, m.parent_kind) if m.parent_id is not None else None


def commitment_out(c: Commitment, today: date) -> CommitmentOut:
    return CommitmentOut(
        id=c.id,
        scope_requests=list(c.scope_requests),
        scope_categories=list(c.scope_categories) if c.scope_categories is not None else None,
        per_claim_cap=format_yuan(c.per_claim_cap_fen),
        active_from=c.active_from,
        active_until=c.active_until,
        state=commitment_state(c.active_from, c.active_until, today),
        created_at=c.created_at,
    )


def agreement_out(a: Agreement) -> AgreementOut:
    return AgreementOut(a.id, a.kind, a.institution, a.signed_on, a.note, a.created_at)


def summary_out(m: Merchant) -> MerchantSummaryOut:
    return MerchantSummaryOut(
        id=m.id,
        name=m.name,
        uscc=m.uscc,
        address=m.address,
        subdistrict=m.subdistrict,
        kind=m.kind,
        kind_label=KINDS[m.kind][0],
        parent=_parent(m),
        verified=m.verified,
        ends_on=m.ends_on,
        deposit_balance=format_yuan(m.deposit_balance_fen),
        topup_overdue_since=m.topup_overdue_since,
    )


def merchant_out(f: merchants.MerchantFile, today: date) -> MerchantOut:
    m = f.merchant
    return MerchantOut(
        id=m.id,
        name=m.name,
        uscc=m.uscc,
        address=m.address,
        subdistrict=m.subdistrict,
        kind=m.kind,
        kind_label=KINDS[m.kind][0],
        parent=_parent(m),
        contact_name=m.contact_name,
        contact_phone=m.contact_phone,
        contact_email=m.contact_email,
        verified=m.verified,
        ends_on=m.ends_on,
        deposit_balance=format_yuan(m.deposit_balance_fen),
        topup_overdue_since=m.topup_overdue_since,
        created_at=m.created_at,
        updated_at=m.updated_at,
        commitments=[commitment_out(c, today) for c in f.commitments],
        agreements=[agreement_out(a) for a in f.agreements],
    )


class MerchantController(Controller):
    path = "/api/v1/merchants"
    tags = ("staff: merchants",)

    @get("/", operation_id="ListMerchants", guards=[requires(Permission.MERCHANTS_VIEW)])
    async def list_merchants(
        self,
        services: NamedDependency[Services],
        q: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        unverified: FromQuery[bool] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> MerchantListOut:
        if kind and kind not in KINDS:
            raise ClientException(detail=f"unknown kind: {kind}", status_code=422)
        page = await merchants.list_merchants(
            services.pool, q=q, kind=kind or None, unverified=unverified, limit=limit, offset=offset
        )
        return MerchantListOut(total=page.total, items=[summary_out(m) for m in page.items])

    @get("/suggest", operation_id="SuggestMerchants", tags=["public: complaints"])
    async def suggest(
        self,
        services: NamedDependency[Services],
        q: Annotated[str, QueryParameter(min_length=1, max_length=100)],
    ) -> SuggestOut:
        """Registered merchants whose name is like `q`, for the complaint form: name, address and
        sub-district only."""
        found = await merchants.suggest(services.pool, q)
        return SuggestOut([SuggestionOut(s.name, s.address, s.subdistrict) for s in found])

    @post("/", operation_id="CreateMerchant", status_code=201, guards=[requires(Permission.MERCHANTS_MANAGE)])
    async def create(self, services: NamedDependency[Services], data: JSONBody[MerchantIn]) -> MerchantOut:
        f = await merchants.create_merchant(services.pool, msgspec.structs.asdict(data))
        return merchant_out(f, local_date(utcnow()))

    @get("/{merchant_id:int}", operation_id="GetMerchant", guards=[requires(Permission.MERCHANTS_VIEW)])
    async def get_merchant(
        self, services: NamedDependency[Services], merchant_id: FromPath[int]
    ) -> MerchantOut:
        return merchant_out(await merchants.merchant_file(services.pool, merchant_id), local_date(utcnow()))

    @post(
        "/{merchant_id:int}/commitments",
        operation_id="AddCommitment",
        status_code=201,
        guards=[requires(Permission.MERCHANTS_MANAGE)],
    )
    async def add_commitment(
        self, services: NamedDependency[Services], merchant_id: FromPath[int], data: JSONBody[CommitmentIn]
    ) -> CommitmentOut:
        c = await merchants.add_commitment(services.pool, merchant_id, msgspec.structs.asdict(data))
        return commitment_out(c, local_date(utcnow()))

    @post(
        "/{merchant_id:int}/agreements",
        operation_id="AddArbitrationClause",
        status_code=201,
        guards=[requires(Permission.MERCHANTS_MANAGE)],
    )
    async def add_agreement(
        self, services: NamedDependency[Services], merchant_id: FromPath[int], data: JSONBody[AgreementIn]
    ) -> AgreementOut:
        return agreement_out(
            await merchants.add_agreement(services.pool, merchant_id, msgspec.structs.asdict(data))
        )

    @post(
        "/{merchant_id:int}/verify",
        operation_id="VerifyMerchant",
        status_code=200,
        guards=[requires(Permission.MERCHANTS_MANAGE)],
    )
    async def verify(self, services: NamedDependency[Services], merchant_id: FromPath[int]) -> MerchantOut:
        f = await merchants.verify(services.pool, merchant_id, now=utcnow())
        return merchant_out(f, local_date(utcnow()))

    @patch(
        "/{merchant_id:int}",
        operation_id="EditUnverifiedMerchant",
        guards=[requires(Permission.MERCHANTS_MANAGE)],
    )
    async def edit(
        self, services: NamedDependency[Services], merchant_id: FromPath[int], data: JSONBody[MerchantEditIn]
    ) -> MerchantOut:
        f = await merchants.edit_unverified(
            services.pool, merchant_id, msgspec.structs.asdict(data), now=utcnow()
        )
        return merchant_out(f, local_date(utcnow()))

    @post(
        "/{merchant_id:int}/merge",
        operation_id="MergeMerchant",
        status_code=200,
        guards=[requires(Permission.MERCHANTS_MANAGE)],
        dependencies={"staff": Provide(provide_staff)},
    )
    async def merge(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        merchant_id: FromPath[int],
        data: JSONBody[MergeIn],
    ) -> MergeOut:
        m = await routing.merge_merchant(services.pool, merchant_id, data.into_id, staff, now=utcnow())
        return MergeOut(m.source.id, m.into_id, m.case_ids)


# --- which merchant a case is against ----------------------------------------------------------------


class ReasonOut(msgspec.Struct):
    code: str
    points: int
    text: str


class CandidateOut(msgspec.Struct):
    merchant_id: int
    name: str
    address: str
    uscc: str | None
    verified: bool
    score: int
    reasons: list[ReasonOut]


class LinkedOut(msgspec.Struct):
    id: int
    name: str
    verified: bool


class CaseMerchantOut(msgspec.Struct):
    case_id: int
    status: str
    merchant: LinkedOut | None  # the linked registry merchant
    candidates: list[CandidateOut]  # while status is merchant_to_confirm


class ConfirmIn(msgspec.Struct):
    merchant_id: Any = None
    not_in_registry: Any = False  # true: none of them; an unverified merchant is made from the complaint


class RelinkIn(msgspec.Struct):
    merchant_id: Any = None
    reason: Any = None


class LinkResultOut(msgspec.Struct):
    case_id: int
    outcome: str  # the route decided, or merchant_to_confirm


def candidate_out(c: Mapping[str, Any]) -> CandidateOut:
    return CandidateOut(
        merchant_id=c["merchant_id"],
        name=c["name"],
        address=c["address"],
        uscc=c.get("uscc"),
        verified=bool(c.get("verified")),
        score=c["score"],
        reasons=[ReasonOut(r["code"], r["points"], r["text"]) for r in c.get("reasons", [])],
    )


class CaseMerchantController(Controller):
    path = "/api/v1/cases/{case_id:int}/merchant"
    tags = ("staff: merchants",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @get("/", operation_id="GetCaseMerchant", guards=[requires(Permission.CASE_VIEW)])
    async def get_case_merchant(
        self, services: NamedDependency[Services], case_id: FromPath[int]
    ) -> CaseMerchantOut:
        v = await merchants.case_merchant(services.pool, case_id)
        linked = LinkedOut(v.merchant.id, v.merchant.name, v.merchant.verified) if v.merchant else None
        return CaseMerchantOut(case_id, v.status, linked, [candidate_out(c) for c in v.candidates])

    @post(
        "/confirm",
        operation_id="ConfirmCaseMerchant",
        status_code=200,
        guards=[requires(Permission.MERCHANT_LINK)],
    )
    async def confirm(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[ConfirmIn],
    ) -> LinkResultOut:
        outcome = await routing.confirm_merchant(
            services.pool,
            case_id,
            staff,
            merchant_id=data.merchant_id,
            not_in_registry=data.not_in_registry is True,
            now=utcnow(),
            request_id=current_request_id(),
        )
        return LinkResultOut(case_id, outcome)

    @post(
        "/relink",
        operation_id="RelinkCaseMerchant",
        status_code=200,
        guards=[requires(Permission.MERCHANT_LINK)],
    )
    async def relink(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[RelinkIn],
    ) -> LinkResultOut:
        outcome = await routing.relink(
            services.pool,
            case_id,
            staff,
            data.merchant_id,
            data.reason,
            now=utcnow(),
            request_id=current_request_id(),
        )
        return LinkResultOut(case_id, outcome)
