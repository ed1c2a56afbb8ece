"""Errors become HTTP once, here: JSON under /api, a friendly Chinese page elsewhere.
Only 5xx log a traceback; 4xx log one line."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import asyncpg
import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from domain.errors import Conflict, NotFound, TooManyAttempts, ValidationFailed
from domain.lifecycle import InvalidTransition

log = structlog.get_logger("web")

_PAGE_TEXT = {
    400: ("请求有误", "提交的内容无法识别，请返回重试。"),
    403: ("无法完成", "页面已过期或来源无法验证，请刷新页面后重新提交。"),
    404: ("未找到", "没有找到您要的页面。"),
    405: ("无法完成", "不支持这种访问方式。"),
    409: ("请求冲突", "该请求与已有记录冲突。"),
    413: ("内容过大", "上传的内容超过了大小限制，请减少或压缩文件后重试。"),
    422: ("内容有误", "请检查填写的内容。"),
    429: ("操作过于频繁", "请稍后再试。"),
    500: ("服务暂时出错", "我们已记录此问题。您的投诉如已显示查询号，则已成功保存。请稍后再试。"),
    503: ("服务暂不可用", "请稍后再试。"),
}


def _is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in {"/health"}


def _respond(
    request: Request[Any, Any, Any], status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response[Any]:
    if _is_api(request):
        return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)
    title, message = _PAGE_TEXT.get(status, _PAGE_TEXT[500] if status >= 500 else _PAGE_TEXT[400])
    return Template(
        "error.html",
        context={"status": status, "title": title, "message": message},
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


def not_found(request: Request[Any, Any, Any], exc: NotFound) -> Response[Any]:
    return _respond(request, 404, {"detail": "未找到 / not found"})


def conflict(request: Request[Any, Any, Any], exc: Conflict) -> Response[Any]:
    return _respond(request, 409, {"detail": str(exc)})


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
        return Template(
            "error.html",
            status_code=403,
            context={"status": 403, "title": "没有权限", "message": "您的角色无权查看此页面或执行此操作。"},
        )
    if exc.status_code >= 500:
        log.error("http error", status=exc.status_code, exc_info=exc)
    body: dict[str, Any] = {"detail": exc.detail}
    if exc.extra:
        body["extra"] = exc.extra
    return _respond(request, exc.status_code, body, headers=exc.headers)


def out_of_range(request: Request[Any, Any, Any], exc: asyncpg.DataError) -> Response[Any]:
    """A number the database cannot hold (an id of 30 digits, say): the client's input, not our fault."""
    log.info("input out of range", error=type(exc).__name__)
    return _respond(request, 400, {"detail": "输入的数值超出范围 / a value is out of range"})


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error("unhandled error", exc_info=exc)
    return _respond(request, HTTP_500_INTERNAL_SERVER_ERROR, {"detail": "internal error"})


def invalid_transition(request: Request[Any, Any, Any], exc: InvalidTransition) -> Response[Any]:
    log.info("invalid transition", state=str(exc.state.status), action=str(exc.action))
    if _is_api(request):
        return Response({"detail": exc.message, "detail_en": exc.message_en}, status_code=409)
    return Template(
        "error.html", status_code=409, context={"status": 409, "title": "无法执行", "message": exc.message}
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    InvalidTransition: invalid_transition,
    ValidationFailed: validation_failed,
    NotFound: not_found,
    Conflict: conflict,
    TooManyAttempts: too_many,
    HTTPException: http_error,
    asyncpg.DataError: out_of_range,
    Exception: server_error,
}
