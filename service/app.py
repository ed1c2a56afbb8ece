"""create_app(settings): the one wiring module."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig
from redis.asyncio import Redis

from service.app_types import Services
from service.logs import configure_logging
from service.settings import Settings
from service.store.db import create_pool
from service.store.embedded import EmbeddedServers, ensure_servers
from service.throttle import Throttle
from service.usecases.auth import AuthPolicy
from service.usecases.intake import IntakeContext
from service.web.api.auth import issue_token
from service.web.api.cases import CaseController
from service.web.api.casework_extra import CaseworkExtraController
from service.web.api.complaints import ComplaintController
from service.web.api.first_payment import FirstPaymentController
from service.web.api.health import health
from service.web.api.mediation import MediationController
from service.web.api.merchants import MerchantController
from service.web.api.queues import QueueController
from service.web.api.returns import ReturnsController
from service.web.api.satisfaction import AppealController
from service.web.api.taxonomy import taxonomy
from service.web.auth import cookies_secure
from service.web.deps import provide_services
from service.web.errors import EXCEPTION_HANDLERS
from service.web.middleware import request_log_middleware, response_headers
from service.web.pages.casework_extra import CaseworkExtraPages
from service.web.pages.mediation import MediationPages
from service.web.pages.merchant_link import MerchantLinkPages
from service.web.pages.merchants import MerchantPages
from service.web.pages.public import PublicPages
from service.web.pages.queues import QueuePages
from service.web.pages.returns import ReturnPages
from service.web.pages.satisfaction import SatisfactionPages
from service.web.pages.staff import StaffPages


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    configure_logging(json=settings.log_json, level=settings.log_level)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        servers: EmbeddedServers = ensure_servers(
            settings.database_url, settings.redis_url, settings.data_dir
        )
        pool = await create_pool(
            servers.database_url, min_size=settings.db_pool_min, max_size=settings.db_pool_max
        )
        redis = Redis.from_url(servers.redis_url, socket_timeout=2, socket_connect_timeout=2)
        app.state.services = Services(
            settings=settings,
            pool=pool,
            redis=redis,
            intake=IntakeContext(
                secret_key=settings.secret_key,
                evidence_dir=settings.evidence_dir,
                evidence_max_files=settings.evidence_max_files,
                evidence_max_bytes=settings.evidence_max_bytes,
                idempotency_ttl_s=settings.idempotency_ttl_s,
            ),
            throttle=Throttle(
                redis,
                prefix=f"{settings.queue_name}:track-fail",
                window_s=settings.track_failure_window_s,
                limits={"no": settings.track_max_failures, "ip": settings.track_max_failures_per_client},
            ),
            auth_policy=AuthPolicy(),
        )
        try:
            yield
        finally:
            await redis.aclose()
            await pool.close()
            servers.stop()

    return Litestar(
        route_handlers=[
            FirstPaymentController,
            ReturnsController,
            ReturnPages,
            QueueController,
            QueuePages,
            MediationController,
            MediationPages,
            AppealController,
            SatisfactionPages,
            CaseworkExtraController,
            CaseworkExtraPages,
            MerchantController,
            MerchantPages,
            MerchantLinkPages,
            health,
            taxonomy,
            issue_token,
            ComplaintController,
            CaseController,
            PublicPages,
            StaffPages,
        ],
        lifespan=[lifespan],
        state=State({}),
        dependencies={"services": Provide(provide_services, sync_to_thread=False)},
        middleware=[request_log_middleware],
        before_send=[response_headers],
        exception_handlers=EXCEPTION_HANDLERS,
        template_config=TemplateConfig(directory=settings.templates_dir, engine=JinjaTemplateEngine),
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="csrftoken",
            cookie_samesite="lax",
            cookie_httponly=True,
            cookie_secure=cookies_secure(settings.public_base_url, ""),
            exclude=["/api/", "/health", "/schema"],
        ),
        openapi_config=OpenAPIConfig(
            title="质量争议处理服务 Quality Disputes API",
            version="1",
            path="/schema",
            description=(
                "Consumer complaints for the Gongshu District market regulator. "
                "Money is decimal yuan strings; "
                "dates are ISO local dates (Asia/Shanghai)."
            ),
        ),
        request_max_body_size=settings.json_body_limit,
        logging_config=None,  # service.logs configures logging for the whole process
        debug=False,
    )
