"""Compiled kernels are cached under the data directory, never inside the installed package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import detector
from detector.kernel_cache import cache_dir, use_cache_dir

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(detector.__file__).parent
KERNEL_FILES = ("*.nbi", "*.nbc")  # numba's index and machine code


def _kernel_files(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for pattern in KERNEL_FILES for path in folder.rglob(pattern)}


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, Path("var/cache")),
        ({"PARROTWATCH_DATA_DIR": "/srv/pw"}, Path("/srv/pw/cache")),
        ({"PARROTWATCH_DATA_DIR": "/srv/pw", "PARROTWATCH_CACHE_DIR": "/fast/cache"}, Path("/fast/cache")),
    ],
    ids=["default", "under-the-data-dir", "own-cache-dir"],
)
def test_cache_dir_follows_the_data_dir_unless_set(environ: dict[str, str], expected: Path) -> None:
    assert cache_dir(environ) == expected


def test_numba_cache_goes_to_an_absolute_folder_under_the_cache_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    environ = {"PARROTWATCH_DATA_DIR": "data"}
    assert use_cache_dir(environ) == tmp_path / "data" / "cache" / "numba"
    assert environ["NUMBA_CACHE_DIR"] == str(tmp_path / "data" / "cache" / "numba")


def test_a_numba_cache_dir_set_by_hand_wins() -> None:
    environ = {"NUMBA_CACHE_DIR": "/mine", "PARROTWATCH_DATA_DIR": "/srv/pw"}
    assert use_cache_dir(environ) == Path("/mine") and environ["NUMBA_CACHE_DIR"] == "/mine"


@pytest.mark.slow
def test_compiling_the_kernels_writes_under_the_data_dir_and_nothing_into_the_package(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARROTWATCH_", "NUMBA_"))}
    env |= {"PARROTWATCH_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    before = _kernel_files(PACKAGE)

    subprocess.run(
        # One small kernel: numba's cache folder is set once for the package, before any kernel is defined.
        [sys.executable, "-c", "from detector.word_hashing import hash_word_counts; hash_word_counts(['a b'], 16)"],
        env=env,
        cwd=tmp_path,
        check=True,
        timeout=600,
    )

    assert _kernel_files(PACKAGE) == before
    cached = _kernel_files(tmp_path / "data" / "cache" / "numba")
    assert {path.suffix for path in cached} == {".nbi", ".nbc"}
    assert {path.name.split(".")[0] for path in cached} == {"word_hashing"}
