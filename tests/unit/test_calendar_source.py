from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from service.store.calendar_source import (
    CalendarRow,
    ScheduleError,
    chinesecalendar_rows,
    chinesecalendar_years,
    parse_schedule_file,
)

D = date.fromisoformat


def test_chinesecalendar_years() -> None:
    years = chinesecalendar_years()
    assert {2025, 2026} <= set(years)
    assert years == sorted(years)


def test_chinesecalendar_rows_2026() -> None:
    rows = {row.day: row for row in chinesecalendar_rows(2026)}
    assert len(rows) == 365
    assert rows[D("2026-10-01")] == CalendarRow(D("2026-10-01"), False, "国庆节")
    assert rows[D("2026-02-14")] == CalendarRow(D("2026-02-14"), True, None)  # make-up Saturday
    assert rows[D("2026-03-07")] == CalendarRow(D("2026-03-07"), False, None)  # ordinary Saturday
    assert rows[D("2026-03-09")] == CalendarRow(D("2026-03-09"), True, None)
    makeup = sorted(day for day, row in rows.items() if row.is_workday and day.weekday() >= 5)
    assert makeup == [
        D(d) for d in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10")
    ]
    names = {row.holiday_name for row in rows.values() if row.holiday_name}
    assert names == {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}


def test_chinesecalendar_rows_unknown_year() -> None:
    with pytest.raises(ValueError):
        chinesecalendar_rows(max(chinesecalendar_years()) + 1)


def _by_day(rows: list[CalendarRow]) -> dict[date, CalendarRow]:
    return {row.day: row for row in rows}


def _check_2027(year: int, rows: list[CalendarRow]) -> None:
    assert year == 2027
    assert len(rows) == 365
    by_day = _by_day(rows)
    assert by_day[D("2027-01-01")] == CalendarRow(D("2027-01-01"), False, "元旦")
    assert by_day[D("2027-02-07")] == CalendarRow(D("2027-02-07"), True, None)  # make-up Sunday
    assert by_day[D("2027-01-04")] == CalendarRow(D("2027-01-04"), True, None)  # unlisted Monday
    assert by_day[D("2027-01-09")] == CalendarRow(D("2027-01-09"), False, None)  # unlisted Saturday


def test_parse_csv(tmp_path: Path) -> None:
    path = tmp_path / "2027.csv"
    path.write_text(
        "\ufeffdate,kind,name\n2027-01-01,holiday,元旦\n\n2027-02-07,workday,\n2027-02-10,Holiday,\n",
        encoding="utf-8",
    )
    year, rows = parse_schedule_file(path)
    _check_2027(year, rows)
    assert _by_day(rows)[D("2027-02-10")].holiday_name == "节假日"  # name left out


def test_parse_csv_without_name_column(tmp_path: Path) -> None:
    path = tmp_path / "2027.CSV"
    path.write_text("kind,date\nholiday,2027-01-01\n", encoding="utf-8")
    year, rows = parse_schedule_file(path)
    assert year == 2027
    assert _by_day(rows)[D("2027-01-01")].holiday_name == "节假日"


def test_parse_json(tmp_path: Path) -> None:
    path = tmp_path / "2027.json"
    doc = {"year": 2027, "holidays": [{"date": "2027-01-01", "name": "元旦"}], "workdays": ["2027-02-07"]}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    year, rows = parse_schedule_file(path)
    _check_2027(year, rows)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,\n", "line 3: bad date '2027-13-01'"),
        ("date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,\n", "第3行：日期无效"),
        ("date,kind\n27-1-1,holiday\n", "line 2: bad date '27-1-1'"),
        ("date,kind\n20270101,holiday\n", "line 2: bad date '20270101'"),
        ("date,kind\n2027-01-01,holiday\n2028-01-01,holiday\n", "line 3: 2028-01-01 is not in 2027"),
        ("date,kind\n2027-01-01,holiday\n2027-01-01,workday\n", "line 3: 2027-01-01 is listed as both"),
        ("date,kind\n2027-01-01,holiday\n2027-01-01,holiday\n", "line 3: 2027-01-01 is listed twice"),
        ("date,kind\n2027-01-01,vacation\n", "line 2: unknown kind 'vacation'"),
        ("date,kind\n2027-01-01,\n", "line 2: unknown kind ''"),
        ("", "empty file"),
        ("date,kind,name\n", "empty file"),
        ("day,type\n2027-01-01,holiday\n", "line 1: the header must be date,kind,name"),
    ],
)
def test_csv_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "schedule.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScheduleError, match=message) as caught:
        parse_schedule_file(path)
    assert " / " in str(caught.value)  # English, then Chinese


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"year": 2027, "holidays": [{"date": "2027-02-30"}]}, r"holidays\[0\]: bad date '2027-02-30'"),
        ({"year": 2027, "workdays": ["2027-02-07", 20270208]}, r"workdays\[1\]: bad date 20270208"),
        ({"year": 2027, "holidays": [{"date": "2028-01-01"}]}, r"holidays\[0\]: 2028-01-01 is not in 2027"),
        ({"holidays": ["2027-01-01", "2028-01-01"]}, r"holidays\[1\]: 2028-01-01 is not in 2027"),
        (
            {"year": 2027, "holidays": ["2027-02-07"], "workdays": ["2027-02-07"]},
            r"workdays\[0\]: 2027-02-07 is listed as both",
        ),
        ({"year": 2027, "holidays": [], "workdays": []}, "empty file"),
        ({"year": 2027}, "empty file"),
        ({"year": "2027", "holidays": ["2027-01-01"]}, "year: not a year"),
        ({"year": 2027, "holidays": "2027-01-01"}, "holidays: must be a list"),
        ([], "one JSON object"),
    ],
)
def test_json_errors(tmp_path: Path, doc: object, message: str) -> None:
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ScheduleError, match=message):
        parse_schedule_file(path)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("schedule.json", "", "empty file"),
        ("schedule.json", '{"year": 2027,', "invalid JSON"),
        ("schedule.xlsx", "whatever", "use a .csv or .json file"),
    ],
)
def test_file_errors(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScheduleError, match=message):
        parse_schedule_file(path)
