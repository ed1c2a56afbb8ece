"""SQL statements live in sql/*.sql, one per file, loaded once by name: SQL["cases_register"]."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

_DIR = Path(__file__).with_name("sql")

SQL = MappingProxyType({path.stem: path.read_text(encoding="utf-8") for path in sorted(_DIR.glob("*.sql"))})
