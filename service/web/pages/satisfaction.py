"""Satisfaction pages: the consumer's survey by the link in the closing notification (/survey/{token})
or from the tracking page (/track/survey, re-authenticated with the tracking number and access code,
like /track/evidence); the reopen or appeal request a low score offers; and the supervisor's list of
requests (/staff/appeals) with the decision form (PRG)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain import satisfaction as rules
from domain.errors import Conflict, NotFound, TooManyAttempts, ValidationFailed
from domain.lifecycle import InvalidTransition
from domain.outcomes import OUTCOMES
from domain.roles import Permission
from domain.tracking import status_label
from service import i18n
from service.app_types import Services
from service.i18n import N_
from service.queries import appeals
from service.store.staff import StaffUser
from service.usecases import satisfaction
from service.usecases.clock import local_time, utcnow
from service.usecases.satisfaction import ByCode, ByToken, Respondent, SurveyView
from service.usecases.satisfaction_commands import AnswerSurvey, DecideAppeal, RequestAppeal
from service.web import forms
from service.web.auth import provide_staff, requires
from service.web.deps import Req, Svc
from service.web.errors import error_page
from service.web.forms import FRESH, RowForm
from service.web.middleware import client_address
from service.web.pages import language
from service.web.pages.public import NOT_FOUND_MESSAGE, PRIVATE
from service.web.pages.staff.common import Staff, StaffController, staff_context
from service.web.pages.staff.notices import NoticeCode

APPEAL_NOTICES = {
    "accepted": "已同意申请，案件已重新办理（状态：已受理），请安排处理方式。",
    "declined": "已答复：不同意申请，理由已告知消费者。",
}

Step = Callable[[Services, Respondent, Any, str], Awaitable[Template]]  # services, who, form, locale


def _values(form: Any, cls: type[msgspec.Struct]) -> dict[str, str]:
    """The command's fields as typed (to show back), at most 4000 characters each."""
    return {k: str(form.get(k) or "")[:4000] for k in cls.__struct_fields__}


def _links(who: Respondent) -> dict[str, Any]:
    """Where the forms post, and the hidden fields that re-authenticate them."""
    if isinstance(who, ByToken):
        return {
            "action": f"/survey/{who.token}",
            "appeal_action": f"/survey/{who.token}/appeal",
            "hidden": {},
        }
    return {
        "action": "/track/survey",
        "appeal_action": "/track/survey/appeal",
        "hidden": {"tracking_no": who.tracking_no, "access_code": who.access_code},
    }


# (title, message) of error.html when a survey link opens no form
_INVALID_LINK = (N_("链接无效"), N_("该评价链接无效或已过期（办结后30日内有效）。如有疑问，请拨打 12315。"))
_CLOSED = (N_("评价已结束"), N_("本投诉目前没有可填写的评价：办结后30日内可以评价，每件投诉评价一次。"))


def _invalid_link() -> Template:
    return error_page(404, *_INVALID_LINK, headers=PRIVATE)


def _survey_closed() -> Template:
    return error_page(410, *_CLOSED, headers=PRIVATE)


def _track_failed(who: ByCode, exc: NotFound | TooManyAttempts) -> Template:
    """The tracking form again, as /track answers a wrong number or code."""
    retry = exc.retry_after_s if isinstance(exc, TooManyAttempts) else None
    return Template(
        "track.html",
        status_code=429 if retry else 404,
        headers={"Retry-After": str(retry)} if retry else None,
        context={
            "values": {"tracking_no": who.tracking_no},
            "error": None if retry else NOT_FOUND_MESSAGE,
            "retry_after": retry,
        },
    )


def _survey_form(
    view: satisfaction.SurveyView,
    who: Respondent,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    context = {
        "view": view,
        "outcome_label": OUTCOMES.get(view.outcome or "", ("", ""))[0],
        "closed_local": local_time(view.closed_at) if view.closed_at else None,
        "expires_local": local_time(view.expires_at),
        "questions": [(code, zh) for code, (zh, _) in rules.QUESTIONS.items()],  # survey.html: |tr
        "levels": [(code, zh) for code, (zh, _) in rules.LEVEL_LABELS.items()],
        "values": values or {},
        "errors": errors or {},
        **_links(who),
    }
    return Template("survey.html", context=context, status_code=status_code, headers=PRIVATE)


def _done(
    who: Respondent,
    view: SurveyView | satisfaction.Answered,
    *,
    appeal_open: bool | None = None,
    already: bool = False,
    appeal_sent: bool = False,
    problem: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    """The thanks page, with the request offer while it stands (`appeal_open` overrides the view's)."""
    context = {
        "tracking_no": view.tracking_no,
        "score": view.score,
        "low": rules.is_low(view.score),
        "appeal_open": view.appeal_open if appeal_open is None else appeal_open,
        "appeal": getattr(view, "appeal", None),  # an Answered has none yet
        "already": already,
        "appeal_sent": appeal_sent,
        "problem": problem,
        "kinds": [(code, zh, meaning) for code, (zh, _, meaning) in rules.APPEAL_KINDS.items()],
        "kind_names": {code: zh for code, (zh, _, _) in rules.APPEAL_KINDS.items()},
        "values": values or {},
        "errors": errors or {},
        "by_code": isinstance(who, ByCode),
        "local_time": local_time,
        **_links(who),
    }
    return Template("survey_done.html", context=context, status_code=status_code, headers=PRIVATE)


class SatisfactionPages(Controller):
    path = "/"
    include_in_schema = False
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute

    # --- the consumer -------------------------------------------------------------------------------

    # every page below is in the consumer's language (language.localize); texts the code made are
    # translated by the templates (|tr), field errors here (language.field_messages)

    async def _show(
        self, services: Services, who: Respondent, form: Any = None, locale: str = ""
    ) -> Template:
        """The form, or (answered) the thanks page with the request offer while it stands."""
        view = await satisfaction.survey(services.pool, who, now=utcnow())
        return _done(who, view, already=True) if view.answered else _survey_form(view, who)

    async def _answer(self, services: Services, who: Respondent, form: Any, locale: str = "") -> Template:
        values = _values(form, AnswerSurvey)
        try:
            done = await satisfaction.answer(
                services.pool, who, forms.command(AnswerSurvey, values), now=utcnow()
            )
        except ValidationFailed as exc:
            view = await satisfaction.survey(services.pool, who, now=utcnow())
            errors = language.field_messages(exc.errors, locale or i18n.SOURCE)
            return _survey_form(view, who, values=values, errors=errors, status_code=422)
        except rules.AlreadyAnswered:
            view = await satisfaction.survey(services.pool, who, now=utcnow())
            return _done(who, view, already=True, status_code=409)
        return _done(who, done)

    async def _appeal(self, services: Services, who: Respondent, form: Any, locale: str = "") -> Template:
        values = _values(form, RequestAppeal)
        try:
            cmd = forms.command(RequestAppeal, values)
            await satisfaction.request_appeal(services.pool, who, cmd, now=utcnow())
        except ValidationFailed as exc:
            view = await satisfaction.survey(services.pool, who, now=utcnow())
            errors = language.field_messages(exc.errors, locale or i18n.SOURCE)
            return _done(who, view, values=values, errors=errors, status_code=422)
        except rules.AppealNotOpen as exc:
            view = await satisfaction.survey(services.pool, who, now=utcnow())
            return _done(
                who, view, appeal_open=False, already=view.answered, problem=str(exc), status_code=409
            )
        view = await satisfaction.survey(services.pool, who, now=utcnow())
        return _done(who, view, appeal_open=False, appeal_sent=True, status_code=201)

    @get("/survey/{token:str}", operation_id="SurveyPage")
    async def survey_page(self, request: Req, services: Svc, token: FromPath[str]) -> Template:
        return await self._by_link(request, services, token, self._show)

    async def _by_link(self, request: Req, services: Services, token: str, then: Step) -> Template:
        """A page of the survey's link (/survey/{token}…), in the consumer's language."""
        form = None if request.method == "GET" else await request.form()
        try:
            page = await then(services, ByToken(token), form, language.of(request))
        except NotFound:
            page = _invalid_link()
        return language.localize(request, page)

    @post("/survey/{token:str}", operation_id="AnswerSurvey")
    async def answer_by_link(self, request: Req, services: Svc, token: FromPath[str]) -> Template:
        return await self._by_link(request, services, token, self._answer)

    @post("/survey/{token:str}/appeal", operation_id="RequestAppealByLink")
    async def appeal_by_link(self, request: Req, services: Svc, token: FromPath[str]) -> Template:
        return await self._by_link(request, services, token, self._appeal)

    def _by_code(self, request: Req, services: Services, form: Any) -> ByCode:
        return ByCode(
            tracking_no=str(form.get("tracking_no") or "")[:40],
            access_code=str(form.get("access_code") or "")[:40],
            secret_key=services.settings.secret_key,
            throttle=services.throttle,
            client=client_address(request.scope),
        )

    async def _by_tracking(self, request: Req, services: Services, step: str, then: Step) -> Template:
        """A form from the tracking page: `step` runs `then`; anything else shows the survey's state."""
        form = await request.form()
        who = self._by_code(request, services, form)
        try:
            if form.get("step") == step:
                page = await then(services, who, form, language.of(request))
            else:
                page = await self._show(services, who)
        except (NotFound, TooManyAttempts) as exc:
            page = _track_failed(who, exc)
        except rules.SurveyClosed:
            page = _survey_closed()
        return language.localize(request, page)

    @post("/track/survey", operation_id="TrackSurvey")
    async def track_survey(self, request: Req, services: Svc) -> Template:
        """From the tracking page: step=answer submits the answers; anything else shows the form."""
        return await self._by_tracking(request, services, "answer", self._answer)

    @post("/track/survey/appeal", operation_id="TrackSurveyAppeal")
    async def track_appeal(self, request: Req, services: Svc) -> Template:
        """step=send submits the request; anything else shows the thanks page with the request form."""
        return await self._by_tracking(request, services, "send", self._appeal)


class AppealPages(StaffController):
    """The supervisor's list of reopen and appeal requests, each with its decision form."""

    guards = [requires(Permission.CASE_DECIDE)]  # noqa: RUF012 - Litestar reads this class attribute

    async def _appeals_page(
        self, services: Services, staff: StaffUser, *, notice: str | None = None, form: RowForm = FRESH
    ) -> Template:
        found = await appeals.appeals(services.pool, now=utcnow())
        context = {
            **staff_context(staff),
            "appeals": found,
            "questions": [(code, zh) for code, (zh, _) in rules.QUESTIONS.items()],
            "point_labels": {points: zh for points, (zh, _) in rules.POINT_LABELS.items()},
            "kind_names": {code: zh for code, (zh, _, _) in rules.APPEAL_KINDS.items()},
            "decisions": [(code, zh, meaning) for code, (zh, _, meaning) in rules.APPEAL_DECISIONS.items()],
            "decision_names": {code: zh for code, (zh, _, _) in rules.APPEAL_DECISIONS.items()},
            "outcome_names": {code: zh for code, (zh, _) in OUTCOMES.items()},
            "status_label": status_label,
            "local_time": local_time,
            "notice": notice,
            **form.context(),
        }
        return Template("staff_appeals.html", context=context, status_code=form.status_code, headers=PRIVATE)

    @get("/appeals", operation_id="StaffAppealsPage")
    async def appeals_page(self, services: Svc, staff: Staff, done: NoticeCode = None) -> Template:
        return await self._appeals_page(services, staff, notice=APPEAL_NOTICES.get(done or ""))

    @post("/appeals/{appeal_id:int}/decide", operation_id="StaffDecideAppeal")
    async def decide(
        self,
        request: Req,
        services: Svc,
        staff: Staff,
        appeal_id: FromPath[int],
    ) -> Template | Redirect:
        values = _values(await request.form(), DecideAppeal)
        try:
            cmd = forms.command(DecideAppeal, values)
            decided = await satisfaction.decide(services.pool, appeal_id, staff, cmd, now=utcnow())
        except ValidationFailed as exc:
            return await self._appeals_page(services, staff, form=RowForm.invalid(appeal_id, exc, values))
        except InvalidTransition as exc:
            return await self._appeals_page(services, staff, form=RowForm.conflict(exc.message))
        except Conflict as exc:
            return await self._appeals_page(services, staff, form=RowForm.conflict(str(exc)))
        return Redirect(f"/staff/appeals?done={decided.decision}#appeal-{appeal_id}", status_code=303)
