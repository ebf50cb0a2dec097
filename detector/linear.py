"""A logistic regression whose coefficients may be held to a known sign.

Some directions are facts of the domain, not things to learn from one data set: asserting a talking point, repeating
oneself and posting in step with other accounts never make an account *less* likely to be an amplifier. Trained on
operations that never spoke about China, an unconstrained model learns that mentioning China means innocence (the
verified journalists in such data write about it), and would then wave through a Chinese operation. Bounding those
coefficients at zero keeps what the data cannot teach from being learned backwards; features without a known
direction stay free.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import Tags
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["SignConstrainedLogisticRegression"]


class SignConstrainedLogisticRegression(ClassifierMixin, BaseEstimator):
    """L2-regularized binary logistic regression with per-coefficient sign bounds.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularization strength, as in ``LogisticRegression``.
    signs : sequence of {-1, 0, 1} or None
        Per feature: 1 keeps the coefficient >= 0, -1 keeps it <= 0, 0 leaves it free. ``None`` frees all.
    class_weight : "balanced", dict or None, default="balanced"
        "balanced" weighs each class by ``n_samples / (2 * n_class_samples)``; a dict maps class label to weight.
    max_iter : int, default=5000
        Most L-BFGS-B iterations.

    Binary only: the domain's signs are about one class (amplifier) against the other, which has no multiclass
    reading, so a third class is refused rather than fitted one-vs-rest.
    """

    def __init__(
        self,
        *,
        C: float = 1.0,  # noqa: N803
        signs: tuple[int, ...] | None = None,
        class_weight: str | None = "balanced",
        max_iter: int = 5000,
    ) -> None:
        self.C = C
        self.signs = signs
        self.class_weight = class_weight
        self.max_iter = max_iter

    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None):  # noqa: N803
        X, y = validate_data(self, X, y, dtype=np.float64)  # noqa: N806
        check_classification_targets(y)
        y_type = type_of_target(y, input_name="y", raise_unknown=True)
        if y_type != "binary":
            raise ValueError(f"Only binary classification is supported. The type of the target is {y_type}.")
        self.classes_, target = np.unique(y, return_inverse=True)
        if len(self.classes_) != 2:
            raise ValueError(f"needs samples of exactly 2 classes, got {len(self.classes_)} class(es)")
        n, d = X.shape
        signs = np.zeros(d, dtype=int) if self.signs is None else np.asarray(self.signs, dtype=int)
        if signs.shape != (d,):
            raise ValueError(f"signs has {signs.size} entries for {d} features")
        weight = _sample_weight(sample_weight, n)
        if self.class_weight == "balanced":
            counts = np.bincount(target, minlength=2)
            weight = weight * (n / (2.0 * counts))[target]
        elif self.class_weight is not None:
            weight = weight * compute_class_weight(self.class_weight, classes=self.classes_, y=y)[target]
        sign_y = 2.0 * target - 1.0

        def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
            w, b = params[:d], params[d]
            margin = sign_y * (X @ w + b)
            value = -self.C * float(weight @ log_expit(margin)) + 0.5 * float(w @ w)
            residual = -self.C * weight * sign_y * expit(-margin)
            return value, np.concatenate([X.T @ residual + w, [residual.sum()]])

        bounds = [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in signs] + [(None, None)]
        result = minimize(
            loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": self.max_iter}
        )
        self.coef_ = result.x[:d].reshape(1, d)
        self.intercept_ = result.x[d:].copy()
        self.n_iter_ = np.array([result.nit])
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, dtype=np.float64, reset=False)  # noqa: N806
        return X @ self.coef_[0] + self.intercept_[0]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        positive = self.decision_function(X) > 0  # first: it raises NotFittedError before ``classes_`` is read
        return self.classes_[positive.astype(int)]

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags


def _sample_weight(sample_weight: np.ndarray | None, n: int) -> np.ndarray:
    """Ones without weights; otherwise the weights as float64, refused when they could not weigh a fit."""
    if sample_weight is None:
        return np.ones(n)
    weight = np.asarray(sample_weight, dtype=np.float64)
    if weight.shape != (n,):
        raise ValueError(f"sample_weight.shape == {weight.shape}, expected {(n,)}")
    if not np.all(np.isfinite(weight)) or np.any(weight < 0):
        raise ValueError("sample_weight must be finite and non-negative")
    if not weight.any():
        raise ValueError("sample weights are all zero: nothing to fit")
    return weight
