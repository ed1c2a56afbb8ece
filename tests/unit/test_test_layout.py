"""The tests' own layout (issue 14 §9): shared helpers live in tests/support/, and no test module imports
another test module (a conftest's fixtures reach tests through pytest, never through an import)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def imports_of(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def another_test_module(module: str) -> bool:
    """A relative import, or one of tests.* that is not the support package."""
    if module.startswith("."):
        return True
    in_tests = module == "tests" or module.startswith("tests.")
    return in_tests and not (module == "tests.support" or module.startswith("tests.support."))


def test_tests_import_only_the_support_package() -> None:
    wrong = [
        f"{path.relative_to(TESTS)}:{line} imports {module}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, module in imports_of(path)
        if another_test_module(module)
    ]
    assert not wrong, "import shared helpers from tests/support/ instead:\n" + "\n".join(wrong)


def test_support_holds_helpers_not_tests() -> None:
    support = TESTS / "support"
    tests = [
        f"{path.relative_to(TESTS)}: {node.name}"
        for path in sorted(support.rglob("*.py"))
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    ]
    assert not tests, tests
    assert not list(support.rglob("test_*.py")) and not (support / "conftest.py").exists()
