"""Staff API for product risk signals (supervisors): the list, one signal with its history, and the
supervisor's action on one."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from domain.roles import Permission
from service.app_types import Services
from service.queries import product_signals as queries
from service.usecases import product_signals
from service.usecases.clock import utcnow
from service.web.api.actions import case_action, case_reading
from service.web.auth import StaffApiController, requires

MAX_OFFSET = 10_000


class ProductSignalController(StaffApiController):
    path = "/api/v1/product-signals"
    tags = ("staff: product signals",)

    @get("/", operation_id="ListProductSignals", guards=[requires(Permission.PRODUCT_SIGNALS)])
    async def list_signals(
        self,
        services: NamedDependency[Services],
        limit: Annotated[int, QueryParameter(ge=1, le=queries.LIST_LIMIT)] = queries.PAGE_SIZE,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
    ) -> queries.ProductSignals:
        """Open signals (newest first), then those decided in the last 90 days; `open_total` and `total`
        count them all, page on with `offset`."""
        return await queries.signals(services.pool, now=utcnow(), limit=limit, offset=offset)

    # the product, its merchants, problem types, injuries reported, cases and history
    get_signal = case_reading(
        "/{signal_id:int}", "GetProductSignal", Permission.PRODUCT_SIGNALS, queries.signal
    )

    # spot_check (监督抽查) | recall_notice (缺陷产品召回) | dismissed (with a note saying why)
    decide = case_action(
        "/{signal_id:int}/decide", "DecideProductSignal", Permission.PRODUCT_SIGNALS, product_signals.decide
    )
