"""GET /static/staff.css: the workbench pages' shared stylesheet, answered from a file.

Its URL carries a digest of the file (STAFF_CSS_URL, a template global), so browsers may keep it for a
year: a changed stylesheet has a new URL."""

from __future__ import annotations

import hashlib
from pathlib import Path

from litestar import get
from litestar.response import Response

STAFF_CSS = (Path(__file__).resolve().parents[1] / "static" / "staff.css").read_bytes()
STAFF_CSS_URL = f"/static/staff.css?v={hashlib.sha256(STAFF_CSS).hexdigest()[:12]}"


@get("/static/staff.css", operation_id="StaffStylesheet", include_in_schema=False, exclude_from_csrf=True)
async def staff_stylesheet() -> Response[bytes]:
    return Response(
        STAFF_CSS,
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
