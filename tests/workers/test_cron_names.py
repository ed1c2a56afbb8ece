"""Cron runs are named by queue: two deployments (or test runs) on one Redis database each run their own.

arq's cron job id is `<name>:<run time>`; with the bare function name, a second deployment's run at the
same minute would find the first one's id taken and be skipped."""

from __future__ import annotations

import msgspec

from service.settings import Settings
from workers.main import build_worker


async def test_cron_job_ids_carry_the_queue_name(settings: Settings) -> None:
    first = build_worker(msgspec.structs.replace(settings, queue_name="office-a"), handle_signals=False)
    second = build_worker(msgspec.structs.replace(settings, queue_name="office-b"), handle_signals=False)
    names = {c.name for c in first.cron_jobs}
    assert names == {
        "cron:office-a:deadlines_job",
        "cron:office-a:clusters_job",
        "cron:office-a:product_signals_job",
        "cron:office-a:notices_job",
        "cron:office-a:monthly_return_job",
        "cron:office-a:indicator_rollups_job",
        "cron:office-a:public_merchants_job",
        "cron:office-a:open_data_job",
    }
    assert names.isdisjoint(c.name for c in second.cron_jobs)
    assert names <= set(first.functions)  # the worker runs them under those names
