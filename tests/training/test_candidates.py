"""Training compares candidate heads under grouped cross-validation, chooses by PR-AUC, and explains either kind."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.special import logit

from detector.false_discovery import DEFAULT_MAX_FDR
from detector.model import HEAD_KINDS, expected_signs
from training.candidates import LINEAR_TOLERANCE, CandidateFigures, choose_head
from training.train import fit_head


def _figures(kind: str, pr_aucs: list[float]) -> CandidateFigures:
    folds = [{"roc_auc": 0.9, "pr_auc": value, "brier": 0.05} for value in pr_aucs]
    return CandidateFigures(kind=kind, oof=np.zeros(3), folds=folds)


def test_card_records_every_candidates_grouped_cv_figures_and_why_one_was_chosen(demo_training) -> None:
    card = demo_training.card
    assert [c["kind"] for c in card["candidates"]] == list(HEAD_KINDS)
    for candidate in card["candidates"]:
        assert candidate["n_folds"] >= 2
        for name in ("roc_auc", "pr_auc", "brier"):
            assert set(candidate[name]) == {"mean", "sd"} and candidate[name]["mean"] is not None
    best = max(card["candidates"], key=lambda c: c["pr_auc"]["mean"])
    linear = card["candidates"][0]
    expected = "linear" if linear["pr_auc"]["mean"] >= best["pr_auc"]["mean"] - LINEAR_TOLERANCE else best["kind"]
    assert card["head"]["kind"] == expected
    assert "PR-AUC" in card["head"]["reason"] and card["head"]["explanations"]


def test_a_new_model_counts_only_coordinated_pairs_under_the_default_false_discovery_rate(demo_training) -> None:
    params = demo_training.model.coordination
    assert params.max_fdr == DEFAULT_MAX_FDR == 0.05
    assert "shared_link" in params.counted_kinds
    assert demo_training.card["config"]["coordination"]["max_fdr"] == 0.05, "the card says so too"


def test_linear_head_is_kept_when_a_tree_beats_it_by_less_than_the_tolerance() -> None:
    figures = {"linear": _figures("linear", [0.80, 0.82]), "tree-sigmoid": _figures("tree-sigmoid", [0.81, 0.82])}
    choice = choose_head(figures, tolerance=0.01)
    assert choice.kind == "linear" and "exact" in choice.reason


def test_tree_head_is_chosen_when_it_beats_the_linear_one_beyond_the_tolerance() -> None:
    figures = {"linear": _figures("linear", [0.70, 0.72]), "tree-isotonic": _figures("tree-isotonic", [0.85, 0.87])}
    assert choose_head(figures, tolerance=0.01).kind == "tree-isotonic"


def _with_head(demo_training, demo_labeled, kind: str):
    rows = demo_training.train_idx
    head = fit_head(
        demo_training.matrix[rows],
        demo_labeled.y[rows],
        demo_labeled.groups[rows],
        seed=0,
        C=1.0,
        names=demo_training.model.feature_names,
        kind=kind,
    )
    return dataclasses.replace(demo_training.model, head=head)


@pytest.fixture(scope="module")
def tree_model(demo_training, demo_labeled):
    return _with_head(demo_training, demo_labeled, "tree-sigmoid")


def test_tree_contributions_are_the_log_odds_lost_when_a_feature_is_set_to_its_training_median(
    tree_model, demo_training
) -> None:
    rows = demo_training.matrix[demo_training.test_idx[:20]]
    shares = tree_model.contributions(rows)
    medians = tree_model.head[0].statistics_
    j = int(np.argmax(np.abs(shares).sum(axis=0)))  # the feature that moves these rows most
    occluded = rows.copy()
    occluded[:, j] = medians[j]
    drop = logit(tree_model.predict_proba(rows)) - logit(tree_model.predict_proba(occluded))
    np.testing.assert_allclose(shares[:, j], drop, atol=1e-9)
    at_median = rows.copy()
    at_median[:, j] = medians[j]
    assert np.all(tree_model.contributions(at_median)[:, j] == 0)
    assert tree_model.explanation_method.startswith("occlusion")


def test_linear_contributions_stay_exact_shares_of_the_log_odds(demo_training, demo_labeled) -> None:
    model = _with_head(demo_training, demo_labeled, "linear")
    rows = demo_training.matrix[:10]
    linear = model.head[-1].calibrated_classifiers_[0].estimator
    total = model.contributions(rows).sum(axis=1) + linear.intercept_[0]
    np.testing.assert_allclose(total, linear.decision_function(model.head[:-1].transform(rows)))
    assert model.explanation_method.startswith("exact")


def test_tree_head_never_lowers_a_score_when_posting_in_step_with_others_rises(tree_model, demo_training) -> None:
    names = tree_model.feature_names
    raised = [i for i, sign in enumerate(expected_signs(names)) if sign > 0 and names[i].startswith("coordination__")]
    rows = demo_training.matrix[demo_training.test_idx[:50]]
    more = rows.copy()
    more[:, raised] = np.nan_to_num(more[:, raised]) + 5.0
    assert np.all(tree_model.predict_proba(more) >= tree_model.predict_proba(rows) - 1e-12)
