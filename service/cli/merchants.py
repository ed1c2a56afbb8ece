"""`disputes merchants import FILE.csv [--update]`: register merchants from a spreadsheet, all or nothing;
with --update a row whose USCC is registered updates that merchant instead of being refused.

The file is UTF-8 (with or without the BOM spreadsheets write) with the header
name,uscc,address,subdistrict,kind,parent_uscc,contact_name,contact_phone,contact_email,ends_on
in any column order. Every row is checked before anything is written; one bad row and nothing is
imported, and each problem is printed as "line N: field: message".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.cli.common import fail, resolve, with_pool
from service.cli.registry import Subcommands
from service.settings import Settings


def cmd_merchants_import(settings: Settings, args: argparse.Namespace) -> None:
    from domain.errors import Conflict
    from domain.merchants import ImportRejected
    from service.adapters.merchant_csv import UnreadableFile, read_rows
    from service.usecases import merchants

    try:
        rows = read_rows(Path(args.file))
    except (OSError, UnreadableFile) as exc:
        fail(f"cannot import {args.file}: {exc}")
    settings, servers = resolve(settings, redis=False)
    update = bool(getattr(args, "update", False))
    try:
        result = with_pool(settings, lambda pool: merchants.import_rows(pool, rows, update=update))
    except ImportRejected as exc:
        for e in exc.errors:
            print(f"line {e.line}: {e.field}: {e.message} / {e.message_en}", file=sys.stderr)
        fail(f"nothing imported: {len(exc.errors)} problem(s) in {args.file}")
    except Conflict as exc:
        fail(f"nothing imported: {exc}")
    finally:
        servers.stop()
    if update:
        print(f"imported {result.created} merchants, updated {result.updated}")
    else:
        print(f"imported {result.created} merchants")


def register(sub: Subcommands) -> None:
    registry = sub.add_parser("merchants", help="the merchant registry")
    reg = registry.add_subparsers(dest="action", required=True)
    p = reg.add_parser("import", help="import merchants from a CSV file (all or nothing)")
    p.add_argument("file")
    p.add_argument(
        "--update", action="store_true", help="a row whose USCC is registered updates that merchant"
    )
    p.set_defaults(run=cmd_merchants_import)
