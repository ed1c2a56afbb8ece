"""/public/data (开放数据, issue 18 §2): the monthly open-data files with their versions, hashes and the rows
generalised and suppressed, and the data dictionary. A public page in Chinese and English, no sign-in; the
first reader after a month ends makes that month's file (service.usecases.open_data)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from service.usecases import open_data
from service.usecases.clock import utcnow
from service.web.deps import Req, Svc
from service.web.pages import language


class OpenDataPages(Controller):
    include_in_schema = False

    @get("/public/data", operation_id="OpenDataPage")
    async def data_page(self, request: Req, services: Svc) -> Template:
        index = await open_data.index(services.pool, now=utcnow())
        return language.page(request, "public_data.html", context={"index": index})
