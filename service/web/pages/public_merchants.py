"""/public/merchants (消费评议, issue 18 §1): the merchants named in the monthly publication, with their
figures, commitment and public reply, the merchants with a commitment and a clean record, and what each
figure means. A public page in Chinese and English, no sign-in; businesses only."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from domain.errors import ValidationFailed
from service.queries import public_merchants as read
from service.usecases import public_merchants
from service.usecases.clock import local_date, utcnow
from service.web.deps import Req, Svc
from service.web.pages import language


def _page_url(month: str | None, offset: int) -> str:
    query = [(k, v) for k, v in (("month", month), ("offset", str(offset) if offset else None)) if v]
    return "/public/merchants" + (f"?{urlencode(query)}" if query else "")


class PublicMerchantPages(Controller):
    include_in_schema = False

    @get("/public/merchants", operation_id="PublicMerchantsPage")
    async def merchants_page(
        self,
        request: Req,
        services: Svc,
        month: FromQuery[str | None] = None,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> Template:
        now = utcnow()
        locale = language.of(request)
        try:
            first = public_merchants.parse_month(month, local_date(now))
        except ValidationFailed as exc:
            errors = language.field_messages(exc.errors, locale)
            return language.page(
                request, "public_merchants.html", context={"errors": errors, "pub": None}, status_code=422
            )
        pub = await public_merchants.published(services.pool, now=now, month=first, offset=offset)
        month_arg = f"{first:%Y-%m}" if first else None
        context = {
            "pub": pub,
            "errors": {},
            "definitions": {d.name: d for d in pub.definitions},
            "previous_url": _page_url(month_arg, max(0, offset - read.PAGE_SIZE)) if offset else None,
            "next_url": _page_url(month_arg, offset + read.PAGE_SIZE)
            if offset + read.PAGE_SIZE < pub.total
            else None,
        }
        return language.page(request, "public_merchants.html", context=context)
