"""Repetition features: how much an account repeats itself.

Operated accounts post the same few lines again and again with cosmetic changes (a new emoji, another hashtag), and
fill templates ("Day 12: China's diplomacy ..."). Near-duplicates are posts whose normalized texts agree on at least
``near_duplicate_similarity`` of their MinHash signature (an estimate of the Jaccard similarity of their shingles),
identical texts included however short, hashtags set aside; a template is a post's opening and closing words with
numbers removed.
Neither share grows with the number of posts by itself, so an organic account with a long history does not look
repetitive just for having one.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import ClassVar

import numpy as np

from detector.features._base import AccountFeatures
from detector.minhash import MinHasher, comparable_text, shingle_hashes
from detector.schema import Account

__all__ = ["RepetitionFeatures"]

_DIGITS = re.compile(r"\d+")


def _template(normalized: str) -> str | None:
    words = _DIGITS.sub(" ", normalized).split()
    if len(words) < 6:
        return None
    return " ".join([*words[:4], "…", *words[-2:]])


class RepetitionFeatures(AccountFeatures):
    """Self-duplication of an account's posts.

    Parameters
    ----------
    near_duplicate_similarity : float, default=0.8
        Share of agreeing MinHash values from which two posts are near-duplicates.
    max_posts : int, default=1000
        Only the most recent ``max_posts`` posts are compared, so cost stays bounded (the comparison is quadratic).

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

    def _account_row(self, account: Account) -> list[float]:
        posts = sorted(account.posts, key=lambda p: p.created_at)[-self.max_posts :]
        if len(posts) < 2:
            return [np.nan] * len(self.feature_names)
        texts = [comparable_text(p.text) for p in posts]
        signatures, counts = _HASHER.signatures([shingle_hashes(t) for t in texts])
        agreement = np.zeros((len(texts), len(texts)))
        for start in range(0, len(texts), 256):  # bounded memory: 256 x n x num_perm booleans at a time
            block = signatures[start : start + 256]
            agreement[start : start + 256] = (block[:, None, :] == signatures[None, :, :]).mean(axis=2)
        agreement[:, counts == 0] = 0.0  # a post with no words (a bare link) duplicates nothing
        agreement[counts == 0, :] = 0.0
        np.fill_diagonal(agreement, 0.0)
        near = agreement.max(axis=1) >= self.near_duplicate_similarity
        templates = [_template(t) for t in texts]
        repeated = Counter(t for t in templates if t is not None)
        return [
            float(near.mean()),
            sum(1 for t in templates if t is not None and repeated[t] > 1) / len(texts),
        ]


_HASHER = MinHasher()
