"""`make test-clock`: the API and integration tests under shifted clocks (Debian's libfaketime).

Each run starts its own embedded PostgreSQL and Redis under the shifted clock (so the servers and the
tests agree on "now") and lets the clock tick from the chosen moment. The moments are the ones where a
test that takes UTC's date for the law's date, or that knows only announced years, goes wrong:
- 16:30 UTC on the last day of the current month: already the 1st of the next month in Shanghai;
- 16:30 UTC on the last day of February of the first year `chinesecalendar` has no schedule for.
Usage: python -m tests.support.clock_matrix [--at "YYYY-MM-DD HH:MM" …] [pytest args…]
(default: both moments above, tests/api tests/integration).
"""

from __future__ import annotations

import calendar
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, time

from chinese_calendar import constants

from service.settings import ROOT

DEFAULT_TESTS = ["tests/api", "tests/integration"]


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def moments(now: datetime) -> list[tuple[str, datetime]]:
    unannounced = max(d.year for d in constants.holidays) + 1
    at_1630 = time(16, 30, tzinfo=UTC)
    return [
        (
            "the last day of this month, 16:30 UTC (the next day in Shanghai)",
            datetime.combine(last_day(now.year, now.month), at_1630),
        ),
        (
            f"16:30 UTC on the last day of February {unannounced}, a year chinesecalendar does not know",
            datetime.combine(last_day(unannounced, 2), at_1630),
        ),
    ]


def run(label: str, moment: datetime, args: list[str]) -> int:
    folder = tempfile.mkdtemp(prefix="clock-", dir=ROOT / ".data")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    # An offset, not a start time: every process (pytest, postgres, redis, the served app) then shares one
    # shifted clock, whenever it starts; the clock keeps running. The monotonic clock is shifted too:
    # libfaketime 0.9.10 with FAKETIME_DONT_FAKE_MONOTONIC makes every sleep fail with EINVAL.
    offset = round((moment - datetime.now(UTC)).total_seconds())
    env.update(DISPUTES_TEST_DATA_DIR=folder)
    print(f"== {label}: {moment:%Y-%m-%d %H:%M} UTC (faketime -f {offset:+d}) ==", flush=True)
    try:
        return subprocess.call(
            ["faketime", "-f", f"{offset:+d}", sys.executable, "-m", "pytest", *args], env=env
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if shutil.which("faketime") is None:
        print("make test-clock needs libfaketime: apt-get install faketime", file=sys.stderr)
        return 2
    (ROOT / ".data").mkdir(exist_ok=True)
    chosen: list[tuple[str, datetime]] = []
    while argv[:1] == ["--at"]:
        at = datetime.strptime(argv[1], "%Y-%m-%d %H:%M:%S" if argv[1].count(":") == 2 else "%Y-%m-%d %H:%M")
        chosen.append((f"{argv[1]} UTC", at.replace(tzinfo=UTC)))
        argv = argv[2:]
    args = argv or DEFAULT_TESTS
    failed = [
        label for label, moment in chosen or moments(datetime.now(UTC)) if run(label, moment, args) != 0
    ]
    for label in failed:
        print(f"FAILED under the clock: {label}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
