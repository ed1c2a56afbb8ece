"""The annual report as a Word document (python-docx) and its charts as PNG (matplotlib, Agg, in memory).

The report arrives as a list of blocks (headings, paragraphs, tables, charts) that the printable page
renders too. Text inside the images stays ASCII (month numbers, row numbers, figures): no CJK font is
guaranteed on the machine, so the Chinese titles are the captions beside them. Styles carry 宋体 / 黑体 as
their East Asian font so that Word and WPS show the Chinese properly; the page is A4. The same blocks
give the same bytes: the zip's timestamps are fixed and the document's dates come from the data.
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar, Literal

BODY_FONT = "宋体"  # the East Asian fonts of the styles
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    block: ClassVar[str] = "heading"  # what the printable page switches on
    level: int  # 1 or 2


@dataclass(frozen=True, slots=True)
class Para:
    text: str
    block: ClassVar[str] = "para"  # what the printable page switches on
    note: bool = False  # a smaller explanatory paragraph


@dataclass(frozen=True, slots=True)
class Table:
    caption: str
    block: ClassVar[str] = "table"  # what the printable page switches on
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # right-aligned columns


@dataclass(frozen=True, slots=True)
class Series:
    name: str  # ASCII: the legend inside the image
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    key: str
    block: ClassVar[str] = "chart"  # what the printable page switches on
    caption: str  # Chinese, beside the image
    kind: Literal["line", "bar", "hbar"]
    labels: tuple[str, ...]  # ASCII
    series: tuple[Series, ...]
    y_label: str = ""  # ASCII
    y_max: float | None = None
    target: float | None = None  # a dashed reference line
    whiskers: tuple[tuple[float, float] | None, ...] = ()  # an interval around the first series


Block = Heading | Para | Table | Chart


@dataclass(frozen=True, slots=True)
class ReportDocument:
    title: str
    subtitle: str
    blocks: tuple[Block, ...]
    made_at: datetime | None = None  # the newest source's time: the document's date
    author: str = "拱墅区市场监督管理局"
    charts: tuple[Chart, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "charts", tuple(b for b in self.blocks if isinstance(b, Chart)))


# --- charts -----------------------------------------------------------------------------------------------

COLOURS = ("#1a56a0", "#c0392b", "#2e7d32")
MARKERS = ("o", "s", "^")


def chart_png(chart: Chart) -> bytes:
    """One chart as PNG bytes, drawn on a Figure of its own (no pyplot state shared between requests)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 3.0 if chart.kind != "hbar" else 0.6 + 0.28 * len(chart.labels)), dpi=150)
    ax = fig.add_subplot()
    positions = list(range(len(chart.labels)))
    if chart.kind == "line":
        _lines(ax, chart, positions)
    elif chart.kind == "bar":
        width = 0.8 / max(len(chart.series), 1)
        for i, s in enumerate(chart.series):
            xs = [p - 0.4 + width * (i + 0.5) for p in positions]
            ax.bar(xs, [v or 0 for v in s.values], width, label=s.name, color=COLOURS[i % 3])
    else:
        height = 0.8 / max(len(chart.series), 1)
        for i, s in enumerate(chart.series):
            ys = [p - 0.4 + height * (i + 0.5) for p in positions]
            ax.barh(ys, [v or 0 for v in s.values], height, label=s.name, color=COLOURS[i % 3])
        ax.invert_yaxis()
    axis = ax.set_yticks if chart.kind == "hbar" else ax.set_xticks
    axis(positions, list(chart.labels))
    if chart.y_max is not None:
        ax.set_ylim(0, chart.y_max)
    if chart.target is not None:
        ax.axhline(
            chart.target, color="#555555", linestyle="--", linewidth=1, label=f"target {chart.target:g}"
        )
    if chart.y_label:
        (ax.set_xlabel if chart.kind == "hbar" else ax.set_ylabel)(chart.y_label)
    ax.grid(axis="x" if chart.kind == "hbar" else "y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    if len(chart.series) > 1 or chart.target is not None:
        ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _lines(ax: object, chart: Chart, positions: list[int]) -> None:
    for i, s in enumerate(chart.series):
        points = [(p, v) for p, v in zip(positions, s.values, strict=True) if v is not None]
        xs, ys = [p for p, _ in points], [v for _, v in points]
        ax.plot(xs, ys, marker=MARKERS[i % 3], color=COLOURS[i % 3], label=s.name, linewidth=1.6)  # type: ignore[attr-defined]
    if chart.whiskers and chart.series:
        spans = [(p, w) for p, w in zip(positions, chart.whiskers, strict=True) if w is not None]
        for p, (low, high) in spans:
            ax.vlines(p, low, high, color=COLOURS[0], alpha=0.45, linewidth=4)  # type: ignore[attr-defined]


# --- the Word document ------------------------------------------------------------------------------------


def docx_bytes(doc: ReportDocument, images: Mapping[str, bytes]) -> bytes:
    """The document as .docx bytes; `images`: each chart's PNG by key (chart_png)."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    d = Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(25)
    _set_fonts(d)
    d.add_heading(doc.title, level=0)
    sub = d.add_paragraph(doc.subtitle)
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in doc.blocks:
        if isinstance(block, Heading):
            d.add_heading(block.text, level=block.level)
        elif isinstance(block, Para):
            p = d.add_paragraph(block.text)
            if block.note:
                for run in p.runs:
                    run.font.size = Pt(9)
        elif isinstance(block, Table):
            d.add_paragraph(block.caption, style="Caption")
            _table(d, block, WD_TABLE_ALIGNMENT.CENTER, WD_ALIGN_PARAGRAPH.RIGHT)
        else:
            d.add_picture(io.BytesIO(images[block.key]), width=Mm(155))
            d.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            d.add_paragraph(block.caption, style="Caption").alignment = WD_ALIGN_PARAGRAPH.CENTER
    props = d.core_properties
    props.title, props.author, props.last_modified_by = doc.title, doc.author, doc.author
    props.created = props.modified = (doc.made_at or EPOCH).astimezone(UTC).replace(tzinfo=None)
    props.revision = 1
    out = io.BytesIO()
    d.save(out)
    return _stable_zip(out.getvalue())


NARROW_COLUMNS = ("序号", "单位")
TABLE_WIDTH_MM = 160


def column_widths(block: Table) -> list[float]:
    """Millimetres per column: narrow for numbers and units, wide for names (Word and LibreOffice would
    otherwise split the columns evenly and wrap the indicator names)."""
    weights = [
        1.0 if head in NARROW_COLUMNS else 2.0 if numeric else 3.5
        for head, numeric in zip(block.header, block.numeric, strict=True)
    ]
    return [TABLE_WIDTH_MM * w / sum(weights) for w in weights]


def _table(d: object, block: Table, centre: object, right: object) -> None:
    from docx.shared import Mm

    table = d.add_table(rows=1, cols=len(block.header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = centre
    table.autofit = False
    widths = [Mm(w) for w in column_widths(block)]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, text, width in zip(table.rows[0].cells, block.header, widths, strict=True):
        cell.text = ""
        cell.width = width
        cell.paragraphs[0].add_run(text).bold = True
    for row in block.rows:
        cells = table.add_row().cells
        for cell, text, numeric, width in zip(cells, row, block.numeric, widths, strict=True):
            cell.text = text
            cell.width = width
            if numeric:
                cell.paragraphs[0].alignment = right


def _set_fonts(d: object) -> None:
    """宋体 for the body, 黑体 for headings, as East Asian fonts (the theme's fonts removed, since they
    would win over them), and Chinese as the East Asian language."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = d.styles  # type: ignore[attr-defined]
    names = ["Normal", "Title", "Caption", "Heading 1", "Heading 2", "Heading 3"]
    for name in names:
        style = styles[name]
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        east = BODY_FONT if name in ("Normal", "Caption") else HEADING_FONT
        fonts.set(qn("w:ascii"), LATIN_FONT)
        fonts.set(qn("w:hAnsi"), LATIN_FONT)
        fonts.set(qn("w:eastAsia"), east)
        if name == "Normal":
            lang = rpr.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                rpr.append(lang)
            lang.set(qn("w:eastAsia"), "zh-CN")


def _stable_zip(data: bytes) -> bytes:
    """The same package with fixed member times, so the same report gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def chart_images(charts: Sequence[Chart]) -> dict[str, bytes]:
    return {c.key: chart_png(c) for c in charts}


@dataclass(frozen=True, slots=True)
class Rendered:
    """A document with its charts drawn: the printable page embeds them, the .docx holds them."""

    doc: ReportDocument
    images: dict[str, bytes]

    @classmethod
    def of(cls, doc: ReportDocument) -> Rendered:
        return cls(doc, chart_images(doc.charts))

    def data_urls(self) -> dict[str, str]:
        return {k: "data:image/png;base64," + base64.b64encode(v).decode() for k, v in self.images.items()}

    def docx(self) -> bytes:
        return docx_bytes(self.doc, self.images)
