"""Reading the merchant registry's CSV file (used by `disputes merchants import` and the admin's upload page).

The file is UTF-8 (with or without the BOM spreadsheets write) with the header
name,uscc,address,subdistrict,kind,parent_uscc,contact_name,contact_phone,contact_email,ends_on
in any column order (domain.merchants checks the columns and the rows).
"""

from __future__ import annotations

import csv
from pathlib import Path

from domain.merchants import SourceRow, check_columns


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
