"""Tables to files: an .xlsx workbook (one sheet per table, written row by row by xlsxwriter in
constant-memory mode) and UTF-8 CSV files (with the BOM spreadsheets look for) in a zip.

The writer knows a table's shape, not what its cells mean: the caller's `Cells` says how a cell reads as
text (the CSV, the column widths) and how the workbook stores it (a number with its format, a string,
or blank). Text cells a spreadsheet would take for a formula are quoted in the CSV (CSV injection).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

import xlsxwriter

# A4 landscape less 1.5 cm margins is 26.6 cm: about 135 character widths of the default font at 100%
# (a width w is 7w + 5 px at 96 dpi). A sheet with its own widths keeps within it, so its print preview
# is one page wide without shrinking the text; the other sheets are fitted to the page width.
A4_LANDSCAPE_WIDTH = 135
COMPANY = "杭州市拱墅区市场监督管理局"

# How the workbook stores a cell: (number, format key; None: the column's text format), a string, or blank.
Stored = tuple[float | int, str | None] | str | None


class Column(Protocol):
    @property
    def header(self) -> str: ...
    @property
    def kind(self) -> str: ...


class Sheet(Protocol):
    @property
    def key(self) -> str: ...  # the CSV file's name without .csv
    @property
    def sheet(self) -> str: ...  # the worksheet's name (31 characters at most)
    @property
    def title(self) -> str: ...
    @property
    def columns(self) -> Sequence[Column]: ...
    @property
    def rows(self) -> Sequence[Sequence[Any]]: ...
    @property
    def preamble(self) -> Sequence[tuple[str, str]]: ...  # label, value lines above the header
    @property
    def widths(self) -> Sequence[int] | None: ...  # column widths (characters) chosen for print


class Cells(Protocol):
    """What the cells of the caller's tables mean."""

    @property
    def formats(self) -> Mapping[str, str]: ...  # number formats by key ("0.0%")
    def text(self, value: Any, kind: str, *, precise: bool = False) -> str: ...
    def stored(self, value: Any, kind: str) -> Stored: ...
    def is_text(self, kind: str) -> bool: ...  # a free-text column: it wraps, and the CSV quotes formulas


def display_width(text: str) -> int:
    """Display width: a CJK character is two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def column_widths(table: Sheet, cells: Cells) -> list[int]:
    if table.widths is not None:
        return list(table.widths)
    widths: list[int] = []
    for i, col in enumerate(table.columns):
        longest = max(
            [display_width(col.header)] + [display_width(cells.text(r[i], col.kind)) for r in table.rows]
        )
        cap = 60 if cells.is_text(col.kind) else 18
        widths.append(min(max(longest + 2, 8), cap))
    return widths


def write_xlsx(sheets: Sequence[Sheet], target: str | Path | IO[bytes], cells: Cells) -> None:
    """One sheet per table: a title, the preamble, a frozen header row, then the rows as numbers with
    number formats (percentages, money) — never as text. Written row by row in constant memory."""
    wb = xlsxwriter.Workbook(
        str(target) if isinstance(target, Path) else target,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    try:
        formats = {
            "title": wb.add_format({"bold": True, "font_size": 14}),
            "label": wb.add_format({"bold": True, "font_color": "#4a4a4a"}),
            "header": wb.add_format(
                {"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "vcenter"}
            ),
            "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
            "text": wb.add_format({"valign": "top"}),
        }
        numbers = {
            key: wb.add_format({"num_format": fmt, "valign": "top"}) for key, fmt in cells.formats.items()
        }
        wb.set_properties({"title": sheets[0].title if sheets else "", "company": COMPANY})
        for table in sheets:
            _write_sheet(wb.add_worksheet(table.sheet[:31]), table, cells, formats, numbers)
    finally:
        wb.close()


def _write_sheet(
    ws: Any, table: Sheet, cells: Cells, formats: dict[str, Any], numbers: dict[str, Any]
) -> None:
    widths = column_widths(table, cells)
    # a text column narrower than its longest cell wraps (the cell's own format must say so: a column
    # format does not reach cells written with a format of their own)
    wraps = [
        cells.is_text(col.kind) and any(display_width(cells.text(r[i], col.kind)) > w for r in table.rows)
        for i, (col, w) in enumerate(zip(table.columns, widths, strict=True))
    ]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    header_row = 1 + len(table.preamble) + (1 if table.preamble else 0)
    ws.freeze_panes(header_row + 1, 0)
    ws.repeat_rows(header_row)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.6, right=0.6, top=0.75, bottom=0.75)
    ws.center_horizontally()
    ws.fit_to_pages(1, 0)  # one page wide, as many tall as it takes
    ws.hide_gridlines(0)  # printed cell borders keep a long table readable
    ws.write_string(0, 0, table.title, formats["title"])
    for j, (label, value) in enumerate(table.preamble, start=1):
        ws.write_string(j, 0, label, formats["label"])
        # wrapped in its column when that column is sized for print (a long hash, a restatement)
        ws.write_string(j, 1, value, formats["wrap"] if table.widths is not None else None)
    for i, col in enumerate(table.columns):
        ws.write_string(header_row, i, col.header, formats["header"])
    for r, row in enumerate(table.rows, start=header_row + 1):
        for i, col in enumerate(table.columns):
            text_format = formats["wrap"] if wraps[i] else formats["text"]
            _write_cell(ws, r, i, cells.stored(row[i], col.kind), numbers, text_format)


def _write_cell(ws: Any, r: int, c: int, stored: Stored, numbers: dict[str, Any], text_format: Any) -> None:
    if stored is None:
        ws.write_blank(r, c, None, text_format)
    elif isinstance(stored, str):
        ws.write_string(r, c, stored, text_format)
    else:
        number, key = stored
        ws.write_number(r, c, number, numbers[key] if key is not None else text_format)


def csv_safe(text: str) -> str:
    """A text cell a spreadsheet would read as a formula is quoted (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_bytes(table: Sheet, cells: Cells) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if table.preamble:
        for label, value in table.preamble:
            writer.writerow([label, csv_safe(value)])
        writer.writerow([])
    writer.writerow([c.header for c in table.columns])
    for row in table.rows:
        texts = (cells.text(v, c.kind, precise=True) for v, c in zip(row, table.columns, strict=True))
        writer.writerow(
            [csv_safe(t) if cells.is_text(c.kind) else t for t, c in zip(texts, table.columns, strict=True)]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_csv_zip(sheets: Sequence[Sheet], target: str | Path | IO[bytes], cells: Cells) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for table in sheets:
            zf.writestr(f"{table.key}.csv", csv_bytes(table, cells))


def xlsx_bytes(sheets: Sequence[Sheet], cells: Cells) -> bytes:
    buf = io.BytesIO()
    write_xlsx(sheets, buf, cells)
    return buf.getvalue()


def csv_zip_bytes(sheets: Sequence[Sheet], cells: Cells) -> bytes:
    buf = io.BytesIO()
    write_csv_zip(sheets, buf, cells)
    return buf.getvalue()
