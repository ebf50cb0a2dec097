"""Repetition features: how much an account repeats itself.

Operated accounts post the same few lines again and again with cosmetic changes (a new emoji, another hashtag), and
fill templates ("Day 12: China's diplomacy ..."). Near-duplicates are posts whose normalized texts agree on at least
``near_duplicate_similarity`` of their MinHash signature (an estimate of the Jaccard similarity of their shingles),
identical texts included however short, hashtags set aside; a template is a post's opening and closing words with
numbers removed.
Neither share grows with the number of posts by itself, so an organic account with a long history does not look
repetitive just for having one.

Comparing every post with every other was most of this family's cost. Two signatures that agree on at least ``k`` of
``P`` values disagree on at most ``P - k``, so split into ``P - k + 1`` bands they agree on a whole band (pigeonhole):
only posts of one account sharing a band are compared, and the answer is the all-pairs one, not an approximation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from sklearn.utils.validation import check_is_fitted

from detector.features._base import AccountFeatures
from detector.post_columns import PostColumns
from detector.schema import Account

__all__ = ["RepetitionFeatures"]

_DIGITS = re.compile(r"\d+")
_NUM_PERM = 32
_MIX = np.uint64(0x100000001B3)


def _templates(normalized: Sequence[str]) -> list[str | None]:
    """Each text's opening four and closing two words with numbers removed (``None`` below six words). Normalized
    texts hold no newline, so numbers are removed from all of them in one pass."""
    templates: list[str | None] = []
    for text in _DIGITS.sub(" ", "\n".join(normalized)).split("\n") if normalized else []:
        words = text.split()
        templates.append(" ".join([*words[:4], "…", *words[-2:]]) if len(words) >= 6 else None)
    return templates


class RepetitionFeatures(AccountFeatures):
    """Self-duplication of an account's posts.

    Parameters
    ----------
    near_duplicate_similarity : float, default=0.8
        Share of agreeing MinHash values from which two posts are near-duplicates.
    max_posts : int, default=1000
        Only the most recent ``max_posts`` posts are compared, so cost stays bounded.

    Output columns, in [0, 1] (``nan`` below two posts): ``near_duplicate_share`` (posts with a near-duplicate among
    the account's others) and ``template_share`` (posts sharing their template with another of the account's posts).
    """

    feature_names = ("near_duplicate_share", "template_share")
    feature_signs: ClassVar[dict[str, int]] = {"near_duplicate_share": 1, "template_share": 1}

    def __init__(self, *, near_duplicate_similarity: float = 0.8, max_posts: int = 1000) -> None:
        self.near_duplicate_similarity = near_duplicate_similarity
        self.max_posts = max_posts

    def _validate_params(self) -> None:
        if not 0.0 < self.near_duplicate_similarity <= 1.0:
            raise ValueError(f"near_duplicate_similarity must be in (0, 1], got {self.near_duplicate_similarity!r}")
        if self.max_posts < 2:
            raise ValueError(f"max_posts must be at least 2, got {self.max_posts!r}")

    def rows_from_columns(self, accounts: Sequence[Account], columns: PostColumns) -> np.ndarray:
        """The feature rows of ``accounts``, whose posts' ``columns`` are already worked out (scoring shares them)."""
        check_is_fitted(self, "n_features_out_")
        compared = _most_recent(columns, self.max_posts)
        account = columns.account[compared]
        signatures, n_shingles = columns.signatures(_NUM_PERM)
        near = _near_duplicates(account, signatures[compared], n_shingles[compared] > 0, self.near_duplicate_similarity)
        templated = _shared_templates(account, _templates([columns.comparable[i] for i in compared.tolist()]))
        n = np.bincount(account, minlength=columns.n_accounts)
        rows = np.full((columns.n_accounts, len(self.feature_names)), np.nan)
        enough = n >= 2
        for column, flags in enumerate((near, templated)):
            rows[enough, column] = np.bincount(account, weights=flags, minlength=columns.n_accounts)[enough] / n[enough]
        return rows


def _most_recent(columns: PostColumns, max_posts: int) -> np.ndarray:
    """Positions of each account's ``max_posts`` most recent posts (ties kept in post order, as a stable sort by
    time would), account by account."""
    order = np.lexsort((np.arange(len(columns)), columns.times, columns.account))
    sizes = np.bincount(columns.account, minlength=columns.n_accounts)
    starts = np.cumsum(sizes) - sizes
    rank_from_end = sizes[columns.account[order]] - (np.arange(len(order)) - starts[columns.account[order]])
    return order[rank_from_end <= max_posts]


def _row_keys(account: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """A uint64 mix of the account and each row of ``columns``: equal rows of one account get equal keys."""
    key = account.astype(np.uint64) + np.uint64(1)
    for column in columns.T:
        key = key * _MIX + column.astype(np.uint64)
    return key


def _pairs_in_runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of positions whose keys are equal, each once."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    firsts, seconds = [], []
    active = np.arange(max(len(keys) - 1, 0))
    distance = 1
    while len(active):  # sorted: once the key ``distance`` ahead differs, every later one does too
        active = active[active + distance < len(keys)]
        active = active[ordered[active + distance] == ordered[active]]
        firsts.append(order[active])
        seconds.append(order[active + distance])
        distance += 1
    empty = np.zeros(0, dtype=np.int64)
    return np.concatenate(firsts or [empty]), np.concatenate(seconds or [empty])


def _near_duplicates(
    account: np.ndarray, signatures: np.ndarray, has_shingles: np.ndarray, threshold: float
) -> np.ndarray:
    """Per post, whether another post of its account agrees with it on at least ``threshold`` of the signature.

    Identical signatures are grouped first (a copy-paste account's hundreds of copies are one group), then groups
    of one account sharing a band are compared; a post without shingles duplicates nothing."""
    n_perm = signatures.shape[1]
    least = next(k for k in range(n_perm + 1) if k / n_perm >= threshold)  # agreeing values needed
    near = np.zeros(len(signatures), dtype=bool)
    rows = np.flatnonzero(has_shingles)
    if len(rows) < 2:
        return near
    order = np.argsort(_row_keys(account[rows], signatures[rows]), kind="stable")
    rows = rows[order]
    repeats = (account[rows[1:]] == account[rows[:-1]]) & (signatures[rows[1:]] == signatures[rows[:-1]]).all(axis=1)
    first = np.r_[True, ~repeats]
    group = np.cumsum(first) - 1
    group_near = np.bincount(group) >= 2
    heads = rows[first]
    for band in np.array_split(np.arange(n_perm), n_perm - least + 1):
        a, b = _pairs_in_runs(_row_keys(account[heads], signatures[heads][:, band]))
        close = (account[heads[a]] == account[heads[b]]) & (
            (signatures[heads[a]] == signatures[heads[b]]).sum(axis=1) >= least
        )
        group_near[a[close]] = True
        group_near[b[close]] = True
    near[rows] = group_near[group]
    return near


def _shared_templates(account: np.ndarray, templates: Sequence[str | None]) -> np.ndarray:
    """Per post, whether another post of its account has the same template."""
    keys = list(zip(account.tolist(), templates, strict=True))
    counts = Counter(key for key in keys if key[1] is not None)
    return np.fromiter((key[1] is not None and counts[key] > 1 for key in keys), dtype=bool, count=len(keys))
