"""Helpers for the sign-in and case-ownership security tests: an app served in the test's own event loop,
so that requests really overlap (Litestar's AsyncTestClient runs each request to its end on a portal
thread, one at a time), with clients at chosen addresses."""

from __future__ import annotations

import contextlib
import itertools
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import msgspec
from litestar import Litestar

from service.app import create_app
from service.settings import Settings

_ADDRESSES = itertools.count(1)


class Served:
    def __init__(self, app: Litestar) -> None:
        self.app = app
        self._clients: list[httpx.AsyncClient] = []

    def client(self, address: str | None = None) -> httpx.AsyncClient:
        """A client at its own address (a new one of IPv6's documentation range, unless given), so
        per-client limits start afresh: two clients never share an address by chance."""
        peer = address or f"2001:db8::{next(_ADDRESSES):x}"
        transport = httpx.ASGITransport(app=self.app, client=(peer, 50000))  # type: ignore[arg-type]
        c = httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=60)
        self._clients.append(c)
        return c

    @property
    def services(self) -> Any:
        return self.app.state.services


@contextlib.asynccontextmanager
async def served(settings: Settings, **changes: Any) -> AsyncIterator[Served]:
    app = create_app(msgspec.structs.replace(settings, **changes) if changes else settings)
    async with app.lifespan():
        s = Served(app)
        try:
            yield s
        finally:
            for c in s._clients:
                await c.aclose()


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"
