"""`disputes backup` / `disputes restore` (issue 15): a populated database and its evidence files round-trip
into an empty database — every table's rows, every evidence file by its hash, the migrations and the
append-only guard — and a restore refuses a database in use or a damaged backup."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import msgspec
import pytest

from service.adapters import backup as ops
from service.demo.seed import seed_demo
from service.settings import ROOT, Settings
from service.store.db import create_pool
from service.store.migrate import migrate
from tests.support.clock import today_local
from tests.support.databases import Databases
from tests.support.intake import ctx


async def table_counts(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        names = await conn.fetch(
            "SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
        return {r["t"]: await conn.fetchval(f"SELECT count(*) FROM {r['t']}") for r in names}
    finally:
        await conn.close()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
async def populated(
    databases: Databases, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[str, Path]]:
    """A database with a demo year in it (cases at every stage, evidence, surveys, money), and its files."""
    url = await databases.create(migrated=True)
    own = msgspec.structs.replace(settings, database_url=url, data_dir=tmp_path_factory.mktemp("source"))
    pool = await create_pool(url, max_size=2)
    try:
        await seed_demo(pool, ctx(own), count=40, seed=15, today=today_local())
    finally:
        await pool.close()
    yield url, own.evidence_dir


@pytest.fixture(scope="module")
async def backed_up(populated: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    url, evidence_dir = populated
    out = tmp_path_factory.mktemp("backups") / "nightly"
    await asyncio.to_thread(ops.backup, url, evidence_dir, out)
    return out


async def test_a_populated_database_round_trips_with_its_evidence(
    populated: tuple[str, Path], backed_up: Path, databases: Databases, tmp_path: Path
) -> None:
    source_url, source_evidence = populated
    before = await table_counts(source_url)
    assert before["cases"] == 40 and before["evidence"] > 0 and before["case_events"] > 40

    target_url = await databases.create(migrated=False)  # empty: no table at all
    target_evidence = tmp_path / "evidence"
    summary = await asyncio.to_thread(ops.restore, target_url, target_evidence, backed_up)

    after = await table_counts(target_url)
    # the indicator rollups are derived figures: not carried, recounted from the cases on first read
    derived = set(ops.DERIVED_TABLES)
    assert {t: after[t] for t in derived} == dict.fromkeys(derived, 0)
    carried = {name: n for name, n in before.items() if name not in derived}
    assert {name: n for name, n in after.items() if name not in derived} == carried
    assert summary.tables == {f"public.{name}": n for name, n in carried.items()}
    conn = await asyncpg.connect(target_url)
    try:
        shas = [r["sha256"] for r in await conn.fetch("SELECT DISTINCT sha256 FROM evidence")]
        assert await migrate(conn, ROOT / "migrations") == []  # the schema came back whole: nothing to apply
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await conn.execute("DELETE FROM case_events")  # the triggers came back too
    finally:
        await conn.close()
    assert shas and summary.evidence_files == len(shas)
    for sha in shas:
        restored = target_evidence / sha[:2] / sha
        assert file_hash(restored) == sha == file_hash(source_evidence / sha[:2] / sha)


async def test_the_manifest_agrees_with_the_dump_and_the_files(
    populated: tuple[str, Path], backed_up: Path
) -> None:
    manifest = json.loads((backed_up / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dump"]["sha256"] == file_hash(backed_up / "database.dump")
    for f in manifest["evidence"]:
        path = backed_up / "evidence" / f["sha256"][:2] / f["sha256"]
        assert file_hash(path) == f["sha256"] and path.stat().st_size == f["size"]
    assert len(manifest["evidence"]) == len(list((backed_up / "evidence").rglob("*/*")))
    assert manifest["tables"]["public.cases"] == 40
    conn = await asyncpg.connect(populated[0])
    try:
        applied = [r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations ORDER BY 1")]
    finally:
        await conn.close()
    assert manifest["migrations"] == applied


async def test_a_database_in_use_is_never_restored_over(
    backed_up: Path, databases: Databases, tmp_path: Path
) -> None:
    in_use = await databases.create(migrated=True)
    before = await table_counts(in_use)
    with pytest.raises(ops.BackupError, match="not empty"):
        await asyncio.to_thread(ops.restore, in_use, tmp_path / "evidence", backed_up)
    assert await table_counts(in_use) == before


async def test_a_damaged_backup_is_refused_before_anything_is_written(
    backed_up: Path, databases: Databases, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged"
    await asyncio.to_thread(_copy_tree, backed_up, damaged)
    victim = next(p for p in (damaged / "evidence").rglob("*/*") if p.is_file())
    victim.write_bytes(victim.read_bytes() + b"tampered")
    target = await databases.create(migrated=False)
    with pytest.raises(ops.BackupError, match="missing or damaged"):
        await asyncio.to_thread(ops.restore, target, tmp_path / "evidence", damaged)
    assert await table_counts(target) == {}
    unfinished = tmp_path / "unfinished"
    await asyncio.to_thread(_copy_tree, backed_up, unfinished)
    (unfinished / "manifest.json").unlink()
    with pytest.raises(ops.BackupError, match="not a finished backup"):
        await asyncio.to_thread(ops.restore, target, tmp_path / "evidence", unfinished)


async def test_a_backup_goes_only_into_a_new_or_empty_folder(
    populated: tuple[str, Path], tmp_path: Path
) -> None:
    (tmp_path / "old.txt").write_text("kept")
    with pytest.raises(ops.BackupError, match="not empty"):
        await asyncio.to_thread(ops.backup, populated[0], populated[1], tmp_path)
    assert await asyncio.to_thread(lambda: [p.name for p in tmp_path.iterdir()]) == ["old.txt"]


async def test_the_tools_match_the_servers_major_version(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        major = int(await conn.fetchval("SHOW server_version_num")) // 10000
    finally:
        await conn.close()
    tools = ops.find_tools(major)
    assert tools.major == major and tools.pg_dump.is_file() and tools.pg_restore.is_file()
    with pytest.raises(ops.BackupError, match="PG_BIN_DIR"):
        ops.find_tools(99)


def _copy_tree(source: Path, target: Path) -> None:
    import shutil

    shutil.copytree(source, target)
