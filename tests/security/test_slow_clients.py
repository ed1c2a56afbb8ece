"""Slow and greedy clients against a real `disputes serve` on loopback: a request head or body that stalls
is cut off with 408, one address cannot hold more than its share of connections, and a client that hangs
up mid-upload is logged as a disconnect (499), not as a 500 with a traceback.

Every wait here is bounded: a server that never answers fails the test instead of hanging it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from service.settings import Settings
from tests.support.edge import Served, serve

HEADER_TIMEOUT_S = 1.0
BODY_TIMEOUT_S = 1.0
MAX_PER_CLIENT = 3
BOUND_S = 8.0  # far above the timeouts: only a server that never cuts the client off reaches it


@pytest.fixture(scope="module")
async def served(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Served]:
    async with serve(
        settings,
        tmp_path_factory.mktemp("slow"),
        HEADER_TIMEOUT_S=str(HEADER_TIMEOUT_S),
        BODY_TIMEOUT_S=str(BODY_TIMEOUT_S),
        MAX_CONNECTIONS_PER_CLIENT=str(MAX_PER_CLIENT),
    ) as s:
        yield s


async def _open(served: Served) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", served.port)


async def _read_until_closed(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sends until it closes; fails after BOUND_S."""
    return await asyncio.wait_for(reader.read(), BOUND_S)


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()


async def test_a_trickled_request_head_is_cut_off(served: Served) -> None:
    reader, writer = await _open(served)
    started = time.monotonic()
    writer.write(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # the head never ends
    await writer.drain()
    answer = await _read_until_closed(reader)
    await _close(writer)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert time.monotonic() - started >= HEADER_TIMEOUT_S * 0.9


async def test_a_silent_connection_is_closed(served: Served) -> None:
    reader, writer = await _open(served)
    answer = await _read_until_closed(reader)
    await _close(writer)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]


async def test_a_stalled_body_is_cut_off(served: Served) -> None:
    reader, writer = await _open(served)
    writer.write(
        b"POST /api/v1/auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b'Content-Length: 200\r\n\r\n{"username": "'
    )
    await writer.drain()
    answer = await _read_until_closed(reader)
    await _close(writer)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]


async def test_a_prompt_client_on_a_kept_alive_connection_is_served(served: Served) -> None:
    reader, writer = await _open(served)
    for _ in range(2):
        writer.write(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), BOUND_S)
        assert head.startswith(b"HTTP/1.1 200"), head
        length = int(next(v for k, v in _headers(head) if k == "content-length"))
        await asyncio.wait_for(reader.readexactly(length), BOUND_S)
    await _close(writer)


async def test_one_client_cannot_hold_every_connection(served: Served) -> None:
    held = [await _open(served) for _ in range(MAX_PER_CLIENT)]
    try:
        await asyncio.sleep(0.1)  # let the server register them
        reader, writer = await _open(served)  # answered at once, before it sends anything
        answer = await _read_until_closed(reader)
        await _close(writer)
        assert answer.startswith(b"HTTP/1.1 429"), answer[:200]
    finally:
        for _, w in held:
            await _close(w)
    await asyncio.sleep(0.2)
    reader, writer = await _open(served)  # freed again once they are gone
    writer.write(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    answer = await _read_until_closed(reader)
    await _close(writer)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/v1/complaints", "application/json"),
        ("/complaints/new", "multipart/form-data; boundary=XyZ"),
    ],
)
async def test_a_client_hanging_up_mid_upload_is_a_disconnect_not_an_error(
    served: Served, path: str, content_type: str
) -> None:
    before = len(served.log_lines())
    _, writer = await _open(served)
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: 200000\r\n\r\n".encode()
        + b'--XyZ\r\nContent-Disposition: form-data; name="files"; filename="a.jpg"\r\n\r\n'
        + b"\xff\xd8" * 4096
    )
    await writer.drain()
    await asyncio.sleep(0.2)
    writer.transport.abort()  # the phone lost its signal

    deadline = time.monotonic() + BOUND_S
    line: dict[str, Any] | None = None
    while line is None and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        line = next(
            (x for x in served.log_lines()[before:] if x.get("event") == "request" and x.get("path") == path),
            None,
        )
    assert line is not None, served.log_text()[-2000:]
    assert line["status"] == 499, line
    new = served.log_lines()[before:]
    assert not [x for x in new if x.get("level") in {"error", "critical"} or "exception" in x], new
    assert any("disconnected" in str(x.get("event")) for x in new), new


def _headers(head: bytes) -> list[tuple[str, str]]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    return [(k.strip().lower(), v.strip()) for k, _, v in (line.partition(":") for line in lines if line)]
