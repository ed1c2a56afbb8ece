"""Apps served in the test's own event loop, so that requests really overlap, with clients at chosen
addresses (`live_app` for the consumer side, `served` for sign-in), and barriers that hold requests together.

Litestar's AsyncTestClient runs each request to its end on a portal thread, one at a time; the
concurrent attacks here need httpx's ASGITransport, which awaits the app in this loop."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import msgspec
from litestar import Litestar

from service.app import create_app
from service.settings import Settings

ASGIApp = Callable[..., Any]


class LiveApp:
    """One app (lifespan running) and as many clients as needed, each at its own address."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._clients: list[httpx.AsyncClient] = []

    def at(self, address: str, app: ASGIApp | None = None) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app or self.app, client=(address, 50000))  # type: ignore[arg-type]
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        self._clients.append(client)
        return client

    async def close(self) -> None:
        for client in self._clients:
            await client.aclose()


@contextlib.asynccontextmanager
async def live_app(settings: Settings, **changes: Any) -> AsyncIterator[LiveApp]:
    app = create_app(msgspec.structs.replace(settings, **changes))
    try:
        async with app.lifespan():
            live = LiveApp(app)
            try:
                yield live
            finally:
                await live.close()
    except BaseExceptionGroup as group:  # the lifespan's task group wraps a failed assertion: unwrap it
        if len(group.exceptions) == 1:
            raise group.exceptions[0] from None
        raise


def held_at_barrier(app: ASGIApp, parties: int) -> ASGIApp:
    """The app behind a barrier: no request goes in before `parties` of them have arrived, so they run
    through the handler together (the attack is concurrent, the test must be too)."""
    barrier = asyncio.Barrier(parties)

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await asyncio.wait_for(barrier.wait(), timeout=30)
        await app(scope, receive, send)

    return asgi


_ADDRESSES = itertools.count(1)


def new_address() -> str:
    """A documentation address no other client of this run has (counted, so never shared by chance)."""
    return f"2001:db8:c0::{next(_ADDRESSES):x}"


def new_phone() -> str:
    return f"139{uuid.uuid4().int % 10**8:08d}"


_SIGNIN_ADDRESSES = itertools.count(1)


class Served:
    def __init__(self, app: Litestar) -> None:
        self.app = app
        self._clients: list[httpx.AsyncClient] = []

    def client(self, address: str | None = None) -> httpx.AsyncClient:
        """A client at its own address (a new one of IPv6's documentation range, unless given), so
        per-client limits start afresh: two clients never share an address by chance."""
        peer = address or f"2001:db8::{next(_SIGNIN_ADDRESSES):x}"
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
