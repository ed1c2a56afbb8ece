"""Slowing down guessing: attempts counted in Redis (shared by every web process) within a window.

Two kinds of subject, two answers (issue 13):
- a *gate* (the client address) is refused with 429 once it has made too many failed attempts. The
  attempt is counted *before* the code is checked (one MULTI/EXEC step that returns the new count), so
  40 parallel guesses against a limit of 5 have exactly 5 evaluated; a right code gives its count back.
- a *slowed* subject (the tracking number) is never refused: past its limit each further wrong answer
  waits longer (a growing delay), while the holder of the right code always gets in at once. Refusing
  per number would let anyone lock a consumer out of their own case with five wrong codes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager

import structlog
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import RedisError

from domain.errors import TooManyAttempts, ValidationFailed
from service.settings import Settings

log = structlog.get_logger("throttle")

Subject = tuple[str, str]  # (kind, value), e.g. ("no", "GS20261126-000123") or ("ip", "10.0.0.7")

# Give an attempt back only while its window lives: a DECR on an expired key would leave a key
# without a TTL behind.
_GIVE_BACK = """
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""


class Throttle:
    """Counts per subject; each kind of subject has its own limit."""

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str,
        window_s: int,
        limits: Mapping[str, int],
        slowdown_base_s: float = 1.0,
        slowdown_max_s: float = 30.0,
    ) -> None:
        self.redis, self.prefix, self.window_s, self.limits = redis, prefix, window_s, dict(limits)
        self.slowdown_base_s, self.slowdown_max_s = slowdown_base_s, slowdown_max_s
        self._give_back = redis.register_script(_GIVE_BACK)

    @classmethod
    def for_tracking(cls, redis: Redis, settings: Settings) -> Throttle:
        """The tracking page's guard: wrong access codes per tracking number (slowed) and per client."""
        return cls(
            redis,
            prefix=f"{settings.queue_name}:track-fail",
            window_s=settings.track_failure_window_s,
            limits={"no": settings.track_max_failures, "ip": settings.track_max_failures_per_client},
            slowdown_base_s=settings.track_slowdown_base_s,
            slowdown_max_s=settings.track_slowdown_max_s,
        )

    def _key(self, subject: Subject) -> str:
        return f"{self.prefix}:{subject[0]}:{subject[1]}"

    def queue_count(self, pipe: Pipeline, subject: Subject) -> None:
        """Add to `pipe` one more count for `subject`: its three replies are read by `_counts`."""
        # SET NX EX then INCR: the window starts at the first count (EXPIRE NX needs Redis 7)
        pipe.set(self._key(subject), 0, ex=self.window_s, nx=True)
        pipe.incr(self._key(subject))
        pipe.ttl(self._key(subject))

    async def _count(self, subjects: Sequence[Subject]) -> list[tuple[int, int]]:
        """Add one to each subject's count atomically; (new count, seconds left in its window) each."""
        async with self.redis.pipeline(transaction=True) as pipe:
            for subject in subjects:
                self.queue_count(pipe, subject)
            return _counts(await pipe.execute())

    async def enter(self, gates: Sequence[Subject]) -> None:
        """Count this attempt against each gate first, then refuse it (TooManyAttempts) when that made
        any gate pass its limit. A refused attempt stays counted; its window is not extended."""
        try:
            counted = await self._count(gates)
        except RedisError as exc:
            # Redis down: answer rather than fail every consumer; the access code still has to match
            log.warning("throttle unavailable", error=type(exc).__name__)
            return
        for (kind, _), (count, ttl) in zip(gates, counted, strict=True):
            if count > self.limits[kind]:
                raise TooManyAttempts(max(ttl, 1))

    async def passed(self, gates: Sequence[Subject]) -> None:
        """The code was right: the attempt counted by `enter` was no failure, give it back."""
        try:
            for gate in gates:
                await self._give_back(keys=[self._key(gate)])
        except RedisError as exc:
            log.warning("throttle unavailable", error=type(exc).__name__)

    async def failed(self, slowed: Sequence[Subject]) -> float:
        """Count a wrong answer against each slowed subject; the seconds it should wait before it is
        given (0 within the limit, then base, 2×base, 4×base … up to the maximum)."""
        try:
            counted = await self._count(slowed)
        except RedisError as exc:
            log.warning("throttle unavailable", error=type(exc).__name__)
            return 0.0
        return max(
            (
                self.delay(count - self.limits[kind])
                for (kind, _), (count, _) in zip(slowed, counted, strict=True)
            ),
            default=0.0,
        )

    def delay(self, past_limit: int) -> float:
        if past_limit <= 0:
            return 0.0
        return float(min(self.slowdown_base_s * 2 ** min(past_limit - 1, 30), self.slowdown_max_s))


def _counts(replies: Sequence[object]) -> list[tuple[int, int]]:
    """(new count, seconds left in its window) of each subject counted by `Throttle.queue_count`."""
    return [(int(str(replies[i + 1])), int(str(replies[i + 2]))) for i in range(0, len(replies), 3)]


class FilingLimits:
    """Complaints filed through the public form and API, per client address and per consumer phone, so
    fake complaints cannot flood a merchant into the top-merchants table or raise cluster alerts. Each
    submission is counted before it is processed (parallel scripts cannot slip under a limit) and given
    back when it was refused for its content (a person correcting a form is not a flood). A limit of 0
    is off. The phone is kept in Redis only as a keyed hash."""

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str,
        secret_key: str,
        per_client: int,
        per_client_window_s: int,
        per_phone: int,
        per_phone_window_s: int,
    ) -> None:
        self._secret = secret_key.encode()
        self._redis = redis
        self._by_client = Throttle(
            redis, prefix=prefix, window_s=per_client_window_s, limits={"ip": per_client}
        )
        self._by_phone = Throttle(
            redis, prefix=prefix, window_s=per_phone_window_s, limits={"tel": per_phone}
        )

    @classmethod
    def from_settings(cls, redis: Redis, settings: Settings) -> FilingLimits:
        return cls(
            redis,
            prefix=f"{settings.queue_name}:filing",
            secret_key=settings.secret_key,
            per_client=settings.filing_max_per_client,
            per_client_window_s=settings.filing_client_window_s,
            per_phone=settings.filing_max_per_phone,
            per_phone_window_s=settings.filing_phone_window_s,
        )

    def _gates(self, client: str, phone: object) -> list[tuple[Throttle, list[Subject]]]:
        gates: list[tuple[Throttle, list[Subject]]] = []
        if self._by_client.limits["ip"] > 0:
            gates.append((self._by_client, [("ip", client)]))
        digits = "".join(ch for ch in phone if ch.isdigit())[-11:] if isinstance(phone, str) else ""
        if digits and self._by_phone.limits["tel"] > 0:
            keyed = hmac.new(self._secret, digits.encode(), hashlib.sha256).hexdigest()[:32]
            gates.append((self._by_phone, [("tel", keyed)]))
        return gates

    async def enter(self, client: str, phone: object) -> None:
        """Count one submission against both gates in one Redis round trip (it was one per gate: a sixth
        of intake's time, issue 17); TooManyAttempts when the client or the phone has filed too many."""
        gates = self._gates(client, phone)
        if not gates:
            return
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                for throttle, subjects in gates:
                    for subject in subjects:
                        throttle.queue_count(pipe, subject)
                counted = iter(_counts(await pipe.execute()))
        except RedisError as exc:
            # Redis down: answer rather than fail every consumer (as Throttle.enter does)
            log.warning("throttle unavailable", error=type(exc).__name__)
            return
        for throttle, subjects in gates:
            for (kind, _), (count, ttl) in zip(subjects, counted, strict=False):
                if count > throttle.limits[kind]:
                    raise TooManyAttempts(max(ttl, 1))

    async def give_back(self, client: str, phone: object) -> None:
        for throttle, subjects in self._gates(client, phone):
            await throttle.passed(subjects)

    @asynccontextmanager
    async def counted(self, client: str, body: object) -> AsyncIterator[None]:
        """Around one submission: counted first (TooManyAttempts), given back if it is refused as invalid."""
        consumer = body.get("consumer") if isinstance(body, Mapping) else None
        phone = consumer.get("phone") if isinstance(consumer, Mapping) else None
        await self.enter(client, phone)
        try:
            yield
        except ValidationFailed:
            await self.give_back(client, phone)
            raise
