"""A small HTTP/1.1 load generator, run as its own process so it never shares a core's event loop
with the server it measures: keep-alive connections, a fixed request count, per-request latency.

    python -m tests.bench.loadgen URL --requests N --concurrency C [--body FILE] [--unique-key]
                                  [--header 'Name: value' ...]

Prints one JSON line: {"seconds", "requests", "statuses", "p50_ms", "p99_ms", "rps"}.
`--unique-key` sends a fresh Idempotency-Key per request, as a real client would.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from collections import Counter
from urllib.parse import urlsplit


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, chunked, close = 0, False, False
    for header in lines[1:]:
        name, _, value = header.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            close = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, close


UNIQUE_MARK = b"__UNIQUE__"  # replaced in the body by a fresh value per request with --unique-key


async def run(
    url: str,
    requests: int,
    concurrency: int,
    body: bytes | None,
    unique_key: bool,
    extra_headers: list[str] = [],  # noqa: B006 - read only
) -> dict[str, object]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    method = "POST" if body is not None else "GET"
    remaining = iter(range(requests))
    latencies: list[float] = []
    statuses: Counter[int] = Counter()

    def request() -> bytes:
        headers = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: application/json"]
        payload = body
        if body is not None and unique_key:  # a new complaint each time, not a resubmission of one
            payload = body.replace(UNIQUE_MARK, uuid.uuid4().hex.encode())
        if payload is not None:
            headers += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        headers += extra_headers
        if unique_key:
            headers.append(f"Idempotency-Key: {uuid.uuid4().hex}")
        return ("\r\n".join(headers) + "\r\n\r\n").encode() + (payload or b"")

    async def client() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for _ in remaining:
                start = time.perf_counter()
                writer.write(request())
                status, close = await _read_response(reader)
                latencies.append(time.perf_counter() - start)
                statuses[status] += 1
                if close:
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    seconds = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "seconds": round(seconds, 3),
        "requests": len(latencies),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(cuts[49] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--body", help="a file whose bytes are POSTed as JSON")
    parser.add_argument("--unique-key", action="store_true")
    parser.add_argument("--header", action="append", default=[], help="'Name: value', repeatable")
    args = parser.parse_args()
    body = open(args.body, "rb").read() if args.body else None  # noqa: SIM115 - read once, at start
    result = asyncio.run(run(args.url, args.requests, args.concurrency, body, args.unique_key, args.header))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
