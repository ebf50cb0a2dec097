"""The promotion gate protects production: a worse candidate is refused, --force is audited, rollback goes back."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from detector.model import AmplifierModel
from detector.registry import AUDIT, ModelRegistry
from service.cli import app
from training.errors import NothingToRollBackError
from training.promotion import rollback
from training.train import fit_banded_head


@pytest.fixture(scope="module")
def shuffled_model(demo_training, demo_labeled) -> AmplifierModel:
    """The active model with a head that learned shuffled labels, on its own features and split (cheap: nothing is
    featurized again); fitted once for the module, and never changed."""
    result = demo_training
    rows = result.train_idx
    shuffled = np.random.default_rng(0).permutation(demo_labeled.y[rows])
    banded = fit_banded_head(
        result.matrix[rows], shuffled, demo_labeled.groups[rows], seed=0, names=result.model.feature_names
    )
    return dataclasses.replace(result.model, head=banded.head, thresholds=banded.thresholds)


@pytest.fixture
def shuffled_candidate(models_dir, shuffled_model, demo_training, demo_dir) -> str:
    """``shuffled_model`` saved as a version of the test's registry, with the demo input recorded in its card as
    `train` records it."""
    result = demo_training
    source = {"input": str(demo_dir / "accounts.jsonl"), "format": "jsonl", "labels": str(demo_dir / "labels.csv")}
    return ModelRegistry(models_dir).save(shuffled_model, {**result.card, "source": source}, result.split)


@pytest.fixture
def run(cli_env, monkeypatch):
    """The CLI on the test's registry, as user alice, collecting what the audit hook receives in ``run.audited``."""
    monkeypatch.setenv("USER", "alice")
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(app, [str(a) for a in args], obj={"on_audit": invoke.audited.append})

    invoke.audited = []
    return invoke


@pytest.mark.slow
def test_gate_refuses_a_candidate_trained_on_shuffled_labels_and_keeps_the_active_model(
    run, models_dir, shuffled_candidate
) -> None:
    registry = ModelRegistry(models_dir)
    active = registry.active_version()
    audit_before = registry.audit_trail()

    result = run("models", "promote", shuffled_candidate)

    assert result.exit_code == 7, result.output
    assert "refused" in result.output and "PR-AUC" in result.output
    assert shuffled_candidate in result.output and active in result.output  # both versions' figures printed
    assert registry.active_version() == active
    assert registry.audit_trail() == audit_before
    assert run.audited == []


@pytest.mark.slow
def test_force_promotes_the_refused_candidate_and_audits_who_when_and_the_figures(
    run, models_dir, shuffled_candidate, demo_dir
) -> None:
    registry = ModelRegistry(models_dir)
    active = registry.active_version()

    result = run(
        "models", "promote", shuffled_candidate, "--force",
        "--input", demo_dir / "accounts.jsonl", "--labels", demo_dir / "labels.csv",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert registry.active_version() == shuffled_candidate
    entry = json.loads((models_dir / AUDIT).read_text(encoding="utf-8").splitlines()[-1])
    assert entry["action"] == "force-promote" and entry["forced"] is True
    assert (entry["user"], entry["from"], entry["to"]) == ("alice", active, shuffled_candidate)
    assert entry["at"].startswith("20")
    gate = entry["gate"]
    assert gate["passed"] is False
    assert gate["candidate_pr_auc"] < gate["active_pr_auc"] - gate["tolerance"]
    assert gate["accounts"] == "given labeled set" and gate["n_positive"] > 0
    assert run.audited == [entry]


@pytest.mark.slow
def test_rollback_returns_to_the_version_active_before_and_then_has_nothing_left(
    run, models_dir, shuffled_candidate
) -> None:
    registry = ModelRegistry(models_dir)
    original = registry.active_version()
    assert run("models", "promote", shuffled_candidate, "--force").exit_code == 0

    result = run("models", "rollback")

    assert result.exit_code == 0, result.output
    assert registry.active_version() == original
    assert registry.audit_trail()[-1]["action"] == "rollback"
    again = run("models", "rollback")
    assert again.exit_code == 5
    assert registry.active_version() == original


@pytest.mark.slow
def test_gate_lets_a_candidate_as_good_as_the_active_model_through(run, models_dir, demo_training, demo_dir) -> None:
    registry = ModelRegistry(models_dir)
    twin = registry.save(demo_training.model, demo_training.card, demo_training.split)

    result = run("models", "promote", twin, "--input", demo_dir / "accounts.jsonl", "--labels", demo_dir / "labels.csv")

    assert result.exit_code == 0, result.output
    assert registry.active_version() == twin
    entry = registry.audit_trail()[-1]
    assert entry["action"] == "promote" and entry["gate"]["candidate_pr_auc"] == entry["gate"]["active_pr_auc"]


def test_promote_without_a_labeled_set_to_judge_on_exits_3_and_changes_nothing(run, models_dir, demo_training) -> None:
    registry = ModelRegistry(models_dir)
    active = registry.active_version()
    twin = registry.save(demo_training.model, demo_training.card, demo_training.split)  # its card names no input

    result = run("models", "promote", twin)

    assert result.exit_code == 3 and "--input" in result.output
    assert registry.active_version() == active


def test_previous_active_replays_activations_and_rollbacks_as_a_stack(models_dir, demo_training) -> None:
    registry = ModelRegistry(models_dir)
    first = registry.active_version()
    second = registry.save(demo_training.model, demo_training.card, demo_training.split)
    registry.activate(second)
    assert registry.previous_active() == first
    rollback(registry, user="bob")
    assert registry.active_version() == first
    with pytest.raises(NothingToRollBackError):
        rollback(registry, user="bob")
