"""Repetition features: how much an account repeats itself.

Operated accounts post the same few lines again and again with cosmetic changes (a new emoji, another hashtag).
Near-duplicates are found with hashed character n-grams and cosine similarity over the account's own posts, after
normalization removes that cosmetic noise.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

from detector.features._base import AccountFeatures
from detector.schema import Account
from detector.text_normalize import normalize_text

__all__ = ["RepetitionFeatures"]


class RepetitionFeatures(AccountFeatures):
    """Self-duplication of an account's posts.

    Parameters
    ----------
    near_duplicate_similarity : float, default=0.8
        Cosine similarity of character 3-gram vectors from which two posts are near-duplicates.
    max_posts : int, default=1000
        Only the most recent ``max_posts`` posts are compared, so cost stays bounded (the comparison is quadratic).

    Output columns, in [0, 1] (``nan`` below two posts): ``near_duplicate_share`` (posts with a near-duplicate among
    the account's others), ``distinct_text_share`` (distinct normalized texts / posts), ``mean_max_similarity``.
    """

    feature_names = ("near_duplicate_share", "distinct_text_share", "mean_max_similarity")

    def __init__(self, *, near_duplicate_similarity: float = 0.8, max_posts: int = 1000) -> None:
        self.near_duplicate_similarity = near_duplicate_similarity
        self.max_posts = max_posts

    def _validate_params(self) -> None:
        if not 0.0 < self.near_duplicate_similarity <= 1.0:
            raise ValueError(f"near_duplicate_similarity must be in (0, 1], got {self.near_duplicate_similarity!r}")
        if self.max_posts < 2:
            raise ValueError(f"max_posts must be at least 2, got {self.max_posts!r}")

    def _account_row(self, account: Account) -> list[float]:
        posts = sorted(account.posts, key=lambda p: p.created_at)[-self.max_posts :]
        if len(posts) < 2:
            return [np.nan] * len(self.feature_names)
        texts = [normalize_text(p.text) for p in posts]
        # A stateless hashing vectorizer: nothing to fit, and identical input gives identical vectors across runs.
        vectors = HashingVectorizer(analyzer="char", ngram_range=(3, 3), n_features=2**18).transform(texts)
        similarity = (vectors @ vectors.T).toarray()
        np.fill_diagonal(similarity, 0.0)
        best = similarity.max(axis=1)
        return [
            float((best >= self.near_duplicate_similarity).mean()),
            len(set(texts)) / len(texts),
            float(best.mean()),
        ]
