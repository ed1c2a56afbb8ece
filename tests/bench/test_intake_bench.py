"""Intake throughput (DESIGN §5): the real POST /api/v1/complaints against a bare Litestar + asyncpg
one-insert endpoint, each served by uvicorn in its own process with the same settings, loaded by the
same generator in a third process, against the same PostgreSQL, alternating rounds in one run."""

from __future__ import annotations

import json
from pathlib import Path

from service.settings import Settings
from tests.support.bench_servers import bare_server, load, real_server, serve, server_env
from tests.support.factories import complaint_body
from tests.support.net import free_port

REQUESTS = 3000
CONCURRENCY = 16
ROUNDS = 3


def show(name: str, r: dict[str, object]) -> str:
    return f"  {name:<12}: {r['rps']:8.1f} req/s  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms"


def test_intake_throughput(settings: Settings, tmp_path: Path) -> None:
    body = tmp_path / "complaint.json"
    text = complaint_body()["description"] + "__UNIQUE__"  # each request a new complaint (loadgen)
    body.write_text(json.dumps(complaint_body(description=text), ensure_ascii=False))
    env = server_env(settings)
    real_port, bare_port = free_port(), free_port()
    with (
        serve(real_server(settings, real_port), env, real_port, tmp_path / "real.log"),
        serve(bare_server(bare_port), env, bare_port, tmp_path / "bare.log"),
    ):
        real_url = f"http://127.0.0.1:{real_port}/api/v1/complaints"
        bare_url = f"http://127.0.0.1:{bare_port}/bare"
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
