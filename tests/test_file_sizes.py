"""No file of the project is over ``MAX_LINES``: past that, a module holds more than one idea, and a data file or a
document more than one subject (see STYLE.md)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 600
TEXT = {".py", ".js", ".html", ".css", ".yaml", ".yml", ".md", ".toml", ".json", ".jsonl", ".csv", ".txt", ".mako"}
NAMED = {"Makefile", "Dockerfile"}
NOT_OURS = {".git", ".venv", "var", "models", "vendor", "node_modules", "__pycache__", ".ruff_cache", ".pytest_cache"}
"""Not edited here: the VCS, installs and run data, trained artifacts, and third-party bundles served as shipped."""


def _project_files() -> list[Path]:
    def walk(folder: Path) -> list[Path]:
        found = []
        for path in sorted(folder.iterdir()):
            if path.is_dir():
                if path.name not in NOT_OURS and not path.name.endswith(".egg-info"):
                    found += walk(path)
            elif path.suffix in TEXT or path.name in NAMED:
                found.append(path)
        return found

    return walk(ROOT)


def test_the_walk_reads_the_projects_code_data_and_documents() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in _project_files()}
    assert {"README.md", "Makefile", "detector/scoring.py", "detector/catalog/talking_points/catalog.yaml"} <= names


def test_no_file_is_over_the_limit() -> None:
    counts = {path: len(path.read_text(encoding="utf-8").splitlines()) for path in _project_files()}
    over = {path.relative_to(ROOT).as_posix(): n for path, n in counts.items() if n > MAX_LINES}
    assert not over, f"over {MAX_LINES} lines (split by idea): {over}"
