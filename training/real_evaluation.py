"""Evaluate a recipe the way a shortcut would be caught: every figure on accounts and sources the model never saw.

Splits (each one refits the text model and the head on its training side only):

- ``grouped by account``: five folds, stratified by source and class, every real account on one side (synthetic
  accounts by network). Figures per platform.
- ``leave one source out``: train without a platform's real accounts, test on them (X to Reddit and back).
- ``leave one operation out`` (X): each operation in turn, tested against a disjoint part of the verified accounts,
  so no negative account is on both sides of any operation's fold and no two folds share test negatives.

Every split is run twice, with the profile's fields and without them, and beside the model a plain word TF-IDF +
logistic regression is trained on the same rows. A split where the model does not beat that baseline is named first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

from detector.features.behaviour import BehaviourFeatures
from training.metrics import prevalence_thresholds
from training.recipe import RecipeData
from training.stacking import FeatureBlocks, fit_stacked, inner_folds, stack_content

__all__ = ["EvaluationSplit", "SplitFigures", "evaluate_recipe", "evaluation_splits", "without_profile"]

Progress = Callable[[str], None]
PROFILE_COLUMNS = tuple(f"behaviour__{name}" for name in BehaviourFeatures.profile_names)


@dataclass(frozen=True)
class EvaluationSplit:
    name: str
    kind: str  # grouped | source | operation
    train: np.ndarray
    test: np.ndarray
    description: str
    gated: bool = True


@dataclass
class SplitFigures:
    name: str
    kind: str
    description: str
    profile: bool
    gated: bool
    n_train: int
    n_test: int
    n_test_positive: int
    model: dict[str, float | None]
    baseline: dict[str, float | None]
    by_source: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_platform: dict[str, dict[str, Any]] = field(default_factory=dict)

    def losses(self) -> list[str]:
        """Where the baseline ranks better: on each platform of the test side with both classes (an analyst's list is
        of one platform; one ROC-AUC over two platforms mostly measures how their scores line up), else overall."""
        compared = {
            name: figures
            for name, figures in self.by_platform.items()
            if figures["model"]["roc_auc"] is not None and figures["baseline"]["roc_auc"] is not None
        } or {"all": {"model": self.model, "baseline": self.baseline}}
        return [
            f"{name} (model {figures['model']['roc_auc']}, baseline {figures['baseline']['roc_auc']})"
            for name, figures in compared.items()
            if figures["model"]["roc_auc"] < figures["baseline"]["roc_auc"] - 1e-9
        ]

    @property
    def beats_baseline(self) -> bool:
        return not self.losses()


def eval_groups(recipe_data: RecipeData) -> np.ndarray:
    """Real accounts are their own group; synthetic ones keep their network (a generated network shares text)."""
    data = recipe_data.data
    return np.array(
        [
            str(g) if src == "synthetic" else f"account:{a.platform}:{a.handle.lower()}"
            for a, g, src in zip(data.accounts, data.groups, recipe_data.sources, strict=True)
        ]
    )


def evaluation_splits(recipe_data: RecipeData, *, seed: int = 0) -> list[EvaluationSplit]:
    data, sources = recipe_data.data, recipe_data.sources
    y = data.y
    groups = eval_groups(recipe_data)
    platforms = np.array([a.platform or "*" for a in data.accounts])
    real = sources != "synthetic"
    cells = np.array([f"{s}:{label}" for s, label in zip(sources, y, strict=True)])
    codes = np.unique(cells, return_inverse=True)[1]
    splits = []
    for k, (train, test) in enumerate(inner_folds(codes, groups, n=5, seed=seed)):
        splits.append(EvaluationSplit(f"grouped by account, fold {k + 1}", "grouped", train, test, "5-fold"))
    for platform in sorted(set(platforms[real].tolist())):
        test = np.flatnonzero(real & (platforms == platform))
        train = np.flatnonzero(~(real & (platforms == platform)))
        if len(np.unique(y[test])) == 2 and len(np.unique(y[train])) == 2:
            others = sorted(set(sources[train].tolist()))
            splits.append(
                EvaluationSplit(
                    f"leave out real {platform}",
                    "source",
                    train,
                    test,
                    f"trained on {', '.join(others)}; tested on every real {platform} account",
                    gated=False,
                )
            )
    # Leave one operation out on real X: the verified negatives are dealt into disjoint parts, one per operation.
    x_real = real & (platforms == "x")
    operations = sorted({str(g) for g in data.groups[x_real & (y == 1)]})
    negatives = np.flatnonzero(x_real & (y == 0))
    if len(operations) >= 2 and len(negatives) >= len(operations):
        dealt = np.random.default_rng(seed).permutation(negatives)
        parts = np.array_split(dealt, len(operations))
        for operation, part in zip(operations, parts, strict=True):
            held = (x_real & (data.groups.astype(str) == operation)) | np.isin(np.arange(len(y)), part)
            splits.append(
                EvaluationSplit(
                    f"leave out {operation}",
                    "operation",
                    np.flatnonzero(~held),
                    np.flatnonzero(held),
                    f"operation {operation} held out with {len(part)} of the verified accounts (disjoint per fold)",
                )
            )
    return splits


def without_profile(blocks: FeatureBlocks) -> FeatureBlocks:
    """The same blocks with the profile's columns dropped: what the model sees of an account imported without them."""
    keep = [i for i, name in enumerate(blocks.static_names) if name.split("@")[0] not in PROFILE_COLUMNS]
    return replace(blocks, static=blocks.static[:, keep], static_names=tuple(blocks.static_names[i] for i in keep))


def _figures(y: np.ndarray, score: np.ndarray) -> dict[str, float | None]:
    if len(np.unique(y)) < 2:
        return {"roc_auc": None, "pr_auc": None}
    return {
        "roc_auc": round(float(roc_auc_score(y, score)), 4),
        "pr_auc": round(float(average_precision_score(y, score)), 4),
    }


def baseline_scores(texts: Sequence[str], y: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """The plain baseline: word TF-IDF over each account's posts and a class-balanced logistic regression."""
    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2)
    x_train = vectorizer.fit_transform([texts[i] for i in train])
    model = LogisticRegression(max_iter=2000, class_weight="balanced").fit(x_train, y[train])
    return model.decision_function(vectorizer.transform([texts[i] for i in test]))


def evaluate_recipe(
    recipe_data: RecipeData,
    blocks: FeatureBlocks,
    *,
    prevalence: float,
    high_precision: float,
    elevated_recall: float,
    seed: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run every split with and without profile fields; return the figures, the out-of-fold scores of the
    grouped split (for thresholds) and a verdict naming any split where the baseline wins."""
    say = progress or (lambda _message: None)
    data, sources = recipe_data.data, recipe_data.sources
    y = data.y
    groups = eval_groups(recipe_data)
    texts = [" ".join(post.text for post in account.posts) for account in data.accounts]
    real = sources != "synthetic"
    platforms = np.array([a.platform or "*" for a in data.accounts])
    splits = evaluation_splits(recipe_data, seed=seed)
    results: list[SplitFigures] = []
    variants = ((True, blocks), (False, without_profile(blocks)))
    oof = {profile: np.full(len(y), np.nan) for profile, _ in variants}
    base_oof = np.full(len(y), np.nan)
    for split in splits:
        say(f"evaluating: {split.name}")
        stacked = stack_content(blocks, y, groups, split.train, seed=seed)
        base = baseline_scores(texts, y, split.train, split.test)
        if split.kind == "grouped":
            base_oof[split.test] = base
        for profile, these in variants:
            fit = fit_stacked(these, y, groups, sources, split.train, seed=seed, stacked=stacked)
            score = fit.score(these, split.test)
            if split.kind == "grouped":
                oof[profile][split.test] = score
            results.append(_split_figures(split, profile, y, sources, platforms, real, score, base))
    summary = _summarize(results, oof, base_oof, recipe_data, splits, prevalence, high_precision, elevated_recall)
    splits_out = [vars(r) | {"beats_baseline": r.beats_baseline} for r in results]
    return {"splits": splits_out, **summary, "oof": oof}


def _split_figures(
    split: EvaluationSplit,
    profile: bool,
    y: np.ndarray,
    sources: np.ndarray,
    platforms: np.ndarray,
    real: np.ndarray,
    score: np.ndarray,
    base: np.ndarray,
) -> SplitFigures:
    test_sources = sources[split.test]
    y_test = y[split.test]
    real_test = real[split.test]
    by_source = {
        str(source): {
            "n": int((test_sources == source).sum()),
            "model": _figures(y_test[test_sources == source], score[test_sources == source]),
            "baseline": _figures(y_test[test_sources == source], base[test_sources == source]),
        }
        for source in sorted(set(test_sources.tolist()))
    }
    test_platforms = platforms[split.test]
    by_platform = {
        f"real {platform}": {
            "n": int(mine.sum()),
            "model": _figures(y_test[mine], score[mine]),
            "baseline": _figures(y_test[mine], base[mine]),
        }
        for platform in sorted(set(test_platforms[real_test].tolist()))
        for mine in [real_test & (test_platforms == platform)]
    }
    return SplitFigures(
        name=split.name,
        kind=split.kind,
        description=split.description,
        profile=profile,
        gated=split.gated,
        n_train=len(split.train),
        n_test=int(real_test.sum()),
        n_test_positive=int(y_test[real_test].sum()),
        model=_figures(y_test[real_test], score[real_test]),
        baseline=_figures(y_test[real_test], base[real_test]),
        by_source=by_source,
        by_platform=by_platform,
    )


def _summarize(
    results: list[SplitFigures],
    oof: dict[bool, np.ndarray],
    base_oof: np.ndarray,
    recipe_data: RecipeData,
    splits: list[EvaluationSplit],
    prevalence: float,
    high_precision: float,
    elevated_recall: float,
) -> dict[str, Any]:
    """Pooled grouped figures per platform, band figures on held-out folds, and the baseline verdict."""
    data, sources = recipe_data.data, recipe_data.sources
    y = data.y
    platforms = np.array([a.platform or "*" for a in data.accounts])
    real = sources != "synthetic"
    grouped = [s for s in splits if s.kind == "grouped"]
    pooled: dict[str, Any] = {}
    for profile, scores in oof.items():
        key = "with_profile" if profile else "without_profile"
        pooled[key] = {}
        for name, mask in (
            *((f"real {p}", real & (platforms == p)) for p in sorted(set(platforms[real].tolist()))),
            ("synthetic", sources == "synthetic"),
        ):
            pooled[key][name] = {
                "n": int(mask.sum()),
                "n_positive": int(y[mask].sum()),
                "model": _figures(y[mask], scores[mask]),
                "baseline": _figures(y[mask], base_oof[mask]),
            }
        # Bands on each held-out fold, with thresholds chosen on the other folds' real out-of-fold scores.
        in_high = np.zeros(len(y), dtype=bool)
        in_elevated = np.zeros(len(y), dtype=bool)
        for split in grouped:
            others = np.setdiff1d(np.flatnonzero(real), split.test)
            cut = prevalence_thresholds(
                y[others],
                scores[others],
                prevalence=prevalence,
                high_precision=high_precision,
                elevated_recall=elevated_recall,
                groups=platforms[others],
            )
            in_high[split.test] = scores[split.test] >= cut["high"]
            in_elevated[split.test] = scores[split.test] >= cut["elevated"]
        pooled[key]["bands_held_out"] = {
            name: {
                "ordinary_in_high": round(float(in_high[mask & (y == 0)].mean()), 4)
                if (mask & (y == 0)).any()
                else None,
                "amplifiers_elevated_or_high": round(float(in_elevated[mask & (y == 1)].mean()), 4)
                if (mask & (y == 1)).any()
                else None,
            }
            for name, mask in (
                *((f"real {p}", real & (platforms == p)) for p in sorted(set(platforms[real].tolist()))),
                ("all real", real),
            )
        }
    losers = [f"{'with' if r.profile else 'without'} profile: {r.name}, {loss}" for r in results for loss in r.losses()]
    for key, platforms_figures in pooled.items():
        for name, figures in platforms_figures.items():
            if name == "bands_held_out":
                continue
            model, base = figures["model"]["roc_auc"], figures["baseline"]["roc_auc"]
            if model is not None and base is not None and model < base:
                losers.append(f"{key.replace('_', ' ')}: pooled {name} (model {model}, baseline {base})")
    verdict = (
        "The model is at or above the TF-IDF baseline on every split."
        if not losers
        else "The TF-IDF baseline beats the model on: " + "; ".join(losers)
    )
    return {"verdict": verdict, "pooled": pooled, "prevalence": prevalence}
