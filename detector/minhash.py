"""MinHash signatures of post texts, computed for many posts at once.

Two families need near-duplicate tests: repetition (an account against itself) and coordination (an account against
everyone else). Both compare MinHash signatures over shingles of the normalized text: word bigrams, or character
trigrams for Chinese and Japanese text, which has no spaces. Hashing the shingles is the only per-post Python work;
the permutations run as one numpy operation over every shingle of the batch.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from detector.text_normalize import normalize_text

__all__ = ["MinHasher", "comparable_text", "shingle_hashes"]

_PRIME = np.uint64((1 << 31) - 1)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_SEED = 20230218  # fixed: signatures must agree across processes, restarts and machines
_HASHTAG = re.compile(r"[#＃]\w+")


@lru_cache(maxsize=1 << 17)
def comparable_text(text: str) -> str:
    """Normalized text without hashtags, the commonest cosmetic change between copies of a line; a post made only
    of hashtags keeps them."""
    if "#" not in text and "＃" not in text:
        return normalize_text(text)
    return normalize_text(_HASHTAG.sub(" ", text)) or normalize_text(text)


@lru_cache(maxsize=1 << 17)
def shingle_hashes(normalized: str) -> tuple[int, ...]:
    """Distinct crc32 hashes of the shingles of already normalized text (a lone word is its own shingle)."""
    if _CJK.search(normalized):
        compact = normalized.replace(" ", "")
        shingles = {compact[i : i + 3] for i in range(len(compact) - 2)} or ({compact} if compact else set())
    else:
        words = normalized.split()
        shingles = {f"{a} {b}" for a, b in itertools.pairwise(words)} or set(words)
    return tuple(zlib.crc32(s.encode("utf-8")) for s in shingles)


class MinHasher:
    """``num_perm`` universal hash permutations, the same for every instance with the same ``num_perm``."""

    def __init__(self, num_perm: int = 32) -> None:
        rng = np.random.default_rng(_SEED)
        self.num_perm = num_perm
        self._a = rng.integers(1, int(_PRIME), size=num_perm, dtype=np.uint64)
        self._b = rng.integers(0, int(_PRIME), size=num_perm, dtype=np.uint64)

    def signatures(self, hashes: Sequence[Sequence[int]], *, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(signatures, n_shingles)``: one uint32 row of ``num_perm`` per text; texts without shingles get
        a row of the maximum value (never equal to a real one) and ``n_shingles`` 0. Texts go ``block`` at a time,
        so the (shingles x permutations) intermediate stays cache-sized."""
        counts = np.fromiter((len(h) for h in hashes), dtype=np.int64, count=len(hashes))
        out = np.full((len(hashes), self.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
        for start in range(0, len(hashes), block):
            part = counts[start : start + block]
            if not part.any():
                continue
            flat = np.fromiter(
                (x for h in hashes[start : start + block] for x in h), dtype=np.uint64, count=int(part.sum())
            )
            permuted = (flat[:, None] * self._a[None, :] + self._b[None, :]) % _PRIME
            nonempty = np.flatnonzero(part)
            offsets = np.concatenate(([0], np.cumsum(part)[:-1]))[nonempty]
            out[start + nonempty] = np.minimum.reduceat(permuted, offsets, axis=0).astype(np.uint32)
        return out, counts
