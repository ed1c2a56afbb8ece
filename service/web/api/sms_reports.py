"""GET /api/v1/sms/reports: Kannel's delivery reports (the dlr-url the SMS channel gives each message).

No session and no token: the report is trusted by the HMAC of the notice id in its `sig` (see
service/adapters/channels/sms.py); a forged one answers 403, an unknown notice 404, never 500.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import QueryParameter

from service.adapters.channels.sms import REPORTS_PATH, report_key
from service.app_types import Services
from service.usecases import sms_reports
from service.usecases.clock import utcnow
from service.web.openapi import ErrorBody


class ReportRecorded(msgspec.Struct):
    notice: int
    delivery: str  # submitted, buffered, delivered, failed


REFUSED = {
    403: ResponseSpec(
        ErrorBody, description="The signature does not match the notice", generate_examples=False
    ),
    404: ResponseSpec(ErrorBody, description="No text message with this id", generate_examples=False),
}


@get(
    REPORTS_PATH,
    operation_id="RecordSmsReport",
    tags=["ops"],
    summary="An SMS delivery report (Kannel)",
    responses=REFUSED,
)
async def record_sms_report(
    services: NamedDependency[Services],
    notice: Annotated[int, QueryParameter(ge=1, le=2**63 - 1)],
    sig: Annotated[str, QueryParameter(min_length=1, max_length=128)],
    status: Annotated[int, QueryParameter(ge=0, le=255)],
) -> ReportRecorded:
    delivery = await sms_reports.record_report(
        services.pool,
        key=report_key(services.settings.secret_key),
        notice_id=notice,
        signature=sig,
        status=status,
        now=utcnow(),
    )
    return ReportRecorded(notice=notice, delivery=delivery)
