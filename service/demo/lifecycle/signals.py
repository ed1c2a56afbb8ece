"""The demo supervisor's product risk signals: a week after one is raised, the supervisor refers a wave's
product as its data says (service/demo/data/products.json), leaves the recent wave's signal for whoever
opens the demo, and dismisses a signal that chance made of ordinary complaints (with the reason)."""

from __future__ import annotations

from datetime import datetime

from service.demo.lifecycle.office import Office, local_day
from service.demo.products import BY_PRODUCT
from service.queries import product_signals as signal_views
from service.usecases import product_signals
from service.usecases.clock import LOCAL_TZ
from service.usecases.product_signal_commands import DecideProductSignal

SIGNAL_DECIDE_AFTER = 5  # working days before the supervisor acts on a signal
CHANCE_NOTE = "经核查，投诉反映的多为个别使用和售后问题，未发现批次性质量缺陷，继续逐件办理。"


async def decide_signals(office: Office, now: datetime) -> None:
    for signal in (await signal_views.signals(office.pool, now=now)).open:
        raised = signal.raised_at.astimezone(LOCAL_TZ).date()
        if office.workday(raised, SIGNAL_DECIDE_AFTER) > local_day(now):
            continue
        wave = BY_PRODUCT.get((signal.brand, signal.model))
        if wave is not None and wave.decide is None:
            continue  # left open: the supervisor who opens the demo sees it
        cmd = (
            DecideProductSignal(wave.decide, wave.note)
            if wave
            else DecideProductSignal("dismissed", CHANCE_NOTE)
        )
        await product_signals.decide(office.pool, signal.id, office.cast.supervisor, cmd, now=now)
