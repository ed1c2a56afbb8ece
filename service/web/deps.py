"""Dependencies shared by controllers."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.response import File

from service.app_types import Services
from service.evidence_files import StagedFile, download_name, path_of, stage
from service.usecases import casework


def provide_services(request: Request[Any, Any, Any]) -> Services:
    services: Services = request.app.state.services
    return services


async def stage_uploads(services: Services, uploads: list[UploadFile]) -> list[StagedFile]:
    """Stream each upload to disk while hashing it; nothing is kept whole in memory."""
    staged = []
    limit = services.intake.evidence_max_bytes
    for upload in uploads[: services.intake.evidence_max_files + 1]:  # one past the limit is enough to refuse

        async def chunks(u: UploadFile = upload) -> Any:
            while chunk := await u.read(256 * 1024):
                yield chunk

        staged.append(await stage(services.intake.evidence_dir, upload.filename or "", chunks(), limit))
    return staged


async def evidence_download(services: Services, case_id: int, evidence_id: int) -> File:
    """An evidence file for staff: always an attachment, never sniffed or cached by the browser."""
    item = await casework.evidence_item(services.pool, case_id, evidence_id)
    return File(
        path=path_of(services.settings.evidence_dir, item["sha256"]),
        filename=download_name(item["original_name"], item["content_type"], f"evidence-{evidence_id}"),
        media_type=item["content_type"],
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )
