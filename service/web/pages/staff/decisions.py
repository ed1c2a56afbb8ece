"""The case page's decisions: accept, reject, pause and resume the clock, close."""

from __future__ import annotations

from typing import Any

from domain.events import EventKind
from domain.roles import Permission
from service.usecases import casework, closing
from service.usecases.casework_commands import Accept, Close, Pause, Reject
from service.usecases.clock import utcnow
from service.web import forms
from service.web.pages.staff import case_forms
from service.web.pages.staff.case_forms import CaseForm, Ctx


async def _accept(c: Ctx, v: dict[str, Any]) -> None:
    await casework.accept(c.services.pool, c.case_id, c.staff, forms.command(Accept, v), now=utcnow())


async def _reject(c: Ctx, v: dict[str, Any]) -> None:
    ground = str(v.get("ground") or "").strip()
    values = {**v, "ground": int(ground) if ground.isascii() and ground.isdigit() else ground}
    await casework.reject(c.services.pool, c.case_id, c.staff, forms.command(Reject, values), now=utcnow())


async def _pause(c: Ctx, v: dict[str, Any]) -> None:
    await casework.pause(c.services.pool, c.case_id, c.staff, forms.command(Pause, v), now=utcnow())


async def _resume(c: Ctx, _: dict[str, Any]) -> None:
    await casework.resume(c.services.pool, c.case_id, c.staff, now=utcnow())


async def _close(c: Ctx, v: dict[str, Any]) -> None:
    await closing.close(c.services.pool, c.case_id, c.staff, forms.command(Close, v), now=utcnow())


FORMS = (
    CaseForm("/accept", "StaffAccept", Permission.CASE_DECIDE, _accept, EventKind.ACCEPTED),
    CaseForm("/reject", "StaffReject", Permission.CASE_DECIDE, _reject, EventKind.REJECTED),
    CaseForm("/pause", "StaffPause", Permission.CASE_PAUSE, _pause, EventKind.PAUSED),
    CaseForm("/resume", "StaffResume", Permission.CASE_PAUSE, _resume, EventKind.RESUMED),
    CaseForm("/close", "StaffClose", Permission.CASE_WORK, _close, EventKind.CLOSED),
)

DecisionPages = case_forms.pages(FORMS)
