"""One event registry (issue 14 §5): every case-event kind written anywhere — by `cases.add_event(…)`, by a
case step's `step.event(…)`, or by an SQL file that inserts into case_events — has its EventKind member
and its domain/events.py entry, and the Python source writes kinds as EventKind members, never as bare
strings. Office events (`office.add_event`, the office_events table) are another record and not checked."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from domain.events import REGISTRY, EventKind

ROOT = Path(__file__).resolve().parents[2]
PYTHON_ROOMS = ("service", "workers")
SQL_DIR = ROOT / "service" / "store" / "sql"


@dataclass(frozen=True)
class Written:
    where: str  # path:line
    kind: str | None  # the kind's value, when the source says it plainly
    bare: bool  # written as a string literal, not as an EventKind member


def kind_argument(call: ast.Call) -> ast.expr | None:
    """The kind a case-event write passes: `<x>.add_event(conn, case_id, kind, …)` (not office's, which
    takes `(conn, kind)`), or `<step>.event(kind, payload)`."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    keyword = next((k.value for k in call.keywords if k.arg == "kind"), None)
    if func.attr == "add_event":
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        if owner == "office":
            return None
        return keyword or (call.args[2] if len(call.args) > 2 else None)
    if func.attr == "event":
        return keyword or (call.args[0] if call.args else None)
    return None


def values_of(expr: ast.expr, assigned: dict[str, list[ast.expr]]) -> Iterator[tuple[str | None, bool]]:
    """(kind, bare) for each value an expression can take; kind None when it is computed."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        yield expr.value, True
    elif (
        isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "EventKind"
    ):
        member = EventKind.__members__.get(expr.attr)
        yield (member.value if member else f"EventKind.{expr.attr}"), False
    elif isinstance(expr, ast.IfExp):
        yield from values_of(expr.body, assigned)
        yield from values_of(expr.orelse, assigned)
    elif isinstance(expr, ast.Name) and expr.id in assigned:
        for value in assigned.pop(expr.id):  # popped: a name assigned from itself does not loop
            yield from values_of(value, assigned)
    else:
        yield None, False


def assignments(scope: ast.AST) -> dict[str, list[ast.expr]]:
    """What each name is assigned in a function; a kind that arrives as a parameter stays computed (the
    caller's own write is what the scan checks)."""
    found: dict[str, list[ast.expr]] = {}
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
                elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    for name, value in zip(target.elts, node.value.elts, strict=False):  # a, b = x, y
                        if isinstance(name, ast.Name):
                            found.setdefault(name.id, []).append(value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None and isinstance(node.target, ast.Name):
            found.setdefault(node.target.id, []).append(node.value)
    return found


def python_writes() -> list[Written]:
    """Each write's kinds, a name resolved through the assignments of the function around the call."""
    out: set[Written] = set()
    for room in PYTHON_ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for scope in ast.walk(tree):
                if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(scope):
                    if isinstance(node, ast.Call) and (arg := kind_argument(node)) is not None:
                        where = f"{path.relative_to(ROOT)}:{node.lineno}"
                        out |= {Written(where, k, bare) for k, bare in values_of(arg, assignments(scope))}
    return sorted(out, key=lambda w: (w.where, w.kind or ""))


INSERT = re.compile(
    r"INSERT\s+INTO\s+case_events\s*\(([^)]*)\)\s*(?:SELECT|VALUES\s*\()(.*?)(?:\bFROM\b|\)\s*(?:,|$|RETURNING|ON))",
    re.IGNORECASE | re.DOTALL,
)


def top_level_items(text: str) -> list[str]:
    items, depth, current = [], 0, ""
    for char in text:
        if char == "," and depth == 0:
            items.append(current.strip())
            current = ""
            continue
        depth += char == "("
        depth -= char == ")"
        current += char
    return [*items, current.strip()]


def sql_writes() -> list[Written]:
    out = []
    for path in sorted(SQL_DIR.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        for match in INSERT.finditer(text):
            columns = [c.strip() for c in match.group(1).split(",")]
            values = top_level_items(match.group(2))
            if "kind" not in columns or len(values) < len(columns):
                continue
            value = values[columns.index("kind")]
            literal = re.fullmatch(r"'([a-z_]+)'(?:::\w+)?", value)
            line = text[: match.start()].count("\n") + 1
            if literal:
                out.append(Written(f"{path.relative_to(ROOT)}:{line}", literal.group(1), bare=False))
    return out


WRITES = python_writes() + sql_writes()


def test_the_scan_finds_the_writes() -> None:
    """A guard on the scan itself: the writes the service is known to make are among those found."""
    found = {w.kind for w in WRITES}
    assert {"registered", "accepted", "routing_pending", "closed"} <= found, sorted(k for k in found if k)
    assert any(".sql:" in w.where for w in WRITES if w.kind == "registered"), "cases_register.sql"


@pytest.mark.parametrize("member", list(EventKind), ids=str)
def test_every_member_has_its_entry(member: EventKind) -> None:
    entry = REGISTRY.get(member)
    assert entry is not None, f"{member!r} has no REGISTRY entry"
    zh, en = entry.staff
    assert zh and en, member
    if entry.public is not None:
        assert all(entry.public), member


def test_every_kind_written_is_registered() -> None:
    registered = {k.value for k in REGISTRY}
    unknown = sorted(
        {f"{w.where}: {w.kind}" for w in WRITES if w.kind is not None and w.kind not in registered}
    )
    assert not unknown, "add the kind to EventKind and REGISTRY in domain/events.py:\n" + "\n".join(unknown)


def test_no_kind_is_written_as_a_bare_string() -> None:
    bare = sorted({f"{w.where}: {w.kind!r}" for w in WRITES if w.bare})
    assert not bare, "write EventKind.X instead of a string:\n" + "\n".join(bare)
