"""The amplifier classifier: feature families, a calibrated linear head, and one small head per family.

Feature extraction (the costly part) is separate from the head so that training can compute features once and
cross-validate heads on the matrix. The head is a logistic regression on standardized features, so each feature's
contribution to a score is exact in log-odds (coefficient x standardized value); sigmoid calibration on grouped
folds then maps log-odds to a probability without changing the order of accounts. Coefficients whose direction the
domain fixes (each family's ``feature_signs``) are held to it: see ``detector/linear.py`` for why.

Training may choose a gradient-boosted tree head instead (``build_tree_head``) when it ranks clearly better; the
same directions are held there as monotonic constraints. A tree has no exact additive explanation, so its
contributions are occlusions: the change in calibrated log-odds when a feature is set to its training median.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import numpy as np
from scipy.special import logit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import ThreadpoolController

from detector.catalog import TalkingPointCatalog
from detector.coordination import (
    COORDINATION_FEATURES,
    CoordinatedPost,
    CoordinationIndex,
    CoordinationParams,
    batch_links,
    coordination_row,
    post_table,
)
from detector.features._base import AccountFeatures
from detector.features.behaviour import BehaviourFeatures
from detector.features.content import ContentFeatures
from detector.features.narrative import NarrativeFeatures, PostMatch
from detector.features.repetition import RepetitionFeatures
from detector.linear import SignConstrainedLogisticRegression
from detector.post_columns import PostColumns
from detector.schema import Account
from detector.semantic_links import semantic_table

__all__ = [
    "ACCOUNT_FAMILIES",
    "FAMILIES",
    "HEAD_KINDS",
    "AmplifierModel",
    "build_features",
    "build_head",
    "build_tree_head",
    "coordination_matrix",
    "expected_signs",
    "family_columns",
    "family_rows",
    "is_linear_head",
    "single_threaded",
]

FAMILIES = ("content", "narrative", "repetition", "coordination", "behaviour")
# Families computed per account by the FeatureUnion; coordination needs the other accounts (see coordination.py).
# ``content`` is the one family fitted on labels: training stacks it out of fold (training/stacking.py).
ACCOUNT_FAMILIES = ("content", "narrative", "repetition", "behaviour")
# Heads training compares: the sign-constrained logistic regression, and boosted trees calibrated two ways.
HEAD_KINDS = ("linear", "tree-sigmoid", "tree-isotonic")


def build_features(
    catalog: TalkingPointCatalog,
    families: tuple[str, ...] = FAMILIES,
    *,
    embedder: str | None = None,
    profile_features: bool = True,
    platforms: tuple[str, ...] | None = None,
    shared_behaviour: bool = True,
) -> FeatureUnion:
    """Return the unfitted union of feature families; its output names are ``family__feature``.

    ``families`` selects a subset, for ablations; unknown names raise ``ValueError``. ``coordination`` is not part
    of the union (it needs an index of other accounts' posts) and is ignored here. ``profile_features=False`` leaves
    the profile's fields (followers, age, verified, bio, handle length) out of behaviour; ``platforms`` gives behaviour
    a block of columns per platform besides the shared one (see ``BehaviourFeatures``).
    """
    makers = {
        "content": ContentFeatures,
        "narrative": lambda: NarrativeFeatures(catalog=catalog, embedder=embedder),
        "repetition": RepetitionFeatures,
        "behaviour": lambda: BehaviourFeatures(
            profile_features=profile_features, platforms=platforms, shared=shared_behaviour
        ),
    }
    unknown = set(families) - set(FAMILIES)
    chosen = [family for family in ACCOUNT_FAMILIES if family in families]
    if unknown or not chosen:
        raise ValueError(
            f"families must include one of {ACCOUNT_FAMILIES} and no other than {FAMILIES}, got {families!r}"
        )
    return FeatureUnion([(family, makers[family]()) for family in chosen])


def expected_signs(feature_names: Sequence[str]) -> tuple[int, ...]:
    """Each feature's fixed direction (1, -1) or 0 when the data decides, from the families' ``feature_signs``."""
    tables = {
        "content": ContentFeatures.feature_signs,
        "narrative": NarrativeFeatures.feature_signs,
        "repetition": RepetitionFeatures.feature_signs,
        "behaviour": BehaviourFeatures.feature_signs,
        "coordination": {name.split("__", 1)[1]: 1 for name in COORDINATION_FEATURES},
    }
    signs = []
    for name in feature_names:
        family, _, feature = name.partition("__")
        signs.append(tables.get(family, {}).get(feature, 0))
    return tuple(signs)


def build_head(*, cv: int | Iterable = 5, C: float = 1.0, signs: Sequence[int] | None = None) -> Pipeline:  # noqa: N803
    """Return the unfitted classifier over a feature matrix.

    ``cv`` is the calibration split: pass grouped splits (lists of index arrays) so that calibration never sees an
    account whose network-mates the base model trained on. ``signs`` holds coefficients to a direction (see
    ``expected_signs``).
    """
    linear = SignConstrainedLogisticRegression(
        C=C, signs=tuple(signs) if signs is not None else None, class_weight="balanced"
    )
    classify = CalibratedClassifierCV(linear, method="sigmoid", cv=cv, ensemble=False)
    return Pipeline(
        [
            # The mean, not the median: after scaling an imputed value is exactly 0, so a field the source did not
            # give contributes nothing to the log-odds. Missing is unknown, not evidence either way.
            ("impute", SimpleImputer(strategy="mean", keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("classify", classify),
        ]
    )


def build_tree_head(
    *, cv: int | Iterable = 5, method: str = "sigmoid", seed: int = 0, signs: Sequence[int] | None = None
) -> Pipeline:
    """Return an unfitted gradient-boosted tree head, calibrated (``method``: sigmoid or isotonic) on ``cv`` folds.

    ``signs`` become monotonic constraints, so the tree holds the same directions as the linear head. The median
    imputer is kept although the trees take missing values: its ``statistics_`` are the training medians that
    occlusion explanations replace a feature with.
    """
    trees = HistGradientBoostingClassifier(
        max_iter=60,  # small trees, few rounds: labeled sets are hundreds to thousands of accounts
        learning_rate=0.1,
        max_leaf_nodes=8,
        min_samples_leaf=20,
        l2_regularization=1.0,
        # No class_weight: sample weights make scikit-learn's histogram trees ~10x slower; calibration fixes the scale.
        monotonic_cst=list(signs) if signs is not None else None,
        early_stopping=False,  # a fixed number of rounds: equal inputs, equal model
        random_state=seed,
    )
    classify = CalibratedClassifierCV(trees, method=method, cv=cv, ensemble=False)
    return Pipeline([("impute", SimpleImputer(strategy="median", keep_empty_features=True)), ("classify", classify)])


_threadpools: list[ThreadpoolController] = []


def family_rows(features: FeatureUnion, accounts: Sequence[Account], columns: PostColumns | None = None) -> np.ndarray:
    """``features.transform(accounts)``, with the posts' columns (texts, signatures, times) worked out once for
    every family instead of once per family."""
    columns = columns if columns is not None else PostColumns(accounts)
    blocks = [family.rows_from_columns(accounts, columns) for _, family in features.transformer_list]
    return np.hstack(blocks) if blocks else np.zeros((len(accounts), 0))


def single_threaded() -> AbstractContextManager[object]:
    """Limit OpenMP to one thread in the block: the trees' OpenMP threads on a shared, loaded machine measured 10-40x
    slower than one thread here, and parallelism comes from processes (Dask, the batch pool) instead.

    The controller that finds the loaded libraries is made once per process: finding them took 8 ms, more than
    scoring an account."""
    if not _threadpools:
        _threadpools.append(ThreadpoolController())
    return _threadpools[0].limit(limits=1, user_api="openmp")


def is_linear_head(head: Pipeline) -> bool:
    """Whether ``head`` is the calibrated linear model, whose contributions are exact."""
    return hasattr(head[-1].calibrated_classifiers_[0].estimator, "coef_")


def coordination_matrix(
    accounts: Sequence[Account] | Sequence[int],
    links: Sequence[Sequence[CoordinatedPost]],
    params: CoordinationParams | None = None,
) -> np.ndarray:
    """The coordination columns (``COORDINATION_FEATURES``) of each account (or its number of posts), from its
    links; ``params``: the model's, which say which links count (``coordination_row``)."""
    rows = [
        coordination_row(account, account_links, params) for account, account_links in zip(accounts, links, strict=True)
    ]
    return np.asarray(rows, dtype=np.float64).reshape(len(accounts), len(COORDINATION_FEATURES))


def family_columns(feature_names: Sequence[str], family: str) -> np.ndarray:
    """Indices of the columns that belong to one feature family."""
    return np.flatnonzero([name.startswith(f"{family}__") for name in feature_names])


@dataclass
class AmplifierModel:
    """A fitted model: what the registry stores and scoring uses.

    ``thresholds`` maps band name to the lowest score in that band; ``min_posts`` is the fewest posts a score may
    rest on; ``component_heads`` maps each family to a head fitted on that family's columns alone. With
    ``coordination`` set, two more columns follow the union's: how the account's posts link to other accounts'
    near-identical posts in a ``CoordinationIndex`` the caller provides (or one built from the batch).

    It is a fitted artifact beside scikit-learn, not an estimator: training builds it from parts fitted apart (the
    text model out of fold, the head on calibration folds, thresholds from held-out scores), so there is no
    ``fit``. ``transform`` and ``get_feature_names_out`` follow the estimator API over the same fitted union and
    head that training fitted; ``predict_proba`` takes that matrix (not accounts) and returns the amplifier column.
    """

    features: FeatureUnion
    head: Pipeline
    component_heads: dict[str, Pipeline]
    catalog: TalkingPointCatalog
    thresholds: dict[str, float]
    min_posts: int
    feature_names: tuple[str, ...] = field(default=())
    coordination: CoordinationParams | None = None

    def __post_init__(self) -> None:
        if not self.feature_names:
            extra = COORDINATION_FEATURES if self.coordination is not None else ()
            self.feature_names = (*self.features.get_feature_names_out(), *extra)

    @property
    def catalog_version(self) -> str:
        return self.catalog.catalog_version

    def family(self, name: str) -> AccountFeatures | None:
        """The fitted feature family ``name`` of the union, or ``None`` when this model was trained without it."""
        return dict(self.features.transformer_list).get(name)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """The matrix's column names, ``family__feature``: the union's, then coordination's when the model has it."""
        return np.asarray(self.feature_names, dtype=object)

    def transform(self, accounts: Sequence[Account], index: CoordinationIndex | None = None) -> np.ndarray:
        """The matrix the head reads, one row per account (``featurize``): what ``predict_proba`` takes."""
        return self.featurize(accounts, index)

    def coordination_links(
        self,
        accounts: Sequence[Account],
        index: CoordinationIndex | None = None,
        *,
        columns: PostColumns | None = None,
    ) -> list[list[CoordinatedPost]] | None:
        """Per account, its links with other accounts' posts in ``index`` (or, without one, with the other accounts
        of this batch); ``None`` for a model without coordination. ``columns``: the accounts' post columns, when
        already worked out."""
        params = getattr(self, "coordination", None)  # models saved before coordination existed lack the field
        if params is None:
            return None
        if index is None:
            return batch_links(semantic_table(post_table(accounts, params, columns), accounts, params), params)
        return index.links_many(accounts, columns=columns)

    def featurize(
        self,
        accounts: Sequence[Account],
        index: CoordinationIndex | None = None,
        links: list[list[CoordinatedPost]] | None = None,
        matches: Sequence[Sequence[PostMatch]] | None = None,
    ) -> np.ndarray:
        """Feature matrix, one row per account in order; pass ``links`` and narrative ``matches`` when already
        computed (scoring needs them for the evidence too, and matching is the costly part)."""
        matrix = self.featurize_accounts(accounts, matches=matches)
        if links is None:
            links = self.coordination_links(accounts, index)
        if links is None:
            return matrix
        return np.hstack([matrix, coordination_matrix(accounts, links, self.coordination)])

    def featurize_accounts(
        self,
        accounts: Sequence[Account],
        matches: Sequence[Sequence[PostMatch]] | None = None,
        columns: PostColumns | None = None,
    ) -> np.ndarray:
        """The columns of the per-account families (all but coordination), one row per account; ``matches`` and
        ``columns`` when already worked out for these accounts."""
        if matches is None:
            return family_rows(self.features, accounts, columns)
        columns = columns if columns is not None else PostColumns(accounts)
        blocks = [
            family.rows_from_matches(accounts, matches)
            if name == "narrative"
            else family.rows_from_columns(accounts, columns)
            for name, family in self.features.transformer_list
        ]
        return np.hstack(blocks) if blocks else np.zeros((len(accounts), 0))

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        """Calibrated probability of the amplifier class, one per row."""
        with single_threaded():
            return self.head.predict_proba(matrix)[:, 1]

    def component_scores(self, matrix: np.ndarray) -> dict[str, np.ndarray]:
        """Per family, the probability of the amplifier class from that family's features alone."""
        return {
            family: head.predict_proba(matrix[:, family_columns(self.feature_names, family)])[:, 1]
            for family, head in self.component_heads.items()
        }

    def contributions(self, matrix: np.ndarray) -> np.ndarray:
        """Each feature's share of each row's log-odds, one column per feature.

        Linear head: the exact additive share before calibration (coefficient x z-score). Tree head: occlusion, the
        calibrated log-odds minus those with the feature set to its training median (not additive: features that
        act together share credit unevenly).
        """
        if is_linear_head(self.head):
            standardized = self.head[:-1].transform(matrix)
            linear = self.head[-1].calibrated_classifiers_[0].estimator
            return standardized * linear.coef_[0]
        return self._occlusion_contributions(matrix)

    def _occlusion_contributions(self, matrix: np.ndarray) -> np.ndarray:
        """One ``predict_proba`` over every row and its occluded copies: scikit-learn's per-call checks cost more
        than the trees for a single account, so calling once per feature made explaining dominate a request."""
        imputer, classify = self.head[0], self.head[-1]
        filled = imputer.transform(matrix)
        n_rows, n_features = filled.shape
        shares = np.zeros_like(filled)
        chunk = max(1, 50_000 // (n_features + 1))
        with single_threaded():
            for start in range(0, n_rows, chunk):
                rows = filled[start : start + chunk]
                # Block 0 is the rows as they are; block j+1 has feature j set to its training median.
                stacked = np.repeat(rows[np.newaxis], n_features + 1, axis=0)
                for j, median in enumerate(imputer.statistics_):
                    stacked[j + 1, :, j] = median
                proba = classify.predict_proba(stacked.reshape(-1, n_features))[:, 1]
                log_odds = logit(np.clip(proba, 1e-6, 1 - 1e-6)).reshape(n_features + 1, len(rows))
                shares[start : start + chunk] = (log_odds[0] - log_odds[1:]).T
        return shares

    @property
    def explanation_method(self) -> str:
        """How ``contributions`` are computed, for the card and the analyst."""
        if is_linear_head(self.head):
            return "exact: coefficient x standardized value, in log-odds before calibration"
        return "occlusion: calibrated log-odds minus those with the feature set to its training median"

    def band(self, score: float) -> str:
        if score >= self.thresholds["high"]:
            return "high"
        if score >= self.thresholds["elevated"]:
            return "elevated"
        return "low"
