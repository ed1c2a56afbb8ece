"""Statistics read from a streaming replica (DATABASE_READ_URL, issue 17): a real primary and a hot standby
made by `pg_basebackup -R` with the PostgreSQL binaries the project already ships (pgserver's).

The indicators are read from the standby — with its replay paused, a complaint filed on the primary is not
in them, while the primary's own figures have it — and equal the primary's once it has caught up. A return
is never computed from a standby that has not yet seen what the primary committed: with replay paused it
is computed from the primary, and producing it again after catch-up changes nothing. Rollups counted from
the standby's snapshot are written to the primary and stay exact.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import tempfile
import time
import warnings
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from domain import indicators as ind
from service.settings import ROOT
from service.store.db import create_pool
from service.store.migrate import migrate
from service.usecases import returns, snapshots
from service.usecases.clock import utcnow
from tests.support import clock
from tests.support.statistics import Data, at_ten

pytestmark = pytest.mark.faults

DATABASE = "replica_test"


@dataclass
class Pair:
    primary_url: str
    standby_url: str


def _socket_url(socket_dir: str | Path, database: str) -> str:
    return f"postgresql://postgres:@/{database}?host={socket_dir}"


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    """A primary (pgserver) and a streaming standby of it, each on its own Unix socket."""
    import pgserver
    from pgserver._commands import pg_basebackup, pg_ctl

    folder = Path(tempfile.mkdtemp(prefix="qd-rr-"))  # short: socket paths have a length limit
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        primary = pgserver.get_server(folder / "primary", cleanup_mode="stop")  # type: ignore[attr-defined]
    user = primary.system_user  # root runs PostgreSQL as pgserver's own user
    standby = folder / "standby"
    run_as: dict[str, Any] = {"user": user} if user else {}
    if user:
        account = pwd.getpwnam(user)
        os.chown(folder, account.pw_uid, account.pw_gid)
    primary.psql(f"CREATE DATABASE {DATABASE};")
    socket = primary.pgdata  # pgserver listens on a socket in its data folder
    backup = ["-D", str(standby), "-R", "-X", "stream", "-c", "fast", "-h", str(socket), "-U", "postgres"]
    pg_basebackup(backup, timeout=120, **run_as)
    for lock in standby.glob(".s.PGSQL.*"):  # the primary's socket lock, copied with its data folder
        lock.unlink()
    standby.chmod(0o700)
    pg_ctl(["-w", "-o", '-h ""', "-o", f"-k {standby}", "-l", str(folder / "standby.log"), "start"],
           pgdata=standby, timeout=60, **run_as)  # fmt: skip
    try:
        yield Pair(_socket_url(socket, DATABASE), _socket_url(standby, DATABASE))
    finally:
        with contextlib.suppress(Exception):
            pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=standby, timeout=60, **run_as)
        with contextlib.suppress(Exception):
            pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=Path(primary.pgdata), timeout=60, **run_as)
            primary.cleanup_mode = None
        primary.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
async def pools(pair: Pair) -> AsyncIterator[tuple[asyncpg.Pool, asyncpg.Pool]]:
    conn = await asyncpg.connect(pair.primary_url)
    try:
        await migrate(conn, ROOT / "migrations")
        await load(conn, clock.today_local())
    finally:
        await conn.close()
    primary = await create_pool(pair.primary_url, max_size=4)
    standby = await create_pool(pair.standby_url, max_size=4)
    try:
        await caught_up(primary, standby)
        yield primary, standby
    finally:
        await standby.close()
        await primary.close()


async def load(conn: asyncpg.Connection, today: date) -> None:
    """A few complaints in each of the last four months, some decided and closed, one survey answered."""
    data = Data(conn, prefix="RR")
    current = date(today.year, today.month, 1)
    for back in range(4, 0, -1):
        month = ind.add_months(current, -back)
        for i in range(3 + back):
            day = month + timedelta(days=i * 3)
            decided = {
                "decided_at": at_ten(str(day + timedelta(days=2))),
                "accepted_on": day + timedelta(days=2),
            }
            closing = {"status": "closed", "route": "mediation", "outcome": "settled"}
            closed_on = day + timedelta(days=10)
            name = f"m{back}-{i}"
            if i % 2 and closed_on < today:
                await data.case(
                    name, at_ten(str(day)), **decided, **closing, closed_at=at_ten(str(closed_on))
                )
                await data.survey(name, at_ten(str(closed_on)), at_ten(str(closed_on)), score=80)
            else:
                await data.case(name, at_ten(str(day)), **decided, status="mediation", route="mediation")


async def caught_up(primary: asyncpg.Pool, standby: asyncpg.Pool, timeout_s: float = 30) -> None:
    position = await primary.fetchval("SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout_s
    while not await standby.fetchval("SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn", position):
        assert time.monotonic() < deadline, "the standby did not catch up"
        await asyncio.sleep(0.05)


def figures(series: returns.IndicatorSeries) -> dict[date, dict[str, ind.Value]]:
    return {m.month: m.values for m in series.months}


async def test_indicators_are_read_from_the_standby_and_equal_the_primary_s(
    pools: tuple[asyncpg.Pool, asyncpg.Pool],
) -> None:
    primary, standby = pools
    today = clock.today_local()
    first, last = returns.default_range(today, months=6)
    async with snapshots.statistics_snapshot(standby) as (conn, _):
        assert await conn.fetchval("SELECT pg_is_in_recovery()")  # the read pool is the standby's

    replicated = await returns.indicators(primary, first, last, today=today, read_pool=standby)
    assert figures(replicated) == figures(await returns.indicators(primary, first, last, today=today))
    async with primary.acquire() as conn:  # counted on the standby, stored on the primary
        assert await conn.fetchval("SELECT count(*) FROM indicator_rollups") >= 4

    await standby.execute("SELECT pg_wal_replay_pause()")
    try:
        async with primary.acquire() as conn:
            await Data(conn, prefix="RX").case("marker", utcnow())  # filed now, on the primary
        on_primary = figures(await returns.indicators(primary, first, last, today=today))
        paused = figures(await returns.indicators(primary, first, last, today=today, read_pool=standby))
        assert on_primary[last]["received"] == paused[last]["received"] + 1  # the standby has not seen it
    finally:
        await standby.execute("SELECT pg_wal_replay_resume()")
    await caught_up(primary, standby)
    resumed = figures(await returns.indicators(primary, first, last, today=today, read_pool=standby))
    assert resumed == figures(await returns.indicators(primary, first, last, today=today))


async def test_a_return_never_reads_a_standby_that_is_behind(
    pools: tuple[asyncpg.Pool, asyncpg.Pool], monkeypatch: pytest.MonkeyPatch
) -> None:
    primary, standby = pools
    monkeypatch.setattr(snapshots, "REPLICA_WAIT_S", 0.5)
    today = clock.today_local()
    month = ind.previous_month(today)
    first = await returns.produce(primary, month, actor="cli", now=utcnow(), read_pool=standby)
    await standby.execute("SELECT pg_wal_replay_pause()")
    try:
        async with primary.acquire() as conn:  # a letter that arrived last month, entered now
            await Data(conn, prefix="RL").case("late letter", at_ten(str(month + timedelta(days=20))))
        restated = await returns.produce(primary, month, actor="cli", now=utcnow(), read_pool=standby)
    finally:
        await standby.execute("SELECT pg_wal_replay_resume()")
    assert restated.created and restated.version == first.version + 1
    assert restated.figures["summary"]["received"] == first.figures["summary"]["received"] + 1
    await caught_up(primary, standby)
    again = await returns.produce(primary, month, actor="cli", now=utcnow(), read_pool=standby)
    assert not again.created and again.version == restated.version  # the standby agrees now

    series = await returns.indicators(primary, month, month, today=today, read_pool=standby)
    assert series.months[0].values["received"] == restated.figures["summary"]["received"]
