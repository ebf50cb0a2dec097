"""What every feature family shares: the estimator contract for transformers whose input is a list of accounts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted

from detector.post_columns import PostColumns
from detector.schema import Account

__all__ = ["AccountFeatures", "check_accounts"]


def check_accounts(X: object) -> Sequence[Account]:  # noqa: N803 - sklearn's name
    """``X`` if it is a sequence of ``Account`` (a list, a tuple, a 1-d object array), else a ``ValueError``
    (``TypeError`` for a sparse matrix).

    An array of numbers has no posts to read: refused at once, with what was passed, rather than failing deep inside
    a family on a missing ``.posts``."""
    if sp.issparse(X):
        raise TypeError("sparse input is not supported: X must be a sequence of Account objects (one per account)")
    is_sequence = isinstance(X, Sequence) and not isinstance(X, str | bytes)
    is_object_array = isinstance(X, np.ndarray) and X.ndim == 1 and X.dtype == object
    if (is_sequence or is_object_array) and all(isinstance(account, Account) for account in X):
        return X  # type: ignore[return-value]
    shown = f"array of {X.dtype} with shape {X.shape}" if isinstance(X, np.ndarray) else type(X).__name__
    raise ValueError(f"X must be a sequence of Account objects (one per account), got {shown}")


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
        check_accounts(X)
        self.n_features_out_ = len(self.feature_names)
        return self

    def _validate_params(self) -> None:
        """Raise ``ValueError`` naming a bad constructor parameter."""

    def transform(self, X: Sequence[Account]) -> np.ndarray:  # noqa: N803
        check_is_fitted(self, "n_features_out_")
        return self.rows_from_columns(X, PostColumns(check_accounts(X)))

    def rows_from_columns(self, accounts: Sequence[Account], columns: PostColumns) -> np.ndarray:
        """One float64 row per account of ``accounts``, whose posts are ``columns``."""
        raise NotImplementedError

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "n_features_out_")
        return np.asarray(self.feature_names, dtype=object)

    def __sklearn_tags__(self) -> Tags:
        """The input is accounts, not a matrix: the output is float64 whatever came in, so no dtype is preserved.

        ``input_tags.two_d_array`` stays on although it is not true: scikit-learn runs no check at all (not even the
        API ones: parameters, cloning, repr) for an estimator without it. The checks that feed arrays are listed as
        expected failures in ``tests/detector/test_estimator_checks.py``, each with its reason.
        """
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
