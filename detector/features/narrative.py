"""Narrative features: how much of an account's output asserts catalog talking points, and how it attributes them.

Matching is lexical for now: character n-gram TF-IDF fitted on the catalog's phrases in every language. Character
n-grams (``analyzer="char"``) work for Chinese, which has no spaces, and survive inflection, hashtags and small
rewordings; the IDF learned on the catalog makes n-grams shared by many talking points count less.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from detector.attribution import Attribution, classify_attribution
from detector.catalog import TalkingPointCatalog
from detector.features._base import AccountFeatures
from detector.schema import Account, Post
from detector.text_normalize import normalize_text

__all__ = ["NarrativeFeatures", "PostMatch"]

_AMPLIFYING = (Attribution.ASSERTED, Attribution.RETWEET)


@dataclass(frozen=True)
class PostMatch:
    """A post whose text is close to a talking point, and how the post relates to it."""

    post: Post
    talking_point_id: str
    similarity: float
    attribution: Attribution


class NarrativeFeatures(AccountFeatures):
    """Shares of an account's posts that assert, report or counter catalog talking points.

    Parameters
    ----------
    catalog : TalkingPointCatalog
        The talking points to match. Required; it is a parameter (not read from disk) so that fitting does no I/O.
    match_threshold : float, default=0.4
        Cosine similarity in [0, 1] from which a post counts as matching a talking point.
    ngram_range : tuple of int, default=(2, 4)
        Character n-gram sizes.

    Output columns (all in [0, 1] except ``distinct_points``, a count; ``nan`` for an account without posts):
    ``asserted_share`` (asserted or retweeted matches / posts), ``reported_share``, ``countered_share``,
    ``max_similarity``, ``mean_similarity`` (mean over posts of the best similarity) and ``distinct_points``
    (distinct talking points asserted).
    """

    feature_names = (
        "asserted_share",
        "reported_share",
        "countered_share",
        "max_similarity",
        "mean_similarity",
        "distinct_points",
    )

    def __init__(
        self,
        *,
        catalog: TalkingPointCatalog | None = None,
        match_threshold: float = 0.4,
        ngram_range: tuple[int, int] = (2, 4),
    ) -> None:
        self.catalog = catalog
        self.match_threshold = match_threshold
        self.ngram_range = ngram_range

    def _validate_params(self) -> None:
        if not isinstance(self.catalog, TalkingPointCatalog):
            raise ValueError(f"catalog must be a TalkingPointCatalog, got {type(self.catalog).__name__}")
        if not 0.0 < self.match_threshold <= 1.0:
            raise ValueError(f"match_threshold must be in (0, 1], got {self.match_threshold!r}")

    def fit(self, X: Sequence[Account], y: object = None) -> NarrativeFeatures:  # noqa: N803
        super().fit(X, y)
        phrases: list[str] = []
        owners: list[int] = []
        for index, tp in enumerate(self.catalog.talking_points):
            for text in [tp.title, *(p for lang_phrases in tp.phrases.values() for p in lang_phrases)]:
                phrases.append(normalize_text(text))
                owners.append(index)
        self.vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=self.ngram_range, sublinear_tf=True)
        self.phrase_vectors_ = self.vectorizer_.fit_transform(phrases).T.tocsr()
        self.phrase_owner_ = np.asarray(owners)
        self.talking_point_ids_ = tuple(tp.id for tp in self.catalog.talking_points)
        return self

    def _best_matches(self, posts: Sequence[Post]) -> tuple[np.ndarray, np.ndarray]:
        """Return, per post, the index of the closest talking point and its cosine similarity."""
        if not posts:
            return np.zeros(0, dtype=int), np.zeros(0)
        vectors = self.vectorizer_.transform([normalize_text(p.text) for p in posts])
        similarity = (vectors @ self.phrase_vectors_).toarray()
        best_phrase = similarity.argmax(axis=1)
        return self.phrase_owner_[best_phrase], similarity[np.arange(len(posts)), best_phrase]

    def match_posts(self, account: Account) -> list[PostMatch]:
        """Return the account's posts that match a talking point, most similar first."""
        check_is_fitted(self, "vectorizer_")
        points, sims = self._best_matches(account.posts)
        matches = [
            PostMatch(post, self.talking_point_ids_[point], round(float(sim), 4), classify_attribution(post))
            for post, point, sim in zip(account.posts, points, sims, strict=True)
            if sim >= self.match_threshold
        ]
        return sorted(matches, key=lambda m: (-m.similarity, m.post.id))

    def _account_row(self, account: Account) -> list[float]:
        n = len(account.posts)
        if n == 0:
            return [np.nan] * len(self.feature_names)
        points, sims = self._best_matches(account.posts)
        counts = dict.fromkeys(Attribution, 0)
        asserted_points: set[int] = set()
        for post, point, sim in zip(account.posts, points, sims, strict=True):
            if sim >= self.match_threshold:
                attribution = classify_attribution(post)
                counts[attribution] += 1
                if attribution in _AMPLIFYING:
                    asserted_points.add(int(point))
        return [
            (counts[Attribution.ASSERTED] + counts[Attribution.RETWEET]) / n,
            counts[Attribution.REPORTED] / n,
            counts[Attribution.COUNTERED] / n,
            float(sims.max()),
            float(sims.mean()),
            float(len(asserted_points)),
        ]
