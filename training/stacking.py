"""Fit a model whose content family is stacked out of fold, and score any split of labeled accounts with it.

The content family is the one fitted on labels. A head trained on in-fold content scores would learn to trust them
far more than they deserve on accounts the text model never saw, so every row the head trains on carries the content
score of a text model that did not see that row (grouped inner folds). Everything else (catalog matching, repetition,
behaviour, coordination) uses no labels: it is computed once for every labeled account and reused by every split,
which is what makes a many-split evaluation affordable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from detector.catalog import TalkingPointCatalog
from detector.coordination import COORDINATION_FEATURES, CoordinationParams, batch_links, post_table, trained_params
from detector.false_discovery import DEFAULT_MAX_FDR
from detector.features.content import ContentFeatures, account_documents, balanced_weights
from detector.model import (
    AmplifierModel,
    build_features,
    build_head,
    coordination_matrix,
    expected_signs,
    family_columns,
    family_rows,
    single_threaded,
)
from detector.post_columns import PostColumns
from detector.schema import Account
from detector.semantic_links import semantic_table

__all__ = ["FeatureBlocks", "StackedFit", "compute_blocks", "fit_stacked", "inner_folds", "stack_content"]


@dataclass(frozen=True)
class FeatureBlocks:
    """What every split reuses: the label-free columns of every account and their hashed documents."""

    union: FeatureUnion  # the fitted label-free families (narrative, repetition, behaviour)
    content: ContentFeatures  # unfitted: its parameters
    static: np.ndarray  # the union's columns, then coordination's
    static_names: tuple[str, ...]
    hashed: sp.csr_matrix
    platforms: np.ndarray
    coordination: CoordinationParams | None
    documents: list[str] | None = None  # what was hashed: the served text model's terms come from them

    @property
    def names(self) -> tuple[str, ...]:
        return (*(f"content__{name}" for name in ContentFeatures.feature_names), *self.static_names)


def compute_blocks(
    accounts: Sequence[Account],
    catalog: TalkingPointCatalog,
    *,
    profile_features: bool,
    platforms: tuple[str, ...] | None = None,
    shared_behaviour: bool = True,
    coordination: bool = True,
    semantic_coordination: bool = False,
    content: ContentFeatures | None = None,
    coordination_fdr: float | None = DEFAULT_MAX_FDR,
) -> FeatureBlocks:
    """The label-free columns and hashed documents of ``accounts``, computed once (``coordination_fdr``: see
    ``train_model``; ``semantic_coordination``: with paraphrase and translation links counted, each post embedded
    once)."""
    columns = PostColumns(accounts)
    families = ("narrative", "repetition", "behaviour")
    union = build_features(
        catalog, families, profile_features=profile_features, platforms=platforms, shared_behaviour=shared_behaviour
    ).fit(accounts)
    static = family_rows(union, accounts, columns)
    names = tuple(union.get_feature_names_out())
    params = trained_params(coordination_fdr, semantic=semantic_coordination) if coordination else None
    if params is not None:
        links = batch_links(semantic_table(post_table(accounts, params, columns), accounts, params), params)
        static = np.hstack([static, coordination_matrix(accounts, links, params)])
        names = (*names, *COORDINATION_FEATURES)
    content = content if content is not None else ContentFeatures()
    documents = account_documents(columns, content.max_posts)
    return FeatureBlocks(
        union=union,
        content=content,
        static=static,
        static_names=names,
        hashed=content.hash_documents(documents),
        platforms=np.asarray([a.platform or "*" for a in accounts]),
        coordination=params,
        documents=documents,
    )


def inner_folds(y: np.ndarray, groups: np.ndarray, *, n: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grouped, stratified folds (a group never on both sides), fewer when a class has few groups."""
    n_groups = min(len(np.unique(groups[y == 1])), len(np.unique(groups[y == 0])))
    folds = StratifiedGroupKFold(n_splits=max(2, min(n, n_groups)), shuffle=True, random_state=seed)
    return list(folds.split(np.zeros(len(y)), y, groups))


@dataclass(frozen=True)
class StackedFit:
    """A head over stacked columns, and the text model fitted on every training row."""

    head: Pipeline
    content: ContentFeatures
    names: tuple[str, ...]
    train_oof_content: np.ndarray

    def score(self, blocks: FeatureBlocks, rows: np.ndarray) -> np.ndarray:
        """Calibrated amplifier probability of ``rows`` (accounts the fit did not train on)."""
        content = self.content.log_odds_hashed(blocks.hashed[rows], blocks.platforms[rows].tolist())
        x = np.hstack([content, blocks.static[rows]])
        with single_threaded():
            return self.head.predict_proba(x)[:, 1]


def stack_content(
    blocks: FeatureBlocks, y: np.ndarray, groups: np.ndarray, rows: np.ndarray, *, seed: int = 0, served: bool = False
) -> tuple[np.ndarray, ContentFeatures]:
    """The content log-odds of ``rows`` out of fold (grouped inner folds), and the text model fitted on all of
    them (``served``: with its term table, for explanations). It depends on no other family, so one split's result
    serves every variant of the head."""
    y_rows, g_rows, platforms = y[rows], groups[rows], blocks.platforms[rows]
    hashed = blocks.hashed[rows]
    oof = blocks.content.out_of_fold(hashed, y_rows, platforms, inner_folds(y_rows, g_rows, n=3, seed=seed))
    documents = [blocks.documents[i] for i in rows] if served and blocks.documents is not None else None
    return oof, _fit_content(blocks.content, hashed, y_rows, platforms, documents)


def fit_stacked(
    blocks: FeatureBlocks,
    y: np.ndarray,
    groups: np.ndarray,
    cells: np.ndarray,
    rows: np.ndarray,
    *,
    seed: int = 0,
    C: float = 1.0,  # noqa: N803
    stacked: tuple[np.ndarray, ContentFeatures] | None = None,
    served: bool = False,
) -> StackedFit:
    """Fit the text model and the head on ``rows``; the head sees out-of-fold content scores (``stacked``, when
    ``stack_content`` already worked them out for these rows).

    ``cells`` (a source or platform per row) balance the head's weights: each (cell, class) weighs the same, so a
    large source or one class of it cannot stand in for the label.
    """
    oof, content = stacked if stacked is not None else stack_content(blocks, y, groups, rows, seed=seed, served=served)
    y_rows, g_rows = y[rows], groups[rows]
    x = np.hstack([oof, blocks.static[rows]])
    names = blocks.names
    calibration = inner_folds(y_rows, g_rows, n=3, seed=seed)
    head = build_head(cv=calibration, C=C, signs=expected_signs(names))
    weights = balanced_weights(y_rows, cells[rows].tolist())
    with single_threaded():
        head.fit(x, y_rows, classify__sample_weight=weights)
    return StackedFit(head=head, content=content, names=names, train_oof_content=oof)


def _fit_content(
    params: ContentFeatures,
    hashed: sp.csr_matrix,
    y: np.ndarray,
    platforms: np.ndarray,
    documents: list[str] | None = None,
) -> ContentFeatures:
    return clone(params).fit_hashed(hashed, y, platforms.tolist(), documents=documents)


def component_heads(
    blocks: FeatureBlocks,
    fit: StackedFit,
    y: np.ndarray,
    groups: np.ndarray,
    cells: np.ndarray,
    rows: np.ndarray,
    *,
    families: Sequence[str],
    seed: int = 0,
    C: float = 1.0,  # noqa: N803
) -> dict[str, Pipeline]:
    """Per family, a calibrated head on that family's columns alone (the content column out of fold)."""
    x = np.hstack([fit.train_oof_content, blocks.static[rows]])
    y_rows, g_rows = y[rows], groups[rows]
    weights = balanced_weights(y_rows, cells[rows].tolist())
    heads = {}
    for family in families:
        columns = family_columns(fit.names, family)
        if not len(columns):
            continue
        names = [fit.names[i] for i in columns]
        head = build_head(cv=inner_folds(y_rows, g_rows, n=3, seed=seed), C=C, signs=expected_signs(names))
        with single_threaded():
            heads[family] = head.fit(x[:, columns], y_rows, classify__sample_weight=weights)
    return heads


def assemble_model(
    blocks: FeatureBlocks,
    fit: StackedFit,
    heads: dict[str, Pipeline],
    catalog: TalkingPointCatalog,
    *,
    thresholds: dict[str, float],
    min_posts: int,
) -> AmplifierModel:
    """The servable model: the fitted text model first in the union, then the label-free families, as trained."""
    union = FeatureUnion([("content", fit.content), *blocks.union.transformer_list])
    return AmplifierModel(
        features=union,
        head=fit.head,
        component_heads=heads,
        catalog=catalog,
        thresholds=thresholds,
        min_posts=min_posts,
        feature_names=fit.names,
        coordination=blocks.coordination,
    )
