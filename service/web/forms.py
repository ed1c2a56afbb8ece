"""Commands from the wire: one way to turn a JSON body or an HTML form into an action's command Struct,
and one way to show what was wrong with it.

- The API declares `data: SomeCommand`; Litestar decodes it, and a value of the wrong type becomes the
  same 422 `{"errors": [{"field", "code", "message", "message_en"}]}` the domain's own checks give
  (`body_errors`, used by service.web.errors).
- A page reads its form with `form_values`, builds the command with `command(SomeCommand, values)`
  (blank fields are None, as a JSON client would leave them out) and, on ValidationFailed, shows
  `field_messages(exc.errors)` beside the fields, or redirects with `error_codes(exc.errors)`; a list
  page with a form on each row shows the row's failure from a `RowForm`.
- `run_case_form` is the case page's secondary forms: run one, then redirect back to its section with
  `done=<event kind>` or with `<prefix>_error=<form>&<prefix>_fields=<field>.<code>,…` (codes only, never
  text, in the URL, so a crafted link cannot put words on the page).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

import msgspec
from litestar import Request
from litestar.response import Redirect

from domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from domain.lifecycle import InvalidTransition

T = TypeVar("T")

CSRF_FIELD = "_csrf_token"
MISSING_BODY = "'data'"  # what Litestar says of a required body that was not sent

# what msgspec says → (code, zh, en); the field comes from where it says it
_EXPECTED = {
    "str": ("应为文字", "Must be text"),
    "int": ("应为整数", "Must be a whole number"),
    "float": ("应为数字", "Must be a number"),
    "bool": ("应为是或否", "Must be true or false"),
    "array": ("应为列表", "Must be a list"),
    "object": ("应为对象", "Must be an object"),
}


def _type_text(expected: str) -> tuple[str, str]:
    for name in expected.replace("|", " ").split():
        if name in _EXPECTED:
            return _EXPECTED[name]
    return "格式不正确", "Has the wrong type"


def field_error(field: str, message: str) -> FieldError:
    """One FieldError for msgspec's description of one bad value at `field`."""
    if m := re.match(r"Object missing required field `([^`]+)`", message):
        return FieldError(_join(field, m[1]), "required", "此项为必填项", "This field is required")
    if m := re.match(r"Object contains unknown field `([^`]+)`", message):
        return FieldError(_join(field, m[1]), "unknown_field", "不认识的字段", "Unknown field")
    if message.startswith("Invalid enum value"):
        return FieldError(field, "unknown_code", "不是可选的值", "Not one of the allowed values")
    if "RFC3339" in message or "ISO 8601" in message:
        if "date" in message and "datetime" not in message:
            return FieldError(
                field, "invalid_date", "日期格式不正确，应为 2026-01-31", "Not a date (YYYY-MM-DD)"
            )
        return FieldError(field, "invalid_date", "时间格式不正确", "Not a date-time (ISO 8601)")
    if m := re.match(r"Expected `[^`]+` of length <= (\d+)", message):
        return FieldError(field, "too_long", f"不能超过{m[1]}个字", f"At most {m[1]} characters")
    if m := re.match(r"Expected `[^`]+` (?:matching|of length|>=|<=|>|<)", message):
        return FieldError(field, "invalid", "格式不正确", "Not in the expected form")
    if m := re.match(r"Expected `([^`]+)`", message):
        return FieldError(field, "invalid_type", *_type_text(m[1]))
    return FieldError(field, "invalid", "格式不正确", "Not in the expected form")


def _join(parent: str, name: str) -> str:
    return name if parent in ("", "data", "$") else f"{parent}.{name}"


def body_errors(extra: object) -> list[FieldError] | None:
    """The field errors of Litestar's body validation (`ValidationException.extra`), or None when the body
    as a whole is unreadable (missing, not an object, malformed JSON): that stays a 400."""
    if not isinstance(extra, list) or not extra:
        return None
    errors: list[FieldError] = []
    for item in extra:
        if not isinstance(item, dict) or item.get("source") != "body":
            return None
        key, message = str(item.get("key") or ""), str(item.get("message") or "")
        if key in ("", "data") and (message == MISSING_BODY or message.startswith("Expected `object")):
            return None
        errors.append(field_error(key, message))
    return errors


def _path(exc: msgspec.ValidationError) -> tuple[str, str]:
    """('field.path', message) of msgspec's "message - at `$.field.path`"."""
    text = str(exc)
    message, _, where = text.partition(" - at `")
    path = where.rstrip("`").removeprefix("$").removeprefix(".")
    return path, message


def blank_to_none(values: Mapping[str, Any]) -> dict[str, Any]:
    """A form's empty fields as absent (None), the way a JSON client leaves them out."""
    return {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in values.items()}


def command(cls: type[T], values: Mapping[str, Any]) -> T:
    """The command `cls` from a form's (or any mapping's) values; a bad value is ValidationFailed."""
    try:
        return msgspec.convert(blank_to_none(values), cls, strict=False)
    except msgspec.ValidationError as exc:
        raise ValidationFailed([field_error(*_path(exc))]) from None


async def form_values(request: Request[Any, Any, Any], *, lists: Iterable[str] = ()) -> dict[str, Any]:
    """The submitted form as typed (to show back), without the CSRF token; `lists` are multi-value fields."""
    form = await request.form()
    values: dict[str, Any] = {k: str(v) for k, v in form.items() if k != CSRF_FIELD}
    for name in lists:
        values[name] = [str(v) for v in form.getall(name, [])]
    return values


def field_messages(errors: Iterable[FieldError]) -> dict[str, str]:
    """The first Chinese message for each field: what a page shows beside it."""
    out: dict[str, str] = {}
    for e in errors:
        out.setdefault(e.field, e.message)
    return out


@dataclass(frozen=True, slots=True)
class RowForm:
    """How one row's form on a list page came back (an alert's decision, an appeal's): the row that failed
    with its field errors and values, or a conflict's message, and the status the page answers with.
    `context()` is what the page's template reads (`failed`, `errors`, `values`, `problem`)."""

    failed: int | None = None
    errors: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)
    problem: str | None = None
    status_code: int = 200

    @classmethod
    def invalid(cls, row: int, exc: ValidationFailed, values: Mapping[str, Any]) -> RowForm:
        return cls(failed=row, errors=field_messages(exc.errors), values=values, status_code=422)

    @classmethod
    def conflict(cls, problem: str) -> RowForm:
        return cls(problem=problem, status_code=409)

    def context(self) -> dict[str, Any]:
        return {"failed": self.failed, "errors": self.errors, "values": self.values, "problem": self.problem}


FRESH = RowForm()  # a list page shown with no form sent back (frozen, so one default serves every call)


def error_codes(errors: Iterable[FieldError]) -> str:
    """`field.code,…`: what a redirect carries of a failed form (codes, never text)."""
    return ",".join(f"{e.field}.{e.code}" for e in errors)


# --- the case page's secondary forms (post, redirect, get) -----------------------------------------------

Run = Callable[[dict[str, Any]], Awaitable[Any]]


def case_url(case_id: int, anchor: str, **query: str) -> str:
    return f"/staff/cases/{case_id}?{urlencode(query, safe=',.')}#{anchor}"


def refusal_code(exc: Exception) -> str:
    """A conflict's own code when it has one (e.g. "recusal_open"), else the kind of refusal."""
    if isinstance(exc, InvalidTransition):
        return "not_allowed"
    if isinstance(exc, NotFound):
        return "not_found"
    return str(getattr(exc, "code", "conflict"))


async def run_case_form(
    request: Request[Any, Any, Any],
    case_id: int,
    *,
    form: str,
    done: str | Callable[[Any], str],
    run: Run,
    prefix: str,
    anchor: str,
) -> Redirect:
    """Run one form of the case page with its values, then redirect to its section (PRG) with `done`
    (or what `done` makes of the run's result, where the event written depends on it)."""
    values = await form_values(request)
    try:
        result = await run(values)
    except ValidationFailed as exc:
        fields = error_codes(exc.errors)
    except (Conflict, InvalidTransition, NotFound) as exc:
        fields = f"_.{refusal_code(exc)}"
    else:
        kind = done(result) if callable(done) else done
        return Redirect(case_url(case_id, anchor, done=kind), status_code=303)
    failed = {f"{prefix}_error": form, f"{prefix}_fields": fields}
    return Redirect(case_url(case_id, anchor, **failed), status_code=303)
