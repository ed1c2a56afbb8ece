"""The arq worker in burst mode: runs what is queued, then returns."""

from __future__ import annotations

from service.settings import Settings
from workers.main import build_worker


async def run_burst_worker(settings: Settings) -> None:
    worker = build_worker(settings, burst=True, handle_signals=False)
    try:
        await worker.main()
    finally:
        await worker.close()
