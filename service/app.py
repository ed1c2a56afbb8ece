"""create_app(settings): the one wiring module."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from asyncpg import Pool
from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig
from redis.asyncio import Redis

from domain.events import confirmation
from service.adapters.throttle import FilingLimits, Throttle
from service.app_types import Services
from service.logs import configure_logging
from service.settings import Settings
from service.store.db import create_pool, create_read_pool
from service.store.embedded import EmbeddedServers, ensure_servers
from service.usecases.auth import AuthPolicy, PasswordCheck
from service.usecases.intake import IntakeContext
from service.usecases.signin_limits import SignInLimits
from service.web import openapi
from service.web.api.metrics import OpsMetrics
from service.web.csrf import csrf_middleware
from service.web.deps import provide_services
from service.web.edge import EdgeRequest, wrap_edge
from service.web.errors import EXCEPTION_HANDLERS
from service.web.middleware import request_log_middleware, response_headers
from service.web.pages import language
from service.web.pages.stylesheet import STAFF_CSS_URL
from service.web.routes import ROUTES


def build_services(settings: Settings, pool: Pool, redis: Redis, read_pool: Pool | None = None) -> Services:
    """What every request reads (app.state.services), built once per process."""
    return Services(
        settings=settings,
        pool=pool,
        redis=redis,
        read_pool=read_pool or pool,
        intake=IntakeContext.from_settings(settings),
        throttle=Throttle.for_tracking(redis, settings),
        filing=FilingLimits.from_settings(redis, settings),
        auth_policy=AuthPolicy(),
        passwords=PasswordCheck(threads=settings.signin_threads, max_in_flight=settings.signin_max_in_flight),
        signin_limits=SignInLimits(
            redis,
            prefix=f"{settings.queue_name}:signin-fail",
            window_s=settings.signin_window_s,
            per_client=settings.signin_max_per_client,
            per_username=settings.signin_max_per_username,
        ),
    )


def lifespan_of(settings: Settings) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """The process's servers, pool and Redis client, opened at start-up and closed at shutdown."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        servers: EmbeddedServers = ensure_servers(
            settings.database_url, settings.redis_url, settings.data_dir
        )
        pool = await create_pool(
            servers.database_url, min_size=settings.db_pool_min, max_size=settings.db_pool_max
        )
        read_pool = await create_read_pool(settings.database_read_url)
        redis = Redis.from_url(servers.redis_url, socket_timeout=2, socket_connect_timeout=2)
        app.state.services = build_services(settings, pool, redis, read_pool)
        try:
            yield
        finally:
            app.state.services.passwords.close()
            await redis.aclose()
            if read_pool is not None:
                await read_pool.close()
            await pool.close()
            servers.stop()

    return lifespan


def _template_engine(templates: JinjaTemplateEngine) -> None:
    # confirmation(done=<event kind>); the workbench stylesheet's versioned URL
    templates.engine.globals.update(confirmation=confirmation, staff_css_url=STAFF_CSS_URL)
    language.install(templates.engine)  # public pages in the consumer's language


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    configure_logging(json=settings.log_json, level=settings.log_level)

    ops_metrics = OpsMetrics()  # request figures per process, read by GET /metrics
    app = Litestar(
        route_handlers=list(ROUTES),
        lifespan=[lifespan_of(settings)],
        state=State({"metrics": ops_metrics}),
        dependencies={"services": Provide(provide_services, sync_to_thread=False)},
        # CSRF bound to the staff session (service.web.csrf); the edge (client, Host, body) wraps all below
        middleware=[request_log_middleware, csrf_middleware(settings.secret_key, settings.public_base_url)],
        request_class=EdgeRequest,
        before_send=[response_headers],
        exception_handlers=EXCEPTION_HANDLERS,
        template_config=TemplateConfig(
            directory=settings.templates_dir,
            engine=JinjaTemplateEngine,
            engine_callback=_template_engine,
        ),
        openapi_config=openapi.config(
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
    openapi.describe(app)  # every operation's error responses and the staff bearer scheme
    # before routing, so unknown paths are covered too: client and scheme, Host, body timeouts, HSTS
    app.asgi_handler = wrap_edge(ops_metrics.requests.wrap(app.asgi_handler), settings)
    return app
