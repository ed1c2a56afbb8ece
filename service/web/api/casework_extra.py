"""Staff API for arbitration referrals and awards, product testing, and cluster alerts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from domain.roles import Permission
from service.app_types import Services
from service.store.arbitration import AlertRow
from service.store.staff import StaffUser
from service.usecases import arbitration, clusters, testing
from service.usecases.clock import utcnow
from service.web.auth import provide_staff, requires

# --- bodies (fields are Any: the domain validates them, so a bad value is a 422 naming the field) ------


class ReferralIn(msgspec.Struct):
    agreement_id: Any = None  # an agreement on record: the merchant's published clause or this case's
    kind: Any = None  # or a new one: written | implied
    institution: Any = None
    signed_on: Any = None
    note: Any = None


class ReferralOut(msgspec.Struct):
    case_id: int
    agreement_id: int
    status: str = "referred"


class AwardIn(msgspec.Struct):
    award_on: Any = None
    award_for: Any = None  # consumer | partial | merchant
    amount: Any = None  # yuan; not for an award for the business


class AwardOut(msgspec.Struct):
    case_id: int
    status: str = "award_recorded"


class TestIn(msgspec.Struct):
    lab: Any = None
    fee: Any = None  # yuan
    advanced_by: Any = "merchant"
    consumer_guarantee: Any = None  # yuan; default: the fee, when the business advances it


class TestStartedOut(msgspec.Struct):
    id: int
    case_id: int
    status: str = "testing"


class FindingIn(msgspec.Struct):
    finding: Any = None
    at_fault: Any = None  # merchant | consumer | none
    report_evidence_id: Any = None


class TestFinishedOut(msgspec.Struct):
    id: int
    status: str
    mediation_due: date | None


class DecisionIn(msgspec.Struct):
    decision: Any = None
    note: Any = None


class DecidedOut(msgspec.Struct):
    id: int
    decision: str


class TimelineEntryOut(msgspec.Struct):
    at: datetime
    kind: str
    label: str
    actor: str


class EvidenceEntryOut(msgspec.Struct):
    id: int
    name: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime


class StatementOut(msgspec.Struct):
    label: str
    text: str


class LabReportOut(msgspec.Struct):
    id: int
    lab: str
    started_on: date
    finished_on: date | None
    fee: str
    fee_advanced_by: str
    consumer_guarantee: str
    finding: str | None
    at_fault: str | None
    at_fault_label: str | None
    fee_payer_label: str | None
    report_name: str | None
    report_sha256: str | None


class AgreementOut(msgspec.Struct):
    id: int
    kind: str
    kind_label: str
    institution: str
    signed_on: date | None
    note: str | None


class AwardInfoOut(msgspec.Struct):
    award_on: date
    award_for: str
    award_for_label: str
    amount: str | None


class BundleOut(msgspec.Struct):
    case_id: int
    tracking_no: str
    status: str
    status_label: str
    received_at: datetime
    accepted_on: date | None
    consumer_name: str
    merchant_name: str
    merchant_address: str
    merchant_uscc: str | None
    platform_name: str | None
    quality_domain_label: str
    category: str
    category_label: str
    problem_type_label: str
    purchase_date: date
    amount_paid: str
    claim_amount: str
    requests: list[str]
    description: str
    consumer_position: list[StatementOut]
    merchant_position: list[StatementOut]
    offers: list[StatementOut]
    tests: list[LabReportOut]
    agreement: AgreementOut | None
    agreements_available: list[AgreementOut]
    institution: str | None
    referred_on: date | None
    award: AwardInfoOut | None
    timeline: list[TimelineEntryOut]
    evidence: list[EvidenceEntryOut]


class ClusterCaseOut(msgspec.Struct):
    id: int
    tracking_no: str


class ClusterOut(msgspec.Struct):
    id: int
    merchant_id: int
    merchant_name: str
    category: str
    category_label: str
    window_start: date
    window_end: date
    count: int
    cases: list[ClusterCaseOut]
    raised_at: datetime
    decided_at: datetime | None
    decision: str | None
    decision_note: str | None
    decided_by: str | None


class ClustersOut(msgspec.Struct):
    open: list[ClusterOut]
    recent: list[ClusterOut]


def cluster_out(a: AlertRow) -> ClusterOut:
    return ClusterOut(
        id=a.id,
        merchant_id=a.merchant_id,
        merchant_name=a.merchant_name,
        category=a.category,
        category_label=a.category_label,
        window_start=a.window_start,
        window_end=a.window_end,
        count=a.count,
        cases=[ClusterCaseOut(i, t) for i, t in zip(a.case_ids, a.tracking_nos, strict=False)],
        raised_at=a.raised_at,
        decided_at=a.decided_at,
        decision=a.decision,
        decision_note=a.decision_note,
        decided_by=a.decided_by_name,
    )


class CaseworkExtraController(Controller):
    path = "/api/v1"
    tags = ("staff: arbitration, testing, clusters",)
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    @post(
        "/cases/{case_id:int}/arbitration/referral",
        operation_id="ReferToArbitration",
        status_code=201,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def refer(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[ReferralIn],
    ) -> ReferralOut:
        """Only under an arbitration agreement: the regulator cannot refer a case on its own."""
        agreement_id = await arbitration.refer(
            services.pool,
            case_id,
            staff,
            agreement_id=data.agreement_id,
            kind=data.kind,
            institution=data.institution,
            signed_on=data.signed_on,
            note=data.note,
            now=utcnow(),
        )
        return ReferralOut(case_id, agreement_id)

    @post(
        "/cases/{case_id:int}/arbitration/award",
        operation_id="RecordArbitrationAward",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def award(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[AwardIn],
    ) -> AwardOut:
        await arbitration.record_award(
            services.pool,
            case_id,
            staff,
            award_on=data.award_on,
            award_for=data.award_for,
            amount=data.amount,
            now=utcnow(),
        )
        return AwardOut(case_id)

    @get(
        "/cases/{case_id:int}/arbitration/bundle",
        operation_id="GetArbitrationBundle",
        guards=[requires(Permission.CASE_VIEW)],
    )
    async def bundle(self, services: NamedDependency[Services], case_id: FromPath[int]) -> BundleOut:
        b = await arbitration.bundle(services.pool, case_id)
        return msgspec.convert(b, BundleOut, from_attributes=True)

    @post(
        "/cases/{case_id:int}/tests",
        operation_id="StartProductTest",
        status_code=201,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def start_test(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        case_id: FromPath[int],
        data: JSONBody[TestIn],
    ) -> TestStartedOut:
        """Send the product for testing; the clock stops until the finding is recorded."""
        test_id = await testing.start_test(
            services.pool,
            case_id,
            staff,
            lab=data.lab,
            fee=data.fee,
            advanced_by=data.advanced_by,
            consumer_guarantee=data.consumer_guarantee,
            now=utcnow(),
        )
        return TestStartedOut(test_id, case_id)

    @post(
        "/tests/{test_id:int}/finish",
        operation_id="FinishProductTest",
        status_code=200,
        guards=[requires(Permission.CASE_WORK)],
    )
    async def finish_test(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        test_id: FromPath[int],
        data: JSONBody[FindingIn],
    ) -> TestFinishedOut:
        """Record the finding and who is at fault (who pays); the clock restarts, the deadline moves."""
        due = await testing.finish_test(
            services.pool,
            test_id,
            staff,
            finding=data.finding,
            at_fault=data.at_fault,
            report_evidence_id=data.report_evidence_id,
            now=utcnow(),
        )
        return TestFinishedOut(test_id, "finished", due)

    @get("/clusters", operation_id="ListClusterAlerts", guards=[requires(Permission.CASE_VIEW)])
    async def list_clusters(self, services: NamedDependency[Services]) -> ClustersOut:
        found = await clusters.alerts(services.pool, now=utcnow())
        return ClustersOut([cluster_out(a) for a in found.open], [cluster_out(a) for a in found.recent])

    @post(
        "/clusters/{alert_id:int}/decide",
        operation_id="DecideClusterAlert",
        status_code=200,
        guards=[requires(Permission.CLUSTERS_DECIDE)],
    )
    async def decide(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        alert_id: FromPath[int],
        data: JSONBody[DecisionIn],
    ) -> DecidedOut:
        """joint_complaint | enforcement_referral | public_interest_litigation | no_action (with a note)."""
        await clusters.decide(services.pool, alert_id, staff, data.decision, data.note, now=utcnow())
        return DecidedOut(alert_id, str(data.decision))
