"""The learned content family: what a text model fitted on labeled accounts' posts says about an account's posts.

The catalog family explains and covers lines that no labeled set holds, but it sees only the catalog. Operations
also share a vocabulary, topics and register that no catalog lists, and send readers to the same sites; a linear
model over hashed words (character pairs in Chinese and Japanese) and linked sites learns them from labeled
accounts, in any language and script, with no vocabulary to ship.

Platform is known and used: labeled sets mix platforms with very different class balances (on X many operation
accounts, few ordinary ones; on Reddit the reverse), so one text model over all of them learns "which platform"
instead of "which behaviour". One model is fitted per platform with enough labeled accounts of both classes, and a
shared one (each platform's classes weighted equally) serves a platform without one. The column is that model's
log-odds for the account, on the account's most recent posts joined into one document.

Hashing makes the family stateless before the model: ``hashed`` can be computed once for every account and reused
by every fold of a cross-validation, and ``explain`` gets the terms back by hashing an account's tokens again.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted

from detector.features._base import AccountFeatures, check_accounts
from detector.post_columns import PostColumns
from detector.schema import Account, Post
from detector.text_normalize import has_cjk
from detector.word_hashing import BIGRAMS, hash_word_counts

__all__ = [
    "SHARED_PLATFORM",
    "ContentExplanation",
    "ContentFeatures",
    "account_documents",
    "balanced_weights",
    "link_terms",
]

SHARED_PLATFORM = "*"  # the key of the model that serves platforms without one of their own
# A URL's host: what follows the scheme (or "www."), up to a path, port, query, fragment or user separator; a
# malformed host (an unclosed IPv6 bracket) names no site. In text the rest of the URL is consumed, so a URL inside
# another's query is not a link of its own.
_HOST_IN_TEXT = re.compile(r"(?:https?://|(?=www\.))(?:[^/\s@]*@)?([^/\s?#:@\[\]]*)\S*", re.IGNORECASE)
_HOST_OF_URL = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://|(?![a-z][a-z0-9+.-]*://))(?:[^/\s@]*@)?([^/\s?#:@\[\]]+)(?=[/?#:]|$)", re.IGNORECASE
)
_SHORTENERS = frozenset({"t.co", "bit.ly", "ow.ly", "buff.ly", "tinyurl.com", "goo.gl", "dlvr.it", "ift.tt", "fb.me"})
_POST_BREAK = " | "  # between posts: not a term, and no word pair spans it


def _spaced_cjk(text: str) -> str:
    """Chinese and Japanese text with a space between ideographs, so that word unigrams and bigrams are the
    character unigrams and bigrams that carry meaning there."""
    return "".join(f" {ch} " if "\u3040" <= ch <= "\u9fff" else ch for ch in text)


def is_ideograph(word: str) -> bool:
    """A word that is one kana or CJK ideograph (``_spaced_cjk`` makes each one a word)."""
    return len(word) == 1 and "\u3040" <= word <= "\u9fff"


def analyze(document: str, bigrams: str = "all") -> list[str]:
    """An account document's words and word bigrams: ``bigrams`` ``all``, ``cjk`` (between neighbouring ideographs
    only) or ``none``. A ``|`` between posts is not a term and no pair spans it, so the terms do not depend on the
    order of the posts. The compiled pass in ``detector.word_hashing`` hashes exactly these terms; this is their
    readable definition, and the explanations'."""
    words: list[str] = []
    pairs: list[str] = []
    previous = None
    for word in document.split():
        if word == "|":
            previous = None
            continue
        words.append(word)
        if previous is not None and (
            bigrams == "all" or (bigrams == "cjk" and is_ideograph(previous) and is_ideograph(word))
        ):
            pairs.append(f"{previous} {word}")
        previous = word
    return words + pairs


def account_texts(columns: PostColumns, max_posts: int) -> list[list[tuple[int, str]]]:
    """Per account, its ``max_posts`` most recent posts as (position in ``account.posts``, text the model reads)."""
    key = ("content.texts", max_posts)
    if key not in columns.derived:
        columns.derived[key] = _account_texts(columns, max_posts)
    return columns.derived[key]  # type: ignore[return-value]


def link_terms(post: Post) -> str:
    """The sites a post links to, as terms (`` link:rt.com``): where an account sends its readers is as telling as
    what it writes, and normalized text drops URLs. Shortener hosts say nothing and are left out."""
    text = post.text
    in_text = "://" in text or "www." in text
    if not (post.urls or in_text):
        return ""  # most posts: one attribute and two substring tests
    hosts = {host.lower().removeprefix("www.") for url in post.urls for host in _HOST_OF_URL.findall(url)[:1]}
    if in_text:
        hosts.update(host.lower().removeprefix("www.") for host in _HOST_IN_TEXT.findall(text))
    hosts -= _SHORTENERS
    hosts.discard("")
    return "".join(f" link:{host}" for host in sorted(hosts))


def _account_texts(columns: PostColumns, max_posts: int) -> list[list[tuple[int, str]]]:
    texts = [text + link_terms(post) for text, post in zip(columns.normalized, columns.posts, strict=True)]
    ends = np.cumsum(np.bincount(columns.account, minlength=columns.n_accounts)).tolist()
    found = []
    start = 0
    for end in ends:
        rows = range(start, end)
        if end - start > max_posts:
            order = np.argsort(columns.times[start:end], kind="stable")[-max_posts:]
            rows = sorted(start + int(i) for i in order)
        found.append([(i - start, _spaced_cjk(texts[i]) if has_cjk(texts[i]) else texts[i]) for i in rows])
        start = end
    return found


def account_documents(columns: PostColumns, max_posts: int) -> list[str]:
    """Per account, its ``max_posts`` most recent posts' normalized texts joined into one document."""
    return [_POST_BREAK.join(text for _, text in texts) for texts in account_texts(columns, max_posts)]


@dataclass(frozen=True)
class ContentExplanation:
    """The terms that moved an account's content score, with their log-odds shares, and the posts holding them."""

    terms: tuple[tuple[str, float], ...]
    posts: tuple[tuple[str, float], ...]  # (post id, summed share of its terms), pushing toward amplifier only


def balanced_weights(y: np.ndarray, platforms: Sequence[str]) -> np.ndarray:
    """Sample weights that give each (platform, class) cell the same total, so that neither the platform nor a
    platform's class balance can stand in for the label."""
    keys = [f"{p}\x00{int(label)}" for p, label in zip(platforms, y, strict=True)]
    cells, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    return (len(keys) / (len(cells) * counts))[inverse]


class _TextModel:
    """One platform's text model: the hashed columns it kept, their TF-IDF weighting and the linear model."""

    def __init__(self, kept: np.ndarray, tfidf: TfidfTransformer, model: LogisticRegression) -> None:
        self.kept = kept
        self.tfidf = tfidf
        self.model = model

    def decision_function(self, hashed: sp.csr_matrix) -> np.ndarray:
        return self.model.decision_function(self.tfidf.transform(hashed[:, self.kept]))

    def share_matrix(self, hashed: sp.csr_matrix) -> sp.csr_matrix:
        """Each row's log-odds shares (weight x coefficient), by hashed column."""
        weights = self.tfidf.transform(hashed[:, self.kept]).tocsr()
        weights.data = weights.data * self.model.coef_[0][weights.indices]
        weights.indices = self.kept[weights.indices]
        weights.resize((weights.shape[0], int(self.kept.max(initial=0)) + 1))
        return weights


class ContentFeatures(AccountFeatures):
    """Per-platform linear text models over hashed word n-grams (character n-grams in Chinese and Japanese).

    Parameters
    ----------
    n_features : int, default=2**20
        Hashing space; collisions are rare enough at this size for a linear model not to notice.
    bigrams : {"cjk", "all", "none"}, default="cjk"
        Which neighbouring words also count as a pair: ``cjk``, only ideographs (a Chinese word is mostly two
        characters, an English one is a word). Measured on the real sets, word pairs made transfer worse: leaving
        the IRA out 0.961 with them, 0.974 without; X to Reddit 0.739 and 0.781.
    C : float, default=4.0
        Inverse regularization of each platform's logistic regression.
    min_class_accounts : int, default=20
        Fewest labeled accounts of each class for a platform to get its own model.
    own_models : tuple of str or None, default=None
        The platforms that may get a model of their own (None: every one). A platform whose ordinary accounts are
        one kind of account (X's labeled ones are newsrooms) gets none: its own model would learn that kind.
    max_posts : int, default=200
        Only the most recent posts make an account's document, as at scoring time.
    min_df : int, default=2
        Fewest training accounts a term must appear in to get a weight.

    Output columns: ``text_log_odds``, the log-odds the account's platform model (or the shared one) gives it, and
    ``shared_text_log_odds``, the shared model's (what the other platforms' labeled accounts teach, which transfers
    across platforms better than a platform's own model across operations);
    ``nan`` for an account without posts. ``fit`` needs labels (``y``) and reads ``account.platform``.
    """

    feature_names = ("text_log_odds", "shared_text_log_odds")
    feature_signs: ClassVar[dict[str, int]] = {"text_log_odds": 1, "shared_text_log_odds": 1}

    def __init__(
        self,
        *,
        n_features: int = 2**20,
        bigrams: str = "cjk",
        C: float = 4.0,  # noqa: N803
        min_class_accounts: int = 20,
        max_posts: int = 200,
        min_df: int = 2,
        own_models: tuple[str, ...] | None = None,
    ) -> None:
        self.n_features = n_features
        self.bigrams = bigrams
        self.C = C
        self.min_class_accounts = min_class_accounts
        self.max_posts = max_posts
        self.min_df = min_df
        self.own_models = own_models

    def _validate_params(self) -> None:
        if self.C <= 0:
            raise ValueError(f"C must be positive, got {self.C!r}")
        if self.bigrams not in BIGRAMS:
            raise ValueError(f"bigrams must be one of {sorted(BIGRAMS)}, got {self.bigrams!r}")
        if self.min_class_accounts < 2:
            raise ValueError(f"min_class_accounts must be at least 2, got {self.min_class_accounts!r}")

    def hashed(self, accounts: Sequence[Account], columns: PostColumns | None = None) -> sp.csr_matrix:
        """Term counts of each account's document, hashed: no fitting, so computed once for every fold (and once
        per scored batch: kept on ``columns`` for the explanations)."""
        columns = columns if columns is not None else PostColumns(accounts)
        key = ("content.hashed", self.n_features, self.bigrams, self.max_posts)
        if key not in columns.derived:
            columns.derived[key] = self.hash_documents(account_documents(columns, self.max_posts))
        return columns.derived[key]  # type: ignore[return-value]

    def hash_documents(self, documents: Sequence[str]) -> sp.csr_matrix:
        """Hashed term counts of account documents (``analyze``'s terms, in one compiled pass)."""
        return hash_word_counts(documents, self.n_features, self.bigrams)

    def fit(self, X: Sequence[Account], y: np.ndarray | None = None) -> ContentFeatures:  # noqa: N803
        if y is None:
            raise ValueError(
                "ContentFeatures requires y to be passed, but the target y is None: it is fitted on labeled accounts,"
                " pass y"
            )
        check_accounts(X)
        platforms = [account.platform or SHARED_PLATFORM for account in X]
        columns = PostColumns(X)
        documents = account_documents(columns, self.max_posts)
        return self.fit_hashed(self.hashed(X, columns), np.asarray(y), platforms, documents=documents)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True  # the text models learn from labels
        return tags

    def fit_hashed(
        self,
        hashed: sp.csr_matrix,
        y: np.ndarray,
        platforms: Sequence[str],
        *,
        documents: Sequence[str] | None = None,
    ) -> ContentFeatures:
        """Fit from ``hashed`` rows (see ``hashed``), their labels and platforms; with the rows' ``documents``,
        also the table that turns hashed columns back into terms for explanations."""
        super().fit([], None)
        y = np.asarray(y, dtype=int)
        if len(np.unique(y)) != 2:
            raise ValueError("ContentFeatures needs labeled accounts of both classes")
        platforms = np.asarray([p or SHARED_PLATFORM for p in platforms])
        self.models_: dict[str, _TextModel] = {
            SHARED_PLATFORM: self._fit_one(hashed, y, balanced_weights(y, platforms.tolist()))
        }
        for platform in sorted(set(platforms.tolist()) - {SHARED_PLATFORM}):
            rows = np.flatnonzero(platforms == platform)
            counts = np.bincount(y[rows], minlength=2)
            allowed = self.own_models is None or platform in self.own_models
            if allowed and counts.min() >= self.min_class_accounts:
                self.models_[platform] = self._fit_one(
                    hashed[rows], y[rows], balanced_weights(y[rows], [platform] * len(rows))
                )
        self.platforms_ = tuple(sorted(self.models_))
        self.terms_: dict[int, str] = {}
        if documents is not None:
            self._index_terms(documents)
        return self

    def without_models(self, keys: Sequence[str]) -> ContentFeatures:
        """A copy without the text models of ``keys``: the ones only training needs (a corpus no served account
        belongs to), dropped so the artifact does not carry them."""
        check_is_fitted(self, "models_")
        if SHARED_PLATFORM in keys:
            raise ValueError("the shared text model serves every platform without its own: it cannot be dropped")
        kept = copy.copy(self)
        kept.models_ = {key: model for key, model in self.models_.items() if key not in keys}
        kept.platforms_ = tuple(sorted(kept.models_))
        return kept

    def out_of_fold(
        self,
        hashed: sp.csr_matrix,
        y: np.ndarray,
        platforms: Sequence[str | None],
        folds: Sequence[tuple[np.ndarray, np.ndarray]],
    ) -> np.ndarray:
        """Each row's two columns from a copy of this (unfitted) family fitted without the row's fold: what a head
        trained on them sees is what it meets when serving, scores of accounts the text model never saw."""
        platforms = np.asarray(platforms, dtype=object)
        oof = np.full((hashed.shape[0], len(self.feature_names)), np.nan)
        for fold_train, fold_test in folds:
            fitted = clone(self).fit_hashed(hashed[fold_train], y[fold_train], platforms[fold_train].tolist())
            oof[fold_test] = fitted.log_odds_hashed(hashed[fold_test], platforms[fold_test].tolist())
        return oof

    def _fit_one(self, hashed: sp.csr_matrix, y: np.ndarray, weights: np.ndarray) -> _TextModel:
        # Terms of a single training account cannot generalize; leaving them out makes the fit 3-4x faster.
        seen = np.bincount(hashed.indices, minlength=hashed.shape[1])
        kept = np.flatnonzero(seen >= self.min_df).astype(np.int32)
        counts = hashed[:, kept]
        tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
        model = LogisticRegression(C=self.C, max_iter=2000, solver="liblinear")
        model.fit(tfidf.transform(counts), y, sample_weight=weights)
        return _TextModel(kept, tfidf, model)

    def model_for(self, platform: str | None) -> str:
        """The key of the model that scores an account of ``platform``."""
        check_is_fitted(self, "models_")
        return platform if platform in self.models_ else SHARED_PLATFORM

    def log_odds_hashed(self, hashed: sp.csr_matrix, platforms: Sequence[str | None]) -> np.ndarray:
        """Per row, (its platform model's log-odds, the shared model's): the family's two columns."""
        out = np.zeros((hashed.shape[0], 2))
        keys = np.asarray([self.model_for(p) for p in platforms])
        shared = self.models_[SHARED_PLATFORM].decision_function(hashed) if hashed.shape[0] else np.zeros(0)
        out[:, 1] = shared
        out[:, 0] = shared
        for key in np.unique(keys).tolist():
            if key == SHARED_PLATFORM:
                continue
            rows = np.flatnonzero(keys == key)
            out[rows, 0] = self.models_[key].decision_function(hashed[rows])
        return out

    def rows_from_columns(self, accounts: Sequence[Account], columns: PostColumns) -> np.ndarray:
        check_is_fitted(self, "models_")
        hashed = self.hashed(accounts, columns)
        rows = self.log_odds_hashed(hashed, [a.platform for a in accounts])
        rows[[not account.posts for account in accounts]] = np.nan
        return rows

    def explain(self, account: Account, *, top: int = 5) -> ContentExplanation:
        """``explain_rows`` for one account."""
        columns = PostColumns([account])
        return self.explain_rows([account], columns, self.hashed([account], columns), top=top)[0]

    def explain_rows(
        self, accounts: Sequence[Account], columns: PostColumns, hashed: sp.csr_matrix, *, top: int = 5
    ) -> list[ContentExplanation]:
        """Per account, the terms that moved its content log-odds most (positive: toward amplifier) and the posts
        that hold the terms pushing up, under the model that scored it. ``hashed`` is ``hashed(accounts)``.

        Terms come from the table ``fit`` built from the training documents (a hashed column's most frequent term),
        so explaining costs a sparse product per account, not a second pass over its words."""
        check_is_fitted(self, "models_")
        terms = getattr(self, "terms_", {})
        found: list[ContentExplanation] = [ContentExplanation((), ())] * len(accounts)
        if not terms:
            return found
        keys = np.asarray([self.model_for(account.platform) for account in accounts])
        texts = account_texts(columns, self.max_posts)
        known = np.fromiter(terms, dtype=np.int64, count=len(terms))
        for key in np.unique(keys).tolist():
            rows = np.flatnonzero(keys == key)
            shares = self.models_[key].share_matrix(hashed[rows])
            named = np.isin(shares.indices, known)  # only columns the term table can name
            for position, row in enumerate(rows.tolist()):
                start, end = shares.indptr[position], shares.indptr[position + 1]
                keep = named[start:end]
                cols, values = shares.indices[start:end][keep], shares.data[start:end][keep]
                order = np.lexsort((cols, -np.abs(values)))[:top]  # strongest first, ties by column
                picked = [(terms[c], v) for c, v in zip(cols[order].tolist(), values[order].tolist(), strict=True)]
                found[row] = ContentExplanation(
                    terms=tuple((_shown(term), round(share, 4)) for term, share in picked),
                    posts=_posts_holding(accounts[row], texts[row], [(t, v) for t, v in picked if v > 0], top),
                )
        return found

    def _index_terms(self, documents: Sequence[str], *, per_model: int = 20_000) -> None:
        """For each model's ``per_model`` heaviest columns, the training term hashed there most often."""
        important: set[int] = set()
        for text_model in self.models_.values():
            heaviest = np.argsort(-np.abs(text_model.model.coef_[0]), kind="stable")[:per_model]
            important.update(text_model.kept[heaviest].tolist())
        counts: Counter[str] = Counter()
        for document in documents:
            counts.update(analyze(document, self.bigrams))
        vocabulary = sorted(counts)
        hasher = FeatureHasher(n_features=self.n_features, input_type="string", alternate_sign=False)
        where = hasher.transform([[term] for term in vocabulary]).indices.tolist() if vocabulary else []
        best: dict[int, tuple[int, str]] = {}
        for term, column in zip(vocabulary, where, strict=True):
            if column in important and (counts[term], term) > best.get(column, (0, "")):
                best[column] = (counts[term], term)
        self.terms_ = {column: term for column, (_, term) in sorted(best.items())}


def _shown(term: str) -> str:
    return term.replace(" ", "") if has_cjk(term) else term


def _posts_holding(
    account: Account, texts: list[tuple[int, str]], pushing: list[tuple[str, float]], top: int
) -> tuple[tuple[str, float], ...]:
    """The account's posts that hold the terms pushing its content score up, by the summed share of those terms."""
    if not pushing:
        return ()
    scored = []
    for index, text in texts:
        padded = f" {text} "
        total = sum(share for term, share in pushing if f" {term} " in padded)
        if total > 0:
            scored.append((account.posts[index].id, round(total, 4)))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return tuple(scored[:top])
