"""No project source file is over ``MAX_LINES``: past that, a module holds more than one idea (see STYLE.md)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("detector", "ingest", "training", "service", "bench", "tests")
MAX_LINES = 600


def _line_counts() -> dict[str, int]:
    return {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for folder in FOLDERS
        for path in sorted((ROOT / folder).rglob("*.py"))
    }


def test_no_source_file_is_over_the_limit() -> None:
    over = {path: n for path, n in _line_counts().items() if n > MAX_LINES}
    assert not over, f"over {MAX_LINES} lines (split by idea): {over}"
