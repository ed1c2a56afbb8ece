"""`disputes dev`: everything a developer needs in one process tree: servers, migrations, demo data, and
`serve` and `worker` as child processes until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Sequence

from service.cli.common import resolve
from service.cli.migrate import apply_migrations
from service.cli.registry import Subcommands
from service.cli.seed_demo import DEMO_CASES, report_demo, seed
from service.settings import Settings


def cmd_dev(settings: Settings, args: argparse.Namespace) -> None:
    settings, servers = resolve(settings)
    try:
        applied = apply_migrations(settings)
        print(f"migrations: {len(applied)} applied")
        report_demo(asyncio.run(seed(settings, args.cases, 2026)))
        env = {
            **os.environ,
            "DATABASE_URL": settings.database_url or "",
            "REDIS_URL": settings.redis_url or "",
            "SECRET_KEY": settings.secret_key,
        }
        exe = [sys.executable, "-m", "service.cli"]
        host, port = args.host or settings.host, args.port or settings.port  # HOST, PORT as for `serve`
        children = [
            subprocess.Popen([*exe, "serve", "--host", host, "--port", str(port)], env=env),
            subprocess.Popen([*exe, "worker"], env=env),
        ]
        print(f"serving on http://{host}:{port}/ (Ctrl-C stops everything)", flush=True)
        _wait_for_children(children)
    finally:
        servers.stop()


def _wait_for_children(children: Sequence[subprocess.Popen[bytes]]) -> None:
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping and all(child.poll() is None for child in children):
            with contextlib.suppress(subprocess.TimeoutExpired):
                children[0].wait(timeout=0.5)
    except KeyboardInterrupt:
        pass  # Ctrl-C reached the children too (same process group); they stop themselves
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()


def register(sub: Subcommands) -> None:
    p = sub.add_parser("dev", help="servers, migrations, demo data, web and worker together")
    p.add_argument("--host", help="default: HOST, else 127.0.0.1")
    p.add_argument("--port", type=int, help="default: PORT, else 8000")
    p.add_argument("--cases", type=int, default=DEMO_CASES)
    p.set_defaults(run=cmd_dev)
