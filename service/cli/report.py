"""`disputes report --year YYYY [--out DIR]`: the annual report's consumer-disputes chapter as a Word document
and a printable HTML file in DIR (default: the current folder), from the frozen monthly returns. Ended months
since the first complaint that have no return yet are produced and frozen first, as the monthly job does;
months not yet ended are listed as such in the report.

The command's own dependencies are imported when it runs, so that every other command works whatever
state the reporting code is in."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from domain.errors import ValidationFailed
from service.cli.common import fail, out_folder, resolve, with_pool, write_bytes
from service.cli.registry import Subcommands
from service.settings import Settings


def render_printable(rendered: Any, templates_dir: Path) -> str:
    """The printable HTML file: the same template the staff page includes, its charts inside the file."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir), autoescape=True, undefined=jinja2.StrictUndefined
    )
    page = env.get_template("staff_report_annual_print.html")
    return page.render(doc=rendered.doc, images=rendered.data_urls())


def cmd_report(settings: Settings, args: argparse.Namespace) -> None:
    from domain import indicators as ind
    from service.usecases import annual_report
    from service.usecases import annual_report_document as document
    from service.usecases.clock import utcnow

    now = utcnow()
    try:
        year = annual_report.year_of(args.year, now=now)
    except ValidationFailed as exc:
        fail(f"--year: {exc.errors[0].message_en} (got {args.year!r})")
    out = out_folder(args.out)

    async def work(pool: Any) -> Any:
        return await annual_report.build(pool, year, now=now, produce_missing=True, actor="cli")

    settings, servers = resolve(settings, redis=False)
    try:
        report = with_pool(settings, work)
    finally:
        servers.stop()
    rendered = document.render(report)
    for ret in report.produced:
        print(f"{ind.month_key(ret.month)}: monthly return produced (version {ret.version})")
    frozen = sum(1 for m, r in report.by_month.items() if m.year == year and r is not None)
    print(f"{year}: {frozen} of 12 months from frozen returns; typical cases: {len(report.typical)}")
    for ext, data in (
        ("docx", rendered.docx()),
        ("html", render_printable(rendered, settings.templates_dir).encode()),
    ):
        print(f"  wrote {write_bytes(out / document.file_name(year, ext), data)}")


def register(sub: Subcommands) -> None:
    p = sub.add_parser(
        "report",
        help="write the annual report's disputes chapter (.docx and printable .html) from the returns",
    )
    p.add_argument("--year", required=True, help="YYYY, this year or an earlier one")
    p.add_argument("--out", default=".", help="folder for the files (default: the current one)")
    p.set_defaults(run=cmd_report)
