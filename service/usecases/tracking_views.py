"""What the consumer sees of their case: the tracking page's full view (`CaseView`) and the API's
public part of it (`ConsumerCaseView`, returned by `GET /api/v1/complaints/{tracking_no}`)."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from domain.acceptance import Citations
from service.queries import mediation_public
from service.store import surveys as survey_store
from service.store.rows import from_attrs
from service.usecases.wire_types import Yuan


class PublicTimelineEntry(msgspec.Struct, frozen=True):
    """One public step of the case, labelled in Chinese and English."""

    at: datetime
    kind: str
    label: str
    label_en: str


class ConsumerCaseView(msgspec.Struct, frozen=True):
    """The consumer's case through the API: its status, deadlines, what was decided, and its timeline."""

    tracking_no: str
    status: str
    status_label: str
    received_at: datetime
    acceptance_due: date
    acceptance_due_provisional: bool
    rule_set: str
    quality_domain: str
    category: str
    problem_type: str
    merchant_name: str
    requests: tuple[str, ...]
    amount_paid: Yuan
    claim_amount: Yuan
    evidence_count: int
    timeline: tuple[PublicTimelineEntry, ...]
    mediation_due: date | None = None
    mediation_due_provisional: bool = False
    rejection_ground: str | None = None  # the ground's label
    decision_note: str | None = None
    other_routes: tuple[str, ...] = ()
    route: str | None = None
    route_label: str | None = None
    route_summary: str | None = None
    route_reasons: tuple[str, ...] = ()
    first_payment_state: str | None = None
    first_payment_paid: Yuan | None = None  # once paid (by the merchant or from the deposit)

    @classmethod
    def of(cls, case: ConsumerCaseView) -> ConsumerCaseView:
        """Only the API's fields of the tracking page's fuller view."""
        return from_attrs(cls, case)


class CaseView(ConsumerCaseView, frozen=True, kw_only=True):
    """The tracking page's view: the API's, and what the page shows besides."""

    case_id: int
    # mediation: the open offer (answerable here when the merchant made it), the settlement and its
    # performance, a termination, and the routes that remain when mediation did not end the dispute
    open_offer: mediation_public.PublicOffer | None = None
    settlement: mediation_public.PublicSettlement | None = None
    settlement_to_confirm: mediation_public.PublicSettlement | None = None  # issued, awaiting confirmation
    citations: Citations | None = None  # the articles the case's rule set cites
    rejection_citation: str | None = None  # 《…》第十六条第（x）项 (Order 20: 第十五条)
    termination: mediation_public.PublicTermination | None = None
    mediation_routes: tuple[str, ...] = ()
    first_payment_hint: str | None = None
    survey_open: bool = False  # closed, not yet rated, link still valid: the page offers the survey
    appeal_open: bool = False  # rated below 60, no request yet: the page offers 申请重新处理 / 申诉
    appeal: survey_store.Appeal | None = None  # the latest request and the supervisor's answer
    # what the consumer is told is true: the merchant was told (a notice e-mailed or a phone record)
    merchant_notified_at: datetime | None = None
    merchant_notified_on: date | None = None  # the same, as the local date shown
    merchant_reply_due: date | None = None  # the merchant's deadline to answer (first payment, an offer)
    report_referred: bool = False  # a reported violation was passed to enforcement
    outcome_statement: str | None = None  # a closed case: "经营者先行赔付 199.00 元"
    evidence_with_form: int = 0  # the consumer's files sent with the complaint (提交的证据材料)
    evidence_later: int = 0  # added later on this page (补充证据材料)
