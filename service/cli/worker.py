"""`disputes worker [--burst]`: the arq job worker."""

from __future__ import annotations

import argparse
import asyncio

from service.cli.common import resolve
from service.cli.registry import Subcommands
from service.settings import Settings


def cmd_worker(settings: Settings, args: argparse.Namespace) -> None:
    from service.logs import configure_logging

    settings, servers = resolve(settings)  # first: an unreachable server is the one line said
    configure_logging(json=settings.log_json, level=settings.log_level)

    async def run() -> None:
        from workers.main import build_worker

        worker = build_worker(settings, burst=args.burst)
        try:
            await worker.async_run()
        except asyncio.CancelledError:
            pass  # a signal stopped the worker
        finally:
            await worker.close()

    try:
        asyncio.run(run())
    finally:
        servers.stop()


def register(sub: Subcommands) -> None:
    p = sub.add_parser("worker", help="run the job worker")
    p.add_argument("--burst", action="store_true", help="run queued jobs, then exit")
    p.set_defaults(run=cmd_worker)
