"""The monthly return's files, built from one set of tables: a spreadsheet (one sheet per table plus the
definitions, written row by row by xlsxwriter in constant-memory mode) and the same tables as UTF-8 CSV
files (with the BOM spreadsheets look for) in a zip. The report page shows the same tables.

Everything comes from the stored snapshot (figures, definitions, version, hash), never from live data.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import xlsxwriter

from domain import indicators as ind
from domain.money import format_yuan
from service.store.statistics import Return
from service.usecases.clock import local_time

# Cell kinds: how a value is stored and shown. "unit" and "change" cells carry (value, unit).
TEXT, COUNT, RATIO, RELATIVE, UNIT, CHANGE = "text", "count", "ratio", "relative", "unit", "change"
NUMERIC = frozenset({COUNT, RATIO, RELATIVE, UNIT, CHANGE})


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: str = TEXT


@dataclass(frozen=True, slots=True)
class Table:
    key: str  # the CSV file's name without .csv
    sheet: str  # at most 31 characters
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    preamble: tuple[tuple[str, str], ...] = field(default=())  # label, value lines above the header
    widths: tuple[int, ...] | None = None  # column widths (characters) chosen to fit a printed A4 page


ACTOR_LABELS = {"system": "定时任务", "cli": "命令行"}


def actor_label(actor: str) -> str:
    if actor.startswith("staff:"):
        return "工作人员（编号 " + actor.split(":", 1)[1] + "）"
    return ACTOR_LABELS.get(actor, actor)


def month_zh(month_key: str) -> str:
    year, month = month_key.split("-")
    return f"{year}年{int(month)}月"


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


# --- the tables --------------------------------------------------------------------------------------


def _share_table(key: str, sheet: str, title: str, first: str, rows: list[dict[str, Any]]) -> Table:
    return Table(
        key,
        sheet,
        title,
        (Column(first), Column("件数", COUNT), Column("占比", RATIO)),
        [(r["label"], r["count"], r["share"]) for r in rows],
    )


def tables(ret: Return, definitions: Sequence[ind.Definition]) -> list[Table]:
    f = ret.figures
    month = month_zh(f["month"])
    heading = f"拱墅区质量争议处理月度统计（{month}）"
    defs = {d.code: d for d in definitions}
    summary = f["summary"]
    comparisons = f["comparisons"]
    mom, yoy = comparisons.get("mom"), comparisons.get("yoy")

    def base_note(name: str, c: dict[str, Any] | None) -> str:
        if c is None:
            return f"{name}：没有可比较的已报送报表"
        return f"{name}：{month_zh(c['month'])}报表第{c['version']}版"

    summary_rows = []
    for d in definitions:
        if d.kind != "summary":
            continue
        m = (mom or {}).get("deltas", {}).get(d.code) if mom else None
        y = (yoy or {}).get("deltas", {}).get(d.code) if yoy else None
        value = summary.get(d.code)
        status = _status(d, summary)
        summary_rows.append(
            (
                d.name_zh,
                d.unit,
                (value, d.unit),
                (d.target, d.unit) if d.target is not None else (None, d.unit),
                status,
                (m["base"] if m else None, d.unit),
                (m["change"] if m else None, d.unit),
                m["relative"] if m else None,
                (y["base"] if y else None, d.unit),
                (y["change"] if y else None, d.unit),
                y["relative"] if y else None,
            )
        )
    out = [
        Table(
            "01_总览",
            "总览",
            f"{heading} · 总览",
            (
                Column("指标"),
                Column("单位"),
                Column("本月", UNIT),
                Column("目标", UNIT),
                Column("对照目标"),
                Column("上月", UNIT),
                Column("环比增减", CHANGE),
                Column("环比增幅", RELATIVE),
                Column("上年同月", UNIT),
                Column("同比增减", CHANGE),
                Column("同比增幅", RELATIVE),
            ),
            summary_rows,
            (
                ("统计期间", f"{f['period']['from']} 至 {f['period']['to']}（北京时间）"),
                ("环比基数", base_note("上月", mom)),
                ("同比基数", base_note("上年同月", yoy)),
            ),
        ),
        Table(
            "02_分类",
            "分类",
            f"{heading} · 商品和服务类别（前{ind.TOP_CATEGORIES}位）",
            (
                Column("排名", COUNT),
                Column("类别"),
                Column("商品/服务"),
                Column("件数", COUNT),
                Column("占比", RATIO),
            ),
            [
                (r["rank"], r["label"], r.get("kind", ""), r["count"], r["share"])
                for r in f["breakdowns"]["category"]
            ],
        ),
        _share_table(
            "03_问题类型", "问题类型", f"{heading} · 问题类型", "问题类型", f["breakdowns"]["problem_type"]
        ),
        _share_table(
            "04_质量领域", "质量领域", f"{heading} · 质量领域", "质量领域", f["breakdowns"]["quality_domain"]
        ),
        _share_table("05_街道", "街道", f"{heading} · 街道", "街道", f["breakdowns"]["subdistrict"]),
    ]
    groups = [
        ("投诉渠道", f["breakdowns"]["channel"]),
        ("处理方式（本月登记的投诉）", f["breakdowns"]["route"]),
        ("办结结果（本月办结的案件）", f["outcomes"]),
        ("不予受理情形", f["rejections_by_ground"]),
        ("仲裁裁决", f["arbitration_awards"]),
    ]
    out.append(
        Table(
            "06_处理方式",
            "处理方式",
            f"{heading} · 处理方式和办结结果",
            (Column("分组"), Column("项目"), Column("件数", COUNT), Column("占比", RATIO)),
            [(group, r["label"], r["count"], r["share"]) for group, rows in groups for r in rows],
        )
    )
    sat = [
        "satisfaction_sent", "satisfaction_responded", "satisfaction_response_rate", "satisfaction_unscored",
        "satisfaction_answered",  # v1 returns: answers by the month answered
        "satisfaction_n", "satisfaction_mean", "satisfaction_ci_low", "satisfaction_ci_high",
    ]  # fmt: skip
    target = defs["satisfaction_mean"].target if "satisfaction_mean" in defs else None
    sat_rows: list[tuple[Any, ...]] = [
        (defs[c].name_zh, (summary.get(c), defs[c].unit), defs[c].unit, defs[c].formula)
        for c in sat
        if c in defs
    ]
    sat_rows.append(
        (
            "目标值",
            (target, ind.Unit.SCORE),
            ind.Unit.SCORE,
            "拱墅区质量强区工作目标：服务质量满意度不低于90分。",
        )
    )
    status = ind.target_status(
        summary.get("satisfaction_mean"),
        summary.get("satisfaction_ci_low"),
        summary.get("satisfaction_ci_high"),
        target,
    )
    sat_rows.append(("对照目标", (None, ""), "", ind.TARGET_STATUS[status]))
    out.append(
        Table(
            "07_满意度",
            "满意度",
            f"{heading} · 满意度",
            (Column("项目"), Column("数值", UNIT), Column("单位"), Column("说明")),
            sat_rows,
        )
    )
    out.append(
        Table(
            "08_经营者",
            "经营者",
            f"{heading} · 被投诉较多的经营者（前{ind.TOP_MERCHANTS}位）",
            (
                Column("排名", COUNT),
                Column("经营者名称"),
                Column("统一社会信用代码"),
                Column("投诉件数", COUNT),
                Column("先行赔付应答复数", COUNT),
                Column("按时答复数", COUNT),
                Column("按时答复率", RATIO),
            ),
            [
                (
                    r["rank"],
                    r["name"],
                    r["uscc"] or "",
                    r["complaints"],
                    r["replies_due"],
                    r["replies_on_time"],
                    r["on_time_reply_rate"],
                )
                for r in f["merchants"]
            ],
        )
    )
    preamble = [
        ("报表", heading),
        ("统计期间", f"{f['period']['from']} 至 {f['period']['to']}（北京时间，按自然月）"),
        ("版本", f"第{ret.version}版" + (f"（更正第{ret.restatement_of}版）" if ret.restatement_of else "")),
        ("内容哈希（SHA-256）", ret.content_hash),
        ("指标口径版本", ret.definitions),
        ("生成时间", datetime_zh(ret.created_at) + "（北京时间）"),
        ("生成方式", actor_label(ret.created_by)),
    ]
    if ret.reason:
        preamble.append(("更正原因", ret.reason))
    for change in ret.changes or []:
        preamble.append(("更正内容", f"{change['label']}：{_plain(change['old'])} → {_plain(change['new'])}"))
    preamble.append(
        ("说明", "本报表不含任何个人信息；金额以元或万元计，比率以百分比计；“—”表示分母为0或无数据。")
    )
    # Chinese first: what a reader of the printed page needs, left to right; the code and the English
    # name last, for people who join the CSV files. Widths sum to what an A4 landscape page holds.
    out.append(
        Table(
            "09_数据说明",
            "数据说明",
            f"{heading} · 数据说明",
            (
                Column("指标"),
                Column("口径"),
                Column("分子"),
                Column("分母"),
                Column("单位"),
                Column("统计期间"),
                Column("目标", COUNT),
                Column("代码"),
                Column("英文名称"),
            ),
            [
                (
                    d.name_zh,
                    d.formula,
                    _term(d.numerator, defs),
                    _term(d.denominator, defs),
                    d.unit,
                    d.period,
                    d.target,
                    d.code,
                    d.name_en,
                )
                for d in definitions
            ],
            tuple(preamble),
            widths=DEFINITIONS_WIDTHS,
        )
    )
    return out


def _status(d: ind.Definition, summary: dict[str, Any]) -> str:
    """How a figure with a target stands against it (satisfaction: judged by its confidence interval)."""
    if d.target is None:
        return ""
    value = summary.get(d.code)
    if d.code == "satisfaction_mean":
        low, high = summary.get("satisfaction_ci_low"), summary.get("satisfaction_ci_high")
    else:
        low = high = value
    return ind.TARGET_STATUS[ind.target_status(value, low, high, d.target)]


def _term(expression: str | None, defs: dict[str, ind.Definition]) -> str:
    """A numerator or denominator with its codes named: "mediation_settled + …" → "调解成功件数 + …"."""
    if not expression:
        return ""
    return " ".join(defs[w].name_zh if w in defs else w for w in expression.split(" "))


def _plain(value: Any) -> str:
    if value is None:
        return "无"
    if isinstance(value, dict):
        return "、".join(f"{k}={_plain(v)}" for k, v in value.items() if k not in ("code", "rank"))
    return str(value)


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


# A4 landscape less 1.5 cm margins is 26.6 cm: about 135 character widths of the default font at 100%
# (a width w is 7w + 5 px at 96 dpi). The definitions sheet keeps within it, so its print preview is one
# page wide without shrinking the text; the other sheets are fitted to the page width.
A4_LANDSCAPE_WIDTH = 135
DEFINITIONS_WIDTHS = (16, 42, 14, 14, 5, 16, 6, 10, 11)


def datetime_zh(moment: Any) -> str:
    """A moment as people in Shanghai write it: 2026年12月2日 03:18 (Beijing time)."""
    t = local_time(moment)
    return f"{t.year}年{t.month}月{t.day}日 {t.hour:02d}:{t.minute:02d}"


def _width(text: str) -> int:
    """Display width: a CJK character is two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _widths(table: Table) -> list[int]:
    if table.widths is not None:
        return list(table.widths)
    widths: list[int] = []
    for i, col in enumerate(table.columns):
        longest = max([_width(col.header)] + [_width(cell_text(r[i], col.kind)) for r in table.rows])
        cap = 60 if col.kind == TEXT else 18
        widths.append(min(max(longest + 2, 8), cap))
    return widths


def write_xlsx(sheets: Sequence[Table], target: str | Path | IO[bytes]) -> None:
    """One sheet per table: a title, the preamble, a frozen header row, then the rows as numbers with
    number formats (percentages, money) — never as text. Written row by row in constant memory."""
    wb = xlsxwriter.Workbook(
        target if isinstance(target, str) else target if not isinstance(target, Path) else str(target),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    try:
        title_fmt = wb.add_format({"bold": True, "font_size": 14})
        label_fmt = wb.add_format({"bold": True, "font_color": "#4a4a4a"})
        header_fmt = wb.add_format(
            {"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "vcenter"}
        )
        wrap_fmt = wb.add_format({"text_wrap": True, "valign": "top"})
        text_fmt = wb.add_format({"valign": "top"})
        preamble_fmt = wb.add_format({"text_wrap": True, "valign": "top"})
        number_fmts = {
            key: wb.add_format({"num_format": fmt, "valign": "top"}) for key, fmt in FORMATS.items()
        }
        wb.set_properties(
            {"title": sheets[0].title if sheets else "", "company": "杭州市拱墅区市场监督管理局"}
        )
        for table in sheets:
            ws = wb.add_worksheet(table.sheet[:31])
            widths = _widths(table)
            # a text column narrower than its longest cell wraps (the cell's own format must say so:
            # a column format does not reach cells written with a format of their own)
            wraps = [
                col.kind == TEXT and any(_width(cell_text(r[i], col.kind)) > w for r in table.rows)
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
            ws.write_string(0, 0, table.title, title_fmt)
            for j, (label, value) in enumerate(table.preamble, start=1):
                ws.write_string(j, 0, label, label_fmt)
                # wrapped in its column when that column is sized for print (a long hash, a restatement)
                ws.write_string(j, 1, value, preamble_fmt if table.widths is not None else None)
            for i, col in enumerate(table.columns):
                ws.write_string(header_row, i, col.header, header_fmt)
            for r, row in enumerate(table.rows, start=header_row + 1):
                for i, col in enumerate(table.columns):
                    _write_cell(ws, r, i, row[i], col.kind, number_fmts, wrap_fmt if wraps[i] else text_fmt)
    finally:
        wb.close()


def _write_cell(ws: Any, r: int, c: int, value: Any, kind: str, fmts: dict[str, Any], text_fmt: Any) -> None:
    if kind in (UNIT, CHANGE):
        raw, unit = value
        if raw is None or unit not in fmts:
            ws.write_blank(r, c, None, text_fmt)
            return
        key = unit if kind == UNIT else "change:" + unit
        ws.write_number(r, c, _number(raw, unit), fmts.get(key, fmts[unit]))
    elif kind in NUMERIC:
        if value is None:
            ws.write_blank(r, c, None, text_fmt)
        else:
            ws.write_number(r, c, value, fmts[kind])
    elif isinstance(value, int | float) and not isinstance(value, bool):
        ws.write_number(r, c, value, text_fmt)
    elif value is None or value == "":
        ws.write_blank(r, c, None, text_fmt)
    else:
        ws.write_string(r, c, str(value), text_fmt)


def _csv_safe(text: str) -> str:
    """A text cell a spreadsheet would read as a formula is quoted (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_bytes(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if table.preamble:
        for label, value in table.preamble:
            writer.writerow([label, _csv_safe(value)])
        writer.writerow([])
    writer.writerow([c.header for c in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                _csv_safe(cell_text(v, c.kind, precise=True))
                if c.kind == TEXT
                else cell_text(v, c.kind, precise=True)
                for v, c in zip(row, table.columns, strict=True)
            ]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_csv_zip(sheets: Sequence[Table], target: str | Path | IO[bytes]) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for table in sheets:
            zf.writestr(f"{table.key}.csv", csv_bytes(table))


def xlsx_bytes(sheets: Sequence[Table]) -> bytes:
    buf = io.BytesIO()
    write_xlsx(sheets, buf)
    return buf.getvalue()


def csv_zip_bytes(sheets: Sequence[Table]) -> bytes:
    buf = io.BytesIO()
    write_csv_zip(sheets, buf)
    return buf.getvalue()


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
