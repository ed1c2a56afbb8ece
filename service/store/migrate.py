"""The migration runner: numbered plain-SQL files applied in order, one transaction each, under an
advisory lock so that two processes migrating at once take turns. Production and tests use this runner.

After the SQL files it seeds the working-day calendar from the `chinesecalendar` package for every year
the package knows and the table does not: a year an administrator loaded from a file is never replaced;
and it writes the notification channels the code declares into their lookup table, and the current
version's indicator definitions from `domain.indicator_definitions` (the one source of them; earlier
versions stay as their migrations wrote them, for the returns made under them).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from domain.indicator_definitions import DEFINITIONS, VERSION
from service.adapters.channels import declared as declared_channels
from service.store import calendar_source, notifications
from service.store.sql import SQL

LOCK_KEY = 0x5144_6D69  # "QDmi": any fixed number unique to this application
CALENDAR_FROM = 2020  # the earliest rule set (Order 20) took effect in 2020; older years count nothing
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Migration:
    version: str
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover(folder: Path) -> list[Migration]:
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"migration file name not of the form NNNN_name.sql: {path.name}")
        found.append(Migration(match.group(1), path.name, path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migrations share a number in {folder}")
    return found


async def migrate(conn: asyncpg.Connection, folder: Path) -> list[str]:
    """Apply the pending migrations; return the names applied (empty when up to date)."""
    migrations = discover(folder)
    await conn.execute("SELECT pg_advisory_lock($1)", LOCK_KEY)
    try:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        applied = {
            r["version"]: r for r in await conn.fetch("SELECT version, name, checksum FROM schema_migrations")
        }
        done: list[str] = []
        for m in migrations:
            row = applied.get(m.version)
            if row is not None:
                if row["checksum"] != m.checksum:
                    raise MigrationError(
                        f"{m.name} changed after it was applied; add a new migration instead"
                    )
                continue
            try:
                async with conn.transaction():
                    await conn.execute(m.sql)
                    await conn.execute(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                        m.version,
                        m.name,
                        m.checksum,
                    )
            except asyncpg.PostgresError as exc:
                raise MigrationError(f"{m.name} failed: {exc}") from exc
            done.append(m.name)
        await seed_calendar(conn)
        await seed_channels(conn)
        await seed_indicator_definitions(conn)
        return done
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)


async def seed_channels(conn: asyncpg.Connection) -> None:
    """Write every notification channel the code declares (service/adapters/channels) into its lookup."""
    await notifications.declare_channels(conn, declared_channels())


async def seed_calendar(conn: asyncpg.Connection) -> list[int]:
    """Insert the years chinesecalendar knows that the table lacks; return those years."""
    have = {r["year"] for r in await conn.fetch("SELECT year FROM calendar_years")}
    added = []
    for year in calendar_source.chinesecalendar_years():
        if year in have or year < CALENDAR_FROM:
            continue
        rows = calendar_source.chinesecalendar_rows(year)
        async with conn.transaction():
            await conn.executemany(
                """INSERT INTO calendar_days (day, is_workday, holiday_name) VALUES ($1, $2, $3)
                   ON CONFLICT (day) DO UPDATE SET is_workday = EXCLUDED.is_workday,
                                                   holiday_name = EXCLUDED.holiday_name""",
                [(r.day, r.is_workday, r.holiday_name) for r in rows],
            )
            await conn.execute(
                "INSERT INTO calendar_years (year, source) VALUES ($1, 'chinesecalendar')", year
            )
        added.append(year)
    return added


# the order of indicator_definitions_upsert.sql's parameters after the version
DEFINITION_COLUMNS = (
    "code", "name_zh", "name_en", "formula", "numerator", "denominator",
    "unit", "sort", "period", "kind", "target",
)  # fmt: skip


async def seed_indicator_definitions(conn: asyncpg.Connection) -> int:
    """Write the current version's definitions (new ones added, changed wording updated); return how many."""
    rows = [(VERSION, *(getattr(d, column) for column in DEFINITION_COLUMNS)) for d in DEFINITIONS]
    async with conn.transaction():
        await conn.executemany(SQL["indicator_definitions_upsert"], rows)
    return len(rows)
