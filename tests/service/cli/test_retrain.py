"""`train --strict` and `retrain`: labels checked before any work, retraining only when labels changed."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from typer.testing import CliRunner

from detector.registry import ModelRegistry
from ingest.database import open_database
from service.cli import app
from service.db.feedback import add_feedback


@pytest.fixture
def run(cli_env, monkeypatch):
    monkeypatch.setenv("USER", "cron")
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


def test_train_strict_exits_3_on_label_warnings_and_writes_nothing(run, settings, demo_dir, tmp_path) -> None:
    labels = tmp_path / "labels.csv"
    shutil.copy(demo_dir / "labels.csv", labels)
    with labels.open("a", encoding="utf-8") as f:
        f.write("ghost_account,amplifier,,\n")
    before = sorted(p.name for p in settings.models_dir.iterdir())

    result = run("train", "--input", demo_dir / "accounts.jsonl", "--labels", labels, "--strict", "--no-report")

    assert result.exit_code == 3, result.output
    assert "@ghost_account" in result.output and "no posts" in result.output
    assert sorted(p.name for p in settings.models_dir.iterdir()) == before


def test_retrain_exits_0_without_training_when_no_labels_file_changed_since(run, settings, demo_dir, tmp_path) -> None:
    folder = tmp_path / "labels"
    folder.mkdir()
    shutil.copy(demo_dir / "labels.csv", folder / "2020.csv")
    os.utime(folder / "2020.csv", (1_577_836_800, 1_577_836_800))  # 2020-01-01
    before = ModelRegistry(settings.models_dir).versions()

    result = run("retrain", "--input", demo_dir / "accounts.jsonl", "--labels-dir", folder, "--since", "2021-01-01")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["version"] is None
    assert ModelRegistry(settings.models_dir).versions() == before


@pytest.mark.slow
def test_retrain_with_new_labels_and_feedback_trains_and_promotes_through_the_gate(
    run, settings, demo_dir, tmp_path
) -> None:
    folder = tmp_path / "labels"
    folder.mkdir()
    shutil.copy(demo_dir / "labels.csv", folder / "base.csv")
    feedback = tmp_path / "feedback.csv"
    first = (demo_dir / "labels.csv").read_text(encoding="utf-8").splitlines()[1]
    feedback.write_text("handle,label,analyst\n" + ",".join(first.split(",")[:2]) + ",ana\n", encoding="utf-8")
    registry = ModelRegistry(settings.models_dir)
    active = registry.active_version()

    result = run(
        "retrain", "--input", demo_dir / "accounts.jsonl", "--labels-dir", folder, "--feedback-file", feedback,
        "--since", "LAST", "--no-report",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    version = json.loads(result.stdout.splitlines()[-1])["version"]
    assert "candidate heads" in result.output and "promotion gate" in result.output
    assert registry.active_version() == version != active
    entry = registry.audit_trail()[-1]
    assert (entry["action"], entry["from"], entry["user"]) == ("promote", active, "cron")
    assert registry.card(version)["source"]["label_files"][-1] == str(feedback.resolve())
    # Rolled back, the retrained version can be promoted again through the gate from the label files it recorded.
    assert run("models", "rollback").exit_code == 0 and registry.active_version() == active
    again = run("models", "promote", version)
    assert again.exit_code == 0, again.output
    assert registry.active_version() == version


@pytest.mark.slow
def test_retrain_from_the_store_takes_analysts_verdicts_from_the_database_as_the_newest_labels(
    run, settings, demo_dir, demo_roles, tmp_path
) -> None:
    folder = tmp_path / "labels"
    folder.mkdir()
    shutil.copy(demo_dir / "labels.csv", folder / "2020.csv")
    os.utime(folder / "2020.csv", (1_577_836_800, 1_577_836_800))  # older than every version
    registry = ModelRegistry(settings.models_dir)
    base = registry.card(registry.active_version())["data"]
    engine = open_database(settings.resolved_database_url)
    amplifier = demo_roles["amplifier"][0]
    # an analyst disputes a "high" band: the account is ordinary after all
    add_feedback(engine, handle=amplifier, verdict="dispute", note=None, score_id=None, band="high", key_id=None,
                 key_name="ana")  # fmt: skip
    engine.dispose()
    args = ("retrain", "--from-store", "--labels-dir", folder, "--with-feedback", "--since", "LAST", "--no-report")

    result = run(*args, "--no-promote")

    assert result.exit_code == 0, result.output
    version = json.loads(result.stdout.splitlines()[-1])["version"]
    assert "new feedback on 1 account(s)" in result.output
    card = registry.card(version)
    assert card["source"]["format"] == "store" and card["source"]["feedback"] == 1
    assert card["data"]["n_positive"] == base["n_positive"] - 1
    assert card["data"]["n_accounts"] == base["n_accounts"]
    # nothing new since that version: cron's next call trains nothing
    again = run(*args)
    assert again.exit_code == 0 and json.loads(again.stdout)["version"] is None
    # the gate reads the store-trained version's accounts again from the store and the same labels (on this small
    # corpus, the held-out accounts the two versions share may hold one class only: then it says so, exit 3)
    gate = run("models", "promote", version)
    assert gate.exit_code in (0, 7) or (gate.exit_code == 3 and "neither version trained on" in gate.output)
    assert "names no readable input" not in gate.output


def test_train_needs_exactly_one_account_source(run, demo_dir) -> None:
    labels = demo_dir / "labels.csv"

    neither = run("train", "--labels", labels)
    both = run("train", "--labels", labels, "--input", demo_dir / "accounts.jsonl", "--from-store")

    assert neither.exit_code == 2 and both.exit_code == 2
    assert "--from-store" in neither.output
