"""`disputes seed-demo [--cases N] [--seed S]`: a year of fictional complaints played through the real use
cases into an empty database (service/demo/), and the demo staff accounts."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from service.cli.common import resolve
from service.cli.registry import Subcommands
from service.settings import Settings

DEMO_CASES = 400  # about thirty-three a month: every month of the year has closures and answered surveys


def cmd_seed_demo(settings: Settings, args: argparse.Namespace) -> None:
    settings, servers = resolve(settings)  # Redis too: demo consumers come back to the tracking page
    try:
        result = asyncio.run(seed(settings, args.cases, args.seed))
    finally:
        servers.stop()
    report_demo(result)


def report_demo(result: Any) -> None:
    if not result.receipts:
        print("the database already has cases; demo data is loaded only into an empty one")
        return
    print(
        f"loaded {len(result.receipts)} demo complaints "
        f"({result.accepted} accepted, {result.rejected} rejected); track these at /track:"
    )
    for r in result.receipts[-3:]:
        print(f"  {r.tracking_no}  access code {r.access_code}")
    if result.closures:
        print("closings by outcome: " + ", ".join(f"{o} {n}" for o, n in sorted(result.closures.items())))
    if result.accounts:
        print("demo staff accounts (sign in at /staff/login; passwords are shown only now):")
        for username, password in result.accounts.items():
            print(f"  {username:<18} {password}")


async def seed(settings: Settings, count: int, seed: int) -> Any:
    from redis.asyncio import Redis

    from service.demo.seed import seed_demo
    from service.logs import configure_logging
    from service.store.db import create_pool
    from service.usecases.clock import local_date, utcnow

    assert settings.database_url
    # the year is played through the real use cases: their info lines (a routing per case) are noise here
    configure_logging(json=settings.log_json, level="WARNING")
    # thousands of small transactions of fictional data need not each wait for the disk: a server crash
    # could lose only the last moments of demo data (this session's setting; other connections keep theirs)
    url = settings.database_url + ("&" if "?" in settings.database_url else "?") + "synchronous_commit=off"
    pool = await create_pool(url, max_size=2)
    redis = (
        Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
        if settings.redis_url
        else None
    )
    try:
        today = local_date(utcnow())
        return await seed_demo(
            pool,
            _intake_context(settings),
            count=count,
            seed=seed,
            today=today,
            throttle=_throttle(redis, settings),
        )
    finally:
        await pool.close()
        if redis is not None:
            await redis.aclose()


def _intake_context(settings: Settings) -> Any:
    from service.usecases.intake import IntakeContext

    return IntakeContext.from_settings(settings)


def _throttle(redis: Any, settings: Settings) -> Any:
    """The tracking page's guard, as the web process builds it (none without Redis)."""
    from service.adapters.throttle import Throttle

    if redis is None:
        return None
    return Throttle.for_tracking(redis, settings)


def register(sub: Subcommands) -> None:
    p = sub.add_parser("seed-demo", help="load demo complaints into an empty database")
    p.add_argument("--cases", type=int, default=DEMO_CASES)
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(run=cmd_seed_demo)
