"""What every feature family shares: the estimator contract for transformers whose input is a list of accounts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from detector.post_columns import PostColumns
from detector.schema import Account

__all__ = ["AccountFeatures"]


class AccountFeatures(TransformerMixin, BaseEstimator):
    """Base for feature families: ``fit`` learns nothing from labels; ``transform`` maps accounts to a float64 array.

    Subclasses define ``feature_names`` (bare names; the union that combines families prefixes ``family__``)
    and ``rows_from_columns``, which reads a batch's posts as ``PostColumns``: scoring works those out once and
    hands the same columns to every family. Missing inputs give ``nan`` (imputed downstream), never a made-up zero.
    """

    feature_names: tuple[str, ...] = ()
    # Directions the domain fixes (1: never lowers the amplifier odds, -1: never raises them); absent means free.
    feature_signs: ClassVar[dict[str, int]] = {}

    def fit(self, X: Sequence[Account], y: object = None) -> AccountFeatures:  # noqa: N803 - sklearn's name
        self._validate_params()
        self.n_features_out_ = len(self.feature_names)
        return self

    def _validate_params(self) -> None:
        """Raise ``ValueError`` naming a bad constructor parameter."""

    def transform(self, X: Sequence[Account]) -> np.ndarray:  # noqa: N803
        check_is_fitted(self, "n_features_out_")
        return self.rows_from_columns(X, PostColumns(X))

    def rows_from_columns(self, accounts: Sequence[Account], columns: PostColumns) -> np.ndarray:
        """One float64 row per account of ``accounts``, whose posts are ``columns``."""
        raise NotImplementedError

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "n_features_out_")
        return np.asarray(self.feature_names, dtype=object)
