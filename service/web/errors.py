"""Errors become HTTP once, here: JSON under /api, a friendly Chinese page elsewhere.
Only 5xx log a traceback; 4xx log one line."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import asyncpg
import redis.exceptions
import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from domain.errors import Conflict, Forbidden, NotFound, TooManyAttempts, ValidationFailed
from domain.lifecycle import InvalidTransition
from service.i18n import N_
from service.store.db import CONNECTION_ERRORS, connection_lost
from service.web.edge import UnreadableBody
from service.web.forms import MISSING_BODY, body_errors
from service.web.pages import language

log = structlog.get_logger("web")

_PAGE_TEXT = {
    400: (N_("请求有误"), N_("提交的内容无法识别，请返回重试。")),
    403: (N_("无法完成"), N_("页面已过期或来源无法验证，请刷新页面后重新提交。")),
    404: (N_("未找到"), N_("没有找到您要的页面。")),
    405: (N_("无法完成"), N_("不支持这种访问方式。")),
    409: (N_("请求冲突"), N_("该请求与已有记录冲突。")),
    413: (N_("内容过大"), N_("上传的内容超过了大小限制，请减少或压缩文件后重试。")),
    422: (N_("内容有误"), N_("请检查填写的内容。")),
    429: (N_("操作过于频繁"), N_("请稍后再试。")),
    500: (N_("服务暂时出错"), N_("我们已记录此问题。您的投诉如已显示查询号，则已成功保存。请稍后再试。")),
    503: (N_("服务暂不可用"), N_("请稍后再试。")),
}


def _is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in {"/health"}


def error_page(status: int, title: str, message: str, headers: dict[str, str] | None = None) -> Template:
    """The friendly page of a failure, in Chinese: what went wrong and what it means for the visitor."""
    context = {"status": status, "title": title, "message": message}
    return Template("error.html", context=context, status_code=status, headers=headers)


def _respond(
    request: Request[Any, Any, Any], status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response[Any]:
    if _is_api(request):
        # every JSON error carries its status, as the OpenAPI error schema (status_code, detail) requires
        body = {"status_code": status, **body}
        return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)
    title, message = _PAGE_TEXT.get(status, _PAGE_TEXT[500] if status >= 500 else _PAGE_TEXT[400])
    context = {"status": status, "title": title, "message": message}
    if not request.url.path.startswith("/staff"):  # the public side in its language; staff pages Chinese
        context |= language.context(request)
    return Template(
        "error.html",
        context=context,
        status_code=status,
        headers=headers,
    )


def validation_failed(request: Request[Any, Any, Any], exc: ValidationFailed) -> Response[Any]:
    log.info("validation failed", fields=[e.field for e in exc.errors])
    return _respond(
        request,
        422,
        {
            "errors": [
                {"field": e.field, "code": e.code, "message": e.message, "message_en": e.message_en}
                for e in exc.errors
            ]
        },
    )


def body_invalid(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """A command body Litestar could not decode: a value of the wrong type is a 422 naming the field, like
    the domain's own checks; a body that is missing or not an object at all stays a 400."""
    errors = body_errors(exc.extra)
    if errors is None:
        missing = isinstance(exc.extra, list) and [e.get("message") for e in exc.extra] == [MISSING_BODY]
        return http_error(request, UnreadableBody() if missing else exc)
    return validation_failed(request, ValidationFailed(errors))


def not_found(request: Request[Any, Any, Any], exc: NotFound) -> Response[Any]:
    return _respond(request, 404, {"detail": "未找到 / not found"})


def conflict(request: Request[Any, Any, Any], exc: Conflict) -> Response[Any]:
    return _respond(request, 409, {"detail": str(exc)})


def forbidden(request: Request[Any, Any, Any], exc: Forbidden) -> Response[Any]:
    """The role allows the action but not on this record (another mediator's case): say who holds it."""
    log.info("forbidden", code=exc.code)
    if _is_api(request):
        body = {"status_code": 403, "detail": exc.message, "detail_en": exc.message_en, "code": exc.code}
        return Response(body, status_code=403, media_type=MediaType.JSON)
    return error_page(403, "无法办理", exc.message)


def too_many(request: Request[Any, Any, Any], exc: TooManyAttempts) -> Response[Any]:
    return _respond(
        request,
        429,
        {"detail": "尝试次数过多，请稍后再试 / too many attempts", "retry_after": exc.retry_after_s},
        headers={"Retry-After": str(exc.retry_after_s)},
    )


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code == 401 and not _is_api(request):
        return Redirect(f"/staff/login?next={quote(request.url.path)}", status_code=303)
    if exc.status_code == 403 and not _is_api(request) and "CSRF" not in str(exc.detail):
        return error_page(403, "没有权限", "您的角色无权查看此页面或执行此操作。")
    if exc.status_code >= 500:
        log.error("http error", status=exc.status_code, exc_info=exc)
    body: dict[str, Any] = {"detail": exc.detail}
    if exc.extra:
        body["extra"] = exc.extra
    return _respond(request, exc.status_code, body, headers=exc.headers)


def too_large(request: Request[Any, Any, Any], exc: RequestEntityTooLarge) -> Response[Any]:
    """A body past the route's limit, refused while it streams in (never buffered whole)."""
    log.info("request body too large")
    return _respond(
        request,
        413,
        {
            "detail": "提交的内容超过大小限制，请减少或压缩文件后重试 / the request body is too large",
            "code": "too_large",
        },
    )


def undecodable(request: Request[Any, Any, Any], exc: UnicodeDecodeError) -> Response[Any]:
    """Bytes that are not text where text belongs (a form field that is really a file whose header was
    cut short, say): the client's input, not our fault."""
    log.info("undecodable input", encoding=exc.encoding)
    return _respond(
        request,
        400,
        {
            "detail": "提交的内容无法识别（不是有效的文字或文件）/ the request could not be read",
            "code": "unreadable",
        },
    )


def out_of_range(request: Request[Any, Any, Any], exc: asyncpg.DataError) -> Response[Any]:
    """A number the database cannot hold (an id of 30 digits, say): the client's input, not our fault."""
    log.info("input out of range", error=type(exc).__name__)
    return _respond(request, 400, {"detail": "输入的数值超出范围 / a value is out of range"})


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error("unhandled error", exc_info=exc)
    return _respond(request, HTTP_500_INTERNAL_SERVER_ERROR, {"detail": "internal error"})


RETRY_AFTER_S = 5  # a database restart takes a second or two; a failover a little longer


def unavailable(request: Request[Any, Any, Any]) -> Response[Any]:
    """503 with Retry-After: a server this request needs is down. Nothing was committed: a request that did
    not get its answer may be sent again (with the same Idempotency-Key, it is recorded once)."""
    return _respond(
        request,
        503,
        {
            "detail": "服务暂时不可用，本次提交未能完成，请稍后重试 / "
            "the service is temporarily unavailable; the request was not completed, please try again shortly",
            "code": "unavailable",
            "retry_after": RETRY_AFTER_S,
        },
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


# what a lost database may raise; `connection_lost` tells a lost connection from a bug of the same class
DATABASE_ERRORS = (*CONNECTION_ERRORS, asyncpg.InterfaceError, asyncpg.InternalClientError)


def database_unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """PostgreSQL went away (a restart, a failover): 503, not 500. Other errors of the same classes (an
    InterfaceError from misuse, say) are still bugs, answered as such."""
    if not connection_lost(exc):
        return server_error(request, exc)
    log.error("database unavailable", error=type(exc).__name__, exc_info=exc)
    return unavailable(request)


def redis_unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Redis went away; only what needs it (e.g. the tracking throttle) fails, with 503."""
    log.error("redis unavailable", error=type(exc).__name__, exc_info=exc)
    return unavailable(request)


def invalid_transition(request: Request[Any, Any, Any], exc: InvalidTransition) -> Response[Any]:
    log.info("invalid transition", state=str(exc.state.status), action=str(exc.action))
    if _is_api(request):
        return Response(
            {"status_code": 409, "detail": exc.message, "detail_en": exc.message_en}, status_code=409
        )
    return error_page(409, "无法执行", exc.message)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    InvalidTransition: invalid_transition,
    ValidationFailed: validation_failed,
    NotFound: not_found,
    Conflict: conflict,
    TooManyAttempts: too_many,
    Forbidden: forbidden,
    RequestEntityTooLarge: too_large,
    ValidationException: body_invalid,
    HTTPException: http_error,
    asyncpg.DataError: out_of_range,
    UnicodeDecodeError: undecodable,
    **dict.fromkeys(DATABASE_ERRORS, database_unavailable),
    **dict.fromkeys((redis.exceptions.ConnectionError, redis.exceptions.TimeoutError), redis_unavailable),
    Exception: server_error,
}
