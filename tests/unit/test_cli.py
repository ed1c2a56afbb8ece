"""Each command says in one line when a server is unreachable, and exits non-zero; the CLI package has no
import circle."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from service.settings import ROOT
from tests.support.cli import run_cli


@pytest.mark.parametrize(
    "command", [["migrate"], ["seed-demo", "--cases", "1"], ["worker", "--burst"], ["serve"]]
)
def test_unreachable_postgres_is_one_clear_line(command: list[str]) -> None:
    done = run_cli(
        *command, DATABASE_URL="postgresql://postgres@127.0.0.1:1/none", REDIS_URL="redis://127.0.0.1:1/0"
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("disputes: PostgreSQL unreachable"), done.stderr


def test_usage_errors_exit_non_zero() -> None:
    assert run_cli("no-such-command").returncode == 2
    assert run_cli("seed-demo", "--cases", "-1", DATABASE_URL="postgresql://x@127.0.0.1:1/x").returncode == 2


# --- the package: each command module registers itself, and none imports the package back -------------

CLI = ROOT / "service" / "cli"
COMMAND_MODULES = sorted(p.stem for p in CLI.glob("*.py") if p.stem not in {"__init__", "__main__"})


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("name", COMMAND_MODULES)
def test_each_cli_module_imports_alone(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import service.cli.{name}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name", COMMAND_MODULES)
def test_no_cli_module_imports_the_package_back(name: str) -> None:
    imports = imported_modules(CLI / f"{name}.py")
    assert "service.cli" not in imports and "service.cli.main" not in imports, imports


def test_the_cli_modules_import_each_other_without_a_circle() -> None:
    graph = {
        name: {m.removeprefix("service.cli.") for m in imported_modules(CLI / f"{name}.py")}
        & set(COMMAND_MODULES)
        for name in COMMAND_MODULES
    }
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for other in graph[name]:
            visit(other, (*path, name))
        done.add(name)

    for name in COMMAND_MODULES:
        visit(name, ())


def test_every_command_module_is_registered() -> None:
    from service.cli.registry import COMMAND_MODULES as registered

    helpers = {"common", "registry"}
    assert set(registered) == set(COMMAND_MODULES) - helpers
    assert all(
        callable(getattr(importlib.import_module(f"service.cli.{m}"), "register", None)) for m in registered
    )
