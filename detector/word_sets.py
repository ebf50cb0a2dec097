"""Each post's set of words, kept beside its MinHash signature so that coordination compares posts exactly.

Near-duplicate coordination is defined as the exact Jaccard similarity of two posts' sets of distinct words (of their
comparable text: URLs, mentions, emoji, punctuation and hashtags set aside; character trigrams for Chinese and
Japanese, which have no spaces): close to the QUT coordination-network-toolkit's ``co_similar_tweet``, which takes
the Jaccard of lower-cased tokens but keeps punctuation, emoji, hashtags and the pieces of URLs as tokens. Word
bigrams (the earlier shingles) made one swapped word in a ten-word line cost two shingles of eleven (0.64), and a
32-permutation estimate put about one pair in twenty that met the threshold under it
(``bench/results/coordination-toolkit.md``). MinHash over the word sets now only proposes candidates (LSH bands);
``WordSets.jaccard`` decides.

A set is stored as the sorted, distinct crc32 hashes of its words, all posts' concatenated (``hashes``) with each
post's bounds in ``offsets``: about 4 bytes a word, and a merge of two sorted runs to compare.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numba import njit

from detector.minhash import MinHasher, batch_bytes, crc_table, shingle_hashes, sign_row
from detector.text_normalize import has_cjk

__all__ = ["WordSets", "word_hashes", "word_signatures"]


@lru_cache(maxsize=1 << 17)
def word_hashes(normalized: str) -> tuple[int, ...]:
    """Sorted distinct crc32 hashes of the words of already normalized text (character trigrams for CJK text)."""
    if has_cjk(normalized):
        return tuple(sorted(shingle_hashes(normalized)))  # trigrams, as repetition compares them
    return tuple(sorted({zlib.crc32(word.encode("utf-8")) for word in normalized.split()}))


@dataclass
class WordSets:
    """Word-hash sets of many posts: post ``i``'s are ``hashes[offsets[i]:offsets[i + 1]]``, sorted, distinct."""

    hashes: np.ndarray  # uint32
    offsets: np.ndarray  # int64, one more than the posts

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @classmethod
    def from_hashes(cls, sets: Sequence[Sequence[int]]) -> WordSets:
        distinct = [sorted(set(s)) for s in sets]
        counts = np.fromiter(map(len, distinct), dtype=np.int64, count=len(distinct))
        flat = np.fromiter((h for s in distinct for h in s), dtype=np.uint32, count=int(counts.sum()))
        return cls(flat, np.r_[0, np.cumsum(counts)].astype(np.int64))

    @classmethod
    def empty(cls, n: int) -> WordSets:
        return cls(np.zeros(0, np.uint32), np.zeros(n + 1, np.int64))

    def of(self, row: int) -> np.ndarray:
        return self.hashes[self.offsets[row] : self.offsets[row + 1]]

    def sizes(self) -> np.ndarray:
        return np.diff(self.offsets)

    def take(self, rows: np.ndarray) -> WordSets:
        rows = np.asarray(rows, dtype=np.int64)
        return WordSets(*_take_kernel(self.hashes, self.offsets, rows))

    @classmethod
    def concat(cls, sets: Sequence[WordSets]) -> WordSets:
        if not sets:
            return cls.empty(0)
        starts = np.cumsum([0, *(len(s.hashes) for s in sets)])[:-1]
        offsets = [s.offsets[:-1] + start for s, start in zip(sets, starts, strict=True)]
        total = sum(len(s.hashes) for s in sets)
        return cls(np.concatenate([s.hashes for s in sets]), np.r_[np.concatenate(offsets), total].astype(np.int64))

    def jaccard(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Exact Jaccard similarity of the sets of rows ``first[k]`` and ``second[k]`` (0 when both are empty)."""
        return _jaccard_kernel(self.hashes, self.offsets, np.asarray(first, np.int64), np.asarray(second, np.int64))


@njit(cache=True, nogil=True)
def _take_kernel(hashes: np.ndarray, offsets: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    new_offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    for k in range(len(rows)):
        new_offsets[k + 1] = new_offsets[k] + offsets[rows[k] + 1] - offsets[rows[k]]
    taken = np.empty(new_offsets[-1], dtype=hashes.dtype)
    for k in range(len(rows)):
        taken[new_offsets[k] : new_offsets[k + 1]] = hashes[offsets[rows[k]] : offsets[rows[k] + 1]]
    return taken, new_offsets


@njit(cache=True, nogil=True)
def _jaccard_kernel(hashes: np.ndarray, offsets: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    # A merge of two sorted runs per pair: a post holds tens of words, so this is a few hundred nanoseconds a pair.
    out = np.zeros(len(first), dtype=np.float64)
    for k in range(len(first)):
        i, i_end = offsets[first[k]], offsets[first[k] + 1]
        j, j_end = offsets[second[k]], offsets[second[k] + 1]
        union = (i_end - i) + (j_end - j)
        if union == 0:
            continue
        shared = 0
        while i < i_end and j < j_end:
            if hashes[i] == hashes[j]:
                shared += 1
                i += 1
                j += 1
            elif hashes[i] < hashes[j]:
                i += 1
            else:
                j += 1
        out[k] = shared / (union - shared)
    return out


@njit(cache=True, nogil=True)
def _sort_distinct(values: np.ndarray, n: int) -> int:
    """Sort ``values[:n]`` in place and keep each value once at the front; return how many. A post has tens of
    words: an insertion sort in place took the word pass from 0.46 to 0.27 s at 100,000 posts, where ``np.unique``
    sorted a new array per text. Long texts still take the ``n log n`` sort."""
    if n > 64:
        distinct = np.unique(values[:n])
        values[: len(distinct)] = distinct
        return len(distinct)
    for i in range(1, n):
        value, j = values[i], i
        while j > 0 and values[j - 1] > value:
            values[j] = values[j - 1]
            j -= 1
        values[j] = value
    kept = min(n, 1)
    for i in range(1, n):
        if values[i] != values[kept - 1]:
            values[kept] = values[i]
            kept += 1
    return kept


@njit(cache=True, nogil=True)
def _has_cjk(data: np.ndarray, start: int, end: int) -> bool:
    """Whether UTF-8 bytes ``data[start:end]`` hold a code point ``has_cjk`` looks for (U+3040-U+30FF, U+3400-U+9FFF,
    all three bytes long, led by 0xE3-0xE9): ``cjk_mask`` searched each text with a regular expression, which was
    half of this pass."""
    for position in range(start, end - 2):
        lead = data[position]
        if 0xE3 <= lead <= 0xE9:
            point = ((lead & 0x0F) << 12) | ((data[position + 1] & 0x3F) << 6) | (data[position + 2] & 0x3F)
            if 0x3040 <= point <= 0x30FF or 0x3400 <= point <= 0x9FFF:
                return True
    return False


@njit(cache=True, nogil=True)
def _word_kernel(
    data: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    capacity: int,
    a: np.ndarray,
    b: np.ndarray,
    table: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MinHash rows, sorted distinct word hashes (flat) and their offsets of each text (UTF-8 bytes
    ``data[starts[i]:starts[i] + lengths[i]]``, words separated by single spaces), and which texts are CJK (left
    empty here: their shingles are character trigrams)."""
    n_texts, n_perm = len(starts), len(a)
    signatures = np.full((n_texts, n_perm), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    offsets = np.zeros(n_texts + 1, dtype=np.int64)
    flat = np.empty(capacity, dtype=np.uint32)
    hashes = np.empty(max(int(lengths.max()) // 2 + 1, 1) if n_texts else 1, dtype=np.uint32)
    best = np.empty(n_perm, dtype=np.uint64)
    cjk = np.zeros(n_texts, dtype=np.bool_)
    at = 0
    for text in range(n_texts):
        cjk[text] = _has_cjk(data, starts[text], starts[text] + lengths[text])
        if not cjk[text] and lengths[text] > 0:
            k = 0
            crc = np.uint32(0xFFFFFFFF)
            for position in range(starts[text], starts[text] + lengths[text] + 1):
                if position < starts[text] + lengths[text] and data[position] != 32:
                    crc = table[(crc ^ data[position]) & 0xFF] ^ (crc >> 8)
                    continue
                hashes[k] = crc ^ np.uint32(0xFFFFFFFF)
                k += 1
                crc = np.uint32(0xFFFFFFFF)
            k = _sort_distinct(hashes, k)
            flat[at : at + k] = hashes[:k]
            at += k
            sign_row(signatures[text], hashes, k, a, b, best)
        offsets[text + 1] = at
    return signatures, flat[:at].copy(), offsets, cjk


def word_signatures(normalized: Sequence[str], num_perm: int = 32) -> tuple[np.ndarray, WordSets]:
    """``(signatures, word sets)`` of already normalized texts: the MinHash rows ``MinHasher(num_perm)`` gives for
    their ``word_hashes``, and the hashes themselves, in one compiled pass (CJK texts take the per-text path)."""
    hasher = MinHasher(num_perm)
    if not normalized:
        return np.zeros((0, num_perm), dtype=np.uint32), WordSets.empty(0)
    data, starts, lengths = batch_bytes(normalized)
    capacity = int(np.count_nonzero(data == 32)) + len(normalized)  # words: at most spaces + 1 per text
    signatures, flat, offsets, cjk = _word_kernel(data, starts, lengths, capacity, hasher._a, hasher._b, crc_table)
    sets = WordSets(flat, offsets)
    rest = np.flatnonzero(cjk)
    if len(rest):
        rest_hashes = [word_hashes(normalized[i]) for i in rest.tolist()]
        signatures[rest] = hasher.signatures(rest_hashes)[0]
        rows = np.arange(len(normalized), dtype=np.int64)
        rows[rest] = len(normalized) + np.arange(len(rest))
        sets = WordSets.concat([sets, WordSets.from_hashes(rest_hashes)]).take(rows)
    return signatures, sets
