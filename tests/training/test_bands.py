"""Band thresholds: chosen on out-of-fold scores of real accounts, at a stated prevalence, never collapsing."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from training.metrics import prevalence_thresholds


def _band(score: float, cut: dict[str, float]) -> int:
    return 2 if score >= cut["high"] else 1 if score >= cut["elevated"] else 0


def test_high_sits_where_precision_at_the_stated_prevalence_reaches_the_target() -> None:
    rng = np.random.default_rng(0)
    y = np.r_[np.ones(300), np.zeros(300)].astype(int)
    proba = np.r_[rng.beta(5, 2, 300), rng.beta(2, 5, 300)]
    cut = prevalence_thresholds(y, proba, prevalence=0.2, high_precision=0.9, elevated_recall=0.9)
    tpr = (proba[y == 1] >= cut["high"]).mean()
    fpr = (proba[y == 0] >= cut["high"]).mean()
    assert 0.2 * tpr / (0.2 * tpr + 0.8 * fpr) >= 0.9
    assert fpr <= 0.03
    assert (proba[y == 1] >= cut["elevated"]).mean() >= 0.9
    assert cut["elevated"] < cut["high"]


def test_a_rarer_list_needs_a_higher_high_threshold() -> None:
    rng = np.random.default_rng(1)
    y = np.r_[np.ones(400), np.zeros(400)].astype(int)
    proba = np.r_[rng.beta(4, 2, 400), rng.beta(2, 4, 400)]
    common = prevalence_thresholds(y, proba, prevalence=0.5, max_ordinary_high=1.0)
    rare = prevalence_thresholds(y, proba, prevalence=0.05, max_ordinary_high=1.0)
    assert rare["high"] > common["high"]


def test_thresholds_differ_even_when_one_score_would_serve_both() -> None:
    y = np.array([0, 0, 0, 1, 1, 1])
    proba = np.array([0.1, 0.2, 0.3, 0.8, 0.8, 0.8])  # recall 0.9 and precision 0.9 both first reached at 0.8
    cut = prevalence_thresholds(y, proba, prevalence=0.2)
    assert cut["elevated"] < cut["high"] == 0.8


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.floats(0, 1, allow_nan=False)), min_size=4, max_size=60),
    st.floats(0.01, 0.9),
)
def test_bands_never_contradict_the_order_of_scores(rows: list[tuple[bool, float]], prevalence: float) -> None:
    y = np.array([int(label) for label, _ in rows])
    proba = np.array([score for _, score in rows])
    assume(len(set(y.tolist())) == 2)
    cut = prevalence_thresholds(y, proba, prevalence=prevalence)
    assert cut["elevated"] < cut["high"]
    ordered = sorted(proba.tolist())
    bands = [_band(score, cut) for score in ordered]
    assert bands == sorted(bands)


def test_with_platforms_every_platform_keeps_its_recall_and_its_ordinary_accounts_out_of_high() -> None:
    rng = np.random.default_rng(2)
    # Platform "a" separates well; platform "b"'s amplifiers score lower and overlap more.
    y = np.r_[np.ones(200), np.zeros(200), np.ones(100), np.zeros(200)].astype(int)
    proba = np.r_[rng.beta(8, 2, 200), rng.beta(2, 8, 200), rng.beta(4, 4, 100), rng.beta(2, 6, 200)]
    groups = np.array(["a"] * 400 + ["b"] * 300)
    cut = prevalence_thresholds(y, proba, prevalence=0.2, groups=groups)
    pooled = prevalence_thresholds(y, proba, prevalence=0.2)
    for group in ("a", "b"):
        mine = groups == group
        assert (proba[mine & (y == 1)] >= cut["elevated"]).mean() >= 0.9
        assert (proba[mine & (y == 0)] >= cut["high"]).mean() <= 0.03
    assert cut["elevated"] <= pooled["elevated"]


def test_a_strong_model_still_has_an_elevated_band_below_high_for_likely_cases() -> None:
    """When recall is already high at ``high``, ``elevated`` opens down to where precision is a coin flip, with at
    most a tenth of ordinary accounts in it or above."""
    rng = np.random.default_rng(3)
    y = np.r_[np.ones(300), np.zeros(600)].astype(int)
    proba = np.r_[rng.beta(12, 1.5, 300), rng.beta(1.5, 8, 600)]
    cut = prevalence_thresholds(y, proba, prevalence=0.2)
    assert (proba[y == 1] >= cut["high"]).mean() >= 0.9  # recall alone would leave elevated empty
    assert cut["high"] - cut["elevated"] > 0.05
    elevated_only = (proba >= cut["elevated"]) & (proba < cut["high"])
    assert elevated_only.any()
    assert (proba[y == 0] >= cut["elevated"]).mean() <= 0.1
    tpr = (proba[y == 1] >= cut["elevated"]).mean()
    fpr = (proba[y == 0] >= cut["elevated"]).mean()
    assert 0.2 * tpr / (0.2 * tpr + 0.8 * fpr) >= 0.5
