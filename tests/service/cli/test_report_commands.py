"""The report on the command line: train writes it with the version, evaluate draws its plots, models show tabulates."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app
from training.report import REPORT_FILES

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def run(cli_env):
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def small_labels(demo_dir: Path, tmp_path: Path) -> Path:
    """Labels of three amplifier networks and 100 other accounts of the demo corpus: a quick model to train."""
    with (demo_dir / "labels.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    networks = sorted({row["network"] for row in rows if row["network"]})[:3]
    kept = [row for row in rows if row["network"] in networks] + [row for row in rows if not row["network"]][:100]
    path = tmp_path / "labels.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["handle", "label", "network"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(kept)
    return path


@pytest.mark.slow
def test_train_writes_the_report_into_the_new_version_and_prints_figures_by_split(
    run, demo_dir, small_labels, settings, monkeypatch
) -> None:
    monkeypatch.setenv("PARROTWATCH_COORDINATION_FDR", "0.01")
    result = run("train", "--input", demo_dir / "accounts.jsonl", "--labels", small_labels)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout.splitlines()[-1])
    folder = settings.models_dir / printed["version"]
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    assert card["config"]["coordination"]["max_fdr"] == 0.01, "the setting is the rate the new model counts under"
    assert printed["report"] == str(folder / "report.html")
    assert set(REPORT_FILES) <= {path.name for path in folder.iterdir()}
    assert (folder / "reliability.png").read_bytes()[:8] == PNG_MAGIC
    for heading in ("held-out figures by split method", "leave one operation out", "ablation", "by language"):
        assert heading in result.stderr
    for split in ("by_network", "by_account", "by_time", "without coordination"):
        assert split in result.stderr


def test_models_show_prints_the_card_as_tables_and_as_json_on_request(run, settings) -> None:
    card = json.loads(run("models", "show", "--json").stdout)
    result = run("models", "show", card["version"])
    assert result.exit_code == 0, result.output
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)
    for title in ("band thresholds", "metrics", "held out", "out of fold train", "data", "config", "libraries"):
        assert title in result.stdout, title
    assert card["version"] in result.stdout
    assert f"{card['thresholds']['high']:.3f}" in result.stdout


@pytest.mark.slow
def test_evaluate_with_report_dir_draws_the_reliability_plot_and_splits_by_language(run, demo_dir, tmp_path) -> None:
    out = tmp_path / "evaluation"
    result = run(
        "evaluate", "--input", demo_dir / "accounts.jsonl", "--labels", demo_dir / "labels.csv", "--report-dir", out
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert Path(figures["figures"]["reliability"]) == out / "reliability.png"
    assert (out / "reliability.png").read_bytes()[:8] == PNG_MAGIC
    assert str(out / "reliability.png") in result.stderr
    assert sum(row["n_accounts"] for row in figures["by_language"]) == figures["n_accounts"]
    assert "by language" in result.stderr
