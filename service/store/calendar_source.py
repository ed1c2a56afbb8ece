"""Where the working-day calendar comes from (DESIGN §2.2).

Two sources produce the same full-year rows for the `calendar_days` table, which is the truth at run
time: the `chinesecalendar` package (the seed, for the years it knows) and a file in which an
administrator enters a newly announced year's official schedule.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
DEFAULT_HOLIDAY_NAME = "节假日"  # for a file's holiday line that gives no name
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # date.fromisoformat alone would also take "20270101"
_KINDS = ("holiday", "workday")


@dataclass(frozen=True, slots=True)
class CalendarRow:
    day: date
    is_workday: bool
    holiday_name: str | None  # set on statutory holiday days only; None on make-up workdays


class ScheduleError(ValueError):
    """A schedule file cannot be loaded; the message says where, in English then Chinese."""


def chinesecalendar_years() -> list[int]:
    days: Iterable[date] = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return sorted({day.year for day in days})


def chinesecalendar_rows(year: int) -> list[CalendarRow]:
    """One row per day of `year` from the package's schedule; ValueError for a year it does not know."""
    if year not in chinesecalendar_years():
        raise ValueError(f"chinesecalendar {chinese_calendar.__version__} has no schedule for {year}")
    holidays: Mapping[date, object] = chinese_calendar.holidays
    workdays: Mapping[date, object] = chinese_calendar.workdays
    named = {day: _zh_name(name) for day, name in holidays.items() if day.year == year}
    return _full_year(year, named, {day for day in workdays if day.year == year})


def parse_schedule_file(path: Path) -> tuple[int, list[CalendarRow]]:
    """Read a year's official schedule (.csv with `date,kind,name`, or .json); return the year's rows.

    Only the exceptions are listed: unlisted weekdays are working days, unlisted weekends rest days.
    """
    if path.suffix.lower() not in (".csv", ".json"):
        raise ScheduleError(f"{path.name}: use a .csv or .json file / 请上传 .csv 或 .json 文件")
    return parse_schedule_text(path.name, path.read_text(encoding="utf-8-sig"))


def parse_schedule_text(filename: str, text: str) -> tuple[int, list[CalendarRow]]:
    """The same as parse_schedule_file for an uploaded file's name and text (the calendar page)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".json"):
        raise ScheduleError(f"{filename}: use a .csv or .json file / 请上传 .csv 或 .json 文件")
    text = text.removeprefix("\ufeff")  # spreadsheets often save CSV with a BOM
    year, entries = (None, _csv_entries(text)) if suffix == ".csv" else _json_entries(text)
    return _collect(year, entries)


@dataclass(frozen=True, slots=True)
class _Entry:
    where: str  # "line 3" / "holidays[2]"
    where_zh: str  # "第3行" / "holidays 第3项"
    raw_date: object
    kind: str
    name: str | None

    def error(self, message: str, message_zh: str) -> ScheduleError:
        return ScheduleError(f"{self.where}: {message} / {self.where_zh}：{message_zh}")


def _csv_entries(text: str) -> list[_Entry]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        return []
    columns = [cell.strip().lower() for cell in header]
    if "date" not in columns or "kind" not in columns:
        raise ScheduleError("line 1: the header must be date,kind,name / 第1行：表头应为 date,kind,name")
    date_at, kind_at = columns.index("date"), columns.index("kind")
    name_at = columns.index("name") if "name" in columns else None
    entries = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        cells = [cell.strip() for cell in cells] + [""] * len(columns)  # tolerate short rows
        name = cells[name_at] if name_at is not None else ""
        line = reader.line_num
        entries.append(
            _Entry(f"line {line}", f"第{line}行", cells[date_at], cells[kind_at].lower(), name or None)
        )
    return entries


def _json_entries(text: str) -> tuple[int | None, list[_Entry]]:
    if not text.strip():
        return None, []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScheduleError(
            f"line {exc.lineno}: invalid JSON ({exc.msg}) / 第{exc.lineno}行：JSON 格式错误"
        ) from exc
    if not isinstance(data, dict):
        raise ScheduleError("the file must hold one JSON object / 文件内容应为一个 JSON 对象")
    year = data.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise ScheduleError(f"year: not a year {year!r} / year：年份无效")
    entries = []
    for kind, key in (("holiday", "holidays"), ("workday", "workdays")):
        items = data.get(key) or []
        if not isinstance(items, list):
            raise ScheduleError(f"{key}: must be a list / {key}：应为列表")
        for i, item in enumerate(items):
            # Each item is a date string or an object {"date": ..., "name": ...}.
            raw, name = (item.get("date"), item.get("name")) if isinstance(item, dict) else (item, None)
            entries.append(
                _Entry(f"{key}[{i}]", f"{key} 第{i + 1}项", raw, kind, str(name) if name else None)
            )
    return year, entries


def _collect(year: int | None, entries: list[_Entry]) -> tuple[int, list[CalendarRow]]:
    if not entries:
        raise ScheduleError(
            "empty file: no holidays or workdays listed / 文件为空：未列出任何节假日或调休工作日"
        )
    holidays: dict[date, str] = {}
    makeup: set[date] = set()
    for entry in entries:
        day = _parse_date(entry)
        if entry.kind not in _KINDS:
            raise entry.error(
                f"unknown kind {entry.kind!r} (use holiday or workday)",
                "类型无效，应为 holiday（放假）或 workday（调休上班）",
            )
        year = day.year if year is None else year
        if day.year != year:
            raise entry.error(
                f"{day} is not in {year}; one file holds one year",
                f"{day} 不在 {year} 年内，一个文件只能包含一个年份",
            )
        if day in holidays or day in makeup:
            if (day in holidays) != (entry.kind == "holiday"):
                raise entry.error(
                    f"{day} is listed as both holiday and workday", f"{day} 同时被列为放假和上班"
                )
            raise entry.error(f"{day} is listed twice", f"{day} 重复列出")
        if entry.kind == "holiday":
            holidays[day] = entry.name or DEFAULT_HOLIDAY_NAME
        else:
            makeup.add(day)
    assert year is not None  # entries is not empty
    return year, _full_year(year, holidays, makeup)


def _parse_date(entry: _Entry) -> date:
    raw = entry.raw_date
    if isinstance(raw, str) and _ISO_DATE.fullmatch(raw.strip()):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise entry.error(f"bad date {raw!r}", "日期无效，应为 年-月-日，如 2027-01-01")


def _full_year(year: int, holidays: Mapping[date, str], makeup: set[date]) -> list[CalendarRow]:
    rows = []
    day = date(year, 1, 1)
    while day.year == year:
        if day in holidays:
            rows.append(CalendarRow(day, False, holidays[day]))
        else:
            rows.append(CalendarRow(day, day in makeup or day.weekday() < 5, None))
        day += timedelta(days=1)
    return rows


def _zh_name(name: object) -> str:
    english = str(getattr(name, "value", name))  # a Holiday member or its string value
    return HOLIDAY_NAMES_ZH.get(english, english)
