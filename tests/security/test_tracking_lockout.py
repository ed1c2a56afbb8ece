"""Issue 13, attack 3: five wrong codes for a (sequential, guessable) tracking number made the consumer's
right code answer 429 for 15 minutes. Now a wrong guess never denies the right code: guessers are limited
per client, and per number the wrong answers are only slowed down, by a growing delay."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from service.settings import Settings
from service.usecases import tracking
from tests.support.consumer import file_complaint, track_page
from tests.support.live import live_app, new_address

BASE_S = 0.05
MAX_S = 0.2


class Waits(list[float]):
    """The delays wrong answers waited, in order; `until(n)` returns once n of them have begun."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    async def until(self, n: int) -> None:
        while len(self) < n:
            self.changed.clear()
            await self.changed.wait()


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Waits]:
    """Every delay a wrong answer waited (a spy around the real wait)."""
    seen = Waits()
    real = getattr(tracking, "_wait", None)

    async def wait(seconds: float) -> None:
        seen.append(seconds)
        seen.changed.set()
        if real is not None:
            await real(seconds)

    monkeypatch.setattr(tracking, "_wait", wait, raising=False)
    yield seen


async def test_guessers_from_many_addresses_cannot_lock_the_consumer_out(
    settings: Settings, waits: Waits
) -> None:
    async with live_app(settings, track_slowdown_base_s=BASE_S, track_slowdown_max_s=MAX_S) as live:
        consumer = live.at(new_address())
        case = await file_complaint(consumer)
        url = f"/api/v1/complaints/{case['tracking_no']}"
        # three times the per-number limit, each attacker under its own per-client limit
        for n in range(3 * settings.track_max_failures):
            attacker = live.at(new_address())
            r = await attacker.get(url, headers={"X-Access-Code": f"WRONG{n:03d}"})
            assert r.status_code == 404, (n, r.text)  # answered (later and later), never refused
        assert len(waits) == 2 * settings.track_max_failures

        right = await consumer.get(url, headers={"X-Access-Code": case["access_code"]})
        assert right.status_code == 200, right.text
        assert case["tracking_no"] in await track_page(consumer, case)
        assert len(waits) == 2 * settings.track_max_failures  # the right code waited for nothing


async def test_past_the_limit_each_wrong_answer_waits_longer(settings: Settings, waits: Waits) -> None:
    async with live_app(settings, track_slowdown_base_s=BASE_S, track_slowdown_max_s=MAX_S) as live:
        consumer = live.at(new_address())
        case = await file_complaint(consumer)
        url = f"/api/v1/complaints/{case['tracking_no']}"
        for _ in range(settings.track_max_failures + 4):
            r = await live.at(new_address()).get(url, headers={"X-Access-Code": "WRONG999"})
            assert r.status_code == 404
        # none within the limit; then base, 2 × base, 4 × base, and no more than the maximum
        assert waits == pytest.approx([BASE_S, 2 * BASE_S, 4 * BASE_S, MAX_S])


async def test_slowed_wrong_answers_hold_no_database_connection(settings: Settings, waits: Waits) -> None:
    """The delay is spent after the connection went back to the pool: more slowed guesses at once than
    the pool has connections, and the consumer's view is still answered while they all wait."""
    async with live_app(
        settings, db_pool_max=2, track_max_failures=0, track_slowdown_base_s=2.0, track_slowdown_max_s=2.0
    ) as live:
        consumer = live.at(new_address())
        case = await file_complaint(consumer)
        url = f"/api/v1/complaints/{case['tracking_no']}"
        slowed = [
            asyncio.create_task(live.at(new_address()).get(url, headers={"X-Access-Code": "WRONG999"}))
            for _ in range(6)
        ]
        await asyncio.wait_for(waits.until(len(slowed)), timeout=30)
        right = await consumer.get(url, headers={"X-Access-Code": case["access_code"]})
        assert right.status_code == 200
        assert not any(t.done() for t in slowed)  # answered while every wrong guess was still waiting
        assert [(await t).status_code for t in slowed] == [404] * len(slowed)
