"""Dependencies shared by controllers."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.response import File

from domain.evidence import MAX_INFLATED_BYTES_PER_UPLOAD
from service.adapters.evidence_files import StagedFile, download_name, path_of, stage
from service.app_types import Services
from service.queries import cases as case_queries

# what a page's handler is given: the request and the services (staff pages add the signed-in user)
Req = Request[Any, Any, Any]
Svc = NamedDependency[Services]


def provide_services(request: Request[Any, Any, Any]) -> Services:
    services: Services = request.app.state.services
    return services


def public_link(request: Request[Any, Any, Any], path: str) -> str:
    """An absolute link to hand out (merchant links, survey links, notices): always from PUBLIC_BASE_URL,
    never from the request's Host header, which the client chooses."""
    services: Services = request.app.state.services
    return f"{services.settings.public_base_url.rstrip('/')}/{path.lstrip('/')}"


async def stage_uploads(services: Services, uploads: list[UploadFile]) -> list[StagedFile]:
    """Stream each upload to disk while hashing it; nothing is kept whole in memory. The PDFs of one
    upload share one inflation budget; once it is spent the upload is refused, so the files after the one
    that spent it are not read or inflated at all."""
    staged = []
    limit = services.intake.evidence_max_bytes
    budget = MAX_INFLATED_BYTES_PER_UPLOAD
    for upload in uploads[: services.intake.evidence_max_files + 1]:  # one past the limit is enough to refuse

        async def chunks(u: UploadFile = upload) -> Any:
            while chunk := await u.read(256 * 1024):
                yield chunk

        f = await stage(services.intake.evidence_dir, upload.filename or "", chunks(), limit, budget)
        staged.append(f)
        budget -= f.inflated
        if budget < 0:
            break
    return staged


async def evidence_download(services: Services, case_id: int, evidence_id: int) -> File:
    """An evidence file for staff: always an attachment, never sniffed or cached by the browser."""
    item = await case_queries.evidence_item(services.pool, case_id, evidence_id)
    return File(
        path=path_of(services.settings.evidence_dir, item["sha256"]),
        filename=download_name(item["original_name"], item["content_type"], f"evidence-{evidence_id}"),
        media_type=item["content_type"],
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )
