"""What handlers reach as the `services` dependency: built in the app's lifespan, one per process."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from redis.asyncio import Redis

from service.settings import Settings
from service.throttle import Throttle
from service.usecases.auth import AuthPolicy
from service.usecases.intake import IntakeContext


@dataclass
class Services:
    settings: Settings
    pool: asyncpg.Pool
    redis: Redis
    intake: IntakeContext
    throttle: Throttle
    auth_policy: AuthPolicy
