"""One declaration per staff action on a case (or a merchant, alert, appeal or test): `case_action` builds
the Litestar POST handler of a use case `run(pool, *ids, actor, [cmd], now=..., [request_id=...])` from the
use case's signature: its int ids before `actor` are the path's ids, its `cmd` is the JSON body (optional
where it may be None), a `request_id` gets the request's; it answers with what the use case returns, or
with `view(first id, result)` when the wire answer is built from that.

The handler is a real function with a real signature and real annotations, so Litestar documents it as it
would a hand-written one: the same operationId, path parameters, request body and response schemas, guards
and summary (from the attribute's name, as a method's name would give it). A note for readers on what an
action does goes in a comment above its declaration (handler docstrings are not published).

`case_reading` is the same for a GET of what a query `read(pool, *ids, now=...)` returns (a list to work
through, a case's record)."""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from typing import Any

from litestar.di import NamedDependency
from litestar.enums import HttpMethod
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, JSONBody

from domain.roles import Permission
from service.app_types import Services
from service.store.staff import StaffUser
from service.usecases.clock import utcnow
from service.web.auth import requires
from service.web.middleware import current_request_id

Param = inspect.Parameter
ARG = Param.POSITIONAL_OR_KEYWORD
json_body: Any = JSONBody  # subscripted with each action's command type, which is known only at run time


def _may_be_none(hint: Any) -> bool:
    return isinstance(hint, types.UnionType) and type(None) in typing.get_args(hint)


class CaseAction(HTTPRouteHandler):
    """A POST handler named after the controller attribute it is assigned to (as a method would be)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.fn.__name__ = self.fn.__qualname__ = name


def _path_ids(ids: list[str]) -> dict[str, Any]:
    return {i: FromPath[int] for i in ids}


def _sign(handler: Callable[..., Any], annotations: dict[str, Any], params: list[Param], answer: Any) -> None:
    """Give the built handler the signature Litestar reads (as it would read a hand-written one's)."""
    annotations["return"] = answer
    handler.__annotations__ = annotations
    handler.__signature__ = inspect.Signature(params, return_annotation=answer)  # type: ignore[attr-defined]


def case_reading(
    path: str, operation_id: str, permission: Permission, read: Callable[..., Any], **route: Any
) -> HTTPRouteHandler:
    """The controller's GET handler at `path`, guarded by `permission`, answering with what `read` returns
    (its int ids before `now` are the path's ids)."""
    names = list(inspect.signature(read).parameters)
    ids = names[1 : names.index("now")]

    async def handler(self: Any, services: Services, **kwargs: Any) -> Any:
        return await read(services.pool, *(kwargs[i] for i in ids), now=utcnow())

    annotations: dict[str, Any] = {"services": NamedDependency[Services], **_path_ids(ids)}
    params = [Param("self", ARG), *(Param(n, ARG, annotation=a) for n, a in annotations.items())]
    _sign(handler, annotations, params, typing.get_type_hints(read)["return"])
    route.update(operation_id=operation_id, guards=[requires(permission)])
    return CaseAction(path, http_method=HttpMethod.GET, **route)(handler)


def case_action(
    path: str,
    operation_id: str,
    permission: Permission,
    run: Callable[..., Any],
    *,
    view: Callable[[int, Any], Any] | None = None,
    status_code: int = 200,
    **route: Any,
) -> HTTPRouteHandler:
    """The controller's POST handler at `path`, guarded by `permission`, that runs `run` for the signed-in
    staff user; it answers with a `view` where that is a type, else with what `view` (or `run`) returns.
    `route` holds further options of the route (`summary=` replaces the one made of the attribute's name)."""
    hints = typing.get_type_hints(run)
    names = list(inspect.signature(run).parameters)
    ids = names[1 : names.index("actor")]
    body = hints.get("cmd")
    answer = view if isinstance(view, type) else typing.get_type_hints(view or run)["return"]

    async def handler(self: Any, services: Services, staff: StaffUser, **kwargs: Any) -> Any:
        values = [kwargs[i] for i in ids]
        command = [kwargs["data"]] if body is not None else []
        extra = {"request_id": current_request_id()} if "request_id" in names else {}
        result = await run(services.pool, *values, staff, *command, now=utcnow(), **extra)
        return view(values[0], result) if view is not None else result

    annotations: dict[str, Any] = {
        "services": NamedDependency[Services],
        "staff": NamedDependency[StaffUser],
        **_path_ids(ids),
    }
    params = [Param("self", ARG), *(Param(n, ARG, annotation=a) for n, a in annotations.items())]
    if body is not None:
        annotations["data"] = json_body[body]
        default = None if _may_be_none(body) else Param.empty
        params.append(Param("data", ARG, annotation=annotations["data"], default=default))
    _sign(handler, annotations, params, answer)
    route.update(operation_id=operation_id, status_code=status_code, guards=[requires(permission)])
    return CaseAction(path, http_method=HttpMethod.POST, **route)(handler)
