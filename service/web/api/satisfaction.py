"""Reopen and appeal requests after a low satisfaction score: the supervisor's list and answer."""

from __future__ import annotations

from domain.roles import Permission
from service.queries import appeals
from service.usecases import satisfaction
from service.web.api.actions import case_action, case_reading
from service.web.auth import StaffApiController


class AppealController(StaffApiController):
    path = "/api/v1/appeals"
    tags = ("staff: satisfaction",)

    list_appeals = case_reading("/", "ListAppeals", Permission.CASE_DECIDE, appeals.appeal_list)

    decide = case_action(
        "/{appeal_id:int}/decide", "DecideAppeal", Permission.CASE_DECIDE, satisfaction.decide
    )
