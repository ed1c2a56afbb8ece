"""`disputes export --month YYYY-MM [--out DIR] [--reason TEXT]`: produce a month's return (a restatement
when the data changed since its latest version, nothing new when it did not) and write its spreadsheet and
CSV zip into DIR (default: the current folder).

The command's own dependencies are imported when it runs, so that every other command works whatever
state the statistics code is in."""

from __future__ import annotations

import argparse
import functools
from pathlib import Path
from typing import Any

from domain.errors import ValidationFailed
from service.cli.common import fail, out_folder, resolve, with_pool, write_whole
from service.cli.registry import Subcommands
from service.settings import Settings


def cmd_export(settings: Settings, args: argparse.Namespace) -> None:
    from domain.indicators import month_key
    from service.usecases import returns
    from service.usecases.clock import utcnow

    try:
        month = returns.month_of(args.month)
    except ValidationFailed as exc:
        fail(f"--month: {exc.errors[0].message_en} (got {args.month!r})")
    out = out_folder(args.out)
    reason = (getattr(args, "reason", None) or "").strip() or None

    async def work(pool: Any) -> returns.ReturnFile:
        ret = await returns.produce(pool, month, actor="cli", now=utcnow(), reason=reason)
        report = await returns.report(pool, month, ret.version)
        return returns.ReturnFile(ret, report.definitions, report.history)

    settings, servers = resolve(settings, redis=False)
    try:
        report = with_pool(settings, work)
    except ValidationFailed as exc:
        fail(f"--month: {exc.errors[0].message_en}")
    finally:
        servers.stop()
    ret = report.ret
    written = _write_files(report, out)
    state = "new" if ret.created else "unchanged"
    if ret.created and ret.restatement_of:
        state = f"restatement of version {ret.restatement_of}, {len(ret.changes or [])} figure(s) changed"
    print(f"{month_key(ret.month)}: version {ret.version} ({state}); sha256 {ret.content_hash}")
    for path in written:
        print(f"  wrote {path}")


def _write_files(report: Any, out: Path) -> list[Path]:
    """The spreadsheet and the CSV zip, each written whole (to a .part file, then renamed)."""
    from service import exports

    ret = report.ret
    tables = exports.tables(ret, report.definitions)
    return [
        write_whole(out / exports.file_name(ret, ext)[1], functools.partial(write, tables))
        for ext, write in (("xlsx", exports.write_xlsx), ("csv.zip", exports.write_csv_zip))
    ]


def register(sub: Subcommands) -> None:
    p = sub.add_parser(
        "export", help="produce a month's statistics return and write its spreadsheet and CSV zip"
    )
    p.add_argument("--month", required=True, help="YYYY-MM, a month that has ended")
    p.add_argument("--out", default=".", help="folder for the files (default: the current one)")
    p.add_argument("--reason", help="why a restatement was made (kept with the new version)")
    p.set_defaults(run=cmd_export)
