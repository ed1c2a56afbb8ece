"""Slowing down guessing: failures counted in Redis (shared by every web process) within a window."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from redis.asyncio import Redis

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
        counts = await self.redis.mget(keys)
        for key, (kind, _), count in zip(keys, subjects, counts, strict=True):
            if count is not None and int(count) >= self.limits[kind]:
                return max(int(await self.redis.ttl(key)), 1)
        return None

    async def failed(self, subjects: Sequence[Subject]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for subject in subjects:
                pipe.incr(self._key(subject))
                pipe.expire(self._key(subject), self.window_s, nx=True)
            await pipe.execute()
