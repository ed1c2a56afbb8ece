"""Intake throughput (DESIGN §5): the real POST /api/v1/complaints against a bare Litestar + asyncpg
one-insert endpoint, each served by uvicorn in its own process with the same settings, loaded by the
same generator in a third process, against the same PostgreSQL, alternating rounds in one run.

Two generators: tests/bench/loadgen.py (Python, a fixed request count) and, as issue 17 asks, an outside
one: wrk (Debian's /usr/bin/wrk, 32 connections, a timed run per round) with tests/bench/post_unique.lua,
a fresh Idempotency-Key and a new complaint per request. Targets: real ≥ 0.70 of the floor's req/s, its
p99 ≤ 2× the floor's. The wrk variant is skipped where wrk is not installed."""

from __future__ import annotations

import contextlib
import json
import shutil
import statistics
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.settings import ROOT, Settings
from tests.support.bench_servers import bare_server, load, real_server, serve, server_env
from tests.support.factories import complaint_body
from tests.support.net import free_port

REQUESTS = 3000
CONCURRENCY = 16
ROUNDS = 3
WRK = shutil.which("wrk")
WRK_CONNECTIONS = 32
WRK_SECONDS = 10
LUA = ROOT / "tests" / "bench" / "post_unique.lua"


def show(name: str, r: dict[str, object]) -> str:
    return f"  {name:<12}: {r['rps']:8.1f} req/s  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms"


@contextlib.contextmanager
def real_and_bare(settings: Settings, tmp_path: Path) -> Iterator[tuple[Path, str, str]]:
    """The real intake and the bare insert, each served by uvicorn in its own process, and a complaint body
    whose description the load generator makes unique per request (`__UNIQUE__`)."""
    body = tmp_path / "complaint.json"
    text = complaint_body()["description"] + "__UNIQUE__"
    body.write_text(json.dumps(complaint_body(description=text), ensure_ascii=False))
    env = server_env(settings)
    real_port, bare_port = free_port(), free_port()
    with (
        serve(real_server(settings, real_port), env, real_port, tmp_path / "real.log"),
        serve(bare_server(bare_port), env, bare_port, tmp_path / "bare.log"),
    ):
        yield body, f"http://127.0.0.1:{real_port}/api/v1/complaints", f"http://127.0.0.1:{bare_port}/bare"


def test_intake_throughput(settings: Settings, tmp_path: Path) -> None:
    with real_and_bare(settings, tmp_path) as (body, real_url, bare_url):
        for url in (bare_url, real_url):  # warm the pools, caches and prepared statements
            load(url, requests=300, concurrency=CONCURRENCY, body=body, unique_key=True)
        bare, real = [], []
        for _ in range(ROUNDS):
            for url, results in ((bare_url, bare), (real_url, real)):
                results.append(
                    load(url, requests=REQUESTS, concurrency=CONCURRENCY, body=body, unique_key=True)
                )
    for r in bare + real:
        assert r["statuses"] == {"201": REQUESTS}, r
    best_bare = max(bare, key=lambda r: float(str(r["rps"])))
    best_real = max(real, key=lambda r: float(str(r["rps"])))
    ratio = float(str(best_real["rps"])) / float(str(best_bare["rps"]))
    print(
        f"\nintake, {REQUESTS} requests x {ROUNDS} rounds, concurrency {CONCURRENCY}, uvicorn servers, "
        f"loadgen process (best round):\n"
        f"{show('bare insert', best_bare)}\n{show('real intake', best_real)}\n"
        f"  ratio       : {ratio:8.2f}  (target ≥ 0.70)\n"
        f"  all rounds  : bare {[r['rps'] for r in bare]}  real {[r['rps'] for r in real]}"
    )


def wrk(url: str, body: Path, seconds: int) -> dict[str, Any]:
    """One timed wrk run (one thread: the server and PostgreSQL need the cores more); its JSON line."""
    assert WRK
    command = [WRK, "-t", "1", "-c", str(WRK_CONNECTIONS), "-d", f"{seconds}s", "--timeout", "10s"]
    command += ["-s", str(LUA), url, "--", str(body), uuid.uuid4().hex[:12]]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


@pytest.mark.skipif(WRK is None, reason="wrk is not installed (Debian: apt-get install wrk)")
def test_intake_throughput_wrk(settings: Settings, tmp_path: Path) -> None:
    with real_and_bare(settings, tmp_path) as (body, real_url, bare_url):  # post_unique.lua: unique bodies
        for url in (bare_url, real_url):  # warm the pools, caches and prepared statements
            wrk(url, body, 2)
        runs: dict[str, list[dict[str, Any]]] = {"bare": [], "real": []}
        for _ in range(ROUNDS):  # A B A B: both see the same machine, whatever else it is doing
            for name, url in (("bare", bare_url), ("real", real_url)):
                runs[name].append(wrk(url, body, WRK_SECONDS))
    for r in runs["bare"] + runs["real"]:
        assert r["requests"] > 0 and not any(r["errors"].values()), r
    rps = {name: median_of(r, "rps") for name, r in runs.items()}
    p50 = {name: median_of(r, "p50_ms") for name, r in runs.items()}
    p99 = {name: median_of(r, "p99_ms") for name, r in runs.items()}
    lines = [
        f"  {name:<12}: {rps[name]:8.1f} req/s  p50 {p50[name]:6.1f} ms  p99 {p99[name]:6.1f} ms"
        for name in ("bare", "real")
    ]
    print(
        f"\nintake, wrk -c {WRK_CONNECTIONS} -d {WRK_SECONDS}s x {ROUNDS} rounds (bare, real alternated), "
        f"uvicorn servers (median of rounds):\n" + "\n".join(lines) + "\n"
        f"  ratio       : {rps['real'] / rps['bare']:8.2f}  (target ≥ 0.70)\n"
        f"  p99 ratio   : {p99['real'] / p99['bare']:8.2f}  (target ≤ 2)\n"
        f"  all rounds  : bare {[r['rps'] for r in runs['bare']]}  real {[r['rps'] for r in runs['real']]}"
    )
