"""Slowing down guessing: failures counted in Redis (shared by every web process) within a window."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger("throttle")

Subject = tuple[str, str]  # (kind, value), e.g. ("no", "GS20261126-000123") or ("ip", "10.0.0.7")


class Throttle:
    """Failures are counted per subject; each kind of subject has its own limit."""

    def __init__(self, redis: Redis, *, prefix: str, window_s: int, limits: Mapping[str, int]) -> None:
        self.redis, self.prefix, self.window_s, self.limits = redis, prefix, window_s, dict(limits)

    def _key(self, subject: Subject) -> str:
        return f"{self.prefix}:{subject[0]}:{subject[1]}"

    async def retry_after(self, subjects: Sequence[Subject]) -> int | None:
        """Seconds to wait when any subject has reached its limit, else None."""
        keys = [self._key(s) for s in subjects]
        try:
            counts = await self.redis.mget(keys)
        except RedisError as exc:
            # Redis down: answer rather than fail every consumer; the access code still has to match
            log.warning("throttle unavailable", error=type(exc).__name__)
            return None
        for key, (kind, _), count in zip(keys, subjects, counts, strict=True):
            if count is not None and int(count) >= self.limits[kind]:
                return max(int(await self.redis.ttl(key)), 1)
        return None

    async def failed(self, subjects: Sequence[Subject]) -> None:
        try:
            await self._count(subjects)
        except RedisError as exc:
            log.warning("throttle unavailable", error=type(exc).__name__)

    async def _count(self, subjects: Sequence[Subject]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for subject in subjects:
                # SET NX EX then INCR: the window starts at the first failure (EXPIRE NX needs Redis 7)
                pipe.set(self._key(subject), 0, ex=self.window_s, nx=True)
                pipe.incr(self._key(subject))
            await pipe.execute()
