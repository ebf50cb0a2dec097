"""Character n-gram TF-IDF of many texts at once, for a fixed (catalog-sized) vocabulary, without a Python loop.

``TfidfVectorizer(analyzer="char").transform`` walks every n-gram of every text in Python and raises a ``KeyError``
for each one outside the vocabulary: for post texts against a talking-point catalog that is nearly all of them, and
it was the cost of scoring. Here the texts of a batch are joined into one array of code points, every n-gram is
hashed with vectorized arithmetic, looked up in the sorted hashes of the vocabulary, and counted with one sort. The
result equals the vectorizer's (sublinear tf, the vectorizer's idf, l2 norm) for texts already lower-cased and
whitespace-collapsed, as ``normalize_text`` leaves them; a test holds it to that.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["CharTfidf"]

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd, well mixed: collisions among a few thousand n-grams are nil
_OFFSET = np.uint64(0x632BE59BD9B4E019)
_SEPARATOR = 0  # normalized texts hold no NUL (it is not a word character), so it can join them
# A direct-address table on the top hash bits finds a vocabulary n-gram (or rejects a stranger) in one gather. The
# few vocabulary hashes that share their top bits go to a second table on lower bits, and any that collide there too
# are found by binary search.
_TABLE_BITS = 20
_SHIFT = np.uint64(64 - _TABLE_BITS)
_LOW_MASK = np.uint64((1 << _TABLE_BITS) - 1)
_EMPTY, _SHARED = -1, -2


def _direct_table(keys: np.ndarray) -> np.ndarray:
    """Table of ``1 << _TABLE_BITS`` slots holding each key's position, ``_SHARED`` where keys collide."""
    table = np.full(1 << _TABLE_BITS, _EMPTY, dtype=np.int32)
    table[keys] = np.arange(len(keys), dtype=np.int32)
    values, counts = np.unique(keys, return_counts=True)
    table[values[counts > 1]] = _SHARED
    return table


def _hash_windows(codes: np.ndarray, n: int) -> np.ndarray:
    """Hash of each length-``n`` window of ``codes`` (uint64, wrapping), for windows starting at 0..len-n."""
    windows = len(codes) - n + 1
    h = codes[:windows] + _OFFSET
    for k in range(1, n):
        h = h * _MULTIPLIER + codes[k : k + windows]
    return h


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


class CharTfidf:
    """A fitted character TfidfVectorizer's vocabulary and idf, applied fast to new texts."""

    def __init__(self, vectorizer: TfidfVectorizer, *, chunk_chars: int = 2_000_000) -> None:
        if vectorizer.analyzer != "char" or not vectorizer.sublinear_tf or vectorizer.norm != "l2":
            raise ValueError("CharTfidf reproduces analyzer='char', sublinear_tf=True, norm='l2' only")
        self.ngram_range = vectorizer.ngram_range
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        terms = list(vectorizer.vocabulary_.items())
        hashes = np.array([_hash_windows(_codes(term), len(term))[0] for term, _ in terms], dtype=np.uint64)
        order = np.argsort(hashes)
        self._hashes = hashes[order]
        self._term_ids = np.array([index for _, index in terms], dtype=np.int64)[order]
        if len(np.unique(self._hashes)) != len(self._hashes):
            raise ValueError("n-gram hash collision in the vocabulary")
        self._table = _direct_table((self._hashes >> _SHIFT).astype(np.int64))
        shared = np.flatnonzero(self._table[(self._hashes >> _SHIFT).astype(np.int64)] == _SHARED)
        second = _direct_table((self._hashes[shared] & _LOW_MASK).astype(np.int64))
        self._second = np.where(second >= 0, shared[np.maximum(second, 0)], second).astype(np.int32)
        self.chunk_chars = chunk_chars

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Rows of l2-normalized sublinear TF-IDF over the vocabulary, one per text."""
        parts, start, size = [], 0, 0
        for end, text in enumerate(texts, start=1):
            size += len(text) + 1
            if size >= self.chunk_chars:
                parts.append(self._transform_chunk(texts[start:end]))
                start, size = end, 0
        if start < len(texts) or not parts:
            parts.append(self._transform_chunk(texts[start:]))
        return sp.vstack(parts, format="csr") if len(parts) > 1 else parts[0]

    def _transform_chunk(self, texts: Sequence[str]) -> sp.csr_matrix:
        n_texts, n_terms = len(texts), len(self.idf)
        codes = _codes("\x00".join(texts)) if texts else np.zeros(0, dtype=np.uint64)
        separators = np.concatenate(([0], np.cumsum(codes == _SEPARATOR)))  # separators before each position
        rows, cols = [], []
        for n in range(self.ngram_range[0], self.ngram_range[1] + 1):
            if len(codes) < n:
                continue
            h = _hash_windows(codes, n)
            slot = self._table[(h >> _SHIFT).astype(np.int64)]
            starts = np.flatnonzero(slot != _EMPTY)
            starts = starts[separators[starts + n] == separators[starts]]
            h, slot = h[starts], slot[starts].astype(np.int64)
            ambiguous = np.flatnonzero(slot == _SHARED)
            if len(ambiguous):
                slot[ambiguous] = self._second[(h[ambiguous] & _LOW_MASK).astype(np.int64)]
                still = ambiguous[slot[ambiguous] == _SHARED]
                slot[still] = np.minimum(np.searchsorted(self._hashes, h[still]), len(self._hashes) - 1)
                slot[slot == _EMPTY] = 0  # not in the vocabulary: the equality test below rejects it
            found = self._hashes[slot] == h
            rows.append(separators[starts[found]])
            cols.append(self._term_ids[slot[found]])
        if not rows:
            return sp.csr_matrix((n_texts, n_terms))
        row, col = np.concatenate(rows), np.concatenate(cols)
        # Building a CSR matrix from (row, col) pairs sums the duplicates: the counts, in compiled code.
        matrix = sp.csr_matrix((np.ones(len(row)), (row, col)), shape=(n_texts, n_terms))
        matrix.sum_duplicates()
        matrix.data = (1.0 + np.log(matrix.data)) * self.idf[matrix.indices]
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)
