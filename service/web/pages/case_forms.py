"""The secondary forms of the case page (mediation, testing, arbitration): run one, then redirect
back to its section with `done=…`, or with `<prefix>_error=<form>` and the failed fields' codes.

Only codes travel in the URL, never text, so a crafted link cannot put words on the page; the
section's template turns the codes into Chinese messages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.response import Redirect

from domain.errors import Conflict, NotFound, ValidationFailed
from domain.lifecycle import InvalidTransition

Run = Callable[[dict[str, str]], Awaitable[Any]]


def case_url(case_id: int, anchor: str, **query: str) -> str:
    return f"/staff/cases/{case_id}?{urlencode(query, safe=',.')}#{anchor}"


def _code_of(exc: Exception) -> str:
    """A conflict's own code when it has one (e.g. "recusal_open"), else the kind of refusal."""
    if isinstance(exc, InvalidTransition):
        return "not_allowed"
    if isinstance(exc, NotFound):
        return "not_found"
    return str(getattr(exc, "code", "conflict"))


async def run_case_form(
    request: Request[Any, Any, Any], case_id: int, *, form: str, done: str, run: Run, prefix: str, anchor: str
) -> Redirect:
    data = await request.form()
    values = {k: str(v) for k, v in data.items() if k != "_csrf_token"}
    try:
        await run(values)
    except ValidationFailed as exc:
        fields = ",".join(f"{e.field}.{e.code}" for e in exc.errors)
    except (Conflict, InvalidTransition, NotFound) as exc:
        fields = f"_.{_code_of(exc)}"
    else:
        return Redirect(case_url(case_id, anchor, done=done), status_code=303)
    failed = {f"{prefix}_error": form, f"{prefix}_fields": fields}
    return Redirect(case_url(case_id, anchor, **failed), status_code=303)
