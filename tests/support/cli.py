"""Running the `disputes` command as a subprocess of this tree."""

from __future__ import annotations

import os
import subprocess
import sys

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
