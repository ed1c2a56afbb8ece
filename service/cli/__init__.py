"""The `disputes` command: serve, worker, migrate, dev, seed-demo, calendar, users, export, merchants,
backup, restore — one module each in this package (service/cli/registry.py lists them).

Each command exits non-zero with one clear line when a server is unreachable or a migration fails.
"""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    from service.cli.common import fail
    from service.cli.registry import build_parser
    from service.settings import Settings

    args = build_parser().parse_args(argv)
    if getattr(args, "cases", 0) < 0:
        fail("--cases must be zero or more")
    args.run(Settings.from_env(), args)
