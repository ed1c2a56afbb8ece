"""structlog: JSON lines off a TTY, a console renderer on one; contextvars carry the request id.

Personal data is kept out by what the code logs (ids, codes, counts; never bodies). The redaction
processor below is a second fence: any key that names personal data is masked whatever its value.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import msgspec
import structlog

PERSONAL_KEYS = frozenset(
    {"name", "phone", "address", "id_number", "consumer", "access_code", "password", "body"}
)


def redact_personal(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in PERSONAL_KEYS & event.keys():
        event[key] = "[redacted]"
    return event


class _Stderr:
    """Whatever sys.stderr is at the moment of writing (test runners swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(*, json: bool | None = None, level: str = "INFO") -> None:
    as_json = (not sys.stderr.isatty()) if json is None else json
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_personal,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer(
            serializer=lambda obj, **_: msgspec.json.encode(obj, enc_hook=str).decode()
        )
        if as_json
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer]
        if as_json
        else [*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=_Stderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
    # Libraries that use stdlib logging (arq, uvicorn) go through the same renderer.
    handler = logging.StreamHandler(_Stderr())
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=shared,
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("uvicorn.access",):  # one line per request comes from our middleware instead
        logging.getLogger(noisy).disabled = True
    # client libraries would log whole URLs, which may carry link tokens
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
