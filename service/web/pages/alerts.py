"""What the cluster alerts page and the product risk signals page share: a decision table as the form's
choices, the list page's context (paging, choices, the notice of the action just done, the form sent
back), and the decision form's POST (on a bad form or a clash, the list again with the row's errors)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

import asyncpg
from litestar.response import Redirect, Template

from domain.casework_fields import CaseworkConflict
from domain.errors import ValidationFailed
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases.clock import local_time, utcnow
from service.web import forms
from service.web.deps import Req
from service.web.forms import RowForm
from service.web.pages.staff.common import staff_context

A = TypeVar("A", bound=StrEnum)
C = TypeVar("C", contravariant=True)
R = TypeVar("R", covariant=True)
Cmd = TypeVar("Cmd")
Done = TypeVar("Done")


@dataclass(frozen=True, slots=True)
class Decisions:
    choices: list[tuple[str, str, str]]  # (code, name, what it means), for m.decision_choices
    names: dict[str, str]  # code -> name, for the decided ones

    @classmethod
    def of(cls, table: Mapping[A, tuple[str, str, str]]) -> Decisions:
        """From a domain table: code -> (name, what it means, English name)."""
        return cls(
            [(a.value, name, meaning) for a, (name, meaning, _) in table.items()],
            {a.value: name for a, (name, _, _) in table.items()},
        )


def offset_url(path: str) -> Callable[[int], str]:
    """The list's URL from row `offset` (the first page: no query)."""
    return lambda offset: path + (f"?offset={offset}" if offset else "")


def list_context(
    staff: StaffUser, decisions: Decisions, *, done: str | None, form: RowForm
) -> dict[str, Any]:
    """The list page's context but the alerts and their paging (staff.common.paging)."""
    return {
        **staff_context(staff),
        "decisions": decisions.choices,
        "decision_names": decisions.names,
        "local_time": local_time,
        "done": done,
        **form.context(),
    }


class Decide(Protocol[C, R]):
    async def __call__(
        self, pool: asyncpg.Pool, alert_id: int, actor: StaffUser, cmd: C, /, *, now: datetime
    ) -> R: ...


class ListPage(Protocol):
    async def __call__(self, services: Services, staff: StaffUser, /, *, form: RowForm) -> Template: ...


@dataclass(frozen=True, slots=True)
class DecisionForm(Generic[Cmd, Done]):
    """A list page's decision form: the command it sends, the use case, the list `page` shown again when
    the form comes back, and `then`, where a done decision goes (the notice and the row's #fragment)."""

    command: type[Cmd]
    decide: Decide[Cmd, Done]
    page: ListPage
    then: Callable[[Done], str]

    async def post(
        self, request: Req, services: Services, staff: StaffUser, alert_id: int
    ) -> Template | Redirect:
        """The form sent: a 303 to `then(result)`, or the list again with the row's field errors (422)
        or the clash (409)."""
        values = await forms.form_values(request)
        try:
            cmd = forms.command(self.command, values)
            done = await self.decide(services.pool, alert_id, staff, cmd, now=utcnow())
        except ValidationFailed as exc:
            return await self.page(services, staff, form=RowForm.invalid(alert_id, exc, values))
        except CaseworkConflict as exc:
            return await self.page(services, staff, form=RowForm.conflict(exc.message))
        return Redirect(self.then(done), status_code=303)
