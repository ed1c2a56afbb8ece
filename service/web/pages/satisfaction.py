"""Satisfaction pages: the consumer's survey by the link in the closing notification (/survey/{token})
or from the tracking page (/track/survey, re-authenticated with the tracking number and access code,
like /track/evidence); the reopen or appeal request a low score offers; and the supervisor's list of
requests (/staff/appeals) with the decision form (PRG)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from domain import satisfaction as rules
from domain.errors import Conflict, NotFound, TooManyAttempts, ValidationFailed
from domain.lifecycle import InvalidTransition
from domain.outcomes import OUTCOMES
from domain.roles import Permission
from domain.tracking import status_label
from service.app_types import Services
from service.queries import appeals
from service.store.staff import StaffUser
from service.usecases import satisfaction
from service.usecases.clock import local_time, utcnow
from service.usecases.satisfaction import ByCode, ByToken, Respondent, SurveyView
from service.usecases.satisfaction_commands import AnswerSurvey, DecideAppeal, RequestAppeal
from service.web import forms
from service.web.auth import provide_staff, requires
from service.web.middleware import client_address
from service.web.pages.public import NOT_FOUND_MESSAGE, PRIVATE
from service.web.pages.staff.common import staff_context

APPEAL_NOTICES = {
    "accepted": "已同意申请，案件已重新办理（状态：已受理），请安排处理方式。",
    "declined": "已答复：不同意申请，理由已告知消费者。",
}

Step = Callable[[Services, Respondent, Any], Awaitable[Template]]


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


def _invalid_link() -> Template:
    return Template(
        "error.html",
        status_code=404,
        headers=PRIVATE,
        context={
            "status": 404,
            "title": "链接无效",
            "message": "该评价链接无效或已过期（办结后30日内有效）。如有疑问，请拨打 12315。",
        },
    )


def _survey_closed() -> Template:
    return Template(
        "error.html",
        status_code=410,
        headers=PRIVATE,
        context={
            "status": 410,
            "title": "评价已结束",
            "message": "本投诉目前没有可填写的评价：办结后30日内可以评价，每件投诉评价一次。",
        },
    )


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
        "questions": [(code, zh) for code, (zh, _) in rules.QUESTIONS.items()],
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

    async def _show(self, services: Services, who: Respondent) -> Template:
        """The form, or (answered) the thanks page with the request offer while it stands."""
        view = await satisfaction.survey(services.pool, who, now=utcnow())
        return _done(who, view, already=True) if view.answered else _survey_form(view, who)

    async def _answer(self, services: Services, who: Respondent, form: Any) -> Template:
        values = _values(form, AnswerSurvey)
        try:
            done = await satisfaction.answer(
                services.pool, who, forms.command(AnswerSurvey, values), now=utcnow()
            )
        except ValidationFailed as exc:
            view = await satisfaction.survey(services.pool, who, now=utcnow())
            errors = forms.field_messages(exc.errors)
            return _survey_form(view, who, values=values, errors=errors, status_code=422)
        except rules.AlreadyAnswered:
            view = await satisfaction.survey(services.pool, who, now=utcnow())
            return _done(who, view, already=True, status_code=409)
        return _done(who, done)

    async def _appeal(self, services: Services, who: Respondent, form: Any) -> Template:
        values = _values(form, RequestAppeal)
        try:
            cmd = forms.command(RequestAppeal, values)
            await satisfaction.request_appeal(services.pool, who, cmd, now=utcnow())
        except ValidationFailed as exc:
            view = await satisfaction.survey(services.pool, who, now=utcnow())
            errors = forms.field_messages(exc.errors)
            return _done(who, view, values=values, errors=errors, status_code=422)
        except rules.AppealNotOpen as exc:
            view = await satisfaction.survey(services.pool, who, now=utcnow())
            return _done(
                who, view, appeal_open=False, already=view.answered, problem=str(exc), status_code=409
            )
        view = await satisfaction.survey(services.pool, who, now=utcnow())
        return _done(who, view, appeal_open=False, appeal_sent=True, status_code=201)

    @get("/survey/{token:str}", operation_id="SurveyPage")
    async def survey_page(self, services: NamedDependency[Services], token: FromPath[str]) -> Template:
        try:
            return await self._show(services, ByToken(token))
        except NotFound:
            return _invalid_link()

    @post("/survey/{token:str}", operation_id="AnswerSurvey")
    async def answer_by_link(
        self, request: Request[Any, Any, Any], services: NamedDependency[Services], token: FromPath[str]
    ) -> Template:
        try:
            return await self._answer(services, ByToken(token), await request.form())
        except NotFound:
            return _invalid_link()

    @post("/survey/{token:str}/appeal", operation_id="RequestAppealByLink")
    async def appeal_by_link(
        self, request: Request[Any, Any, Any], services: NamedDependency[Services], token: FromPath[str]
    ) -> Template:
        try:
            return await self._appeal(services, ByToken(token), await request.form())
        except NotFound:
            return _invalid_link()

    def _by_code(self, request: Request[Any, Any, Any], services: Services, form: Any) -> ByCode:
        return ByCode(
            tracking_no=str(form.get("tracking_no") or "")[:40],
            access_code=str(form.get("access_code") or "")[:40],
            secret_key=services.settings.secret_key,
            throttle=services.throttle,
            client=client_address(request.scope),
        )

    async def _by_tracking(
        self, request: Request[Any, Any, Any], services: Services, step: str, then: Step
    ) -> Template:
        """A form from the tracking page: `step` runs `then`; anything else shows the survey's state."""
        form = await request.form()
        who = self._by_code(request, services, form)
        try:
            if form.get("step") == step:
                return await then(services, who, form)
            return await self._show(services, who)
        except (NotFound, TooManyAttempts) as exc:
            return _track_failed(who, exc)
        except rules.SurveyClosed:
            return _survey_closed()

    @post("/track/survey", operation_id="TrackSurvey")
    async def track_survey(
        self, request: Request[Any, Any, Any], services: NamedDependency[Services]
    ) -> Template:
        """From the tracking page: step=answer submits the answers; anything else shows the form."""
        return await self._by_tracking(request, services, "answer", self._answer)

    @post("/track/survey/appeal", operation_id="TrackSurveyAppeal")
    async def track_appeal(
        self, request: Request[Any, Any, Any], services: NamedDependency[Services]
    ) -> Template:
        """step=send submits the request; anything else shows the thanks page with the request form."""
        return await self._by_tracking(request, services, "send", self._appeal)

    # --- the supervisor -----------------------------------------------------------------------------

    async def _appeals_page(
        self,
        services: Services,
        staff: StaffUser,
        *,
        notice: str | None = None,
        problem: str | None = None,
        failed: int | None = None,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        status_code: int = 200,
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
            "problem": problem,
            "failed": failed,
            "errors": errors or {},
            "values": values or {},
        }
        return Template("staff_appeals.html", context=context, status_code=status_code, headers=PRIVATE)

    @get("/staff/appeals", operation_id="StaffAppealsPage", guards=[requires(Permission.CASE_DECIDE)])
    async def appeals_page(
        self,
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await self._appeals_page(services, staff, notice=APPEAL_NOTICES.get(done or ""))

    @post(
        "/staff/appeals/{appeal_id:int}/decide",
        operation_id="StaffDecideAppeal",
        guards=[requires(Permission.CASE_DECIDE)],
    )
    async def decide(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        staff: NamedDependency[StaffUser],
        appeal_id: FromPath[int],
    ) -> Template | Redirect:
        values = _values(await request.form(), DecideAppeal)
        try:
            cmd = forms.command(DecideAppeal, values)
            decided = await satisfaction.decide(services.pool, appeal_id, staff, cmd, now=utcnow())
        except ValidationFailed as exc:
            errors = forms.field_messages(exc.errors)
            return await self._appeals_page(
                services, staff, failed=appeal_id, errors=errors, values=values, status_code=422
            )
        except InvalidTransition as exc:
            return await self._appeals_page(services, staff, problem=exc.message, status_code=409)
        except Conflict as exc:
            return await self._appeals_page(services, staff, problem=str(exc), status_code=409)
        return Redirect(f"/staff/appeals?done={decided.decision}#appeal-{appeal_id}", status_code=303)
