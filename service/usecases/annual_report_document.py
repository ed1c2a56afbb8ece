"""The annual report's chapter as blocks (headings, paragraphs, tables, charts), in Chinese: what the Word
document and the printable page both render. Figures only, from the frozen returns; typical cases as
their de-identified texts. No personal data, no tracking numbers."""

from __future__ import annotations

from domain import annual_report as rules
from domain import indicators as ind
from domain.outcomes import OUTCOMES
from service.adapters import annual_docx
from service.adapters.annual_docx import Block, Chart, Heading, Para, ReportDocument, Series, Table
from service.exports import show, show_change, show_relative
from service.usecases.annual_report import AnnualReport

U = ind.Unit
HEADLINE = (
    "received", "accepted", "rejected", "on_time_acceptance_rate", "closed", "on_time_closure_rate",
    "mediation_settled", "mediation_success_rate", "first_payments", "first_payments_fen",
    "first_payments_by_merchant", "first_payments_by_merchant_fen", "first_payments_from_deposit",
    "first_payments_from_deposit_fen", "arbitration_referrals", "arbitration_awards",
    "arbitration_awards_for_consumer", "recovered_fen", "enforcement_conversions", "satisfaction_sent",
    "satisfaction_responded", "satisfaction_response_rate", "satisfaction_n",
)  # fmt: skip
CHINESE_NUMBERS = "一二三四五六七八九十"


def _v(figures: rules.YearFigures, code: str) -> ind.Value:
    if code == "satisfaction_mean":
        return figures.satisfaction.mean
    return figures.totals.get(code) if figures.has_data else None


def _change(current: ind.Value, base: ind.Value, unit: str) -> tuple[str, str]:
    d = ind.delta(current, base, unit)
    if d is None:
        return "—", "—"
    return show_change(d.change, unit), show_relative(d.relative)


def build_document(report: AnnualReport) -> ReportDocument:
    blocks: list[Block] = []
    sections = (_overview, _routes, _trends, _categories, _subdistricts, _satisfaction, _typical, _sources)
    for i, section in enumerate(sections):
        title, body = section(report)
        blocks.append(Heading(f"{CHINESE_NUMBERS[i]}、{title}", 1))
        blocks.extend(body)
    return ReportDocument(
        title=f"拱墅区质量发展状况年度报告（{report.year}年）",
        subtitle="消费质量争议处理情况",
        blocks=tuple(blocks),
        made_at=report.as_of,
    )


def _overview(r: AnnualReport) -> tuple[str, list[Block]]:
    cur, prev, s = r.current, r.previous, r.current.satisfaction

    def v(code: str) -> str:
        return show(_v(cur, code), ind.BY_CODE[code].unit)

    text = (
        f"{r.year}年{rules.period_zh(r.year, r.states)}，"
        f"全区登记消费质量争议投诉{v('received')}件（与上年同期对比见表1），"
        f"受理{v('accepted')}件，不予受理{v('rejected')}件，按时初查率{v('on_time_acceptance_rate')}；"
        f"办结{v('closed')}件，按期办结率{v('on_time_closure_rate')}，调解成功率{v('mediation_success_rate')}；"
        f"先行赔付{v('first_payments')}件、{v('first_payments_fen')}元，移交第三方质量争议仲裁{v('arbitration_referrals')}件；"
        f"为消费者挽回经济损失{v('recovered_fen')}万元。服务质量满意度{_score(s.mean)}分"
        f"（有效评分{s.n}份，回访回复率{show(s.response_rate, U.RATIO)}，95%置信区间{_ci(s)}），"
        f"目标值{show(r.target, U.SCORE)}分：{ind.TARGET_STATUS[s.status]}。"
    )
    blocks: list[Block] = [Para(text)]
    if not cur.has_data:
        blocks.append(Para("本年度尚无冻结的月度报表，以下各表为空。", note=True))
    if not prev.has_data:
        blocks.append(Para("上年同期没有月报（服务启用前或缺报），不作对比。", note=True))
    elif (short := len(r.same_period) - len(prev.returns)) > 0:
        note = (
            f"上年同期有{short}个月没有月报（服务启用前或缺报），"
            f"上年数字只含有月报的{len(prev.returns)}个月。"
        )
        blocks.append(Para(note, note=True))
    rows = []
    for code in (*HEADLINE, "satisfaction_mean"):
        d = ind.BY_CODE[code]
        a, b = _v(cur, code), _v(prev, code)
        rows.append((d.name_zh, d.unit, show(a, d.unit), show(b, d.unit), *_change(a, b, d.unit)))
    header = ("指标", "单位", f"{r.year}年", f"{r.year - 1}年同期", "增减", "增幅")
    blocks.append(
        Table("表1  主要指标（本年与上年同期）", header, tuple(rows), (False, False, True, True, True, True))
    )
    return "总体情况", blocks


def _score(value: float | None) -> str:
    return show(value, U.SCORE)


def _ci(s: rules.Satisfaction) -> str:
    return f"{_score(s.ci_low)}～{_score(s.ci_high)}分" if s.ci_low is not None else "样本不足，无法计算"


def _compare_rows(r: AnnualReport, dim: str, limit: int | None = None) -> list[tuple[str, ...]]:
    last = {row["code"]: row["count"] for row in r.previous.breakdowns[dim]}
    rows = r.current.breakdowns[dim][:limit] if limit else r.current.breakdowns[dim]
    out: list[tuple[str, ...]] = []
    for i, row in enumerate(rows, 1):
        base = last.get(row["code"]) if r.previous.has_data else None
        change = _change(row["count"], base, U.COUNT)[0]
        out.append(
            (
                str(i),
                row["label"],
                show(row["count"], U.COUNT),
                show(row["share"], U.RATIO),
                show(base, U.COUNT),
                change,
            )
        )
    return out


def _compare_table(r: AnnualReport, dim: str, caption: str, name: str, limit: int | None = None) -> Table:
    # the dimension's code first: a Chinese text followed by a code would read as a translation pair
    header = ("序号", name, f"{r.year}年件数", "占比", f"{r.year - 1}年同期", "增减")
    rows = _compare_rows(r, dim, limit)
    return Table(caption, header, tuple(rows), (True, False, True, True, True, True))


def _routes(r: AnnualReport) -> tuple[str, list[Block]]:
    cur = r.current

    def v(code: str) -> str:
        return show(_v(cur, code), ind.BY_CODE[code].unit)

    return "受理与处理方式", [
        Para("依据区政策第十七条，登记的投诉按先行赔付、调解和第三方质量争议仲裁分流处理。"),
        _compare_table(r, "route", "表2  投诉处理方式", "处理方式"),
        Heading("（一）先行赔付", 2),
        Para(
            f"全年先行赔付{v('first_payments')}件、{v('first_payments_fen')}元，其中经营者直接赔付"
            f"{v('first_payments_by_merchant')}件、{v('first_payments_by_merchant_fen')}元，从质量保证金中赔付"
            f"{v('first_payments_from_deposit')}件、{v('first_payments_from_deposit_fen')}元。"
        ),
        Heading("（二）第三方质量争议仲裁", 2),
        Para(
            f"依仲裁协议移交仲裁{v('arbitration_referrals')}件，作出裁决{v('arbitration_awards')}件，"
            f"其中支持消费者{v('arbitration_awards_for_consumer')}件。"
        ),
    ]


def _monthly(r: AnnualReport, code: str, scale: float = 1) -> tuple[float | None, ...]:
    return tuple(None if v is None else float(v) / scale for v in r.current.monthly[code])


def _trends(r: AnnualReport) -> tuple[str, list[Block]]:
    months = tuple(str(m) for m in range(1, 13))
    ci = tuple(
        (float(lo), float(hi)) if lo is not None and hi is not None else None
        for lo, hi in zip(
            r.current.monthly["satisfaction_ci_low"], r.current.monthly["satisfaction_ci_high"], strict=True
        )
    )
    legend = "图例：received 登记，accepted 受理，closed 办结；横轴为月份"
    volume = tuple(Series(c, _monthly(r, c)) for c in ("received", "accepted", "closed"))
    recovered = (Series("recovered", _monthly(r, "recovered_fen", 1_000_000)),)
    score = (Series("satisfaction", _monthly(r, "satisfaction_mean")),)
    charts = [
        # kind and the rest by keyword: a Chinese caption followed by a code would read as a translation pair
        Chart(
            "volume",
            f"图1  各月投诉登记、受理、办结件数（{legend}）",
            kind="line",
            labels=months,
            series=volume,
            y_label="cases",
        ),
        Chart(
            "recovered",
            "图2  各月挽回经济损失（万元；横轴为月份）",
            kind="bar",
            labels=months,
            series=recovered,
            y_label="10k yuan",
        ),
        Chart(
            "satisfaction",
            "图3  各月服务质量满意度及95%置信区间（竖线），虚线为目标值（横轴为月份）",
            kind="line",
            labels=months,
            series=score,
            y_label="score",
            y_max=100,
            target=r.target,
            whiskers=ci,
        ),
    ]
    rows: list[tuple[str, ...]] = []
    m = r.current.monthly
    for i, month in enumerate(rules.year_months(r.year)):
        state = r.states[month]
        if state != rules.FROZEN:
            rows.append((f"{month.month}月", rules.MONTH_STATES[state], "", "", "", "", ""))
            continue
        rows.append(
            (
                f"{month.month}月",
                *(
                    show(m[c][i], ind.BY_CODE[c].unit)
                    for c in (
                        "received",
                        "accepted",
                        "closed",
                        "recovered_fen",
                        "satisfaction_mean",
                        "satisfaction_n",
                    )
                ),
            )
        )
    header = ("月份", "登记", "受理", "办结", "挽回经济损失（万元）", "满意度（分）", "评分样本量")
    table = Table("表3  各月主要数据", header, tuple(rows), (False, True, True, True, True, True, True))
    return "月度趋势", [*charts, table]


def _categories(r: AnnualReport) -> tuple[str, list[Block]]:
    return "投诉类别与问题类型", [
        _compare_table(r, "category", f"表4  投诉件数最多的{rules.TOP_ROWS}个类别", "类别", rules.TOP_ROWS),
        _compare_table(r, "problem_type", "表5  问题类型", "问题类型"),
        _compare_table(r, "quality_domain", "表6  质量领域", "质量领域"),
    ]


def _subdistricts(r: AnnualReport) -> tuple[str, list[Block]]:
    rows = r.current.breakdowns["subdistrict"]
    last = {row["code"]: row["count"] for row in r.previous.breakdowns["subdistrict"]}
    labels = tuple(str(i) for i in range(1, len(rows) + 1))
    series = [Series(str(r.year), tuple(float(row["count"]) for row in rows))]
    if r.previous.has_data:
        series.append(Series(str(r.year - 1), tuple(float(last.get(row["code"], 0)) for row in rows)))
    blocks: list[Block] = [_compare_table(r, "subdistrict", "表7  各街道投诉件数（按本年件数排序）", "街道")]
    if rows:
        caption = "图4  各街道投诉件数，本年与上年同期（纵轴数字为表7的序号）"
        blocks.append(
            Chart("subdistricts", caption, kind="hbar", labels=labels, series=tuple(series), y_label="cases")
        )
    return "各街道情况", blocks


def _satisfaction(r: AnnualReport) -> tuple[str, list[Block]]:
    s, p = r.current.satisfaction, r.previous.satisfaction
    text = (
        f"办结案件回访问卷发出{s.sent}件，回复{s.responded}件，回复率{show(s.response_rate, U.RATIO)}；"
        f"有效评分{s.n}份，服务质量满意度{_score(s.mean)}分，95%置信区间{_ci(s)}"
        f"（上年同期{_score(p.mean)}分，{p.n}份）。"
        f"目标值{show(r.target, U.SCORE)}分：{ind.TARGET_STATUS[s.status]}。"
    )
    note = (
        "满意度为各月均分按样本量加权；置信区间由各月冻结月报中的区间换算合并，"
        "样本少时区间较宽，应结合样本量解读。"
    )
    return "满意度", [Para(text), Para(note, note=True)]


def _typical(r: AnnualReport) -> tuple[str, list[Block]]:
    if not r.typical:
        return "典型案例", [Para("本年度暂未选定典型案例。")]
    blocks: list[Block] = [Para("以下案例均经消费者同意公开，已作脱敏处理。", note=True)]
    for i, case in enumerate(r.typical, 1):
        outcome = OUTCOMES.get(case.outcome or "", ("", ""))[0]
        blocks.append(Heading(f"案例{i}：{case.title}", 2))
        blocks.append(Para(f"（{case.category_label}{'，' + outcome if outcome else ''}）", note=True))
        blocks.extend(Para(line.strip()) for line in case.summary.splitlines() if line.strip())
    return "典型案例", blocks


def _sources(r: AnnualReport) -> tuple[str, list[Block]]:
    rows: list[tuple[str, ...]] = []
    for month in rules.year_months(r.year - 1) + rules.year_months(r.year):
        ret = r.by_month.get(month)
        state = rules.MONTH_STATES[r.states[month]]
        if ret is None:
            rows.append((ind.month_key(month), state, "", ""))
        else:
            version = f"第{ret.version}版" + ("（更正）" if ret.restatement_of else "")
            rows.append((ind.month_key(month), state, version, ret.content_hash[:16]))
    text = (
        "本章数据全部取自各月冻结的月度统计报表（每月取最新版本，含更正版），与报送领导小组的月报一致。"
        "件数与金额逐月相加，比率由相加后的分子、分母重新计算；类别按各月前十位及“其他”相加；"
        "月报未保存办理天数分布，故不列全年中位数。"
    )
    missing = [ind.month_key(m) for m in r.missing]
    blocks: list[Block] = [Para(text)]
    if missing:
        blocks.append(
            Para(
                f"缺少月报、未计入的月份：{'、'.join(missing)}。"
                "可由科长在本页或月度报表页面生成，或运行 disputes report。",
                note=True,
            )
        )
    header = ("月份", "状态", "版本", "内容哈希（前16位）")
    blocks.append(Table("表8  所用月报", header, tuple(rows), (False, False, False, False)))
    return "数据来源与说明", blocks


Rendered = annual_docx.Rendered


def render(report: AnnualReport) -> Rendered:
    """The report's blocks with its charts drawn: what the page, the printable file and the .docx use."""
    return Rendered.of(build_document(report))


def file_name(year: int, ext: str) -> str:
    return f"annual-report-{year}-disputes.{ext}"
