"""`disputes calendar show YEAR` and `disputes calendar load FILE`: the working-day calendar the legal
deadlines count on (DESIGN §2.2)."""

from __future__ import annotations

import argparse
from pathlib import Path

import asyncpg

from service.cli.common import fail, resolve, with_conn, with_pool
from service.cli.registry import Subcommands
from service.settings import Settings


def cmd_calendar_show(settings: Settings, args: argparse.Namespace) -> None:
    from datetime import date

    from service.store import reference

    settings, servers = resolve(settings, redis=False)

    async def show(conn: asyncpg.Connection) -> None:
        year = args.year
        cal = await reference.work_calendar(conn, date(year, 1, 1), date(year, 12, 31))
        if year not in cal.known_years:
            print(f"{year}: not loaded; deadlines in it are provisional (weekends only)")
            return
        print(f"{year}: loaded")
        for day in sorted(cal.holidays):
            print(f"  {day}  休  {cal.holidays[day]}")
        for day, working in sorted(cal.workdays.items()):
            if working and day.weekday() >= 5:
                print(f"  {day}  班  调休上班")

    try:
        with_conn(settings, show)
    finally:
        servers.stop()


def cmd_calendar_load(settings: Settings, args: argparse.Namespace) -> None:
    from service.store.calendar_source import ScheduleError, parse_schedule_file
    from service.usecases.calendar import load_year
    from service.usecases.clock import utcnow

    try:
        year, rows = parse_schedule_file(Path(args.file))
    except (OSError, ScheduleError) as exc:
        fail(f"cannot load {args.file}: {exc}")
    settings, servers = resolve(settings, redis=False)
    try:
        result = with_pool(settings, lambda pool: load_year(pool, year, rows, now=utcnow()))
    finally:
        servers.stop()
    print(
        f"{result.year}: {result.days} days loaded ({result.holidays} holidays, "
        f"{result.makeup_workdays} make-up workdays); "
        f"deadlines recomputed on {len(result.cases_recomputed)} case(s)"
    )


def register(sub: Subcommands) -> None:
    cal = sub.add_parser("calendar", help="the working-day calendar").add_subparsers(
        dest="action", required=True
    )
    p = cal.add_parser("show", help="a year's holidays and make-up workdays")
    p.add_argument("year", type=int)
    p.set_defaults(run=cmd_calendar_show)
    p = cal.add_parser("load", help="load a year's official schedule (CSV or JSON) and recompute deadlines")
    p.add_argument("file")
    p.set_defaults(run=cmd_calendar_load)
