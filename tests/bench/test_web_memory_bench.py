"""Web process memory under sustained load (DESIGN §5: under 200 MB RSS).

One `disputes serve` process is loaded by four generator processes at once — complaint submissions,
a consumer following a case, the public pages, the taxonomy — while its RSS is sampled."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

import httpx
import psutil

from service.settings import ROOT, Settings
from tests.support.bench_servers import load_command, real_server, result_of, serve, server_env
from tests.support.factories import complaint_body
from tests.support.net import free_port

REQUESTS = 6000  # per generator
CONCURRENCY = 8  # per generator
LIMIT_MB = 200


def test_web_rss_under_sustained_load(settings: Settings, tmp_path: Path) -> None:
    body = tmp_path / "complaint.json"
    body.write_text(json.dumps(complaint_body(), ensure_ascii=False))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serve(real_server(settings, port), server_env(settings), port, tmp_path / "web.log") as proc:
        process = psutil.Process(proc.pid)
        receipt = httpx.post(f"{base}/api/v1/complaints", json=complaint_body()).json()
        started_mb = process.memory_info().rss / 2**20
        streams = {
            "submit": load_command(
                f"{base}/api/v1/complaints",
                requests=REQUESTS,
                concurrency=CONCURRENCY,
                body=body,
                unique_key=True,
            ),
            "follow case": load_command(
                f"{base}/api/v1/complaints/{receipt['tracking_no']}",
                requests=REQUESTS,
                concurrency=CONCURRENCY,
                headers=(f"X-Access-Code: {receipt['access_code']}",),
            ),
            "form page": load_command(f"{base}/complaints/new", requests=REQUESTS, concurrency=CONCURRENCY),
            "taxonomy": load_command(f"{base}/api/v1/taxonomy", requests=REQUESTS, concurrency=CONCURRENCY),
        }
        samples: list[float] = []
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                samples.append(process.memory_info().rss / 2**20)
                time.sleep(0.2)

        sampler = threading.Thread(target=sample)
        sampler.start()
        began = time.perf_counter()
        running = {
            name: subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
            for name, cmd in streams.items()
        }
        results = {name: result_of(p.communicate()[0]) for name, p in running.items()}
        seconds = time.perf_counter() - began
        done.set()
        sampler.join()
        ended_mb = process.memory_info().rss / 2**20
    for name, r in results.items():
        assert r["statuses"] == {"201" if name == "submit" else "200": REQUESTS}, (name, r)
    peak_mb = max(samples)
    total = REQUESTS * len(streams)
    print(
        f"\nweb process RSS, {total} requests in {seconds:.1f} s ({total / seconds:.0f} req/s), "
        f"4 generators x {CONCURRENCY} connections:\n"
        f"  after start : {started_mb:6.1f} MB\n  peak        : {peak_mb:6.1f} MB  (target < {LIMIT_MB} MB)\n"
        f"  at the end  : {ended_mb:6.1f} MB\n"
        + "".join(
            f"  {name:<12}: {r['rps']:7.1f} req/s  p50 {r['p50_ms']} ms  p99 {r['p99_ms']} ms\n"
            for name, r in results.items()
        )
    )
