"""The migration runner: from empty, re-run, two at once, a changed file, a failing file."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import asyncpg
import pytest

from service.settings import ROOT
from service.store.migrate import MigrationError, discover, migrate
from tests.support.databases import Databases

MIGRATIONS = ROOT / "migrations"


async def test_from_empty_then_rerun_is_a_no_op(databases: Databases) -> None:
    url = await databases.create(migrated=False)
    conn = await asyncpg.connect(url)
    try:
        applied = await migrate(conn, MIGRATIONS)
        assert applied == [m.name for m in discover(MIGRATIONS)]
        assert await migrate(conn, MIGRATIONS) == []
        assert await conn.fetchval("SELECT count(*) FROM schema_migrations") == len(applied)
        # the calendar is seeded from chinesecalendar, and only once
        years = [r["year"] for r in await conn.fetch("SELECT year FROM calendar_years ORDER BY year")]
        assert 2026 in years and 2027 not in years
        assert (
            await conn.fetchval("SELECT count(*) FROM calendar_days WHERE extract(year FROM day) = 2026")
            == 365
        )
    finally:
        await conn.close()


async def test_two_processes_migrating_at_once_take_turns(databases: Databases) -> None:
    url = await databases.create(migrated=False)
    a, b = await asyncpg.connect(url), await asyncpg.connect(url)
    try:
        first, second = await asyncio.gather(migrate(a, MIGRATIONS), migrate(b, MIGRATIONS))
        assert sorted(first + second) == [m.name for m in discover(MIGRATIONS)]
        assert not (first and second)  # one did everything, the other found nothing to do
        assert await a.fetchval("SELECT count(*) FROM calendar_years WHERE year = 2026") == 1
    finally:
        await a.close()
        await b.close()


async def test_a_changed_migration_is_refused(databases: Databases, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, folder)
    url = await databases.create(migrated=False)
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn, folder)
        (folder / "0002_taxonomy.sql").write_text(
            (folder / "0002_taxonomy.sql").read_text() + "\n-- edited\n"
        )
        with pytest.raises(MigrationError, match="changed after it was applied"):
            await migrate(conn, folder)
    finally:
        await conn.close()


async def test_a_failing_migration_applies_nothing_of_itself(databases: Databases, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, folder)
    (folder / "9999_broken.sql").write_text("CREATE TABLE half_done (id int);\nSELECT no_such_function();\n")
    url = await databases.create(migrated=False)
    conn = await asyncpg.connect(url)
    try:
        with pytest.raises(MigrationError, match=r"9999_broken\.sql failed"):
            await migrate(conn, folder)
        assert await conn.fetchval("SELECT to_regclass('half_done')") is None
        assert await conn.fetchval("SELECT count(*) FROM schema_migrations WHERE version = '9999'") == 0
        assert await conn.fetchval("SELECT count(*) FROM schema_migrations") == len(discover(MIGRATIONS))
    finally:
        await conn.close()


def test_badly_named_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "first.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match=r"NNNN_name\.sql"):
        discover(tmp_path)


async def test_case_events_refuse_update_and_delete(pool: asyncpg.Pool) -> None:
    from service.store import cases

    case_id = await pool.fetchval("SELECT id FROM cases ORDER BY id LIMIT 1")
    if case_id is None:
        pytest.skip("needs a case")  # pragma: no cover - other tests in the session create cases
    async with pool.acquire() as conn:
        event_id = await cases.add_event(
            conn, case_id, "test_event", actor="system", at=await conn.fetchval("SELECT now()")
        )
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await conn.execute("UPDATE case_events SET kind = 'edited' WHERE id = $1", event_id)
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await conn.execute("DELETE FROM case_events WHERE id = $1", event_id)
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await conn.execute("TRUNCATE case_events CASCADE")
        assert await conn.fetchval("SELECT kind FROM case_events WHERE id = $1", event_id) == "test_event"
