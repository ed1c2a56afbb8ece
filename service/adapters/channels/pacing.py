"""Per-channel sending rates (notices a second, per worker process); a channel without one is unlimited."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping


class RateLimits:
    """A simple pacer: each channel's next free slot moves forward by 1/rate per notice, so concurrent
    senders of one channel share its rate (an SMTP relay's limit, say) instead of each getting it.
    """

    def __init__(
        self,
        per_second: Mapping[str, float],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = {name: 1.0 / rate for name, rate in per_second.items() if rate > 0}
        self.clock = clock
        self.sleep = sleep
        self._next: dict[str, float] = {}

    async def wait(self, channel: str) -> None:
        interval = self.interval.get(channel)
        if interval is None:
            return
        now = self.clock()
        slot = max(now, self._next.get(channel, now))
        self._next[channel] = slot + interval
        if slot > now:
            await self.sleep(slot - now)
