"""The import rule of DESIGN §4, checked on the source, for every room of the tree.

    service/web ──▶ service/usecases ──▶ service/store ──▶ domain
         │                │   ▲
         │                ▼   │ (the clock)
         └──────────▶ service/queries ──▶ service/store
    service/usecases, service/web ──▶ service/adapters ──▶ domain   (the outside world: files, mail, Redis)
    workers ──▶ service/usecases;  service/demo ──▶ service/usecases;  service/cli ──▶ everything

`domain/` imports only the standard library (and `phonenumbers`, below). No room imports `service.cli`,
`service.demo` or `service.app` (they are entry points and wiring). A new top-level room must get its rule
here: the last test fails until it does.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

ENTRY_POINTS = ("service.cli", "service.demo", "service.app")
WEB_FRAMEWORK = ("litestar", "uvicorn", "jinja2")

# room -> the imports it must not make. A module matches a prefix when it is the prefix or below it.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    # the read side: rows to views; may read the store and the domain (and the clock), never write through
    # a use case or know HTTP
    "service/queries": (
        "service.web",
        "service.usecases",
        "service.adapters",
        *ENTRY_POINTS,
        *WEB_FRAMEWORK,
        "arq",
        "workers",
    ),
    "service/usecases": ("service.web", *ENTRY_POINTS, *WEB_FRAMEWORK, "arq", "workers"),
    "service/store": (
        "service.web",
        "service.usecases",
        "service.queries",
        "service.adapters",
        *ENTRY_POINTS,
        *WEB_FRAMEWORK,
        "arq",
        "workers",
    ),
    # the outside world (mail, files, Redis, spreadsheets): knows the domain's values and the settings only
    "service/adapters": (
        "service.web",
        "service.usecases",
        "service.store",
        "service.queries",
        *ENTRY_POINTS,
        *WEB_FRAMEWORK,
        "arq",
        "workers",
    ),
    # the web reads through service/queries and acts through service/usecases, never on the store
    "service/web": ("service.store", "service.cli", "service.demo", "arq", "workers"),
    # the demo plays the year through the real use cases, as a clerk and a consumer would
    "service/demo": ("service.web", "service.cli", "service.app", *WEB_FRAMEWORK, "arq", "workers"),
    "service/cli": ("litestar", "arq"),
    "workers": ("service.web", *ENTRY_POINTS, *WEB_FRAMEWORK),
}

# the loose modules directly under service/
LOOSE: dict[str, tuple[str, ...]] = {
    "service/settings.py": ("service", "litestar", "arq", "asyncpg", "redis", "workers"),
    "service/logs.py": ("service", "litestar", "arq", "asyncpg", "workers"),
    "service/app_types.py": ("service.web", "service.store", *ENTRY_POINTS, "workers"),
    "service/app.py": ("service.cli", "service.demo", "workers"),
    "service/metrics.py": ("service.web", *ENTRY_POINTS, *WEB_FRAMEWORK, "workers"),
    # the monthly return as tables and files (issue 14 §7/§8 may move them into service/adapters)
    "service/exports.py": ("service.web", *ENTRY_POINTS, *WEB_FRAMEWORK, "workers"),
    "service/return_tables.py": ("service.web", *ENTRY_POINTS, *WEB_FRAMEWORK, "workers"),
    # the catalogs (Babel) and their completeness check: read by use cases, pages and `make check` alike
    "service/i18n.py": ("service", *WEB_FRAMEWORK, "asyncpg", "arq", "redis", "workers"),
    "service/i18n_check.py": (
        "service.web",
        "service.usecases",
        "service.store",
        *ENTRY_POINTS,
        *WEB_FRAMEWORK,
        "workers",
    ),
}

# Imports a rule above forbids that are allowed, each with its reason.
ALLOWED: dict[str, tuple[str, ...]] = {
    "service/web": (
        "service.store.staff.StaffUser",  # the signed-in staff member every staff handler receives
        "service.store.db.CONNECTION_ERRORS",  # errors.py maps a lost database connection to 503
        "service.store.db.connection_lost",
    ),
    "service/queries": (
        "service.usecases.clock",
    ),  # local dates and times for the views (the injected clock)
    "service/store": (
        "service.adapters.channels.declared",  # `disputes migrate` seeds the channel lookup from the registry
    ),
}


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, as dotted names; `from a import b` gives `a.b`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def sources(room: str) -> list[Path]:
    where = ROOT / room
    if where.suffix == ".py":
        return [where] if where.exists() else []  # a loose module moved away keeps its rule harmlessly
    return sorted(where.rglob("*.py"))


def violations(room: str, forbidden: tuple[str, ...]) -> list[str]:
    allowed = ALLOWED.get(room, ())
    return [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sources(room)
        for module in sorted(imports_of(path))
        if any(under(module, f) for f in forbidden) and not any(under(module, a) for a in allowed)
    ]


# The one library the domain reads: the ITU numbering plans as data, pure and without I/O (domain.identifiers
# validates phone numbers abroad with it, issue 16).
DOMAIN_LIBRARIES = frozenset({"phonenumbers"})


@pytest.mark.parametrize("path", sources("domain"), ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_imports_only_the_standard_library_and_itself(path: Path) -> None:
    for module in imports_of(path):
        top = module.split(".")[0]
        allowed = top in ("domain", "__future__") or top in sys.stdlib_module_names or top in DOMAIN_LIBRARIES
        assert allowed, f"{path}: {module}"


@pytest.mark.parametrize("path", sources("domain"), ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_reads_no_clock_and_awaits_nothing(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for forbidden in ("date.today(", "datetime.now(", "datetime.utcnow(", "time.time(", "await ", "logging"):
        assert forbidden not in text, f"{path} uses {forbidden}"


@pytest.mark.parametrize("room", sorted(FORBIDDEN | LOOSE))
def test_rooms_import_only_what_their_rule_allows(room: str) -> None:
    wrong = violations(room, (FORBIDDEN | LOOSE)[room])
    assert not wrong, "\n".join(wrong)


def test_the_entry_points_are_imported_by_nobody_else() -> None:
    """service.cli, service.demo and service.app sit on top: only the CLI starts the demo and the app."""
    importers = {"service.cli": ("service/cli",), "service.demo": ("service/cli", "service/demo")}
    importers["service.app"] = ("service/cli", "service/app.py")
    wrong = []
    for path in [*sources("service"), *sources("workers")]:
        rel = path.relative_to(ROOT).as_posix()
        for module in imports_of(path):
            for entry, allowed in importers.items():
                if under(module, entry) and not rel.startswith(allowed):
                    wrong.append(f"{rel} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_every_room_has_a_rule() -> None:
    """A new package or module under service/ (or a new top-level package) gets its line above."""
    known = {*FORBIDDEN, *LOOSE, "service/__init__.py"}
    rooms = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "service").iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"
    }
    packages = {
        p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name != "tests"
    }
    assert rooms <= known, f"rooms without a rule: {sorted(rooms - known)}"
    assert packages <= {"domain", "service", "workers"}, f"packages without a rule: {sorted(packages)}"
