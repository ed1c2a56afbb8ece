"""`disputes serve [--host H] [--port P]`: the web app under uvicorn."""

from __future__ import annotations

import argparse

import msgspec

from service.cli.common import resolve
from service.cli.registry import Subcommands
from service.settings import Settings


def cmd_serve(settings: Settings, args: argparse.Namespace) -> None:
    settings, servers = resolve(settings)  # first: an unreachable server is the one line said
    settings = msgspec.structs.replace(
        settings, host=args.host or settings.host, port=args.port or settings.port
    )
    try:
        import uvicorn

        from service.app import create_app
        from service.web.slow_clients import protocol_for

        uvicorn.run(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            # forwarding headers are read by service.web.client, from TRUSTED_PROXIES only
            proxy_headers=False,
            server_header=False,
            http=protocol_for(settings),  # request-head deadline, connections per client
        )
    finally:
        servers.stop()


def register(sub: Subcommands) -> None:
    p = sub.add_parser("serve", help="serve the web app")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(run=cmd_serve)
