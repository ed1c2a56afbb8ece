"""`disputes export --month YYYY-MM [--out DIR] [--reason TEXT]`: produce a month's return (a restatement
when the data changed since its latest version, nothing new when it did not) and write its spreadsheet and
CSV zip into DIR (default: the current folder)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from domain.errors import ValidationFailed
from domain.indicators import month_key
from service import exports
from service.cli import _resolve, _with_pool, fail
from service.settings import Settings


def cmd_export(settings: Settings, args: argparse.Namespace) -> None:
    from service.usecases import returns
    from service.usecases.clock import utcnow

    try:
        month = returns.month_of(args.month)
    except ValidationFailed as exc:
        fail(f"--month: {exc.errors[0].message_en} (got {args.month!r})")
        raise  # unreachable: fail() exits
    out = Path(args.out or ".")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot write to {out}: {exc}")
    reason = (getattr(args, "reason", None) or "").strip() or None

    async def work(pool: Any) -> returns.ReturnFile:
        ret = await returns.produce(pool, month, actor="cli", now=utcnow(), reason=reason)
        report = await returns.report(pool, month, ret.version)
        return returns.ReturnFile(ret, report.definitions, report.history)

    settings, servers = _resolve(settings, redis=False)
    try:
        report = _with_pool(settings, work)
    except ValidationFailed as exc:
        fail(f"--month: {exc.errors[0].message_en}")
        raise
    finally:
        servers.stop()
    ret = report.ret
    tables = exports.tables(ret, report.definitions)
    written = []
    for ext, write in (("xlsx", exports.write_xlsx), ("csv.zip", exports.write_csv_zip)):
        target = out / exports.file_name(ret, ext)[1]
        partial = target.with_name(target.name + ".part")
        try:
            write(tables, str(partial))
            os.replace(partial, target)
        except OSError as exc:
            fail(f"cannot write {target}: {exc}")
        written.append(target)
    state = "new" if ret.created else "unchanged"
    if ret.created and ret.restatement_of:
        state = f"restatement of version {ret.restatement_of}, {len(ret.changes or [])} figure(s) changed"
    print(f"{month_key(ret.month)}: version {ret.version} ({state}); sha256 {ret.content_hash}")
    for path in written:
        print(f"  wrote {path}")
