"""The monthly return's files, built from one set of tables: a spreadsheet (one sheet per table plus the
definitions) and the same tables as UTF-8 CSV files in a zip, written by service.adapters.spreadsheets;
here is what the cells mean (numbers with formats, text as people read it). The report page shows the
same tables.

Everything comes from the stored snapshot (figures, definitions, version, hash), never from live data.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from domain import indicators as ind
from domain.money import format_yuan
from service.adapters import spreadsheets
from service.adapters.spreadsheets import A4_LANDSCAPE_WIDTH
from service.return_tables import (
    CHANGE,
    COUNT,
    NUMERIC,
    RATIO,
    RELATIVE,
    TEXT,
    UNIT,
    Column,
    Table,
    actor_label,
    datetime_zh,
    month_zh,
    tables,
)
from service.store.statistics import Return

# The tables (one function per sheet) are in service.return_tables; re-exported for the pages and files.
__all__ = [
    "A4_LANDSCAPE_WIDTH",
    "COUNT",
    "TEXT",
    "Column",
    "Table",
    "actor_label",
    "datetime_zh",
    "month_zh",
    "tables",
]


# --- values ------------------------------------------------------------------------------------------


def _dec(value: float | int | Decimal, places: int) -> str:
    return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _number(value: Any, unit: str) -> float | int:
    """The number a spreadsheet cell holds (money in yuan or 万元, ratios as fractions)."""
    if unit == ind.Unit.YUAN:
        return float(Decimal(value) / 100)
    if unit == ind.Unit.WAN_YUAN:
        return float(Decimal(value) / 1_000_000)
    return value  # type: ignore[no-any-return]


def show(value: Any, unit: str, *, precise: bool = False) -> str:
    """A value as people read it (`precise`: the CSV's exact text: more places, no thousands separators)."""
    if value is None:
        return "" if precise else "—"
    if unit == ind.Unit.RATIO:
        return _dec(value * 100, 2 if precise else 1) + "%"
    if unit == ind.Unit.YUAN:
        return format_yuan(int(value)) if precise else f"{Decimal(value) / 100:,.2f}"
    if unit == ind.Unit.WAN_YUAN:
        return _dec(Decimal(value) / 1_000_000, 4 if precise else 2)
    if unit in (ind.Unit.DAYS,):
        return _dec(value, 1)
    if unit == ind.Unit.SCORE:
        return _dec(value, 2 if precise else 1)
    return str(value) if precise else f"{value:,}"


def show_change(value: Any, unit: str, *, precise: bool = False) -> str:
    if value is None:
        return "" if precise else "—"
    sign = "+" if value > 0 else ""
    if unit == ind.Unit.RATIO:
        return f"{sign}{_dec(value * 100, 2 if precise else 1)}个百分点"
    if unit == ind.Unit.YUAN and not precise:
        return sign + show(value, unit)
    return sign + show(value, unit, precise=precise)


def show_relative(value: Any, *, precise: bool = False) -> str:
    if value is None:
        return "" if precise else "—"
    return ("+" if value > 0 else "") + _dec(value * 100, 2 if precise else 1) + "%"


def cell_text(value: Any, kind: str, *, precise: bool = False) -> str:
    """A cell as text: the report page (precise=False) and the CSV files (precise=True)."""
    if kind == UNIT:
        return show(value[0], value[1], precise=precise)
    if kind == CHANGE:
        return show_change(value[0], value[1], precise=precise)
    if kind == RATIO:
        return show(value, ind.Unit.RATIO, precise=precise)
    if kind == RELATIVE:
        return show_relative(value, precise=precise)
    if kind == COUNT:
        return show(value, ind.Unit.COUNT, precise=precise)
    return "" if value is None else str(value)


# --- the files ---------------------------------------------------------------------------------------

FORMATS = {
    COUNT: "#,##0",
    RATIO: "0.0%",
    RELATIVE: "+0.0%;-0.0%;0.0%",
    ind.Unit.COUNT: "#,##0",
    ind.Unit.RATIO: "0.0%",
    ind.Unit.DAYS: "0.0",
    ind.Unit.YUAN: "#,##0.00",
    ind.Unit.WAN_YUAN: "#,##0.00",
    ind.Unit.SCORE: "0.0",
    "change:" + ind.Unit.COUNT: "+#,##0;-#,##0;0",
    "change:" + ind.Unit.RATIO: '+0.0"个百分点";-0.0"个百分点";0"个百分点"',
    "change:" + ind.Unit.DAYS: "+0.0;-0.0;0",
    "change:" + ind.Unit.YUAN: "+#,##0.00;-#,##0.00;0.00",
    "change:" + ind.Unit.WAN_YUAN: "+#,##0.00;-#,##0.00;0.00",
    "change:" + ind.Unit.SCORE: "+0.0;-0.0;0",
}


class ReturnCells:
    """What the return's cells mean to the file writers (service.adapters.spreadsheets)."""

    formats = FORMATS

    def text(self, value: Any, kind: str, *, precise: bool = False) -> str:
        return cell_text(value, kind, precise=precise)

    def is_text(self, kind: str) -> bool:
        return kind == TEXT

    def stored(self, value: Any, kind: str) -> spreadsheets.Stored:
        """A number with its format (percentages, money — never text), a string, or blank."""
        if kind in (UNIT, CHANGE):
            raw, unit = value
            if raw is None or unit not in FORMATS:
                return None
            key = unit if kind == UNIT else "change:" + unit
            return _number(raw, unit), key if key in FORMATS else unit
        if kind in NUMERIC:
            return None if value is None else (value, kind)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value, None
        return None if value is None or value == "" else str(value)


CELLS = ReturnCells()


def write_xlsx(sheets: Sequence[Table], target: str | Path | IO[bytes]) -> None:
    spreadsheets.write_xlsx(sheets, target, CELLS)


def write_csv_zip(sheets: Sequence[Table], target: str | Path | IO[bytes]) -> None:
    spreadsheets.write_csv_zip(sheets, target, CELLS)


def csv_bytes(table: Table) -> bytes:
    return spreadsheets.csv_bytes(table, CELLS)


def xlsx_bytes(sheets: Sequence[Table]) -> bytes:
    return spreadsheets.xlsx_bytes(sheets, CELLS)


def csv_zip_bytes(sheets: Sequence[Table]) -> bytes:
    return spreadsheets.csv_zip_bytes(sheets, CELLS)


def file_name(ret: Return, ext: str) -> tuple[str, str]:
    """(ASCII name, Chinese name) of a return's file."""
    month = ret.figures["month"]
    return (
        f"quality-disputes-{month}-v{ret.version}.{ext}",
        f"质量争议处理月报_{month}_第{ret.version}版.{ext}",
    )


def content_disposition(ret: Return, ext: str) -> str:
    ascii_name, name = file_name(ret, ext)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TYPE = "application/zip"
