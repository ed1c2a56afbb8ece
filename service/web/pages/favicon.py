"""GET /favicon.ico: browsers ask for it on every page; answered from a file, cached for a day."""

from __future__ import annotations

from pathlib import Path

from litestar import get
from litestar.response import Response

ICON = (Path(__file__).resolve().parents[1] / "static" / "favicon.ico").read_bytes()


@get("/favicon.ico", operation_id="Favicon", include_in_schema=False, exclude_from_csrf=True)
async def favicon() -> Response[bytes]:
    return Response(ICON, media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"})
