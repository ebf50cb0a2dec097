"""MinHash signatures of post texts, computed for many posts at once.

Repetition (an account against itself) and talking-point discovery compare MinHash signatures over shingles of the
normalized text: word bigrams, or character trigrams for Chinese and Japanese text, which has no spaces.
``shingle_hashes`` and ``MinHasher.signatures`` are the definition, one text at a time; ``minhash_signatures``
computes the same for a whole batch in compiled code. Coordination (an account against everyone else) signs sets of
words instead, with the same permutations, and keeps the sets to compare them exactly (``detector/word_sets.py``).
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from numba import njit

from detector.text_normalize import cjk_mask, has_cjk, normalize_text, normalize_texts

__all__ = [
    "MinHasher",
    "batch_bytes",
    "comparable_text",
    "comparable_texts",
    "crc_table",
    "minhash_signatures",
    "mod_prime",
    "shingle_hashes",
    "sign_row",
]

_PRIME = np.uint64((1 << 31) - 1)
_SEED = 20230218  # fixed: signatures must agree across processes, restarts and machines
_HASHTAG = re.compile(r"[#＃]\w+")


@lru_cache(maxsize=1 << 17)
def comparable_text(text: str) -> str:
    """Normalized text without hashtags, the commonest cosmetic change between copies of a line; a post made only
    of hashtags keeps them."""
    if "#" not in text and "＃" not in text:
        return normalize_text(text)
    return normalize_text(_HASHTAG.sub(" ", text)) or normalize_text(text)


def comparable_texts(texts: Sequence[str], normalized: Sequence[str]) -> list[str]:
    """``[comparable_text(t) for t in texts]`` for many texts at once, given their ``normalize_texts``."""
    tagged = [i for i, text in enumerate(texts) if "#" in text or "＃" in text]
    comparable = list(normalized)
    stripped = normalize_texts([_HASHTAG.sub(" ", texts[i]) for i in tagged])
    for i, text in zip(tagged, stripped, strict=True):
        comparable[i] = text or normalized[i]
    return comparable


@lru_cache(maxsize=1 << 17)
def shingle_hashes(normalized: str) -> tuple[int, ...]:
    """Distinct crc32 hashes of the shingles of already normalized text (a lone word is its own shingle)."""
    if has_cjk(normalized):
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

    def signatures(self, hashes: Sequence[Sequence[int]], *, block: int = 256) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(signatures, n_shingles)``: one uint32 row of ``num_perm`` per text; texts without shingles get
        a row of the maximum value (never equal to a real one) and ``n_shingles`` 0."""
        counts = np.fromiter((len(h) for h in hashes), dtype=np.int64, count=len(hashes))
        flat = np.fromiter(itertools.chain.from_iterable(hashes), dtype=np.uint64, count=int(counts.sum()))
        return self.flat_signatures(flat, counts, block=block), counts

    def flat_signatures(self, flat: np.ndarray, counts: np.ndarray, *, block: int = 256) -> np.ndarray:
        """``signatures`` of texts whose shingle hashes are concatenated in ``flat``, ``counts[i]`` of them for text
        ``i``. Texts go ``block`` at a time, so the (shingles x permutations) intermediate stays in cache: 256 texts
        took half the time of 2048 here."""
        out = np.full((len(counts), self.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
        starts = np.concatenate(([0], np.cumsum(counts)))
        for start in range(0, len(counts), block):
            part = counts[start : start + block]
            if not part.any():
                continue
            lo = starts[start]
            values = flat[lo : starts[start + len(part)]]
            permuted = values[:, None] * self._a[None, :]
            permuted += self._b[None, :]
            permuted %= _PRIME
            nonempty = np.flatnonzero(part)
            offsets = starts[start : start + len(part)][nonempty] - lo
            out[start + nonempty] = np.minimum.reduceat(permuted, offsets, axis=0).astype(np.uint32)
        return out


def _crc_entry(byte: int) -> int:
    value = byte
    for _ in range(8):
        value = (value >> 1) ^ 0xEDB88320 if value & 1 else value >> 1
    return value


crc_table = np.array([_crc_entry(byte) for byte in range(256)], dtype=np.uint32)  # zlib.crc32's, for compiled code


@njit(cache=True, nogil=True, inline="always")
def mod_prime(x: np.uint64) -> np.uint64:
    """``x mod (2**31 - 1)`` without dividing, for ``x < 2**62`` (a permuted hash before its reduction)."""
    x = (x & np.uint64(0x7FFFFFFF)) + (x >> np.uint64(31))
    x = (x & np.uint64(0x7FFFFFFF)) + (x >> np.uint64(31))
    if x >= np.uint64(0x7FFFFFFF):
        x -= np.uint64(0x7FFFFFFF)
    return x


@njit(cache=True, nogil=True, inline="always")
def sign_row(row: np.ndarray, hashes: np.ndarray, n: int, a: np.ndarray, b: np.ndarray, best: np.ndarray) -> None:
    """Write into ``row`` the MinHash of the distinct shingle hashes ``hashes[:n]`` (left as it is when ``n`` is 0);
    ``best`` is room for one uint64 per permutation."""
    if n == 0:
        return
    best[:] = np.uint64(0xFFFFFFFFFFFFFFFF)
    for q in range(n):
        h = np.uint64(hashes[q])
        for p in range(len(a)):
            x = mod_prime(a[p] * h + b[p])
            if x < best[p]:
                best[p] = x
    for p in range(len(a)):
        row[p] = np.uint32(best[p])


@njit(cache=True, nogil=True)
def _bigram_signatures_kernel(
    data: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    skip: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    crc_table: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """MinHash rows of the word bigrams of each text (UTF-8 bytes ``data[starts[i]:starts[i] + lengths[i]]``, words
    separated by single spaces), skipping ``skip`` texts: the values ``flat_signatures`` gives for the distinct crc32
    hashes ``shingle_hashes`` finds."""
    n_texts, n_perm = len(starts), len(a)
    signatures = np.full((n_texts, n_perm), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    counts = np.zeros(n_texts, dtype=np.int64)
    hashes = np.empty(max(int(lengths.max()) // 2 + 1, 1) if n_texts else 1, dtype=np.uint64)
    best = np.empty(n_perm, dtype=np.uint64)
    for text in range(n_texts):
        if skip[text]:
            continue
        start, end = starts[text], starts[text] + lengths[text]
        k = 0
        word_start = start
        previous_start = -1
        for position in range(start, end + 1):
            if position < end and data[position] != 32:
                continue
            if previous_start >= 0:  # the bigram from the previous word's start to this word's end
                crc = np.uint32(0xFFFFFFFF)
                for q in range(previous_start, position):
                    crc = crc_table[(crc ^ data[q]) & 0xFF] ^ (crc >> 8)
                hashes[k] = np.uint64(crc ^ np.uint32(0xFFFFFFFF))
                k += 1
            previous_start = word_start
            word_start = position + 1
        distinct = np.unique(hashes[:k])
        counts[text] = len(distinct)
        sign_row(signatures[text], distinct, len(distinct), a, b, best)
    return signatures, counts


def batch_bytes(normalized: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(data, starts, lengths)``: one UTF-8 encoding of the batch, cut at the newlines that join it (normalized text
    holds none), text ``i`` being ``data[starts[i]:starts[i] + lengths[i]]``."""
    data = np.frombuffer("\n".join(normalized).encode("utf-8"), dtype=np.uint8)
    breaks = np.flatnonzero(data == 10)
    if len(breaks) != len(normalized) - 1:
        raise ValueError("normalized texts hold no newline")
    starts = np.r_[0, breaks + 1]
    return data, starts, np.r_[breaks, len(data)] - starts


def minhash_signatures(normalized: Sequence[str], num_perm: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """``(signatures, n_shingles)`` of already normalized texts: what ``MinHasher(num_perm).signatures`` gives for
    their ``shingle_hashes``, with the word bigrams hashed and permuted in one compiled pass per text (no Python
    string per bigram, no array of every shingle times every permutation). CJK texts and texts of fewer than two
    words take the per-text path."""
    hasher = MinHasher(num_perm)
    if not normalized:
        return np.zeros((0, num_perm), dtype=np.uint32), np.zeros(0, dtype=np.int64)
    data, starts, lengths = batch_bytes(normalized)
    # Spaces per text by searching their positions: a running count of the whole batch's bytes (``np.cumsum`` of a
    # boolean array, which numpy adds one int64 at a time) was a fifth of ``post_table``.
    spaces = np.flatnonzero(data == 32)
    words = np.where(lengths > 0, np.searchsorted(spaces, starts + lengths) - np.searchsorted(spaces, starts) + 1, 0)
    other = (words < 2) | cjk_mask(normalized)
    signatures, counts = _bigram_signatures_kernel(data, starts, lengths, other, hasher._a, hasher._b, crc_table)
    rest = np.flatnonzero(other)
    if len(rest):
        rest_signatures, rest_counts = hasher.signatures([shingle_hashes(normalized[i]) for i in rest.tolist()])
        signatures[rest], counts[rest] = rest_signatures, rest_counts
    return signatures, counts
