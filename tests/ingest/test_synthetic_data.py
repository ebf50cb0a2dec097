"""The synthetic corpus's data files: shipped, all loaded, and consistent with the talking-point catalog."""

from __future__ import annotations

import tomllib
from pathlib import Path

from detector.catalog import load_catalog
from ingest.synthetic_banks import DATA_FILES, word_banks

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "ingest" / "synthetic_data"


def test_every_synthetic_talking_point_is_in_the_shipped_catalog() -> None:
    catalog_ids = {tp.id for tp in load_catalog().talking_points}

    missing = sorted(set(word_banks().lines) - catalog_ids)

    assert not missing, f"talking points in ingest/synthetic_data but not in detector/catalog: {missing}"


def test_every_synthetic_data_file_is_loaded_and_shipped() -> None:
    on_disk = sorted(path.name for path in DATA_DIR.glob("*.yaml"))
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]

    assert on_disk == sorted(DATA_FILES)
    assert "synthetic_data/*.yaml" in package_data["ingest"]


def test_word_banks_are_read_once_and_frozen() -> None:
    banks = word_banks()

    assert word_banks() is banks
    assert isinstance(banks.slots["city"], tuple)
    assert all(isinstance(line.en, tuple) and line.en and line.zh for line in banks.lines.values())
