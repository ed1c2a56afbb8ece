"""`disputes migrate`: apply the database migrations (the production runner, also used by the tests)."""

from __future__ import annotations

import argparse

from service.cli.common import fail, resolve, with_conn
from service.cli.registry import Subcommands
from service.settings import Settings


def apply_migrations(settings: Settings) -> list[str]:
    """The migrations applied now (none when up to date); a failed one ends the command in one line."""
    from service.store.migrate import MigrationError, migrate

    try:
        return with_conn(settings, lambda conn: migrate(conn, settings.migrations_dir))
    except MigrationError as exc:
        fail(f"migration failed: {exc}")


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> None:
    settings, servers = resolve(settings, redis=False)
    try:
        applied = apply_migrations(settings)
    finally:
        servers.stop()
    print(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else "; up to date"))


def register(sub: Subcommands) -> None:
    sub.add_parser("migrate", help="apply database migrations").set_defaults(run=cmd_migrate)
