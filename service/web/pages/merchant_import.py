"""The registry's CSV import on a staff page (as `disputes merchants import`): every problem shown with
its line and field, nothing written unless every row is good; or updating merchants found by USCC."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import get, post
from litestar.datastructures import UploadFile
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from domain.errors import Conflict
from domain.merchants import IMPORT_COLUMNS, KINDS, ImportRejected, SourceRow
from domain.roles import Permission
from service.adapters.merchant_csv import UnreadableFile, read_rows
from service.store.staff import StaffUser
from service.usecases import merchants
from service.usecases.clock import utcnow
from service.web.auth import requires
from service.web.pages.public import PRIVATE
from service.web.pages.staff.common import Req, Staff, StaffController, Svc, staff_context

IMPORT_MAX_BYTES = 5 * 1024 * 1024  # a registry spreadsheet of tens of thousands of rows


def _page(
    staff: StaffUser,
    *,
    result: dict[str, int] | None = None,
    problems: list[dict[str, Any]] | None = None,
    file_error: str | None = None,
    update: bool = False,
    status_code: int = 200,
) -> Template:
    context = {
        **staff_context(staff),
        "kinds": [(code, zh) for code, (zh, _) in KINDS.items()],
        "columns": IMPORT_COLUMNS,
        "result": result,
        "problems": problems or [],
        "file_error": file_error,
        "update": update,
    }
    return Template("staff_merchants_import.html", context=context, status_code=status_code, headers=PRIVATE)


class _FileRefused(Exception):
    def __init__(self, message: str, status_code: int = 422) -> None:
        super().__init__(message)
        self.status_code = status_code


async def _rows(upload: object) -> list[SourceRow]:
    """The uploaded file's rows, or _FileRefused saying why not."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise _FileRefused("请选择要导入的 CSV 文件。")
    data = await upload.read()
    if len(data) > IMPORT_MAX_BYTES:
        raise _FileRefused("文件过大（最大 5 MB）。", 413)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "merchants.csv"
        path.write_bytes(data)
        try:
            rows = read_rows(path)
        except UnreadableFile as exc:
            raise _FileRefused(f"无法读取该文件：应为 UTF-8 编码的 CSV，第一行为表头。（{exc}）") from None
    if not rows:
        raise _FileRefused("文件中没有数据行。")
    return rows


class MerchantImportPages(StaffController):
    path = "/staff/merchants/import"
    guards = [requires(Permission.MERCHANTS_MANAGE)]  # noqa: RUF012 - Litestar reads this class attribute

    @get("/", operation_id="StaffMerchantImportPage")
    async def import_page(
        self,
        staff: Staff,
        created: Annotated[int | None, QueryParameter(ge=0)] = None,
        updated: Annotated[int | None, QueryParameter(ge=0)] = None,
    ) -> Template:
        result = {"created": created or 0, "updated": updated or 0} if created is not None else None
        return _page(staff, result=result)

    @post("/", operation_id="StaffMerchantImport", request_max_body_size=IMPORT_MAX_BYTES + 64 * 1024)
    async def import_file(self, request: Req, services: Svc, staff: Staff) -> Template | Redirect:
        form = await request.form()
        update = str(form.get("mode") or "") == "update"
        try:
            rows = await _rows(form.get("file"))
            result = await merchants.import_rows(
                services.pool, rows, update=update, actor=staff.actor, now=utcnow()
            )
        except _FileRefused as exc:
            return _page(staff, file_error=str(exc), update=update, status_code=exc.status_code)
        except ImportRejected as exc:
            problems = [{"line": e.line, "field": e.field, "message": e.message} for e in exc.errors]
            return _page(staff, problems=problems, update=update, status_code=422)
        except Conflict as exc:  # a USCC registered by someone else during the import
            message = f"未导入任何数据：{str(exc).split(' / ', 1)[0]}"
            return _page(staff, file_error=message, update=update, status_code=409)
        query = urlencode({"created": result.created, "updated": result.updated})
        return Redirect(f"/staff/merchants/import?{query}", status_code=303)
