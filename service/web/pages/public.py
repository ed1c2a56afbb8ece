"""The consumer's pages: home, the complaint form, the receipt, tracking. Server-rendered, no JavaScript."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template

from domain.errors import Conflict, NotFound, TooManyAttempts, ValidationFailed
from domain.evidence import MAX_BYTES, MAX_FILES
from domain.identity_documents import ID_TYPE_LABELS
from domain.taxonomy import REQUEST_KINDS
from service import i18n
from service.app_types import Services
from service.i18n import N_
from service.queries import reference
from service.store.staff import StaffUser
from service.usecases import intake, merchants, tracking
from service.usecases.clock import local_date, local_time, utcnow
from service.usecases.intake_commands import SubmitComplaint
from service.usecases.mediation import AnswerOffer
from service.web import forms
from service.web.deps import Req, Svc, stage_uploads
from service.web.middleware import client_address, current_request_id
from service.web.pages import language

TEXT_FIELDS = (
    "consumer.name", "consumer.phone", "consumer.address", "consumer.email",
    "consumer.id_type", "consumer.id_number",
    "merchant.name", "merchant.address", "merchant.uscc", "merchant.phone",
    "platform.name", "platform.uscc",
    "product.brand", "product.model", "product.batch",
    "subdistrict", "quality_domain", "category", "problem_type", "purchase_date",
    "amount_paid", "claim_amount", "description", "reports_violation",
)  # fmt: skip
CONSENTS = ("mediation", "entrusted_mediation", "publish")
FORM_LIMIT = MAX_FILES * MAX_BYTES + 1024 * 1024
NOT_FOUND_MESSAGE = N_("投诉编号或查询码不正确，请核对后重试。")  # track.html shows it in the page's language
# Pages that show an access code must not be kept by browsers or proxies.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@dataclass(frozen=True, slots=True)
class TimelineItem:
    at_local: datetime
    label: str


def form_values(form: Any) -> dict[str, Any]:
    """The form as the person typed it, to show back on errors."""
    values: dict[str, Any] = {k: str(form.get(k) or "") for k in TEXT_FIELDS}
    values["requests"] = [str(v) for v in form.getall("requests", [])]
    for name in CONSENTS:
        values[f"consents.{name}"] = form.get(f"consents.{name}") == "on"
    values["product.injury"] = form.get("product.injury") == "on"
    values["send_code_by_sms"] = form.get("send_code_by_sms") == "on"  # asked for the code by SMS too
    values["form_key"] = str(form.get("form_key") or "")[:64]
    values["locale"] = i18n.normalize(str(form.get("locale") or "")) or i18n.SOURCE  # the page's language
    return values


def complaint_from_values(
    values: dict[str, Any], *, channel: str = "web", received_on: str | None = None
) -> SubmitComplaint:
    """The flat form as the API's command (blank fields absent), so one parser validates both; a staff
    form gives its channel and, for a letter or transfer, the day it arrived."""
    body: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        section, _, field = key.rpartition(".")
        (body.setdefault(section, {}) if section else body)[field] = values[key].strip() or None
    body["requests"] = values["requests"]
    body["consents"] = {name: values[f"consents.{name}"] for name in CONSENTS}
    body["platform"] = body["platform"] if any(body["platform"].values()) else None
    body["product"]["injury"] = values.get("product.injury") or None
    body["product"] = body["product"] if any(body["product"].values()) else None
    body["locale"] = values.get("locale")
    body["send_code_by_sms"] = values.get("send_code_by_sms") or None
    return forms.command(SubmitComplaint, {**body, "channel": channel, "received_on": received_on})


async def file_form(
    services: Services,
    form: Any,
    cmd: SubmitComplaint,
    *,
    key_prefix: str,
    recorded_by: StaffUser | None = None,
) -> intake.Receipt:
    """File a complaint form with its evidence. The form carries a key made when it was shown: a double
    click or a resubmitted page returns the first receipt instead of filing the complaint twice."""
    uploads = [v for v in form.getall("evidence", []) if isinstance(v, UploadFile) and v.filename]
    staged = await stage_uploads(services, uploads)
    form_key = str(form.get("form_key") or "")[:64]
    key = None
    if form_key:
        fingerprint = msgspec.json.encode([cmd, sorted(f.sha256 for f in staged)])
        key = intake.IdempotencyKey(f"{key_prefix}:{form_key}", hashlib.sha256(fingerprint).digest())
    return await intake.submit_complaint(
        services.pool,
        cmd,
        services.intake,
        now=utcnow(),
        files=staged,
        idempotency_key=key,
        request_id=current_request_id(),
        recorded_by=recorded_by,
    )


OFFER_FIELDS = ("offer_id", "answer", "remedy", "amount", "answer_by", "perform_by", "note")


def _answered_with(page: Template, status: int) -> Template:
    """A refused offer answer shows the case page again with its message, under the error's status."""
    if page.template_name == "track_result.html":
        page.status_code = status
    return page


def _gate(request: Req, services: Services) -> dict[str, Any]:
    """What checks a tracking number and code: the secret, the throttle, the client, the time."""
    client = client_address(request.scope)
    return {
        "secret_key": services.settings.secret_key,
        "throttle": services.throttle,
        "client": client,
        "now": utcnow(),
    }


def _not_found(request: Req, tracking_no: str) -> Template:
    return language.page(
        request,
        "track.html",
        status_code=404,
        context={"values": {"tracking_no": tracking_no}, "error": NOT_FOUND_MESSAGE, "retry_after": None},
    )


def _too_many(request: Req, tracking_no: str, exc: TooManyAttempts) -> Template:
    return language.page(
        request,
        "track.html",
        status_code=429,
        headers={"Retry-After": str(exc.retry_after_s)},
        context={"values": {"tracking_no": tracking_no}, "error": None, "retry_after": exc.retry_after_s},
    )


async def complaint_form_context(
    services: Services, values: dict[str, Any], errors: dict[str, str], *, today: date
) -> dict[str, Any]:
    """What complaint_new.html shows on the consumer's form and the staff's intake form alike."""
    return {
        "values": values,
        "errors": errors,
        "taxonomy": await reference.taxonomy(services.pool),
        "request_kinds": REQUEST_KINDS,
        "id_types": ID_TYPE_LABELS,
        "today": today.isoformat(),
        "max_files": MAX_FILES,
        "max_mb": MAX_BYTES // (1024 * 1024),
        # the registry offered in the merchant name's <datalist>: public business data only
        "merchant_options": await merchants.form_options(
            services.pool, values.get("merchant.name"), today=today
        ),
    }


def _number_and_code(form: Any) -> tuple[str, str]:
    """The tracking number and access code a tracking form posts (hidden fields on the case page)."""
    return str(form.get("tracking_no") or "")[:40], str(form.get("access_code") or "")[:40]


class PublicPages(Controller):
    include_in_schema = False

    @get("/", operation_id="HomePage")
    async def home(self, request: Req) -> Template:
        return language.page(request, "index.html")

    @get("/en", operation_id="HomePageEnglish")  # /en/ too: a trailing slash is ignored
    async def home_in_english(self) -> Redirect:
        """/en/, as an English speaker may try it: the home page in English (the cookie remembers it)."""
        return Redirect("/?lang=en", status_code=302)

    async def _form(
        self,
        request: Req,
        services: Services,
        values: dict[str, Any],
        errors: dict[str, str],
        status: int = 200,
    ) -> Template:
        context = {
            **await complaint_form_context(services, values, errors, today=local_date(utcnow())),
            "form_key": values.get("form_key") or uuid.uuid4().hex,
        }
        return language.page(
            request, "complaint_new.html", context=context, locale=values.get("locale"), status_code=status
        )

    @get("/complaints/new", operation_id="ComplaintForm")
    async def new_complaint(self, request: Req, services: Svc) -> Template:
        return await self._form(request, services, {}, {})

    @post("/complaints/new", operation_id="SubmitComplaintForm", request_max_body_size=FORM_LIMIT)
    async def submit_complaint(self, request: Req, services: Svc) -> Template:
        form = await request.form()
        values = form_values(form)
        cmd = complaint_from_values(values)
        client = client_address(request)
        try:  # counted before the files are read: a flooding script gets its 429 cheaply
            await services.filing.enter(client, values["consumer.phone"])
        except TooManyAttempts as exc:
            return await self._too_many_filed(request, services, values, exc)
        try:
            receipt = await file_form(services, form, cmd, key_prefix="form")
        except ValidationFailed as exc:
            await services.filing.give_back(client, values["consumer.phone"])  # a person correcting a form
            errors = language.field_messages(exc.errors, values["locale"])
            return await self._form(request, services, values, errors, status=422)
        return language.page(
            request,
            "complaint_done.html",
            locale=values["locale"],
            context={
                "receipt": receipt,
                "received_at_local": local_time(receipt.received_at),
                # intake split the reported violation off for enforcement: the receipt says so
                "report_referred": bool(str(values.get("reports_violation") or "").strip()),
            },
            status_code=201,
            headers=PRIVATE,
        )

    async def _too_many_filed(
        self,
        request: Req,
        services: Services,
        values: dict[str, Any],
        exc: TooManyAttempts,
    ) -> Template:
        minutes = max(1, -(-exc.retry_after_s // 60))
        message = i18n.gettext(
            values["locale"],
            "提交投诉过于频繁，请{minutes}分钟后再试。如有紧急情况，请拨打12315。",
            minutes=minutes,
        )
        page = await self._form(request, services, values, {"": message}, status=429)
        page.headers["Retry-After"] = str(exc.retry_after_s)
        return page

    @get("/track", operation_id="TrackForm")
    async def track_form(self, request: Req) -> Template:
        return language.page(
            request, "track.html", context={"values": {}, "error": None, "retry_after": None}
        )

    async def _result(
        self,
        request: Req,
        services: Services,
        tracking_no: str,
        access_code: str,
        **extra: Any,
    ) -> Template:
        try:
            case = await tracking.view_case(
                services.pool,
                tracking_no,
                access_code,
                **_gate(request, services),
            )
        except NotFound:
            return _not_found(request, tracking_no)
        except TooManyAttempts as exc:
            return _too_many(request, tracking_no, exc)
        locale = language.of(request)
        timeline = [
            TimelineItem(local_time(e.at), e.label_en if locale == "en" else e.label) for e in case.timeline
        ]
        context = {
            "taxonomy_en": await language.taxonomy_en(services.pool) if locale == "en" else {},
            "case": case,
            "timeline": timeline,
            "received_at_local": local_time(case.received_at),
            "access_code": access_code,
            "upload_errors": [],
            "uploaded": None,
            "max_files": MAX_FILES,
            "max_mb": MAX_BYTES // (1024 * 1024),
            "remedies": [(code, zh, en) for code, (zh, en) in REQUEST_KINDS.items()],  # a counter-offer's
            **extra,
        }
        return language.page(request, "track_result.html", context=context, headers=PRIVATE)

    @post("/track", operation_id="TrackCase")
    async def track(self, request: Req, services: Svc) -> Template:
        form = await request.form()
        return await self._result(request, services, *_number_and_code(form))

    @post("/track/offer", operation_id="TrackAnswerOffer")
    async def track_offer(self, request: Req, services: Svc) -> Template:
        """The consumer answers the merchant's offer: accept, refuse, or a counter-offer (checked and
        throttled like viewing: the tracking number and access code ride along as hidden fields)."""
        form = await request.form()
        tracking_no, access_code = _number_and_code(form)
        values = {k: str(form.get(k) or "")[:2000] for k in OFFER_FIELDS}
        try:
            answered = await tracking.answer_offer(
                services.pool,
                tracking_no,
                access_code,
                values["offer_id"],
                forms.command(AnswerOffer, {k: v for k, v in values.items() if k != "offer_id"}),
                **_gate(request, services),
            )
        except ValidationFailed as exc:
            page = await self._result(
                request,
                services,
                tracking_no,
                access_code,
                offer_errors=[language.field_message(e, language.of(request)) for e in exc.errors],
                offer_field_errors=language.field_messages(
                    exc.errors, language.of(request)
                ),  # by their fields
                offer_values=values,
            )
            return _answered_with(page, 422)
        except Conflict as exc:
            page = await self._result(request, services, tracking_no, access_code, offer_errors=[str(exc)])
            return _answered_with(page, 409)
        except (NotFound, TooManyAttempts):
            return await self._result(request, services, tracking_no, access_code)
        return await self._result(request, services, tracking_no, access_code, offer_answered=answered.answer)

    @post("/track/settlement/confirm", operation_id="TrackConfirmSettlement")
    async def track_confirm_settlement(self, request: Req, services: Svc) -> Template:
        """The consumer confirms the issued 调解书 (the number and code ride along as hidden fields)."""
        form = await request.form()
        tracking_no, access_code = _number_and_code(form)
        try:
            confirmed = await tracking.confirm_settlement(
                services.pool,
                tracking_no,
                access_code,
                **_gate(request, services),
            )
        except Conflict as exc:
            page = await self._result(request, services, tracking_no, access_code, confirm_error=str(exc))
            return _answered_with(page, 409)
        except (NotFound, TooManyAttempts):
            return await self._result(request, services, tracking_no, access_code)
        return await self._result(
            request, services, tracking_no, access_code, settlement_confirmed=confirmed.effective
        )

    @post("/track/evidence", operation_id="TrackAddEvidence", request_max_body_size=FORM_LIMIT)
    async def track_evidence(self, request: Req, services: Svc) -> Template:
        form = await request.form()
        tracking_no, access_code = _number_and_code(form)
        uploads = [v for v in form.getall("evidence", []) if isinstance(v, UploadFile) and v.filename]
        try:
            added = await tracking.add_evidence(
                services.pool,
                tracking_no,
                access_code,
                lambda: stage_uploads(services, uploads),  # read once the number and code are checked
                services.intake,
                now=utcnow(),
                throttle=services.throttle,
                client=client_address(request.scope),
                request_id=current_request_id(),
            )
        except ValidationFailed as exc:
            return await self._result(
                request,
                services,
                tracking_no,
                access_code,
                upload_errors=[language.field_message(e, language.of(request)) for e in exc.errors],
            )
        except NotFound:  # answered at once: checking again through the case page would count twice
            return _not_found(request, tracking_no)
        except TooManyAttempts as exc:
            return _too_many(request, tracking_no, exc)
        return await self._result(request, services, tracking_no, access_code, uploaded=added)
