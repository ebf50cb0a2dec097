"""Narrative features: how much of an account's output asserts catalog talking points, and how it attributes them.

Matching has a lexical pass over every post and an optional embedding pass over the candidates it finds:

1. **Lexical**: character n-gram TF-IDF, fitted on the catalog's phrases in every language: 2-4-grams for
   alphabetic text, 1-3-grams for text in Chinese or Japanese script, where one character is a word and a
   paraphrase reorders them. ``analyzer="char"`` works for Chinese, where ``char_wb`` fails, survives inflection,
   hashtags and small rewordings, and the IDF learned on the catalog makes n-grams shared by many phrases count less.
   A post is scored against each *line* (talking point), not against one phrase alone, from three shares:

   - how much of the post its closest phrase accounts for (cosine), where the post's norm also counts the n-grams
     *no* phrase has: a plain cosine over the catalog's vocabulary ignores them, so "Washington Post: ..." in an
     otherwise Russian post scored like "a pawn of Washington", and "throughout the world" like "there is but one
     China in the world";
   - how much of that phrase the post holds (coverage): a post that shares a few words with a phrase holds little
     of it;
   - how much of the post the line's wordings account for together (pooled): a paraphrase rarely repeats one phrase
     but takes words from several, while a stray match shares words with one.

   The score is ``sqrt(sqrt(coverage * cosine) * pooled)``, in [0, 1] (``CharTfidf.best_lines``, one compiled pass
   per post). Scores of text in Chinese script run lower (most of its n-grams are rare bigrams and trigrams), so it
   has its own threshold. Both thresholds were chosen on the labeled match set
   (``tests/detector/fixtures/match_set.jsonl``, ``bench/match_quality.py``).
2. **Embedding** (optional): the multilingual Universal Sentence Encoder (the ``embeddings`` extra) for paraphrases
   that share few character n-grams with any phrase, run only on posts the lexical pass already finds close
   (``candidate_threshold``), so its cost follows the posts that could match. It costs milliseconds a post, a
   hundred times the lexical pass: it is off by default.

Only attribution-aware shares are features. How close an account's posts come to the catalog *regardless* of
attribution mostly measures whether it writes about China, which journalists and China watchers do all day: as a
feature it teaches a model the opposite of what a paraphrasing amplifier looks like.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from detector.attribution import Attribution, classify_attribution
from detector.catalog import TalkingPointCatalog
from detector.char_tfidf import CharTfidf
from detector.embeddings import load_embedder
from detector.features._base import AccountFeatures
from detector.post_columns import PostColumns
from detector.schema import Account, Post
from detector.text_normalize import cjk_mask, normalize_text

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
    match_threshold : float, default=0.485
        Lexical score in [0, 1] from which a post in an alphabetic script matches a talking point.
    cjk_match_threshold : float, default=0.275
        The same, for a post with Chinese or Japanese characters.
    candidate_threshold : float, default=0.4
        Lexical score from which a post goes through the embedding pass (when ``embedder`` is set).
    ngram_range : tuple of int, default=(2, 4)
        Character n-gram sizes for posts in alphabetic scripts.
    cjk_ngram_range : tuple of int, default=(1, 3)
        Character n-gram sizes for posts with Chinese or Japanese characters.
    embedder : str or None, default=None
        ``"use-m3"`` adds the multilingual sentence-embedding pass (needs the ``embeddings`` extra).
    embedding_threshold : float, default=0.6
        Embedding cosine (to a line's title, narrative or phrases) from which a candidate matches, when ``embedder``
        is set.

    Output columns (all in [0, 1] except ``distinct_points``, a count; ``nan`` for an account without posts):
    ``asserted_share`` (asserted or retweeted matches / posts), ``reported_share``, ``countered_share``,
    ``asserted_similarity`` (best similarity among asserted or retweeted matches, 0 without any) and
    ``distinct_points`` (distinct talking points asserted).
    """

    feature_names = ("asserted_share", "reported_share", "countered_share", "asserted_similarity", "distinct_points")
    feature_signs: ClassVar[dict[str, int]] = {"asserted_share": 1, "asserted_similarity": 1, "distinct_points": 1}

    def __init__(
        self,
        *,
        catalog: TalkingPointCatalog | None = None,
        match_threshold: float = 0.485,
        cjk_match_threshold: float = 0.275,
        candidate_threshold: float = 0.4,
        ngram_range: tuple[int, int] = (2, 4),
        cjk_ngram_range: tuple[int, int] = (1, 3),
        embedder: str | None = None,
        embedding_threshold: float = 0.6,
    ) -> None:
        self.catalog = catalog
        self.match_threshold = match_threshold
        self.cjk_match_threshold = cjk_match_threshold
        self.candidate_threshold = candidate_threshold
        self.ngram_range = ngram_range
        self.cjk_ngram_range = cjk_ngram_range
        self.embedder = embedder
        self.embedding_threshold = embedding_threshold

    def _validate_params(self) -> None:
        if not isinstance(self.catalog, TalkingPointCatalog):
            raise ValueError(f"catalog must be a TalkingPointCatalog, got {type(self.catalog).__name__}")
        for name in ("match_threshold", "cjk_match_threshold", "candidate_threshold", "embedding_threshold"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {value!r}")

    def fit(self, X: Sequence[Account], y: object = None) -> NarrativeFeatures:  # noqa: N803
        super().fit(X, y)
        phrases: list[str] = []
        owners: list[int] = []
        for index, tp in enumerate(self.catalog.talking_points):
            for text in [tp.title, *(p for lang_phrases in tp.phrases.values() for p in lang_phrases)]:
                phrases.append(normalize_text(text))
                owners.append(index)
        self.phrase_owner_ = np.asarray(owners)
        self.talking_point_ids_ = tuple(tp.id for tp in self.catalog.talking_points)
        # An n-gram no phrase has weighs as one seen in no document: the vectorizer's smooth idf at df = 0.
        self.oov_idf_ = float(np.log(1 + len(phrases)) + 1)
        self.vectorizer_, self.phrase_vectors_, self.columns_ = self._fit_script(phrases, self.ngram_range)
        self.char_tfidf_ = CharTfidf(self.vectorizer_)
        cjk_vectorizer, self.cjk_phrase_vectors_, self.cjk_columns_ = self._fit_script(phrases, self.cjk_ngram_range)
        self.cjk_tfidf_ = CharTfidf(cjk_vectorizer)
        self.phrase_embeddings_ = None
        if self.embedder:
            texts, owners = [], []
            for index, tp in enumerate(self.catalog.talking_points):
                for text in [
                    tp.title,
                    tp.narrative,
                    *(p for lang_phrases in tp.phrases.values() for p in lang_phrases),
                ]:
                    texts.append(" ".join(text.split()))
                    owners.append(index)
            self.phrase_embeddings_ = load_embedder(self.embedder).encode(texts)
            self.embedding_owner_ = np.asarray(owners)
        return self

    def _fit_script(
        self, phrases: list[str], ngram_range: tuple[int, int]
    ) -> tuple[TfidfVectorizer, sp.csr_matrix, sp.csr_matrix]:
        """The vectorizer for one family of scripts, its phrases (terms x phrases) and what line scoring matches: the
        phrases, then the lines (each its phrases' weights pooled by their maximum), as columns over the terms.

        An n-gram in more than a quarter of the phrases (" th", "e ", "的") tells no line from another: it still
        counts in a post's norm, but it is not matched, which saves a sixth of matching's time (its postings are the
        longest) for no measurable loss on the match set."""
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=ngram_range, sublinear_tf=True)
        phrase_vectors = vectorizer.fit_transform(phrases).T.tocsr()
        pooled = [
            phrase_vectors[:, self.phrase_owner_ == line].max(axis=1) for line in range(len(self.talking_point_ids_))
        ]
        distinctive = np.diff(phrase_vectors.indptr) <= len(phrases) / 4
        columns = sp.diags(distinctive.astype(float)) @ sp.hstack([phrase_vectors, *pooled], format="csr")
        columns.eliminate_zeros()
        return vectorizer, phrase_vectors, sp.csr_matrix(columns)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_embedder_instance", None)  # a loaded encoder is rebuilt from the package, never pickled
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        # A matcher fitted before line scoring keeps the phrase cosine it was fitted (and its model trained) with.
        state.setdefault("cjk_match_threshold", state.get("match_threshold", 0.4))
        super().__setstate__(state)

    def _best_matches(
        self, posts: Sequence[Post], normalized: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return, per post, the index of the closest talking point, its score and the threshold the post needs."""
        points = np.zeros(len(posts), dtype=int)
        best = np.zeros(len(posts))
        cjk = cjk_mask(normalized)
        thresholds = np.where(cjk, self.cjk_match_threshold, self.match_threshold)
        if not posts:
            return points, best, thresholds
        if not hasattr(self, "columns_"):
            return (*self._best_phrase_matches(posts, normalized, cjk), thresholds)
        # A post under its threshold (or the embedding pass's, when on) is never read: its lines need no full scoring.
        candidate = self.candidate_threshold if self.phrase_embeddings_ is not None else 1.0
        groups = (
            (np.flatnonzero(~cjk), self.char_tfidf_, self.columns_, min(self.match_threshold, candidate)),
            (np.flatnonzero(cjk), self.cjk_tfidf_, self.cjk_columns_, min(self.cjk_match_threshold, candidate)),
        )
        for rows, tfidf, columns, floor in groups:
            if len(rows):
                points[rows], _, best[rows] = tfidf.best_lines(
                    [normalized[i] for i in rows], columns, self.phrase_owner_, self.oov_idf_, floor=floor
                )
        if self.phrase_embeddings_ is not None:
            self._embedding_pass(posts, points, best, thresholds)
        return points, best, thresholds

    def _embedding_pass(
        self, posts: Sequence[Post], points: np.ndarray, best: np.ndarray, thresholds: np.ndarray
    ) -> None:
        """Raise the candidates whose embedding is close to a line: a match at the embedding threshold counts as one
        at the lexical threshold, and above it scales up to 1 (in place)."""
        candidates = np.flatnonzero(best >= self.candidate_threshold)
        if not len(candidates):
            return
        similarity = self._embedder().encode([posts[i].text for i in candidates]) @ self.phrase_embeddings_.T
        per_line = np.full((len(candidates), len(self.talking_point_ids_)), -1.0)
        for line in range(per_line.shape[1]):
            per_line[:, line] = similarity[:, self.embedding_owner_ == line].max(axis=1)
        line, value = per_line.argmax(axis=1), per_line.max(axis=1)
        floor = thresholds[candidates]
        rescaled = np.where(
            value >= self.embedding_threshold,
            floor + (value - self.embedding_threshold) / (1 - self.embedding_threshold) * (1 - floor),
            0.0,
        )
        raised = rescaled > best[candidates]
        points[candidates[raised]] = line[raised]
        best[candidates[raised]] = rescaled[raised]

    def _best_phrase_matches(
        self, posts: Sequence[Post], normalized: Sequence[str], cjk: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Before line scoring: the cosine of each post with its closest phrase, over the catalog's vocabulary only."""
        points = np.zeros(len(posts), dtype=int)
        best = np.zeros(len(posts))
        groups = (
            (np.flatnonzero(~cjk), self.char_tfidf_, self.phrase_vectors_),
            (np.flatnonzero(cjk), self.cjk_tfidf_, self.cjk_phrase_vectors_),
        )
        for rows, tfidf, phrases in groups:
            if len(rows):
                best_phrase, best[rows] = tfidf.best_phrases([normalized[i] for i in rows], phrases)
                points[rows] = self.phrase_owner_[best_phrase]
        return points, best

    def _embedder(self) -> Any:
        if getattr(self, "_embedder_instance", None) is None:
            self._embedder_instance = load_embedder(self.embedder)
        return self._embedder_instance

    def match_posts(self, account: Account) -> list[PostMatch]:
        """Return the account's posts that match a talking point, most similar first."""
        return self.match_accounts([account])[0]

    def match_accounts(self, accounts: Sequence[Account], columns: PostColumns | None = None) -> list[list[PostMatch]]:
        """``match_posts`` for many accounts, with the posts of all of them vectorized together (``columns``: their
        posts' columns, when already worked out)."""
        check_is_fitted(self, "vectorizer_")
        posts = [post for account in accounts for post in account.posts]
        normalized = columns.normalized if columns is not None else [normalize_text(p.text) for p in posts]
        points, sims, thresholds = self._best_matches(posts, normalized)
        result, offset = [], 0
        for account in accounts:
            end = offset + len(account.posts)
            matches = [
                PostMatch(
                    post, self.talking_point_ids_[points[i]], round(float(sims[i]), 4), classify_attribution(post)
                )
                for post, i in zip(account.posts, range(offset, end), strict=True)
                if sims[i] >= thresholds[i]
            ]
            result.append(sorted(matches, key=lambda m: (-m.similarity, m.post.id)))
            offset = end
        return result

    def rows_from_columns(self, accounts: Sequence[Account], columns: PostColumns) -> np.ndarray:
        return self.rows_from_matches(accounts, self.match_accounts(accounts, columns))

    def rows_from_matches(self, accounts: Sequence[Account], matches: Sequence[Sequence[PostMatch]]) -> np.ndarray:
        """The feature rows of accounts whose matches are already known (scoring needs both)."""
        check_is_fitted(self, "n_features_out_")
        rows = [self._row(account, found) for account, found in zip(accounts, matches, strict=True)]
        return np.asarray(rows, dtype=np.float64).reshape(len(rows), self.n_features_out_)

    def _row(self, account: Account, matches: Sequence[PostMatch]) -> list[float]:
        n = len(account.posts)
        if n == 0:
            return [np.nan] * len(self.feature_names)
        counts = dict.fromkeys(Attribution, 0)
        asserted_points: set[str] = set()
        asserted_similarity = 0.0
        for match in matches:
            counts[match.attribution] += 1
            if match.attribution in _AMPLIFYING:
                asserted_points.add(match.talking_point_id)
                asserted_similarity = max(asserted_similarity, match.similarity)
        return [
            (counts[Attribution.ASSERTED] + counts[Attribution.RETWEET]) / n,
            counts[Attribution.REPORTED] / n,
            counts[Attribution.COUNTERED] / n,
            asserted_similarity,
            float(len(asserted_points)),
        ]
