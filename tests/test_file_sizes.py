"""No file of the project is over ``MAX_LINES``: past that, a module holds more than one idea, and a data file or a
document more than one subject."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 600
TEXT = {".py", ".js", ".html", ".css", ".yaml", ".yml", ".md", ".toml", ".json", ".jsonl", ".csv", ".txt", ".mako"}
NAMED = {"Makefile", "Dockerfile"}
NOT_OURS = {".git", ".venv", "var", "vendor", "node_modules", "__pycache__", ".ruff_cache", ".pytest_cache"}
"""Not edited here: the VCS, installs and run data, and third-party bundles served as shipped."""
ARTIFACTS = "models/"  # trained versions' cards and reports are written by training, not by hand


def _project_files() -> list[Path]:
    """The files git tracks (what a clone holds, not what a run left in the tree), else a walk of the tree."""
    tracked = _tracked()
    if tracked is not None:
        return [
            ROOT / name
            for name in tracked
            if (Path(name).suffix in TEXT or Path(name).name in NAMED)
            and not set(Path(name).parts) & NOT_OURS
            and not (name.startswith(ARTIFACTS) and name.count("/") > 1)
            and (ROOT / name).exists()
        ]

    def walk(folder: Path) -> list[Path]:
        found = []
        for path in sorted(folder.iterdir()):
            if path.is_dir():
                artifact = path.parent == ROOT / ARTIFACTS.rstrip("/")
                if path.name not in NOT_OURS and not path.name.endswith(".egg-info") and not artifact:
                    found += walk(path)
            elif path.suffix in TEXT or path.name in NAMED:
                found.append(path)
        return found

    return walk(ROOT)


def _tracked() -> list[str] | None:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        return None
    listed = subprocess.run([git, "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=False)
    return [name for name in listed.stdout.split("\0") if name] if listed.returncode == 0 else None


def test_the_walk_reads_the_projects_code_data_and_documents() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in _project_files()}
    assert {"README.md", "Makefile", "detector/scoring.py", "detector/catalog/talking_points/catalog.yaml"} <= names
    assert not any(name.startswith(("var/", ".venv/")) or "/vendor/" in name for name in names)


def test_no_file_is_over_the_limit() -> None:
    counts = {path: len(path.read_text(encoding="utf-8", errors="replace").splitlines()) for path in _project_files()}
    over = {path.relative_to(ROOT).as_posix(): n for path, n in counts.items() if n > MAX_LINES}
    assert not over, f"over {MAX_LINES} lines (split by idea): {over}"
