"""The posts of a batch of accounts in the forms the families compare, worked out once for all of them.

Narrative matching reads each post's normalized text; repetition and coordination compare MinHash signatures of its
comparable text (hashtags set aside). Computed per family, every post was normalized and hashed two or three times,
one account at a time. ``PostTexts`` holds them for a whole batch, in post order, so each family reads columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from detector.minhash import MinHasher, comparable_text, shingle_hash_batch
from detector.schema import Account
from detector.text_normalize import normalize_text

__all__ = ["PostTexts"]


@dataclass
class PostTexts:
    """Per post of ``accounts`` (account by account, each in ``account.posts`` order): its account's position,
    its time, its normalized and comparable texts, and (on first use, per number of permutations) its MinHash
    signature and shingle count."""

    account: np.ndarray  # int64 position of the post's account in the batch
    times: np.ndarray  # float64 unix seconds
    normalized: list[str]
    comparable: list[str]
    n_accounts: int
    _signatures: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, accounts: Sequence[Account]) -> PostTexts:
        posts = [post for account in accounts for post in account.posts]
        sizes = np.fromiter((len(account.posts) for account in accounts), dtype=np.int64, count=len(accounts))
        return cls(
            account=np.repeat(np.arange(len(accounts), dtype=np.int64), sizes),
            times=np.fromiter((p.created_at.timestamp() for p in posts), dtype=np.float64, count=len(posts)),
            normalized=[normalize_text(p.text) for p in posts],
            comparable=[comparable_text(p.text) for p in posts],
            n_accounts=len(accounts),
        )

    def __len__(self) -> int:
        return len(self.normalized)

    def signatures(self, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
        """``(signatures, n_shingles)`` of the comparable texts: uint32 rows of ``num_perm``, as
        ``MinHasher(num_perm).signatures`` gives them."""
        if num_perm not in self._signatures:
            hashes, counts = shingle_hash_batch(self.comparable)
            self._signatures[num_perm] = (MinHasher(num_perm).flat_signatures(hashes, counts), counts)
        return self._signatures[num_perm]
