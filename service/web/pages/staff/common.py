"""What every staff page shares: the signed-in user's header context, the controller base and its handlers'
parameter types, a list's paging links, and the safe `next` target of a sign-in (a page's notice line is
`notices`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Controller
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from domain.roles import ROLE_LABELS, Permission, can
from service.store.staff import StaffUser
from service.web.auth import provide_staff
from service.web.deps import Req as Req  # the staff pages take them from here, with Staff
from service.web.deps import Svc as Svc

# what a staff page's handler is given: the request, the services, the signed-in user, the case in the path
Staff = NamedDependency[StaffUser]
CaseId = FromPath[int]


class StaffController(Controller):
    """A controller of pages under /staff that name the signed-in user as `staff`."""

    path = "/staff"
    include_in_schema = False
    dependencies = {"staff": Provide(provide_staff)}  # noqa: RUF012 - Litestar reads this class attribute


def staff_context(user: StaffUser) -> dict[str, Any]:
    """The header and menus of every staff page: who is signed in, their roles, what they may do."""
    return {
        "staff": user,
        "role_labels": [ROLE_LABELS[r][0] for r in sorted(user.roles)],
        "can": {p.value.replace(".", "_"): can(user.roles, p) for p in Permission},
    }


def paging(offset: int, total: int, size: int, url: Callable[[int], str]) -> dict[str, Any]:
    """A list page's links to the page before and after the one at `offset` (`url(at)`: the same filters
    from row `at`), where there is one."""
    return {
        "prev_url": url(max(offset - size, 0)) if offset > 0 else None,
        "next_url": url(offset + size) if offset + size < total else None,
        "offset": offset,
    }


def safe_next(target: str | None) -> str:
    """Only a path inside the staff area: never an open redirect."""
    if target and target.startswith("/staff") and not target.startswith("//") and "\\" not in target:
        return target
    return "/staff"
