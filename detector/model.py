"""The amplifier classifier: feature families, a calibrated linear head, and one small head per family.

Feature extraction (the costly part) is separate from the head so that training can compute features once and
cross-validate heads on the matrix. The head is a logistic regression on standardized features, so each feature's
contribution to a score is exact in log-odds (coefficient x standardized value); sigmoid calibration on grouped
folds then maps log-odds to a probability without changing the order of accounts. Coefficients whose direction the
domain fixes (each family's ``feature_signs``) are held to it: see ``detector/linear.py`` for why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.impute import SimpleImputer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler

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
from detector.features.behaviour import BehaviourFeatures
from detector.features.narrative import NarrativeFeatures, PostMatch
from detector.features.repetition import RepetitionFeatures
from detector.linear import SignConstrainedLogisticRegression
from detector.schema import Account

__all__ = [
    "ACCOUNT_FAMILIES",
    "FAMILIES",
    "AmplifierModel",
    "build_features",
    "build_head",
    "coordination_matrix",
    "expected_signs",
    "family_columns",
]

FAMILIES = ("narrative", "repetition", "coordination", "behaviour")
# Families computed per account by the FeatureUnion; coordination needs the other accounts (see coordination.py).
ACCOUNT_FAMILIES = ("narrative", "repetition", "behaviour")


def build_features(
    catalog: TalkingPointCatalog, families: tuple[str, ...] = FAMILIES, *, embedder: str | None = None
) -> FeatureUnion:
    """Return the unfitted union of feature families; its output names are ``family__feature``.

    ``families`` selects a subset, for ablations; unknown names raise ``ValueError``. ``coordination`` is not part
    of the union (it needs an index of other accounts' posts) and is ignored here.
    """
    makers = {
        "narrative": lambda: NarrativeFeatures(catalog=catalog, embedder=embedder),
        "repetition": RepetitionFeatures,
        "behaviour": BehaviourFeatures,
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
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("classify", classify),
        ]
    )


def coordination_matrix(
    accounts: Sequence[Account] | Sequence[int], links: Sequence[Sequence[CoordinatedPost]]
) -> np.ndarray:
    """The coordination columns (``COORDINATION_FEATURES``) of each account (or its number of posts), from its
    links."""
    rows = [coordination_row(account, account_links) for account, account_links in zip(accounts, links, strict=True)]
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

    def coordination_links(
        self, accounts: Sequence[Account], index: CoordinationIndex | None = None
    ) -> list[list[CoordinatedPost]] | None:
        """Per account, its links with other accounts' posts in ``index`` (or, without one, with the other accounts
        of this batch); ``None`` for a model without coordination."""
        params = getattr(self, "coordination", None)  # models saved before coordination existed lack the field
        if params is None:
            return None
        if index is None:
            return batch_links(post_table(accounts, params), params)
        return index.links_many(accounts)

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
        return np.hstack([matrix, coordination_matrix(accounts, links)])

    def featurize_accounts(
        self, accounts: Sequence[Account], matches: Sequence[Sequence[PostMatch]] | None = None
    ) -> np.ndarray:
        """The columns of the per-account families (all but coordination), one row per account."""
        blocks = []
        for name, transformer in self.features.transformer_list:
            if name == "narrative" and matches is not None:
                blocks.append(transformer.rows_from_matches(accounts, matches))
            else:
                blocks.append(transformer.transform(accounts))
        return np.hstack(blocks) if blocks else np.zeros((len(accounts), 0))

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        """Calibrated probability of the amplifier class, one per row."""
        return self.head.predict_proba(matrix)[:, 1]

    def component_scores(self, matrix: np.ndarray) -> dict[str, np.ndarray]:
        """Per family, the probability of the amplifier class from that family's features alone."""
        return {
            family: head.predict_proba(matrix[:, family_columns(self.feature_names, family)])[:, 1]
            for family, head in self.component_heads.items()
        }

    def contributions(self, matrix: np.ndarray) -> np.ndarray:
        """Each feature's additive share of each row's log-odds before calibration (coefficient x z-score)."""
        standardized = self.head[:-1].transform(matrix)
        linear = self.head[-1].calibrated_classifiers_[0].estimator
        return standardized * linear.coef_[0]

    def band(self, score: float) -> str:
        if score >= self.thresholds["high"]:
            return "high"
        if score >= self.thresholds["elevated"]:
            return "elevated"
        return "low"
