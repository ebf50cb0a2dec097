"""The training report: figures per split, ablation, languages, and files written with the version, or not at all."""

from __future__ import annotations

import json
import re
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from detector.model import FAMILIES, build_features
from detector.registry import ModelRegistry
from training.report import (
    REPORT_FILES,
    TrainingReport,
    build_report,
    confusion_at_thresholds,
    language_figures,
    reliability_bins,
    write_report,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report(demo_labeled, demo_training) -> TrainingReport:
    return build_report(demo_labeled, demo_training, max_operation_folds=2)


@pytest.fixture(scope="module")
def version_folder(report, demo_training, tmp_path_factory) -> Path:
    registry = ModelRegistry(tmp_path_factory.mktemp("models"))
    result = demo_training
    version = registry.save(result.model, result.card, result.split, before_publish=partial(write_report, report))
    return registry.root / version


def _split(report: TrainingReport, name: str) -> dict:
    [split] = [s for s in report.summary["splits"] if s["name"] == name]
    return split


def test_report_files_are_written_into_the_version_and_pngs_are_pngs(version_folder) -> None:
    assert set(REPORT_FILES) <= {path.name for path in version_folder.iterdir()}
    pngs = [name for name in REPORT_FILES if name.endswith(".png")]
    assert len(pngs) == 5
    for name in pngs:
        assert (version_folder / name).read_bytes()[:8] == PNG_MAGIC, name
    html = (version_folder / "report.html").read_text(encoding="utf-8")
    assert set(re.findall(r'<img src="([^"]+)"', html)) == set(pngs)
    summary = json.loads((version_folder / "report.json").read_text(encoding="utf-8"))
    assert summary["model_version"] == version_folder.name
    assert version_folder.name in html


def test_a_version_with_a_report_still_loads_after_its_sha256_check(version_folder) -> None:
    loaded = ModelRegistry(version_folder.parent).load(version_folder.name)
    assert loaded.card["artifact"]["sha256"]


def test_a_report_that_fails_leaves_no_version_behind(demo_training, tmp_path) -> None:
    registry = ModelRegistry(tmp_path / "models")

    def half_a_report(folder: Path, version: str) -> None:
        (folder / "roc.png").write_bytes(PNG_MAGIC)
        raise OSError("disk full")

    result = demo_training
    with pytest.raises(OSError, match="disk full"):
        registry.save(result.model, result.card, result.split, before_publish=half_a_report)
    assert registry.versions() == []
    assert list(registry.root.iterdir()) == []  # no staging folder left either


def test_report_measures_the_account_network_and_time_splits(report) -> None:
    assert {s["name"] for s in report.summary["splits"]} == {"by_network", "by_account", "by_time"}
    assert report.summary["splits_skipped"] == {}
    for split in report.summary["splits"]:
        assert split["n_positive"] > 0 and split["roc_auc"] is not None, split["name"]
        assert set(split["bands"]) == {"high", "elevated"}


def test_network_split_figures_are_the_cards_held_out_figures(report, demo_training) -> None:
    assert {
        k: v for k, v in _split(report, "by_network").items() if k in demo_training.card["metrics"]["held_out"]
    } == (demo_training.card["metrics"]["held_out"])


def test_leave_one_operation_out_has_one_fold_per_operation_up_to_the_cap(report, demo_labeled) -> None:
    operations = report.summary["leave_one_operation_out"]
    assert operations["n_operations"] == len(set(demo_labeled.groups[demo_labeled.y == 1]))
    assert len(operations["folds"]) == 2
    assert len({fold["name"] for fold in operations["folds"]}) == 2


def test_ablation_has_one_row_per_family_after_the_full_model(report, demo_training) -> None:
    rows = report.summary["ablation"]["rows"]
    assert [row["dropped"] for row in rows] == [None, *FAMILIES]
    assert rows[0]["roc_auc"] == demo_training.card["metrics"]["held_out"]["roc_auc"]
    for row in rows[1:]:
        assert row["dropped"] not in row["families"] and 0 <= row["roc_auc"] <= 1


def test_language_rows_cover_every_held_out_account(report, demo_training) -> None:
    rows = report.summary["by_language"]["rows"]
    assert sum(row["n_accounts"] for row in rows) == len(demo_training.test_idx)
    assert "en" in {row["language"] for row in rows}


def test_language_figures_only_where_both_classes_have_five_accounts() -> None:
    languages = ["en"] * 12 + ["zh"] * 6
    y = np.array([1] * 5 + [0] * 7 + [1] * 2 + [0] * 4)
    proba = np.linspace(0, 1, len(y))
    rows = {row["language"]: row for row in language_figures(languages, y, proba, {"high": 0.5})}
    assert rows["en"]["metrics"]["n_accounts"] == 12
    assert rows["zh"] == {"language": "zh", "n_accounts": 6, "n_positive": 2, "metrics": None}


def test_reliability_bins_count_every_account_and_give_the_share_of_positives() -> None:
    y = np.array([0, 0, 0, 1, 1, 1, 1, 0])
    proba = np.array([0.05, 0.05, 0.15, 0.15, 0.95, 0.95, 0.95, 0.95])
    bins = reliability_bins(y, proba, n_bins=10)
    assert [(b["lower"], b["count"], b["fraction_positive"]) for b in bins] == [
        (0.0, 2, 0.0),
        (0.1, 2, 0.5),
        (0.9, 4, 0.75),
    ]


def test_confusion_at_a_threshold_counts_scores_at_or_above_it_as_positive() -> None:
    y = np.array([1, 1, 0, 0, 1])
    proba = np.array([0.9, 0.5, 0.5, 0.1, 0.2])
    assert confusion_at_thresholds(y, proba, {"high": 0.5})["high"] == {
        "threshold": 0.5,
        "tp": 2,
        "fp": 1,
        "fn": 1,
        "tn": 1,
    }


def test_features_learn_nothing_from_the_training_accounts(demo_labeled, catalog) -> None:
    """The report refits heads on one feature matrix for every split: sound only while fitting features on other
    accounts gives the same features. A family that learns from its training accounts must break this test."""
    accounts = demo_labeled.accounts
    label_free = ("narrative", "repetition", "behaviour")  # content learns labels: each split refits it (restack)
    one = build_features(catalog, label_free).fit(accounts[:40]).transform(accounts[200:230])
    other = build_features(catalog, label_free).fit(accounts[100:140]).transform(accounts[200:230])
    np.testing.assert_array_equal(one, other)
