"""The monthly return as tables: one function per sheet of the spreadsheet (and CSV file, and table of the
report page), built from the stored snapshot (figures, definitions, version, hash), never from live data.
Names, units, formulas and targets come from the return's definitions; nothing here retypes them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain import indicators as ind
from service.store.statistics import Return
from service.usecases.clock import local_time

# Cell kinds: how a value is stored and shown. "unit" and "change" cells carry (value, unit).
TEXT, COUNT, RATIO, RELATIVE, UNIT, CHANGE = "text", "count", "ratio", "relative", "unit", "change"
NUMERIC = frozenset({COUNT, RATIO, RELATIVE, UNIT, CHANGE})
# The definitions sheet's column widths (characters), within an A4 landscape page (see exports).
DEFINITIONS_WIDTHS = (16, 42, 14, 14, 5, 16, 6, 10, 11)
NOTE = "本报表不含任何个人信息；金额以元或万元计，比率以百分比计；“—”表示分母为0或无数据。"
ACTOR_LABELS = {"system": "定时任务", "cli": "命令行"}
SATISFACTION_CODES = (
    "satisfaction_sent", "satisfaction_responded", "satisfaction_response_rate", "satisfaction_unscored",
    "satisfaction_answered",  # v1 returns: answers by the month answered
    "satisfaction_n", "satisfaction_mean", "satisfaction_ci_low", "satisfaction_ci_high",
)  # fmt: skip


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


def actor_label(actor: str) -> str:
    if actor.startswith("staff:"):
        return "工作人员（编号 " + actor.split(":", 1)[1] + "）"
    return ACTOR_LABELS.get(actor, actor)


def month_zh(month_key: str) -> str:
    year, month = month_key.split("-")
    return f"{year}年{int(month)}月"


def datetime_zh(moment: Any) -> str:
    """A moment as people in Shanghai write it: 2026年12月2日 03:18 (Beijing time)."""
    t = local_time(moment)
    return f"{t.year}年{t.month}月{t.day}日 {t.hour:02d}:{t.minute:02d}"


@dataclass(frozen=True, slots=True)
class _Sheet:
    """What every sheet reads: the return, its definitions by code and the heading of its titles."""

    ret: Return
    definitions: Sequence[ind.Definition]
    defs: dict[str, ind.Definition]
    heading: str

    @property
    def f(self) -> dict[str, Any]:
        return self.ret.figures


def tables(ret: Return, definitions: Sequence[ind.Definition]) -> list[Table]:
    """Every sheet of a return, in order."""
    heading = f"拱墅区质量争议处理月度统计（{month_zh(ret.figures['month'])}）"
    sheet = _Sheet(ret, definitions, {d.code: d for d in definitions}, heading)
    built = [build(sheet) for build in SHEETS]
    if "product_signals" in ret.figures:  # only months with signals carry them (see return_figures)
        built[-1:-1] = product_signal_tables(sheet.heading, ret.figures["product_signals"])
    return built


# --- 10, 11 product risk signals (policy art. 19) ---------------------------------------------------------

SIGNAL_DECISIONS = {"spot_check": "移送监督抽查", "recall_notice": "通报缺陷产品召回管理机构"}


def product_signal_tables(heading: str, signals: dict[str, Any]) -> list[Table]:
    """The signals by category (raised in the month, and decided in it by action), and the products the
    bureau referred or notified in the month. No case, merchant or consumer is named."""
    by_category = Table(
        "10_产品风险",
        "产品风险",
        f"{heading} · 产品风险信号（按类别）",
        (
            Column("类别"),
            Column("本月提示", COUNT),
            Column("移送监督抽查", COUNT),
            Column("通报召回机构", COUNT),
            Column("不予处置", COUNT),
        ),
        [
            (r["label"], r["raised"], r["spot_check"], r["recall_notice"], r["dismissed"])
            for r in signals["by_category"]
        ],
    )
    named = Table(
        "11_产品风险_处置产品",
        "产品风险_处置产品",
        f"{heading} · 本月移送抽查或通报召回的产品",
        (Column("类别"), Column("品牌"), Column("型号"), Column("处置"), Column("投诉件数", COUNT)),
        [
            (
                p["category"],
                p["brand"],
                p["model"],
                SIGNAL_DECISIONS.get(p["decision"], p["decision"]),
                p["complaints"],
            )
            for p in signals["named"]
        ],
    )
    return [by_category, named]


# --- 01 overview ----------------------------------------------------------------------------------------


def _overview(s: _Sheet) -> Table:
    f = s.f
    mom, yoy = f["comparisons"].get("mom"), f["comparisons"].get("yoy")
    rows = [_overview_row(d, f["summary"], mom, yoy) for d in s.definitions if d.kind == "summary"]
    columns = (
        Column("指标"), Column("单位"), Column("本月", UNIT), Column("目标", UNIT), Column("对照目标"),
        Column("上月", UNIT), Column("环比增减", CHANGE), Column("环比增幅", RELATIVE),
        Column("上年同月", UNIT), Column("同比增减", CHANGE), Column("同比增幅", RELATIVE),
    )  # fmt: skip
    preamble = (
        ("统计期间", f"{f['period']['from']} 至 {f['period']['to']}（北京时间）"),
        ("环比基数", _base_note("上月", mom)),
        ("同比基数", _base_note("上年同月", yoy)),
    )
    return Table("01_总览", "总览", f"{s.heading} · 总览", columns, rows, preamble)


def _overview_row(
    d: ind.Definition, summary: dict[str, Any], mom: dict[str, Any] | None, yoy: dict[str, Any] | None
) -> tuple[Any, ...]:
    m = (mom or {}).get("deltas", {}).get(d.code) if mom else None
    y = (yoy or {}).get("deltas", {}).get(d.code) if yoy else None
    return (
        d.name_zh,
        d.unit,
        (summary.get(d.code), d.unit),
        (d.target, d.unit) if d.target is not None else (None, d.unit),
        _status(d, summary),
        (m["base"] if m else None, d.unit),
        (m["change"] if m else None, d.unit),
        m["relative"] if m else None,
        (y["base"] if y else None, d.unit),
        (y["change"] if y else None, d.unit),
        y["relative"] if y else None,
    )


def _base_note(name: str, c: dict[str, Any] | None) -> str:
    if c is None:
        return f"{name}：没有可比较的已报送报表"
    return f"{name}：{month_zh(c['month'])}报表第{c['version']}版"


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


# --- 02–06 breakdowns -------------------------------------------------------------------------------------


def _categories(s: _Sheet) -> Table:
    columns = (
        Column("排名", COUNT), Column("类别"), Column("商品/服务"),
        Column("件数", COUNT), Column("占比", RATIO),
    )  # fmt: skip
    rows = [
        (r["rank"], r["label"], r.get("kind", ""), r["count"], r["share"])
        for r in s.f["breakdowns"]["category"]
    ]
    return Table(
        "02_分类", "分类", f"{s.heading} · 商品和服务类别（前{ind.TOP_CATEGORIES}位）", columns, rows
    )


def _share_sheet(key: str, name: str) -> Callable[[_Sheet], Table]:
    """A breakdown with each row's count and share: problem type, quality domain, sub-district."""

    def build(s: _Sheet) -> Table:
        columns = (Column(name), Column("件数", COUNT), Column("占比", RATIO))
        rows = [(r["label"], r["count"], r["share"]) for r in s.f["breakdowns"][key]]
        return Table(f"{SHARE_SHEETS[key]}_{name}", name, f"{s.heading} · {name}", columns, rows)

    return build


SHARE_SHEETS = {"problem_type": "03", "quality_domain": "04", "subdistrict": "05"}


def _handling(s: _Sheet) -> Table:
    f = s.f
    groups = [
        ("投诉渠道", f["breakdowns"]["channel"]),
        ("处理方式（本月登记的投诉）", f["breakdowns"]["route"]),
        ("办结结果（本月办结的案件）", f["outcomes"]),
        ("不予受理情形", f["rejections_by_ground"]),
        ("仲裁裁决", f["arbitration_awards"]),
    ]
    return Table(
        "06_处理方式",
        "处理方式",
        f"{s.heading} · 处理方式和办结结果",
        (Column("分组"), Column("项目"), Column("件数", COUNT), Column("占比", RATIO)),
        [(group, r["label"], r["count"], r["share"]) for group, rows in groups for r in rows],
    )


# --- 07 satisfaction, 08 merchants ------------------------------------------------------------------------


def _satisfaction(s: _Sheet) -> Table:
    summary, defs = s.f["summary"], s.defs
    mean = defs.get("satisfaction_mean")
    target = mean.target if mean is not None else None
    rows: list[tuple[Any, ...]] = [
        (defs[c].name_zh, (summary.get(c), defs[c].unit), defs[c].unit, defs[c].formula)
        for c in SATISFACTION_CODES
        if c in defs
    ]
    goal = (
        f"拱墅区质量强区工作目标：{mean.name_zh}不低于{target:g}分。" if mean and target is not None else ""
    )
    rows.append(("目标值", (target, ind.Unit.SCORE), ind.Unit.SCORE, goal))
    status = ind.target_status(
        summary.get("satisfaction_mean"),
        summary.get("satisfaction_ci_low"),
        summary.get("satisfaction_ci_high"),
        target,
    )
    rows.append(("对照目标", (None, ""), "", ind.TARGET_STATUS[status]))
    return Table(
        "07_满意度",
        "满意度",
        f"{s.heading} · 满意度",
        (Column("项目"), Column("数值", UNIT), Column("单位"), Column("说明")),
        rows,
    )


def _merchants(s: _Sheet) -> Table:
    columns = (
        Column("排名", COUNT), Column("经营者名称"), Column("统一社会信用代码"), Column("投诉件数", COUNT),
        Column("先行赔付应答复数", COUNT), Column("按时答复数", COUNT), Column("按时答复率", RATIO),
    )  # fmt: skip
    rows = [
        (
            r["rank"],
            r["name"],
            r["uscc"] or "",
            r["complaints"],
            r["replies_due"],
            r["replies_on_time"],
            r["on_time_reply_rate"],
        )
        for r in s.f["merchants"]
    ]
    return Table(
        "08_经营者", "经营者", f"{s.heading} · 被投诉较多的经营者（前{ind.TOP_MERCHANTS}位）", columns, rows
    )


# --- 09 definitions -----------------------------------------------------------------------------------------


def _definitions(s: _Sheet) -> Table:
    # Chinese first: what a reader of the printed page needs, left to right; the code and the English
    # name last, for people who join the CSV files. Widths sum to what an A4 landscape page holds.
    columns = (
        Column("指标"), Column("口径"), Column("分子"), Column("分母"), Column("单位"), Column("统计期间"),
        Column("目标", COUNT), Column("代码"), Column("英文名称"),
    )  # fmt: skip
    rows = [
        (
            d.name_zh,
            d.formula,
            _term(d.numerator, s.defs),
            _term(d.denominator, s.defs),
            d.unit,
            d.period,
            d.target,
            d.code,
            d.name_en,
        )
        for d in s.definitions
    ]
    return Table(
        "09_数据说明",
        "数据说明",
        f"{s.heading} · 数据说明",
        columns,
        rows,
        _preamble(s),
        widths=DEFINITIONS_WIDTHS,
    )


def _preamble(s: _Sheet) -> tuple[tuple[str, str], ...]:
    ret, f = s.ret, s.f
    restated = f"（更正第{ret.restatement_of}版）" if ret.restatement_of else ""
    lines = [
        ("报表", s.heading),
        ("统计期间", f"{f['period']['from']} 至 {f['period']['to']}（北京时间，按自然月）"),
        ("版本", f"第{ret.version}版{restated}"),
        ("内容哈希（SHA-256）", ret.content_hash),
        ("指标口径版本", ret.definitions),
        ("生成时间", datetime_zh(ret.created_at) + "（北京时间）"),
        ("生成方式", actor_label(ret.created_by)),
    ]
    if ret.reason:
        lines.append(("更正原因", ret.reason))
    for change in ret.changes or []:
        lines.append(("更正内容", f"{change['label']}：{_plain(change['old'])} → {_plain(change['new'])}"))
    lines.append(
        ("说明", "本报表不含任何个人信息；金额以元或万元计，比率以百分比计；“—”表示分母为0或无数据。")
    )
    return tuple(lines)


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


SHEETS: tuple[Callable[[_Sheet], Table], ...] = (
    _overview,
    _categories,
    _share_sheet("problem_type", "问题类型"),
    _share_sheet("quality_domain", "质量领域"),
    _share_sheet("subdistrict", "街道"),
    _handling,
    _satisfaction,
    _merchants,
    _definitions,
)
