"""The CLI against a real PostgreSQL: migrate applies and reports; an unreachable Redis is one clear line."""

from __future__ import annotations

from tests.support.cli import run_cli
from tests.support.databases import Databases


async def test_migrate_applies_then_reports_up_to_date(
    databases: Databases, server_urls: tuple[str, str]
) -> None:
    url = await databases.create(migrated=False)
    first = run_cli("migrate", DATABASE_URL=url, REDIS_URL=server_urls[1])
    assert first.returncode == 0, first.stderr
    assert "0001_core.sql" in first.stdout
    again = run_cli("migrate", DATABASE_URL=url, REDIS_URL=server_urls[1])
    assert again.returncode == 0 and "up to date" in again.stdout


async def test_unreachable_redis_is_one_clear_line(database_url: str) -> None:
    done = run_cli("worker", "--burst", DATABASE_URL=database_url, REDIS_URL="redis://127.0.0.1:1/0")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith("disputes: Redis unreachable")
