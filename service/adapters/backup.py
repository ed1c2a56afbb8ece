"""`disputes backup --out DIR` and `disputes restore DIR`: the database and the evidence files, together.

A backup folder holds
- `database.dump`: `pg_dump --format=custom`, taken on a snapshot exported by a read-only
  REPEATABLE READ transaction;
- `evidence/<aa>/<sha256>`: exactly the files the evidence rows *in that snapshot* name, each hashed
  again while copied (the store is content-addressed and a file is written before its row commits,
  so every row in the dump has its file);
- `manifest.json`, written last (a folder without it is an unfinished backup): the dump's SHA-256, the
  server and tool versions, the applied migrations, each table's row count in the snapshot and each
  evidence file's hash and size.

Restore checks every hash first, refuses a database that has any table, runs `pg_restore` in one
transaction, copies the evidence files into place and compares the row counts with the manifest.
pg_dump and pg_restore are chosen to match the server's major version: the binaries shipped in the
pgserver wheel (the embedded PostgreSQL), the machine's /usr/lib/postgresql/<major>/bin, or PG_BIN_DIR.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg

from service.adapters import evidence_files

FORMAT = 1
DUMP = "database.dump"
MANIFEST = "manifest.json"
EVIDENCE = "evidence"
CHUNK = 1024 * 1024
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


class BackupError(Exception):
    """Why a backup or a restore could not be made (one line, for the command's message)."""


DERIVED_TABLES = (
    "indicator_rollups",
    "indicator_rollup_changes",
    "indicator_day_rollups",
    "indicator_day_rollup_changes",
    "public_merchant_previews",  # counted again by the hourly job (pages count live until then)
)


@dataclass(frozen=True, slots=True)
class Tools:
    """The pg_dump and pg_restore to use, and the PostgreSQL major version they belong to."""

    pg_dump: Path
    pg_restore: Path
    major: int


@dataclass(frozen=True, slots=True)
class Summary:
    folder: Path
    tables: dict[str, int]
    evidence_files: int
    evidence_bytes: int


def _candidate_dirs(extra: str | None) -> Iterator[Path]:
    if extra:
        yield Path(extra)
    spec = importlib.util.find_spec("pgserver")  # found, not imported: importing starts nothing, but warns
    for location in (spec.submodule_search_locations or []) if spec else []:
        yield Path(location) / "pginstall" / "bin"  # the embedded server's own binaries
    yield from sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    found = shutil.which("pg_dump")
    if found:
        yield Path(found).resolve().parent


def _major(binary: Path) -> int | None:
    try:
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=10).stdout
    except OSError:
        return None
    match = _VERSION.search(out)
    return int(match.group(1)) if match else None


def find_tools(server_major: int, *, bin_dir: str | None = None) -> Tools:
    """pg_dump and pg_restore of the server's major version; else the nearest newer pair (pg_dump reads
    older servers, never newer ones)."""
    newer: list[Tools] = []
    seen: set[Path] = set()
    for folder in _candidate_dirs(bin_dir):
        dump, restore = folder / "pg_dump", folder / "pg_restore"
        if folder in seen or not (dump.is_file() and restore.is_file()):
            continue
        seen.add(folder)
        major = _major(dump)
        if major == server_major:
            return Tools(dump, restore, major)
        if major is not None and major > server_major:
            newer.append(Tools(dump, restore, major))
    if newer:
        return min(newer, key=lambda t: t.major)
    raise BackupError(
        f"no pg_dump/pg_restore for PostgreSQL {server_major} found (set PG_BIN_DIR to their folder)"
    )


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _copy_checked(source: Path, target: Path, sha256: str) -> int:
    """Copy while hashing; the copy must be the bytes its name promises. Returns the size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    partial = target.with_name(target.name + ".part")
    with source.open("rb") as src, partial.open("wb") as dst:
        while block := src.read(CHUNK):
            digest.update(block)
            dst.write(block)
            size += len(block)
    if digest.hexdigest() != sha256:
        partial.unlink()
        raise BackupError(f"evidence file {sha256} does not match its hash (damaged on disk?)")
    os.replace(partial, target)
    return size


def _run(args: list[str], what: str, env: dict[str, str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {detail[-1] if detail else done.returncode}")


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL for pg_dump/pg_restore without its password, which goes in PGPASSWORD instead: a command
    line is visible to every user of the machine (ps)."""
    parts = urlsplit(url)
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    host = parts.netloc.rpartition("@")[2]
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=user + host)), env


async def _tables(conn: asyncpg.Connection) -> dict[str, int]:
    names = await conn.fetch(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS name FROM pg_tables"
        " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
    )
    derived = {f"public.{t}" for t in DERIVED_TABLES}
    return {
        r["name"]: await conn.fetchval(f"SELECT count(*) FROM {r['name']}")
        for r in names
        if r["name"] not in derived  # their rows are not carried (see the dump)
    }


async def _server_major(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SHOW server_version_num")) // 10000


@dataclass(frozen=True, slots=True)
class _Snapshot:
    tools: Tools
    server_version: str
    tables: dict[str, int]
    migrations: list[str]
    evidence: list[str]  # SHA-256 of each file the evidence rows name


def backup(database_url: str, evidence_dir: Path, out: Path, *, bin_dir: str | None = None) -> Summary:
    """Write a consistent backup of the database and its evidence files into `out` (new or empty)."""
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: back up into a new folder")
    out.mkdir(parents=True, exist_ok=True)
    snap = asyncio.run(_dump(database_url, out / DUMP, bin_dir))
    files: list[dict[str, Any]] = []
    for sha256 in snap.evidence:
        source = evidence_files.path_of(evidence_dir, sha256)
        if not source.is_file():
            raise BackupError(f"evidence file {sha256} is missing from {evidence_dir}")
        files.append({"sha256": sha256, "size": _copy_checked(source, _in_backup(out, sha256), sha256)})
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "server_version": snap.server_version,
        "pg_dump_major": snap.tools.major,
        "dump": {"file": DUMP, "sha256": _sha256_file(out / DUMP), "size": (out / DUMP).stat().st_size},
        "migrations": snap.migrations,
        "tables": snap.tables,
        "evidence": files,
    }
    partial = out / (MANIFEST + ".part")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(partial, out / MANIFEST)
    return Summary(out, snap.tables, len(files), sum(int(f["size"]) for f in files))


async def _dump(database_url: str, target: Path, bin_dir: str | None) -> _Snapshot:
    url, env = _libpq(database_url)
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        tools = find_tools(await _server_major(conn), bin_dir=bin_dir)
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
            server_version = await conn.fetchval("SHOW server_version")
            tables = await _tables(conn)
            migrations = [
                r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations ORDER BY 1")
            ]
            evidence = [
                r["sha256"] for r in await conn.fetch("SELECT DISTINCT sha256 FROM evidence ORDER BY 1")
            ]
            # pg_dump reads the very snapshot the lists above were read in, while this transaction holds it
            args = [
                str(tools.pg_dump),
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-owner",
                # derived figures, recounted from the cases on first read; a restored change log would
                # name transactions of the old server
                *(f"--exclude-table-data={table}" for table in DERIVED_TABLES),
                f"--file={target}",
                f"--dbname={url}",
            ]
            await asyncio.to_thread(_run, args, "pg_dump", env)
    finally:
        await conn.close()
    return _Snapshot(tools, server_version, tables, migrations, evidence)


def _in_backup(folder: Path, sha256: str) -> Path:
    return folder / EVIDENCE / sha256[:2] / sha256


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{folder} has no {MANIFEST}: not a finished backup") from exc
    except ValueError as exc:
        raise BackupError(f"{folder / MANIFEST} is not valid JSON") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def verify(folder: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest names is there with its hash."""
    if _sha256_file(folder / manifest["dump"]["file"]) != manifest["dump"]["sha256"]:
        raise BackupError("the database dump does not match the manifest's hash")
    for f in manifest["evidence"]:
        path = _in_backup(folder, f["sha256"])
        if not path.is_file() or _sha256_file(path) != f["sha256"]:
            raise BackupError(f"evidence file {f['sha256']} is missing or damaged in the backup")


def restore(database_url: str, evidence_dir: Path, folder: Path, *, bin_dir: str | None = None) -> Summary:
    """Restore a backup into an empty database and put its evidence files in place."""
    manifest = read_manifest(folder)
    verify(folder, manifest)
    asyncio.run(_restore_dump(database_url, folder / manifest["dump"]["file"], manifest, bin_dir))
    for f in manifest["evidence"]:
        target = evidence_files.path_of(evidence_dir, f["sha256"])
        if not (target.is_file() and _sha256_file(target) == f["sha256"]):
            _copy_checked(_in_backup(folder, f["sha256"]), target, f["sha256"])
    tables = asyncio.run(_count(database_url))
    differ = _differences(manifest["tables"], tables)
    if differ:
        raise BackupError("restored row counts differ from the backup: " + ", ".join(differ))
    return Summary(
        folder, tables, len(manifest["evidence"]), sum(int(f["size"]) for f in manifest["evidence"])
    )


async def _restore_dump(database_url: str, dump: Path, manifest: dict[str, Any], bin_dir: str | None) -> None:
    url, env = _libpq(database_url)
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        existing = await conn.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        if existing:
            raise BackupError("the target database is not empty: restore only into a new, empty database")
        # pg_restore must read the dump's format: at least the pg_dump that wrote it
        tools = find_tools(max(await _server_major(conn), int(manifest["pg_dump_major"])), bin_dir=bin_dir)
    finally:
        await conn.close()
    args = [
        str(tools.pg_restore),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={url}",
        str(dump),
    ]
    await asyncio.to_thread(_run, args, "pg_restore", env)


async def _count(database_url: str) -> dict[str, int]:
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        return await _tables(conn)
    finally:
        await conn.close()


def _differences(expected: dict[str, int], found: dict[str, int]) -> Iterable[str]:
    return [
        f"{name} {expected.get(name)} → {found.get(name)}"
        for name in sorted(set(expected) | set(found))
        if expected.get(name) != found.get(name)
    ]
