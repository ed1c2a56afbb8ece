"""Sign-in attempts per client address and per username, counted in Redis (shared by every web process).

Each attempt is counted *before* it is checked and refused past the limit, so concurrent attempts cannot
all slip in under it; a success (or an attempt never checked) gives its count back, so people who sign in
every day never use up the budget. Unknown usernames are counted like known ones: the answers do not
tell which exist.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from domain.errors import TooManyAttempts

log = structlog.get_logger("signin")


@dataclass(frozen=True, slots=True)
class Admission:
    keys: tuple[str, ...]  # the counters this attempt incremented (empty when Redis was unavailable)


class SignInLimits:
    def __init__(
        self, redis: Redis, *, prefix: str, window_s: int, per_client: int, per_username: int
    ) -> None:
        self.redis, self.prefix, self.window_s = redis, prefix, window_s
        self.per_client, self.per_username = per_client, per_username

    def _keys(self, client: str, username: str) -> list[tuple[str, int]]:
        # the username is the caller's input: hashed, so a key stays short whatever was typed
        user = hashlib.sha256(username.encode()).hexdigest()[:32]
        pairs = [
            (f"{self.prefix}:client:{client}", self.per_client),
            (f"{self.prefix}:user:{user}", self.per_username),
        ]
        return [(key, limit) for key, limit in pairs if limit > 0]

    async def admit(self, client: str, username: str) -> Admission:
        """Count the attempt; raise TooManyAttempts (with the seconds left in the window) past a limit."""
        pairs = self._keys(client, username)
        if not pairs:
            return Admission(())
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for key, _ in pairs:
                    # SET NX EX then INCR: the window starts at the first attempt (EXPIRE NX needs Redis 7)
                    pipe.set(key, 0, ex=self.window_s, nx=True)
                    pipe.incr(key)
                    pipe.ttl(key)
                replies = await pipe.execute()
        except RedisError as exc:
            # Redis down: the account lockout and the cap on password checks still hold
            log.warning("sign-in limits unavailable", error=type(exc).__name__)
            return Admission(())
        admission = Admission(tuple(key for key, _ in pairs))
        for i, (_, limit) in enumerate(pairs):
            count, ttl = int(replies[3 * i + 1]), int(replies[3 * i + 2])
            if count > limit:
                await self.give_back(admission)  # refused unchecked: only checked attempts count
                raise TooManyAttempts(max(ttl, 1))
        return admission

    async def give_back(self, admission: Admission) -> None:
        """The attempt succeeded, or was never checked: it does not count against anyone."""
        if not admission.keys:
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for key in admission.keys:
                    pipe.decr(key)
                await pipe.execute()
        except RedisError as exc:
            log.warning("sign-in limits unavailable", error=type(exc).__name__)
