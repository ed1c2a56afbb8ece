"""The import rule of DESIGN §4, checked on the source: domain is pure; layers only import downwards."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", sources("domain"), ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_imports_only_the_standard_library_and_itself(path: Path) -> None:
    for module in imports_of(path):
        top = module.split(".")[0]
        assert top == "domain" or top in sys.stdlib_module_names or top == "__future__", f"{path}: {module}"


@pytest.mark.parametrize("path", sources("domain"), ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_reads_no_clock_and_awaits_nothing(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for forbidden in ("date.today(", "datetime.now(", "datetime.utcnow(", "time.time(", "await ", "logging"):
        assert forbidden not in text, f"{path} uses {forbidden}"


FORBIDDEN = {
    "service/usecases": ("service.web", "litestar", "arq", "workers"),
    "service/store": ("service.web", "service.usecases", "litestar", "arq", "workers"),
    "workers": ("service.web", "litestar"),
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_only_downwards(layer: str) -> None:
    for path in sources(layer):
        for module in imports_of(path):
            assert not module.startswith(FORBIDDEN[layer]), f"{path.relative_to(ROOT)} imports {module}"
