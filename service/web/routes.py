"""Every route of the app, in the order Litestar registers them (one list, read by create_app)."""

from __future__ import annotations

from typing import Any

from service.web.api.arbitration import ArbitrationController
from service.web.api.auth import issue_token, list_tokens, revoke_token
from service.web.api.cases import CaseController
from service.web.api.clusters import ClusterController
from service.web.api.complaints import ComplaintController
from service.web.api.first_payment import FirstPaymentController
from service.web.api.health import health
from service.web.api.intake import record_complaint
from service.web.api.mediation import MediationController
from service.web.api.merchants import CaseMerchantController, MerchantController
from service.web.api.metrics import metrics
from service.web.api.open_data import OpenDataController, open_data_file, open_data_index
from service.web.api.product_signals import ProductSignalController
from service.web.api.product_testing import ProductTestingController
from service.web.api.public_merchants import PublicEntryController, public_merchants_list
from service.web.api.queues import QueueController
from service.web.api.returns import ReturnsController
from service.web.api.satisfaction import AppealController
from service.web.api.sms_reports import record_sms_report
from service.web.api.spam import SpamController
from service.web.api.taxonomy import taxonomy
from service.web.pages.admin import AdminPages, PasswordPages
from service.web.pages.admin_calendar import CalendarPages
from service.web.pages.annual_report import AnnualReportPages
from service.web.pages.arbitration import ArbitrationPages
from service.web.pages.case_merchant import CaseMerchantPages
from service.web.pages.clusters import ClusterPages
from service.web.pages.favicon import favicon
from service.web.pages.mediation import MediationPages
from service.web.pages.merchant_forms import MerchantFormPages
from service.web.pages.merchant_import import MerchantImportPages
from service.web.pages.merchant_link import MerchantLinkPages
from service.web.pages.merchants import MerchantPages
from service.web.pages.open_data import OpenDataPages
from service.web.pages.product_signals import ProductSignalPages
from service.web.pages.product_testing import ProductTestingPages
from service.web.pages.public import PublicPages
from service.web.pages.public_merchants import PublicMerchantPages
from service.web.pages.queues import QueueOverviewPages, QueuePages
from service.web.pages.returns import ReturnPages
from service.web.pages.satisfaction import AppealPages, SatisfactionPages
from service.web.pages.staff import STAFF_PAGES
from service.web.pages.stylesheet import staff_stylesheet

ROUTES: tuple[Any, ...] = (
    FirstPaymentController,
    ReturnsController,
    ReturnPages,
    AnnualReportPages,
    QueueController,
    QueuePages,
    QueueOverviewPages,
    MediationController,
    MediationPages,
    AppealController,
    SatisfactionPages,
    AppealPages,
    ArbitrationController,
    ArbitrationPages,
    ProductTestingController,
    ProductTestingPages,
    ClusterController,
    ClusterPages,
    ProductSignalController,
    ProductSignalPages,
    MerchantController,
    CaseMerchantController,
    MerchantPages,
    MerchantFormPages,
    MerchantImportPages,
    CaseMerchantPages,
    MerchantLinkPages,
    PublicEntryController,
    public_merchants_list,
    PublicMerchantPages,
    open_data_index,
    open_data_file,
    OpenDataController,
    OpenDataPages,
    health,
    metrics,
    record_sms_report,
    favicon,
    staff_stylesheet,
    taxonomy,
    issue_token,
    revoke_token,
    list_tokens,
    ComplaintController,
    CaseController,
    record_complaint,  # after CaseController: the same path (see its docstring)
    SpamController,
    PublicPages,
    *STAFF_PAGES,
    AdminPages,
    PasswordPages,
    CalendarPages,
)
