"""Each command says in one line when a server is unreachable, and exits non-zero."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from service.settings import ROOT


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "command", [["migrate"], ["seed-demo", "--cases", "1"], ["worker", "--burst"], ["serve"]]
)
def test_unreachable_postgres_is_one_clear_line(command: list[str]) -> None:
    done = run_cli(
        *command, DATABASE_URL="postgresql://postgres@127.0.0.1:1/none", REDIS_URL="redis://127.0.0.1:1/0"
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("disputes: PostgreSQL unreachable"), done.stderr


def test_usage_errors_exit_non_zero() -> None:
    assert run_cli("no-such-command").returncode == 2
    assert run_cli("seed-demo", "--cases", "-1", DATABASE_URL="postgresql://x@127.0.0.1:1/x").returncode == 2
