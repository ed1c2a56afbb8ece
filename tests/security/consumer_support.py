"""Helpers for the consumer-side security tests (tracking, uploads, filing, spam): an app served in the
test's own event loop so that requests really overlap, clients at chosen addresses, barriers, and PDFs.

Litestar's AsyncTestClient runs each request to its end on a portal thread, one at a time; the
concurrent attacks here need httpx's ASGITransport, which awaits the app in this loop."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import re
import uuid
import zlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import msgspec

from service.app import create_app
from service.settings import Settings
from tests.factories import complaint_body

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


async def file_complaint(client: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/complaints", json=complaint_body(**changes))
    assert r.status_code == 201, r.text
    return dict(r.json())


def csrf_token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "the form carries a CSRF token"
    return match.group(1)


def pdf(*objects: bytes) -> bytes:
    """A minimal PDF holding these objects' bodies (numbered from 1)."""
    body = b"".join(b"%d 0 obj\n%s\nendobj\n" % (i, o) for i, o in enumerate(objects, start=1))
    return b"%PDF-1.7\n" + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def flate_object(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n%s\nendstream" % (len(packed), extra, packed)


@functools.cache
def bomb_pdf(inflated_mb: int) -> bytes:
    """A PDF of a few kilobytes whose one compressed stream inflates to `inflated_mb` MB."""
    return pdf(b"<< /Type /Catalog >>", flate_object(b"\0" * (inflated_mb * 1024 * 1024)))
