"""`disputes backup --out DIR` and `disputes restore DIR` (service/adapters/backup.py): the database and
the evidence files, on the embedded PostgreSQL as on an external one (DATABASE_URL)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from service.cli.common import fail, resolve, safe_url
from service.cli.registry import Subcommands
from service.settings import Settings

if TYPE_CHECKING:
    from service.adapters.backup import Summary


def cmd_backup(settings: Settings, args: argparse.Namespace) -> None:
    from service.adapters.backup import BackupError, backup

    settings, servers = resolve(settings, redis=False)
    assert settings.database_url
    try:
        summary = backup(settings.database_url, settings.evidence_dir, Path(args.out), bin_dir=_bin_dir(args))
    except (BackupError, OSError) as exc:
        fail(f"backup failed: {exc}")
    finally:
        servers.stop()
    _report("backed up", summary)


def cmd_restore(settings: Settings, args: argparse.Namespace) -> None:
    from service.adapters.backup import BackupError, restore

    settings, servers = resolve(settings, redis=False)
    assert settings.database_url
    try:
        summary = restore(
            settings.database_url, settings.evidence_dir, Path(args.folder), bin_dir=_bin_dir(args)
        )
    except (BackupError, OSError) as exc:
        fail(f"restore into {safe_url(settings.database_url)} failed: {exc}")
    finally:
        servers.stop()
    _report("restored", summary)


def _bin_dir(args: argparse.Namespace) -> str | None:
    return getattr(args, "pg_bin", None) or os.environ.get("PG_BIN_DIR") or None


def _report(done: str, s: Summary) -> None:
    rows = sum(s.tables.values())
    print(
        f"{done} {len(s.tables)} tables ({rows} rows) and {s.evidence_files} evidence files "
        f"({s.evidence_bytes} bytes): {s.folder}"
    )


def register(sub: Subcommands) -> None:
    p = sub.add_parser(
        "backup", help="back up the database (pg_dump) and the evidence files, with a manifest"
    )
    p.add_argument("--out", required=True, help="a new or empty folder for the backup")
    p.add_argument(
        "--pg-bin", help="the folder of pg_dump/pg_restore (default: found for the server's version)"
    )
    p.set_defaults(run=cmd_backup)
    p = sub.add_parser("restore", help="restore a backup into an empty database and its evidence files")
    p.add_argument("folder", help="a folder written by `disputes backup`")
    p.add_argument(
        "--pg-bin", help="the folder of pg_dump/pg_restore (default: found for the server's version)"
    )
    p.set_defaults(run=cmd_restore)
