"""Staff mark a fake or flooding complaint as spam: POST /api/v1/cases/{id}/spam with a reason."""

from __future__ import annotations

import msgspec

from domain.roles import Permission
from service.usecases import spam
from service.web.api.actions import case_action
from service.web.auth import StaffApiController


class MarkedSpam(msgspec.Struct):
    case_id: int
    status: str
    outcome: str

    @classmethod
    def closed(cls, case_id: int, _: None) -> MarkedSpam:
        """The case, now closed as spam."""
        return cls(case_id, "closed", "spam")


class SpamController(StaffApiController):
    path = "/api/v1/cases"
    tags = ("staff: cases",)

    mark_spam = case_action(
        "/{case_id:int}/spam",
        "MarkCaseSpam",
        Permission.CASE_DECIDE,
        spam.mark_spam,
        view=MarkedSpam.closed,
        summary="Mark a complaint as spam (excluded from statistics); only before it is routed",
    )
