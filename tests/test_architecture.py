"""The layers import only downward: detector <- ingest <- training <- service, and nothing imports service."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {
    "detector": {"detector"},
    "ingest": {"ingest", "detector"},
    "training": {"training", "detector", "ingest"},
    "service": {"service", "detector", "ingest", "training"},
}
PROJECT = set(ALLOWED)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name.split(".")[0] for name in names} & PROJECT


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_the_layers_below_it(package: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / package).rglob("*.py")
        for name in _imports(path) - ALLOWED[package]
    }
    assert not wrong, sorted(wrong)


def _detector_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "detector")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "detector":
            found.add(node.module)
    return found


def test_ingest_uses_only_the_detector_schema() -> None:
    offenders = {
        f"{path.name}: {module}"
        for path in (ROOT / "ingest").rglob("*.py")
        for module in _detector_modules(path) - {"detector.schema"}
    }
    assert not offenders, sorted(offenders)


def test_no_package_uses_relative_imports() -> None:
    relative = [
        str(path.relative_to(ROOT))
        for package in ALLOWED
        for path in (ROOT / package).rglob("*.py")
        if any(isinstance(n, ast.ImportFrom) and n.level > 0 for n in ast.walk(ast.parse(path.read_text("utf-8"))))
    ]
    assert not relative
