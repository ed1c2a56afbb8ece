"""What handlers reach as the `services` dependency: built in the app's lifespan, one per process."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from redis.asyncio import Redis

from service.adapters.throttle import FilingLimits, Throttle
from service.settings import Settings
from service.usecases.auth import AuthPolicy, PasswordCheck
from service.usecases.intake import IntakeContext
from service.usecases.signin_limits import SignInLimits


@dataclass
class Services:
    settings: Settings
    pool: asyncpg.Pool
    redis: Redis
    read_pool: asyncpg.Pool  # statistics and indicators: a replica's (DATABASE_READ_URL) or `pool` itself
    intake: IntakeContext
    throttle: Throttle
    filing: FilingLimits
    auth_policy: AuthPolicy
    passwords: PasswordCheck  # argon2 threads and the cap on checks in flight
    signin_limits: SignInLimits
