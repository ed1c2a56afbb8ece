"""Real servers for the HTTP benchmarks (tests/bench/): `disputes serve` and the bare floor app as their
own processes, loaded by tests/bench/loadgen.py in a third process (DESIGN §5: same server settings,
same generator)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from service.settings import ROOT, Settings

BIN = Path(sys.executable).parent


def server_env(settings: Settings) -> dict[str, str]:
    assert settings.database_url and settings.redis_url
    return {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "SECRET_KEY": settings.secret_key,
        "DISPUTES_DATA_DIR": str(settings.data_dir),
        "DISPUTES_QUEUE": settings.queue_name,
        "LOG_JSON": "1",
        # one load generator is one client filing thousands of complaints: the filing limits stay on,
        # so their cost is measured, but out of reach
        "FILING_MAX_PER_CLIENT": "1000000000",
        "FILING_MAX_PER_PHONE": "1000000000",
    }


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


@contextmanager
def serve(
    command: list[str], env: Mapping[str, str], port: int, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server until the block ends; its log goes to a file (a pipe nobody reads would stall it)."""
    with log.open("ab") as out:
        proc = subprocess.Popen(command, env=dict(env), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc)
        yield proc
    finally:
        stop(proc, timeout_s=10)


def stop(proc: subprocess.Popen[bytes], *, timeout_s: float) -> None:
    """Ask a process to stop; kill it if it has not within the timeout."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def real_server(settings: Settings, port: int) -> list[str]:
    return [str(BIN / "disputes"), "serve", "--port", str(port)]


def bare_server(port: int) -> list[str]:
    return [sys.executable, "-m", "tests.bench.bare_app", str(port)]


def load_command(
    url: str,
    *,
    requests: int,
    concurrency: int,
    body: Path | None = None,
    unique_key: bool = False,
    headers: tuple[str, ...] = (),
) -> list[str]:
    command = [sys.executable, "-m", "tests.bench.loadgen", url, "--requests", str(requests)]
    command += ["--concurrency", str(concurrency)]
    if body is not None:
        command += ["--body", str(body)]
    if unique_key:
        command.append("--unique-key")
    for header in headers:
        command += ["--header", header]
    return command


def load(
    url: str, *, requests: int, concurrency: int, body: Path | None = None, unique_key: bool = False
) -> dict[str, object]:
    command = load_command(url, requests=requests, concurrency=concurrency, body=body, unique_key=unique_key)
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return result_of(out)


def result_of(output: str) -> dict[str, object]:
    result: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    return result
