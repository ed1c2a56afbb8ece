"""`disputes merchants import FILE.csv [--update]`: register merchants from a spreadsheet, all or nothing;
with --update a row whose USCC is registered updates that merchant instead of being refused.

The file is UTF-8 (with or without the BOM spreadsheets write) with the header
name,uscc,address,subdistrict,kind,parent_uscc,contact_name,contact_phone,contact_email,ends_on
in any column order. Every row is checked before anything is written; one bad row and nothing is
imported, and each problem is printed as "line N: field: message".
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from domain.errors import Conflict
from domain.merchants import ImportRejected, SourceRow, check_columns
from service.cli import _resolve, _with_pool, fail
from service.settings import Settings


class UnreadableFile(Exception):
    pass


def read_rows(path: Path) -> list[SourceRow]:
    """The file's rows with the line each starts on; rows with every cell empty are skipped."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = [cell.strip() for cell in next(reader, [])]
            if not any(header):
                raise UnreadableFile("the file is empty; the first line must be the header")
            problems = check_columns(header)
            if problems:
                raise UnreadableFile("; ".join(problems))
            rows = []
            line = reader.line_num
            for cells in reader:
                start, line = line + 1, reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                padded = cells + [""] * (len(header) - len(cells))
                values = dict(zip(header, padded, strict=False))
                rows.append(SourceRow(start, values, max(len(cells) - len(header), 0)))
            return rows
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except csv.Error as exc:
        raise UnreadableFile(f"not a CSV file: {exc}") from exc


def cmd_merchants_import(settings: Settings, args: argparse.Namespace) -> None:
    from service.usecases import merchants

    try:
        rows = read_rows(Path(args.file))
    except (OSError, UnreadableFile) as exc:
        fail(f"cannot import {args.file}: {exc}")
    settings, servers = _resolve(settings, redis=False)
    update = bool(getattr(args, "update", False))
    try:
        result = _with_pool(settings, lambda pool: merchants.import_rows(pool, rows, update=update))
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
