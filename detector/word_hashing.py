"""Hashed word and word-bigram counts of many documents in one compiled pass: the content family's hot path.

scikit-learn's ``HashingVectorizer`` with the content family's analyzer builds a Python string for every word and
bigram before hashing it; over a batch of two million posts that was most of the family's cost. This pass reads the
documents' UTF-8 bytes once and hashes each word and each pair of neighbouring words (joined by one space) with the
same 32-bit MurmurHash3 and the same column rule, so the counts are equal, column for column, to
``HashingVectorizer(analyzer=content.analyze, alternate_sign=False, norm=None)`` (a test holds it to that).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numba import njit

__all__ = ["BIGRAMS", "hash_word_counts"]

_SPACE = 32
_BREAK = 124  # "|", between posts: not a term
_DOC = 10  # "\n", between documents (normalized text holds none)


@njit(cache=True, nogil=True)
def _rotl(x: np.uint64, r: int) -> np.uint64:
    x &= np.uint64(0xFFFFFFFF)
    return ((x << np.uint64(r)) | (x >> np.uint64(32 - r))) & np.uint64(0xFFFFFFFF)


@njit(cache=True, nogil=True)
def _murmur3_32(data: np.ndarray, n: int) -> int:
    """MurmurHash3 x86 32-bit of ``data[:n]`` with seed 0, as a signed 32-bit integer."""
    mask = np.uint64(0xFFFFFFFF)
    c1 = np.uint64(0xCC9E2D51)
    c2 = np.uint64(0x1B873593)
    h = np.uint64(0)
    blocks = n // 4
    for i in range(blocks):
        k = (
            np.uint64(data[4 * i])
            | (np.uint64(data[4 * i + 1]) << np.uint64(8))
            | (np.uint64(data[4 * i + 2]) << np.uint64(16))
            | (np.uint64(data[4 * i + 3]) << np.uint64(24))
        )
        k = (k * c1) & mask
        k = _rotl(k, 15)
        k = (k * c2) & mask
        h ^= k
        h = _rotl(h, 13)
        h = (h * np.uint64(5) + np.uint64(0xE6546B64)) & mask
    tail = n & 3
    k = np.uint64(0)
    base = 4 * blocks
    if tail == 3:
        k ^= np.uint64(data[base + 2]) << np.uint64(16)
    if tail >= 2:
        k ^= np.uint64(data[base + 1]) << np.uint64(8)
    if tail >= 1:
        k ^= np.uint64(data[base])
        k = (k * c1) & mask
        k = _rotl(k, 15)
        k = (k * c2) & mask
        h ^= k
    h ^= np.uint64(n)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & mask
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & mask
    h ^= h >> np.uint64(16)
    signed = np.int64(h)
    return signed - 4294967296 if signed >= 2147483648 else signed


@njit(cache=True, nogil=True)
def _column(h: int, n_features: int) -> int:
    if h == -2147483648:  # abs() of it overflows int32: scikit-learn's rule
        return (2147483647 - (n_features - 1)) % n_features
    return abs(h) % n_features


@njit(cache=True, nogil=True)
def _is_ideograph(data: np.ndarray, start: int, length: int) -> bool:
    """One character in U+3040..U+9FFF (kana and CJK ideographs), as ``content.is_ideograph`` says of a word."""
    if length != 3:
        return False
    first = data[start]
    return (first == 0xE3 and data[start + 1] >= 0x81) or (0xE4 <= first <= 0xE9)


@njit(cache=True, nogil=True)
def _hash_pass(data: np.ndarray, n_features: int, bigrams: int) -> tuple[np.ndarray, np.ndarray]:
    """(document, column) of every word and bigram occurrence in ``data``: documents split by newline, words by
    spaces, a ``|`` word dropped (it ends a post: no pair spans it).
    ``bigrams``: 0 none, 1 every pair of neighbouring words, 2 pairs of neighbouring ideographs only."""
    n = len(data)
    docs = np.empty(n, dtype=np.int64)
    cols = np.empty(n, dtype=np.int64)
    scratch = np.empty(n + 1, dtype=np.uint8)
    count = 0
    doc = 0
    prev_start = -1
    prev_len = 0
    i = 0
    while i <= n:
        if i == n or data[i] == _DOC:
            prev_start = -1
            doc += 1
            i += 1
            continue
        if data[i] == _SPACE:
            i += 1
            continue
        start = i
        while i < n and data[i] != _SPACE and data[i] != _DOC:
            i += 1
        length = i - start
        if length == 1 and data[start] == _BREAK:
            prev_start = -1  # no pair spans two posts
            continue
        if count + 2 > len(docs):
            docs = np.concatenate((docs, np.empty(len(docs), dtype=np.int64)))
            cols = np.concatenate((cols, np.empty(len(cols), dtype=np.int64)))
        docs[count] = doc
        cols[count] = _column(_murmur3_32(data[start:i], length), n_features)
        count += 1
        pair = prev_start >= 0 and (
            bigrams == 1
            or (bigrams == 2 and _is_ideograph(data, start, length) and _is_ideograph(data, prev_start, prev_len))
        )
        if pair:
            for j in range(prev_len):
                scratch[j] = data[prev_start + j]
            scratch[prev_len] = _SPACE
            for j in range(length):
                scratch[prev_len + 1 + j] = data[start + j]
            docs[count] = doc
            cols[count] = _column(_murmur3_32(scratch, prev_len + 1 + length), n_features)
            count += 1
        prev_start = start
        prev_len = length
    return docs[:count], cols[:count]


BIGRAMS = {"none": 0, "all": 1, "cjk": 2}


def hash_word_counts(documents: Sequence[str], n_features: int, bigrams: str = "all") -> sp.csr_matrix:
    """Counts of each document's words and word bigrams (``bigrams``: ``all``, ``cjk``: between ideographs only,
    or ``none``), hashed into ``n_features`` columns (float32 CSR)."""
    if not documents:
        return sp.csr_matrix((0, n_features), dtype=np.float32)
    data = np.frombuffer("\n".join(documents).encode("utf-8", "surrogatepass"), dtype=np.uint8)
    docs, cols = _hash_pass(data, n_features, BIGRAMS[bigrams])
    values = np.ones(len(docs), dtype=np.float32)
    matrix = sp.csr_matrix((values, (docs, cols)), shape=(len(documents), n_features), dtype=np.float32)
    matrix.sum_duplicates()
    return matrix
