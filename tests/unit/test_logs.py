"""The JSON log renderer writes every line, whatever a library puts in it."""

from __future__ import annotations

import json

import pytest
import structlog

from service.logs import configure_logging


class Opaque:
    """Like asyncpg's server-message object, which msgspec cannot encode."""

    def __str__(self) -> str:
        return "opaque object"


def test_an_unencodable_value_is_written_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json=True)
    structlog.get_logger("test").warning("server message", message=Opaque())
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert {"event": "server message", "message": "opaque object"}.items() <= lines[-1].items()
