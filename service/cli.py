"""The `disputes` command: serve, worker, migrate, dev, seed-demo, calendar.

Each command exits non-zero with one clear line when a server is unreachable or a migration fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import msgspec
import redis as redis_sync

from service.settings import Settings
from service.store.embedded import EmbeddedServers, ensure_servers

T = TypeVar("T")


class Unreachable(Exception):
    pass


def fail(message: str, code: int = 2) -> None:
    print(f"disputes: {message}", file=sys.stderr)
    raise SystemExit(code)


def _resolve(settings: Settings, *, redis: bool = True) -> tuple[Settings, EmbeddedServers]:
    """Start embedded servers for unset URLs and check that they answer (Redis only when needed)."""
    try:
        servers = ensure_servers(settings.database_url, settings.redis_url, settings.data_dir, redis=redis)
    except Exception as exc:
        fail(f"could not start the embedded servers under {settings.data_dir}: {exc}")
        raise  # unreachable: fail() exits
    resolved = msgspec.structs.replace(
        settings, database_url=servers.database_url, redis_url=servers.redis_url
    )
    try:
        asyncio.run(_check_postgres(servers.database_url))
    except Exception as exc:
        servers.stop()
        fail(f"PostgreSQL unreachable at {_safe_url(servers.database_url)}: {exc}")
    if not redis:
        return resolved, servers
    try:
        redis_sync.Redis.from_url(servers.redis_url, socket_connect_timeout=3, socket_timeout=3).ping()
    except Exception as exc:
        servers.stop()
        fail(f"Redis unreachable at {_safe_url(servers.redis_url)}: {exc}")
    return resolved, servers


def _safe_url(url: str) -> str:
    """A URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return url


async def _check_postgres(url: str) -> None:
    conn = await asyncpg.connect(url, timeout=5)
    await conn.close()


def _with_conn(settings: Settings, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    async def run() -> T:
        from service.store.db import connect

        assert settings.database_url
        conn = await connect(settings.database_url)
        try:
            return await work(conn)
        finally:
            await conn.close()

    return asyncio.run(run())


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> None:
    from service.store.migrate import MigrationError, migrate

    settings, servers = _resolve(settings, redis=False)
    try:
        applied = _with_conn(settings, lambda conn: migrate(conn, settings.migrations_dir))
    except MigrationError as exc:
        fail(f"migration failed: {exc}")
    finally:
        servers.stop()
    print(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else "; up to date"))


def cmd_serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    from service.app import create_app
    from service.web.slow_clients import protocol_for

    settings, servers = _resolve(settings)
    settings = msgspec.structs.replace(
        settings, host=args.host or settings.host, port=args.port or settings.port
    )
    try:
        uvicorn.run(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            # forwarding headers are read by service.web.client, from TRUSTED_PROXIES only
            proxy_headers=False,
            server_header=False,
            http=protocol_for(settings),  # request-head deadline, connections per client
        )
    finally:
        servers.stop()


def cmd_worker(settings: Settings, args: argparse.Namespace) -> None:
    from service.logs import configure_logging
    from workers.main import build_worker

    settings, servers = _resolve(settings)
    configure_logging(json=settings.log_json, level=settings.log_level)

    async def run() -> None:
        worker = build_worker(settings, burst=args.burst)
        try:
            await worker.async_run()
        except asyncio.CancelledError:
            pass  # a signal stopped the worker
        finally:
            await worker.close()

    try:
        asyncio.run(run())
    finally:
        servers.stop()


DEMO_CASES = 400  # about thirty-three a month: every month of the year has closures and answered surveys


def cmd_seed_demo(settings: Settings, args: argparse.Namespace) -> None:
    settings, servers = _resolve(settings)  # Redis too: demo consumers come back to the tracking page
    try:
        result = asyncio.run(_seed(settings, args.cases, args.seed))
    finally:
        servers.stop()
    _report_demo(result)


def _report_demo(result: Any) -> None:
    if not result.receipts:
        print("the database already has cases; demo data is loaded only into an empty one")
        return
    print(
        f"loaded {len(result.receipts)} demo complaints "
        f"({result.accepted} accepted, {result.rejected} rejected); track these at /track:"
    )
    for r in result.receipts[-3:]:
        print(f"  {r.tracking_no}  access code {r.access_code}")
    if result.closures:
        print("closings by outcome: " + ", ".join(f"{o} {n}" for o, n in sorted(result.closures.items())))
    if result.accounts:
        print("demo staff accounts (sign in at /staff/login; passwords are shown only now):")
        for username, password in result.accounts.items():
            print(f"  {username:<18} {password}")


async def _seed(settings: Settings, count: int, seed: int) -> Any:
    from redis.asyncio import Redis

    from service.logs import configure_logging
    from service.store.db import create_pool
    from service.throttle import Throttle
    from service.usecases.clock import local_date, utcnow
    from service.usecases.demo import seed_demo
    from service.usecases.intake import IntakeContext

    assert settings.database_url
    # the year is played through the real use cases: their info lines (a routing per case) are noise here
    configure_logging(json=settings.log_json, level="WARNING")
    # thousands of small transactions of fictional data need not each wait for the disk: a server crash
    # could lose only the last moments of demo data (this session's setting; other connections keep theirs)
    url = settings.database_url + ("&" if "?" in settings.database_url else "?") + "synchronous_commit=off"
    pool = await create_pool(url, max_size=2)
    redis = (
        Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
        if settings.redis_url
        else None
    )
    try:
        ctx = IntakeContext(
            secret_key=settings.secret_key,
            evidence_dir=settings.evidence_dir,
            evidence_max_files=settings.evidence_max_files,
            evidence_max_bytes=settings.evidence_max_bytes,
            idempotency_ttl_s=settings.idempotency_ttl_s,
        )
        throttle = None
        if redis is not None:  # the tracking page's guard, as the web process builds it
            throttle = Throttle(
                redis,
                prefix=f"{settings.queue_name}:track-fail",
                window_s=settings.track_failure_window_s,
                limits={"no": settings.track_max_failures, "ip": settings.track_max_failures_per_client},
            )
        today = local_date(utcnow())
        return await seed_demo(pool, ctx, count=count, seed=seed, today=today, throttle=throttle)
    finally:
        await pool.close()
        if redis is not None:
            await redis.aclose()


def cmd_dev(settings: Settings, args: argparse.Namespace) -> None:
    """Everything a developer needs in one process tree: servers, migrations, demo data, web and worker."""
    from service.store.migrate import MigrationError, migrate

    settings, servers = _resolve(settings)
    try:
        try:
            applied = _with_conn(settings, lambda conn: migrate(conn, settings.migrations_dir))
        except MigrationError as exc:
            fail(f"migration failed: {exc}")
        print(f"migrations: {len(applied)} applied")
        _report_demo(asyncio.run(_seed(settings, args.cases, 2026)))
        env = {
            **os.environ,
            "DATABASE_URL": settings.database_url or "",
            "REDIS_URL": settings.redis_url or "",
            "SECRET_KEY": settings.secret_key,
        }
        exe = [sys.executable, "-m", "service.cli"]
        children = [
            subprocess.Popen([*exe, "serve", "--host", args.host, "--port", str(args.port)], env=env),
            subprocess.Popen([*exe, "worker"], env=env),
        ]
        print(f"serving on http://{args.host}:{args.port}/ (Ctrl-C stops everything)", flush=True)
        _wait_for_children(children)
    finally:
        servers.stop()


def _wait_for_children(children: Sequence[subprocess.Popen[bytes]]) -> None:
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping and all(child.poll() is None for child in children):
            with contextlib.suppress(subprocess.TimeoutExpired):
                children[0].wait(timeout=0.5)
    except KeyboardInterrupt:
        pass  # Ctrl-C reached the children too (same process group); they stop themselves
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()


def cmd_calendar_show(settings: Settings, args: argparse.Namespace) -> None:
    from datetime import date

    from service.store import reference

    settings, servers = _resolve(settings, redis=False)

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
        _with_conn(settings, show)
    finally:
        servers.stop()


def cmd_calendar_load(settings: Settings, args: argparse.Namespace) -> None:
    from service.store.calendar_source import ScheduleError, parse_schedule_file
    from service.store.db import create_pool
    from service.usecases.calendar import load_year
    from service.usecases.clock import utcnow

    try:
        year, rows = parse_schedule_file(Path(args.file))
    except (OSError, ScheduleError) as exc:
        fail(f"cannot load {args.file}: {exc}")
    settings, servers = _resolve(settings, redis=False)

    async def load() -> Any:
        assert settings.database_url
        pool = await create_pool(settings.database_url, max_size=2)
        try:
            return await load_year(pool, year, rows, now=utcnow())
        finally:
            await pool.close()

    try:
        result = asyncio.run(load())
    finally:
        servers.stop()
    print(
        f"{result.year}: {result.days} days loaded ({result.holidays} holidays, "
        f"{result.makeup_workdays} make-up workdays); "
        f"deadlines recomputed on {len(result.cases_recomputed)} case(s)"
    )


def cmd_users_add(settings: Settings, args: argparse.Namespace) -> None:
    from domain.errors import ValidationFailed
    from service.usecases import auth

    if not args.password_stdin:
        fail("give the password on standard input with --password-stdin (never on the command line)")
    password = sys.stdin.readline().rstrip("\n")
    settings, servers = _resolve(settings, redis=False)
    try:
        user_id = _with_pool(
            settings, lambda pool: auth.add_user(pool, args.username, args.role, password, args.name)
        )
    except ValidationFailed as exc:
        fail("; ".join(f"{e.field}: {e.message_en}" for e in exc.errors))
    finally:
        servers.stop()
    print(f"user {args.username} added (id {user_id}) with roles: {', '.join(sorted(set(args.role)))}")


def cmd_users_disable(settings: Settings, args: argparse.Namespace) -> None:
    from service.usecases import auth

    settings, servers = _resolve(settings, redis=False)
    try:
        found = _with_pool(settings, lambda pool: auth.disable_user(pool, args.username))
    finally:
        servers.stop()
    if not found:
        fail(f"no user {args.username}")
    print(f"user {args.username} disabled; their sessions are ended")


def cmd_users_list(settings: Settings, args: argparse.Namespace) -> None:
    from service.usecases import auth

    settings, servers = _resolve(settings, redis=False)
    try:
        rows = _with_pool(settings, auth.list_users)
    finally:
        servers.stop()
    for r in rows:
        state = "disabled" if r["disabled"] else "active"
        print(f"{r['username']:<24} {','.join(r['roles']):<36} {state:<9} {r['display_name']}")


def _with_pool(settings: Settings, work: Callable[[Any], Awaitable[T]]) -> T:
    from service.store.db import create_pool

    async def run() -> T:
        assert settings.database_url
        pool = await create_pool(settings.database_url, max_size=2)
        try:
            return await work(pool)
        finally:
            await pool.close()

    return asyncio.run(run())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="disputes", description="质量争议处理服务 Quality Disputes")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="serve the web app")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(run=cmd_serve)
    p = sub.add_parser("worker", help="run the job worker")
    p.add_argument("--burst", action="store_true", help="run queued jobs, then exit")
    p.set_defaults(run=cmd_worker)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(run=cmd_migrate)
    p = sub.add_parser("dev", help="servers, migrations, demo data, web and worker together")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--cases", type=int, default=DEMO_CASES)
    p.set_defaults(run=cmd_dev)
    p = sub.add_parser("seed-demo", help="load demo complaints into an empty database")
    p.add_argument("--cases", type=int, default=DEMO_CASES)
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(run=cmd_seed_demo)
    cal = sub.add_parser("calendar", help="the working-day calendar").add_subparsers(
        dest="action", required=True
    )
    p = cal.add_parser("show", help="a year's holidays and make-up workdays")
    p.add_argument("year", type=int)
    p.set_defaults(run=cmd_calendar_show)
    p = cal.add_parser("load", help="load a year's official schedule (CSV or JSON) and recompute deadlines")
    p.add_argument("file")
    p.set_defaults(run=cmd_calendar_load)
    users = sub.add_parser("users", help="staff accounts").add_subparsers(dest="action", required=True)
    p = users.add_parser("add", help="add a staff account; the password is read from standard input")
    p.add_argument("username")
    p.add_argument(
        "--role", action="append", required=True, help="clerk, mediator, supervisor, leading_group, admin"
    )
    p.add_argument("--name", help="display name (default: the username)")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(run=cmd_users_add)
    p = users.add_parser("disable", help="disable an account and end its sessions")
    p.add_argument("username")
    p.set_defaults(run=cmd_users_disable)
    users.add_parser("list", help="list staff accounts").set_defaults(run=cmd_users_list)
    from service.cli_export import cmd_export
    from service.cli_merchants import cmd_merchants_import

    p = sub.add_parser(
        "export", help="produce a month's statistics return and write its spreadsheet and CSV zip"
    )
    p.add_argument("--month", required=True, help="YYYY-MM, a month that has ended")
    p.add_argument("--out", default=".", help="folder for the files (default: the current one)")
    p.add_argument("--reason", help="why a restatement was made (kept with the new version)")
    p.set_defaults(run=cmd_export)

    registry = sub.add_parser("merchants", help="the merchant registry")
    reg = registry.add_subparsers(dest="action", required=True)
    p = reg.add_parser("import", help="import merchants from a CSV file (all or nothing)")
    p.add_argument("file")
    p.add_argument(
        "--update", action="store_true", help="a row whose USCC is registered updates that merchant"
    )
    p.set_defaults(run=cmd_merchants_import)
    from service.cli_backup import add_parsers as add_backup_parsers

    add_backup_parsers(sub)
    args = parser.parse_args(argv)
    if getattr(args, "cases", 0) < 0:
        fail("--cases must be zero or more")
    args.run(Settings.from_env(), args)


if __name__ == "__main__":
    main()
