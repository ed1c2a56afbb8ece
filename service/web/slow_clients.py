"""Slow and greedy clients, held off where uvicorn itself does not: `disputes serve` uses this protocol.

uvicorn has no deadline for a request head (a client may trickle headers one byte a minute and hold the
connection forever) and no cap per client (`limit_concurrency` is for the whole server, so one client
can take all of it). This H11 protocol adds both:
- the head of each request (request line and headers) must arrive within HEADER_TIMEOUT_S of the
  connection opening, or of the previous response on a kept-alive connection; otherwise 408 and close;
- one client address may hold MAX_CONNECTIONS_PER_CLIENT open connections; the next is answered 429
  and closed. A configured proxy (TRUSTED_PROXIES) speaks for many clients and is not capped here.
Body read timeouts are the edge's (service.web.edge), which sees the ASGI receive calls.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any, ClassVar

import h11
import structlog
from uvicorn.protocols.http.h11_impl import H11Protocol

from service.settings import Settings
from service.web.client import Network, is_trusted, parse_trusted_proxies

log = structlog.get_logger("http")


def _plain(status: str, text: str, *extra: str) -> bytes:
    body = text.encode()
    head = [f"HTTP/1.1 {status}", "content-type: text/plain; charset=utf-8", *extra]
    head += ["connection: close", f"content-length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


_TIMED_OUT = _plain("408 Request Timeout", "请求头发送超时 / the request head took too long\n")
_TOO_MANY = _plain("429 Too Many Requests", "连接过多 / too many connections from you\n", "retry-after: 5")


def protocol_for(settings: Settings) -> type[H11Protocol]:
    """A protocol class with these settings (uvicorn takes a class: `uvicorn.run(..., http=cls)`)."""
    trusted = parse_trusted_proxies(settings.trusted_proxies)
    return type(
        "GuardedH11Protocol",
        (GuardedH11Protocol,),
        {
            "header_timeout_s": settings.header_timeout_s,
            "max_per_client": settings.max_connections_per_client,
            "trusted": trusted,
            "open_by_client": Counter(),
        },
    )


class GuardedH11Protocol(H11Protocol):
    header_timeout_s: float = 10.0
    max_per_client: int = 0
    trusted: tuple[Network, ...] = ()
    open_by_client: ClassVar[Counter[str]] = Counter()  # one per server: protocol_for makes a fresh class

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._counted: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        peer = self.client[0] if self.client else ""
        if peer and self.max_per_client > 0 and not is_trusted(peer, self.trusted):
            if self.open_by_client[peer] >= self.max_per_client:
                log.warning("too many connections from one client", limit=self.max_per_client)
                transport.write(_TOO_MANY)
                transport.close()
                return
            self.open_by_client[peer] += 1
            self._counted = peer
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        if self._counted is not None:
            self.open_by_client[self._counted] -= 1
            if self.open_by_client[self._counted] <= 0:
                del self.open_by_client[self._counted]
            self._counted = None
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:  # the head is in (or the connection is done)
            self._cancel_head_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm_head_timer()  # the next request on this connection gets its own deadline

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        if self.header_timeout_s > 0:
            self._head_timer = self.loop.call_later(self.header_timeout_s, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a response is still being written: its own cycle decides
        log.info("request head timed out", after_s=self.header_timeout_s)
        self.transport.write(_TIMED_OUT)
        self.transport.close()
