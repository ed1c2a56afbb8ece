"""Casework use cases with the clock passed in: pauses moving deadlines, the overdue flag raised once,
loading a new year's calendar, and session expiry."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from domain.roles import Role
from service.settings import Settings
from service.store.calendar_source import parse_schedule_file
from service.store.db import create_pool
from service.store.staff import StaffUser
from service.usecases import auth, casework
from service.usecases.calendar import load_year
from service.usecases.casework_commands import Pause
from tests.support.casework import kinds
from tests.support.cli import run_cli
from tests.support.databases import Databases
from tests.support.intake import at, new_case


@pytest.fixture(scope="module")
async def supervisor(pool: asyncpg.Pool) -> StaffUser:
    user_id = await auth.add_user(pool, "t_casework_sup", ["supervisor"], "a long enough password")
    return StaffUser(user_id, "t_casework_sup", "科长", frozenset({Role.SUPERVISOR}))


async def test_a_pause_moves_the_calendar_day_mediation_deadline(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    case_id = await new_case(pool, settings, date(2026, 5, 6))
    due = await casework.accept(pool, case_id, supervisor, None, now=at(date(2026, 5, 7)))
    assert due == date(2026, 7, 6)  # May 7 + 60 days = Jul 6 (Mon), Order 121
    await pool.execute("UPDATE cases SET status = 'mediation' WHERE id = $1", case_id)
    cmd = Pause(reason="testing", note="送检", expected_end="2026-05-20")
    await casework.pause(pool, case_id, supervisor, cmd, now=at(date(2026, 5, 11)))
    resumed = await casework.resume(pool, case_id, supervisor, now=at(date(2026, 5, 21)))
    assert resumed == date(2026, 7, 16)  # ten paused days (May 11–20) added: Jul 16 (Thu)
    assert (await kinds(pool, case_id))[-3:] == ["accepted", "paused", "resumed"]


async def test_a_pause_moves_a_working_day_deadline_by_working_days(
    pool: asyncpg.Pool, settings: Settings, supervisor: StaffUser
) -> None:
    # received before 2026-04-15: Order 20, 45 working days of mediation
    case_id = await new_case(pool, settings, date(2026, 4, 1))
    due = await casework.accept(pool, case_id, supervisor, None, now=at(date(2026, 4, 2)))
    row = await pool.fetchrow("SELECT rule_set_id FROM cases WHERE id = $1", case_id)
    assert row["rule_set_id"] == "order20"
    await pool.execute("UPDATE cases SET status = 'mediation' WHERE id = $1", case_id)
    # paused over the Labour Day holiday (May 1–5): only the working days in the pause count
    await casework.pause(pool, case_id, supervisor, Pause(reason="evidence"), now=at(date(2026, 4, 29)))
    resumed = await casework.resume(pool, case_id, supervisor, now=at(date(2026, 5, 8)))
    assert resumed is not None and resumed > due
    # Apr 29, 30, May 6, 7 are working days (May 9 is a make-up Saturday, after the pause)
    from domain.calendar import add_working_days
    from service.store import reference

    async with pool.acquire() as conn:
        cal = await reference.work_calendar(conn, date(2026, 4, 1), date(2027, 1, 1))
    assert resumed == add_working_days(cal, due, 4).due


async def test_the_overdue_flag_is_raised_once(pool: asyncpg.Pool, settings: Settings) -> None:
    case_id = await new_case(pool, settings, date(2026, 6, 1))
    now = at(date(2026, 11, 1))
    assert await casework.flag_overdue_acceptances(pool, now=now) >= 1
    assert await casework.flag_overdue_acceptances(pool, now=now) == 0
    overdue = await pool.fetch(
        "SELECT kind FROM case_events WHERE case_id = $1 AND kind = 'acceptance_overdue'", case_id
    )
    assert len(overdue) == 1
    assert (
        await pool.fetchval("SELECT status FROM cases WHERE id = $1", case_id) == "received"
    )  # nothing decided


async def test_loading_2027_makes_provisional_deadlines_real(
    databases: Databases, settings: Settings, tmp_path: Path
) -> None:
    pool = await create_pool(await databases.create(migrated=True), max_size=2)
    try:
        case_id = await new_case(pool, settings, date(2026, 12, 28))
        row = await pool.fetchrow(
            "SELECT acceptance_due, acceptance_due_provisional FROM cases WHERE id = $1", case_id
        )
        assert (row["acceptance_due"], row["acceptance_due_provisional"]) == (date(2027, 1, 6), True)
        schedule = tmp_path / "2027.json"
        schedule.write_text(
            json.dumps(
                {
                    "year": 2027,
                    "holidays": [{"date": f"2027-01-0{d}", "name": "元旦"} for d in (1, 2, 3)],
                    "workdays": [],
                },
                ensure_ascii=False,
            )
        )
        year, rows = parse_schedule_file(schedule)
        result = await load_year(pool, year, rows, now=at(date(2026, 12, 29)))
        assert case_id in result.cases_recomputed
        row = await pool.fetchrow(
            "SELECT acceptance_due, acceptance_due_provisional FROM cases WHERE id = $1", case_id
        )
        # Jan 1 is a holiday now, no longer a weekday counted as work: the seventh working day moves
        assert (row["acceptance_due"], row["acceptance_due_provisional"]) == (date(2027, 1, 7), False)
        events = await pool.fetch(
            "SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'deadline_recomputed'", case_id
        )
        assert [e["payload"]["acceptance_due"] for e in events] == [
            {"from": "2027-01-06", "to": "2027-01-07", "provisional": False}
        ]
        # loading the same year again changes nothing and records nothing
        again = await load_year(pool, year, rows, now=at(date(2026, 12, 30)))
        assert again.cases_recomputed == []
    finally:
        await pool.close()


async def test_calendar_load_cli(databases: Databases, server_urls: tuple[str, str], tmp_path: Path) -> None:
    url = await databases.create(migrated=True)
    csv = tmp_path / "2027.csv"
    csv.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,workday,\n")
    done = run_cli("calendar", "load", str(csv), DATABASE_URL=url, REDIS_URL=server_urls[1])
    assert done.returncode == 0, done.stderr
    assert "2027: 365 days loaded (1 holidays, 1 make-up workdays)" in done.stdout
    shown = run_cli("calendar", "show", "2027", DATABASE_URL=url, REDIS_URL=server_urls[1])
    assert "2027-01-01  休  元旦" in shown.stdout and "2027-02-06  班" in shown.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind,name\n2027-13-01,holiday,x\n")
    failed = run_cli("calendar", "load", str(bad), DATABASE_URL=url, REDIS_URL=server_urls[1])
    assert failed.returncode == 2 and len(failed.stderr.strip().splitlines()) == 1


async def test_users_cli(databases: Databases, server_urls: tuple[str, str]) -> None:
    url = await databases.create(migrated=True)
    env = {"DATABASE_URL": url, "REDIS_URL": server_urls[1]}
    import subprocess
    import sys

    from service.settings import ROOT

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        import os

        return subprocess.run(
            [sys.executable, "-m", "service.cli", *args],
            input=stdin,
            cwd=ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )

    added = cli(
        "users",
        "add",
        "wang.li",
        "--role",
        "supervisor",
        "--role",
        "mediator",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert added.returncode == 0, added.stderr
    assert "mediator, supervisor" in added.stdout
    short = cli("users", "add", "zhao", "--role", "clerk", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "password" in short.stderr
    bad_role = cli(
        "users", "add", "zhao", "--role", "boss", "--password-stdin", stdin="a long enough password\n"
    )
    assert bad_role.returncode == 2 and "roles" in bad_role.stderr
    no_stdin = cli("users", "add", "zhao", "--role", "clerk")
    assert no_stdin.returncode == 2
    listed = cli("users", "list")
    assert "wang.li" in listed.stdout and "mediator,supervisor" in listed.stdout and "active" in listed.stdout
    assert cli("users", "disable", "wang.li").returncode == 0
    assert "disabled" in cli("users", "list").stdout
    assert cli("users", "disable", "nobody").returncode == 2


async def test_browser_sessions_expire_when_idle(pool: asyncpg.Pool) -> None:
    await auth.add_user(pool, "t_idle", ["clerk"], "a long enough password")
    policy = auth.AuthPolicy()
    start = datetime.now(UTC)
    session = await auth.sign_in(
        pool, "t_idle", "a long enough password", kind="cookie", now=start, policy=policy
    )
    assert await auth.authenticate(
        pool, session.token, kind="cookie", now=start + timedelta(minutes=20), policy=policy
    )
    # 20 minutes of use, then 31 minutes idle
    later = start + timedelta(minutes=51)
    assert await auth.authenticate(pool, session.token, kind="cookie", now=later, policy=policy) is None
    # and a session token is not a bearer token
    assert await auth.authenticate(pool, session.token, kind="bearer", now=start, policy=policy) is None
