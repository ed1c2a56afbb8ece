"""The merchant's link (/m/{token}): the complaints against it awaiting its answer, with the consumer's
contact details masked; it pays the consumer itself (with proof) or refuses first payment."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from domain.errors import Conflict, NotFound, ValidationFailed
from domain.evidence import MAX_BYTES
from domain.taxonomy import REQUEST_KINDS
from service import i18n
from service.app_types import Services
from service.i18n import N_
from service.queries import mediation_public, reference
from service.usecases import first_payment, mediation, public_merchants
from service.usecases.clock import utcnow
from service.usecases.first_payment_commands import MerchantAnswer
from service.usecases.public_merchant_commands import WriteReply
from service.web import forms
from service.web.deps import Req, Svc, stage_uploads
from service.web.pages import language
from service.web.pages.public import PRIVATE

DONE = {  # shown in the page's language (merchant_link.html: notice|tr)
    "pay": N_("已记录：您已向消费者赔付。"),
    "refuse": N_("已记录：您拒绝先行赔付。"),
    "offer_accept": N_("已记录：您已接受调解方案。调解员审核后出具调解书，请在本页确认。"),
    "settlement_confirm": N_("已记录：您已确认调解书。双方均确认后调解书生效，请按约定期限履行。"),
    "settlement_effective": N_("已记录：您已确认调解书，双方均已确认，调解书已生效。请按约定期限履行。"),
    "offer_refuse": N_("已记录：您已拒绝该调解方案。"),
    "offer_counter": N_("已记录：您的方案已提交，等待消费者答复。"),
    "public_reply": N_("已记录：您的公开回应将显示在消费评议公示中贵单位的数据旁。"),
}
OFFER_FIELDS = ("answer", "remedy", "amount", "answer_by", "perform_by", "note")


class MerchantLinkPages(Controller):
    path = "/m"
    include_in_schema = False

    async def _page(
        self,
        request: Req,
        services: Services,
        token: str,
        *,
        errors: dict[str, str] | None = None,
        case_id: int | None = None,
        notice: str | None = None,
        status_code: int = 200,
        form: str | None = None,
        values: dict[str, str] | None = None,
    ) -> Template:
        try:
            view = await first_payment.merchant_view(services.pool, token, now=utcnow())
        except NotFound:
            locale = language.of(request)
            return language.page(
                request,
                "error.html",
                status_code=404,
                headers=PRIVATE,
                context={
                    "status": 404,
                    "title": i18n.gettext(locale, "链接无效"),
                    "message": i18n.gettext(locale, "该链接无效或已过期，请联系拱墅区市场监督管理局。"),
                },
            )
        taxonomy = await reference.taxonomy(services.pool)
        case_ids = [c.id for c in view.cases]
        offers = await mediation_public.merchant_offers(
            services.pool, view.merchant_id, case_ids, now=utcnow()
        )
        settlements = await mediation_public.merchant_settlements(services.pool, view.merchant_id, case_ids)
        route_notes = await mediation_public.merchant_route_notes(services.pool, case_ids)
        context = {
            "view": view,
            "token": token,
            "taxonomy": taxonomy,
            "request_kinds": REQUEST_KINDS,
            "errors": errors or {},
            "error_case": case_id,
            "notice": notice,
            "offers": offers,  # case id -> the open mediation offer
            "settlements": settlements,  # case id -> the issued 调解书 awaiting confirmation
            "route_notes": route_notes,  # case id -> what the route means for this case
            "error_form": form,  # "offer" when the offer form failed
            "offer_values": values or {},
            "remedies": [(code, zh, en) for code, (zh, en) in REQUEST_KINDS.items()],
            # 消费评议: its figures in the coming and the current publication, and its public reply
            "public_entries": await public_merchants.own_entries(
                services.pool, view.merchant_id, now=utcnow()
            ),
        }
        return language.page(
            request, "merchant_link.html", context=context, status_code=status_code, headers=PRIVATE
        )

    async def _refused(
        self,
        request: Req,
        services: Services,
        token: str,
        exc: ValidationFailed | Conflict,
        *,
        case_id: int | None,
        form: str | None = None,
        values: dict[str, str] | None = None,
    ) -> Template:
        """The page again, saying why a post was refused: a field to fix (422, the typed `values` shown
        back) or a case that moved on (409, shown as it is now)."""
        if isinstance(exc, ValidationFailed):
            errors = language.field_messages(exc.errors, language.of(request))
            return await self._page(
                request,
                services,
                token,
                errors=errors,
                case_id=case_id,
                status_code=422,
                form=form,
                values=values,
            )
        return await self._page(
            request, services, token, errors={"": str(exc)}, case_id=case_id, status_code=409, form=form
        )

    @get("/{token:str}", operation_id="MerchantLinkPage")
    async def page(
        self,
        request: Req,
        services: Svc,
        token: FromPath[str],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await self._page(request, services, token, notice=DONE.get(done or ""))

    @post(
        "/{token:str}/cases/{case_id:int}/answer",
        operation_id="MerchantAnswer",
        request_max_body_size=MAX_BYTES + 1024 * 1024,
    )
    async def answer(
        self,
        request: Req,
        services: Svc,
        token: FromPath[str],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        form = await request.form()
        uploads = [v for v in form.getall("proof", []) if isinstance(v, UploadFile) and v.filename][:1]
        staged = await stage_uploads(services, uploads)
        try:
            cmd = forms.command(MerchantAnswer, {k: form.get(k) for k in ("answer", "note", "amount")})
            kind = await first_payment.answer(
                services.pool, case_id, cmd, proof=staged, ctx=services.intake, now=utcnow(), token=token
            )
        except (ValidationFailed, Conflict) as exc:
            return await self._refused(request, services, token, exc, case_id=case_id)
        return Redirect(f"/m/{token}?done={kind}", status_code=303)

    @post("/{token:str}/offers/{offer_id:int}/answer", operation_id="MerchantAnswerOffer")
    async def answer_offer(
        self,
        request: Req,
        services: Svc,
        token: FromPath[str],
        offer_id: FromPath[int],
    ) -> Template | Redirect:
        """The merchant accepts, refuses or counters the consumer's offer in mediation."""
        form = await request.form()
        values = {k: str(form.get(k) or "")[:2000] for k in OFFER_FIELDS}
        case_id = int(str(form.get("case_id") or "0")) if str(form.get("case_id") or "").isdigit() else None
        try:
            cmd = forms.command(mediation.AnswerOffer, values)
            result = await mediation.merchant_answer(services.pool, token, offer_id, cmd, now=utcnow())
        except (ValidationFailed, Conflict) as exc:
            return await self._refused(
                request, services, token, exc, case_id=case_id, form="offer", values=values
            )
        return Redirect(f"/m/{token}?done=offer_{result.answer}", status_code=303)

    @post("/{token:str}/cases/{case_id:int}/settlement/confirm", operation_id="MerchantConfirmSettlement")
    async def confirm_settlement(
        self,
        request: Req,
        services: Svc,
        token: FromPath[str],
        case_id: FromPath[int],
    ) -> Template | Redirect:
        """The merchant confirms the issued 调解书 of one of its cases."""
        try:
            done = await mediation.merchant_confirm(services.pool, token, case_id, now=utcnow())
        except NotFound:
            return await self._page(
                request,
                services,
                token,
                errors={"": i18n.gettext(language.of(request), "没有找到需要确认的调解书")},
                status_code=404,
            )
        except Conflict as exc:
            return await self._refused(request, services, token, exc, case_id=case_id)
        kind = "settlement_effective" if done.effective else "settlement_confirm"
        return Redirect(f"/m/{token}?done={kind}", status_code=303)

    @post("/{token:str}/public-reply", operation_id="MerchantPublicReply")
    async def public_reply(self, request: Req, services: Svc, token: FromPath[str]) -> Template | Redirect:
        """The merchant's public response beside its figures in 消费评议 (an edit replaces it, on record)."""
        form = await request.form()
        values = {"body": str(form.get("body") or "")[:4000]}
        try:
            await public_merchants.write_reply(
                services.pool, token, forms.command(WriteReply, values), now=utcnow()
            )
        except NotFound:
            return await self._page(request, services, token)  # the invalid-link page
        except ValidationFailed as exc:
            return await self._refused(
                request, services, token, exc, case_id=None, form="public_reply", values=values
            )
        return Redirect(f"/m/{token}?done=public_reply#public-entry", status_code=303)
