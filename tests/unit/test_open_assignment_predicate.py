"""The statuses that no longer count as open (domain/queues.py FINISHED_STATUSES) are written literally in
the open-assignment index's predicate (migration 0040) and in every statement that counts or lists a
mediator's open cases: PostgreSQL uses a partial index only when the statement's own WHERE proves its
predicate, so a parameter would not do. If the domain's list changes, these words must change with it
(and a new migration rebuild the index): this test fails until they do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.queues import FINISHED_STATUSES

ROOT = Path(__file__).resolve().parents[2]
MIGRATION = ROOT / "migrations" / "0040_open_assignment_index.sql"
SQL_DIR = ROOT / "service" / "store" / "sql"
OPEN_CASE_STATEMENTS = ("queues_open_count", "queues_mediators_load", "queues_assigned_to")
# `status <> ALL ('{closed,rejected}'::text[])`: the form PostgreSQL itself prints, word for word
PREDICATE = re.compile(r"status <> ALL \('\{([a-z_,]*)\}'::text\[\]\)")


def finished_in(text: str) -> list[tuple[str, ...]]:
    return [tuple(m.split(",")) for m in PREDICATE.findall(text)]


def test_the_index_predicate_is_the_domains_finished_statuses() -> None:
    sql = MIGRATION.read_text(encoding="utf-8")
    index = sql.split("CREATE INDEX IF NOT EXISTS cases_open_assignment_idx", 1)[1].split(";", 1)[0]
    assert "assigned_to IS NOT NULL" in index
    assert finished_in(index) == [FINISHED_STATUSES]


@pytest.mark.parametrize("name", OPEN_CASE_STATEMENTS)
def test_each_open_case_statement_writes_the_same_predicate(name: str) -> None:
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    found = finished_in(text)
    assert found, f"{name}.sql must write the open-assignment predicate literally"
    assert all(statuses == FINISHED_STATUSES for statuses in found), (name, found)
    assert "$2::text[]" not in text and "ALL ($" not in text, f"{name}.sql: statuses as a parameter again"


def test_the_pattern_reads_what_it_should() -> None:
    assert finished_in("c.status <> ALL ('{closed,rejected}'::text[])") == [("closed", "rejected")]
    assert finished_in("status NOT IN ('closed')") == []
