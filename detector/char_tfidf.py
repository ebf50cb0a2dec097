"""Character n-gram TF-IDF of many texts at once, for a fixed (catalog-sized) vocabulary, without a Python loop.

``TfidfVectorizer(analyzer="char").transform`` walks every n-gram of every text in Python and raises a ``KeyError``
for each one outside the vocabulary: for post texts against a talking-point catalog that is nearly all of them, and
it was the cost of scoring. Here the texts of a batch are joined into one array of code points, every n-gram is
hashed with vectorized arithmetic, looked up in the sorted hashes of the vocabulary, and counted with one sort. The
result equals the vectorizer's (sublinear tf, the vectorizer's idf, l2 norm) for texts already lower-cased and
whitespace-collapsed, as ``normalize_text`` leaves them; a test holds it to that.

``best_lines`` scores texts against *lines* (groups of phrases) rather than single phrases, in the same one compiled
pass per text; ``detector.features.narrative`` documents the measure and why.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numba import njit
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["CharTfidf"]

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd, well mixed: collisions among a few thousand n-grams are nil
_OFFSET = np.uint64(0x632BE59BD9B4E019)
_SEPARATOR = 0  # normalized texts hold no NUL (it is not a word character), so it can join them
# A direct-address table on the low hash bits finds a vocabulary n-gram (or rejects a stranger) in one gather. The
# few vocabulary hashes that share their low bits go to a second table on the top bits, and any that collide there
# too are found by binary search. Low bits first: every character of an n-gram reaches them, while the top bits of a
# short n-gram are mostly its first character's, and two thirds of the vocabulary shared a top-bits slot.
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


def _term_hashes(terms: Sequence[str]) -> np.ndarray:
    """``_hash_windows(_codes(term), len(term))[0]`` of every term, computed per term length at once (a catalog's
    vocabulary has tens of thousands of n-grams, and one call each took a second of every matcher's fit)."""
    hashes = np.zeros(len(terms), dtype=np.uint64)
    lengths = np.array([len(term) for term in terms], dtype=np.int64)
    for n in np.unique(lengths):
        rows = np.flatnonzero(lengths == n)
        codes = _codes("".join(terms[i] for i in rows)).reshape(len(rows), int(n))
        h = codes[:, 0] + _OFFSET
        for k in range(1, int(n)):
            h = h * _MULTIPLIER + codes[:, k]
        hashes[rows] = h
    return hashes


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
        hashes = _term_hashes([term for term, _ in terms])
        order = np.argsort(hashes)
        self._hashes = hashes[order]
        self._term_ids = np.array([index for _, index in terms], dtype=np.int64)[order]
        if len(np.unique(self._hashes)) != len(self._hashes):
            raise ValueError("n-gram hash collision in the vocabulary")
        self.chunk_chars = chunk_chars
        self._build_tables()

    def _build_tables(self) -> None:
        self._table = _direct_table((self._hashes & _LOW_MASK).astype(np.int64))
        shared = np.flatnonzero(self._table[(self._hashes & _LOW_MASK).astype(np.int64)] == _SHARED)
        second = _direct_table((self._hashes[shared] >> _SHIFT).astype(np.int64))
        found = second >= 0  # the second table holds positions among ``shared``: made vocabulary positions
        second[found] = shared[second[found]]
        self._second = second

    # The lookup tables follow from the sorted hashes and this module's table size: they are rebuilt on loading,
    # never saved, so a model saved with another table size still finds its n-grams.
    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_table", None)
        state.pop("_second", None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        state.pop("_table", None)
        state.pop("_second", None)
        self.__dict__.update(state)
        self._build_tables()

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

    def best_phrases(self, texts: Sequence[str], phrases: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Per text, the column of ``phrases`` (terms x phrases, each phrase's l2-normalized TF-IDF) with the highest
        cosine, and that cosine: ``(self.transform(texts) @ phrases).toarray()``'s row argmax and max, bit for bit.

        One compiled pass per text (count its n-grams, weigh, normalize, add each term's phrase weights) instead of
        building the sparse matrices and their product: a third of the cost of scoring was there. The sums run in
        the order scipy's product runs them (a text's terms in descending order, each phrase row in its stored
        order), so the floats are the same and so are the scores; a test holds it to that."""
        if not texts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        codes = _codes("\x00".join(texts))
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))  # one separator after each text
        # 1 + log(count) for every count a text can reach, computed by numpy as the vectorizer path does.
        sublinear = np.concatenate(([0.0], 1.0 + np.log(np.arange(1, int(lengths.max()) + 2, dtype=np.float64))))
        phrases = phrases.tocsr()
        return _best_phrases_kernel(
            codes,
            starts,
            lengths,
            self.ngram_range[0],
            self.ngram_range[1],
            self._table,
            self._second,
            self._hashes,
            self._term_ids,
            self.idf,
            sublinear,
            phrases.indptr.astype(np.int64),
            phrases.indices.astype(np.int64),
            phrases.data.astype(np.float64),
            phrases.shape[1],
            _DE_BRUIJN_INDEX,
        )

    def best_lines(
        self,
        texts: Sequence[str],
        columns: sp.csr_matrix,
        owner: np.ndarray,
        oov_idf: float,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per text, the best line, its best phrase and its score.

        ``columns`` is terms x (phrases + lines): first each phrase's l2-normalized TF-IDF, then each line's phrase
        weights pooled by their maximum; ``owner`` gives the line of each phrase (so there are ``len(owner)`` phrase
        columns). A text's weights are its sublinear TF-IDF over the vocabulary, and its norm also counts every n-gram
        *outside* the vocabulary, once per occurrence, at ``oov_idf``: an n-gram no phrase has is evidence that the
        text says something else. With ``x`` the text's weights and ``|x|`` that full norm, for a phrase ``q``:

        - ``cos = x.q / |x|``: how much of the text the phrase accounts for;
        - ``cover = sum of q_t^2 over the phrase's n-grams the text has``: how much of the phrase the text holds;

        and for a line with pooled weights ``w``: ``pooled = min(1, x.w / |x|)``, how much of the text the line's
        wordings account for together. The score of a line is ``sqrt(sqrt(cover * cos) * pooled)`` for its best
        phrase, in [0, 1]; a text without an n-gram of the vocabulary scores 0. Terms whose rows of ``columns`` are
        empty count in the norm and match nothing."""
        if not texts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty.copy(), np.zeros(0)
        codes = _codes("\x00".join(texts))
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
        sublinear = np.concatenate(([0.0], 1.0 + np.log(np.arange(1, int(lengths.max()) + 2, dtype=np.float64))))
        columns = columns.tocsr()
        return _best_lines_kernel(
            codes,
            starts,
            lengths,
            self.ngram_range[0],
            self.ngram_range[1],
            self._table,
            self._second,
            self._hashes,
            self._term_ids,
            self.idf,
            sublinear,
            columns.indptr.astype(np.int64, copy=False),
            columns.indices.astype(np.int64, copy=False),
            columns.data.astype(np.float64, copy=False),
            len(owner),
            columns.shape[1] - len(owner),
            np.asarray(owner, dtype=np.int64),
            float(oov_idf) ** 2,
        )

    def _transform_chunk(self, texts: Sequence[str]) -> sp.csr_matrix:
        n_texts, n_terms = len(texts), len(self.idf)
        codes = _codes("\x00".join(texts)) if texts else np.zeros(0, dtype=np.uint64)
        separators = np.concatenate(([0], np.cumsum(codes == _SEPARATOR)))  # separators before each position
        rows, cols = [], []
        for n in range(self.ngram_range[0], self.ngram_range[1] + 1):
            if len(codes) < n:
                continue
            h = _hash_windows(codes, n)
            slot = self._table[(h & _LOW_MASK).astype(np.int64)]
            starts = np.flatnonzero(slot != _EMPTY)
            starts = starts[separators[starts + n] == separators[starts]]
            h, slot = h[starts], slot[starts].astype(np.int64)
            ambiguous = np.flatnonzero(slot == _SHARED)
            if len(ambiguous):
                slot[ambiguous] = self._second[(h[ambiguous] >> _SHIFT).astype(np.int64)]
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


# Bit ``i`` of a word isolated (``w & -w``) times this de Bruijn constant has ``i`` in its top six bits.
_DE_BRUIJN = np.uint64(0x03F79D71B4CB0A89)
_DE_BRUIJN_INDEX = np.zeros(64, dtype=np.int64)
for _bit in range(64):
    _DE_BRUIJN_INDEX[(((1 << _bit) * int(_DE_BRUIJN)) & 0xFFFF_FFFF_FFFF_FFFF) >> 58] = _bit


@njit(cache=True, nogil=True)
def _drain_sorted(bits: np.ndarray, out: np.ndarray, index: np.ndarray) -> int:
    """Write the positions of the set bits of ``bits`` to ``out`` in ascending order and clear them; return how many.

    A text's terms must be visited in sorted order (see ``best_phrases``): a bitmap over the vocabulary gives that
    order in one pass over its words, where sorting the hundred-odd terms of each text was a quarter of the kernel."""
    k = 0
    for word in range(len(bits)):
        w = bits[word]
        while w:
            lowest = w & (~w + np.uint64(1))
            out[k] = word * 64 + index[np.int64((lowest * _DE_BRUIJN) >> np.uint64(58))]
            k += 1
            w ^= lowest
        bits[word] = 0
    return k


@njit(cache=True, nogil=True)
def _pairwise_sum(values: np.ndarray) -> float:
    """numpy's float64 pairwise summation (``pairwise_sum`` in its loops), operation for operation: the sparse path
    sums a row's squares with ``np.add.reduceat``, which adds a segment's first value to this sum of the rest."""
    n = len(values)
    if n < 8:
        total = 0.0
        for value in values:
            total += value
        return total
    if n <= 128:
        r = values[:8].copy()
        i = 8
        while i < n - n % 8:
            for j in range(8):
                r[j] += values[i + j]
            i += 8
        total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n:
            total += values[i]
            i += 1
        return total
    half = n // 2
    half -= half % 8
    return _pairwise_sum(values[:half]) + _pairwise_sum(values[half:])


@njit(cache=True, nogil=True)
def _best_phrases_kernel(
    codes: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    n_min: int,
    n_max: int,
    table: np.ndarray,
    second: np.ndarray,
    hashes: np.ndarray,
    term_ids: np.ndarray,
    idf: np.ndarray,
    sublinear: np.ndarray,
    phrase_indptr: np.ndarray,
    phrase_indices: np.ndarray,
    phrase_data: np.ndarray,
    n_phrases: int,
    bit_index: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    n_texts = len(starts)
    best = np.zeros(n_texts, dtype=np.int64)
    best_similarity = np.zeros(n_texts, dtype=np.float64)
    counts = np.zeros(len(idf), dtype=np.int64)
    seen = np.zeros((len(idf) + 63) // 64, dtype=np.uint64)
    touched = np.empty(len(idf), dtype=np.int64)
    sums = np.zeros(n_phrases, dtype=np.float64)
    shift = np.uint64(64 - _TABLE_BITS)
    for text in range(n_texts):
        start, end = starts[text], starts[text] + lengths[text]
        k = 0
        for n in range(n_min, n_max + 1):
            for a in range(start, end - n + 1):
                h = codes[a] + _OFFSET
                for j in range(1, n):
                    h = h * _MULTIPLIER + codes[a + j]
                slot = np.int64(table[np.int64(h & _LOW_MASK)])
                if slot == _EMPTY:
                    continue
                if slot == _SHARED:
                    slot = np.int64(second[np.int64(h >> shift)])
                    if slot == _SHARED:
                        slot = min(np.searchsorted(hashes, h), len(hashes) - 1)
                    elif slot == _EMPTY:
                        continue
                if hashes[slot] != h:
                    continue
                term = term_ids[slot]
                if counts[term] == 0:
                    seen[term >> 6] |= np.uint64(1) << np.uint64(term & 63)
                    k += 1
                counts[term] += 1
        if k == 0:
            continue
        terms = touched[: _drain_sorted(seen, touched, bit_index)]
        squares = np.empty(k, dtype=np.float64)
        for index in range(k):
            weight = sublinear[counts[terms[index]]] * idf[terms[index]]
            squares[index] = weight * weight
        inverse = 1.0 / np.sqrt(squares[0] + _pairwise_sum(squares[1:]))  # the order np.add.reduceat adds in
        for term in terms[::-1]:  # the order scipy's product visits them (see ``best_phrases``)
            x = inverse * (sublinear[counts[term]] * idf[term])
            for q in range(phrase_indptr[term], phrase_indptr[term + 1]):
                sums[phrase_indices[q]] += x * phrase_data[q]
            counts[term] = 0
        top, top_value = 0, sums[0]
        for phrase in range(1, n_phrases):
            if sums[phrase] > top_value:
                top, top_value = phrase, sums[phrase]
        best[text], best_similarity[text] = top, top_value
        sums[:] = 0.0
    return best, best_similarity


@njit(cache=True, nogil=True)
def _best_lines_kernel(
    codes: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    n_min: int,
    n_max: int,
    table: np.ndarray,
    second: np.ndarray,
    hashes: np.ndarray,
    term_ids: np.ndarray,
    idf: np.ndarray,
    sublinear: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    n_phrases: int,
    n_lines: int,
    owner: np.ndarray,
    oov_square: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``CharTfidf.best_lines``: one pass per text, as ``_best_phrases_kernel`` plus the out-of-vocabulary count.

    Scores are compared as ``cover * cos * pooled^2``, the fourth power of the score, and only the winner's root is
    taken; a text's terms are visited in the order first seen (no float sum here needs to match another path's)."""
    n_texts = len(starts)
    best_line = np.zeros(n_texts, dtype=np.int64)
    best_phrase = np.zeros(n_texts, dtype=np.int64)
    best_score = np.zeros(n_texts, dtype=np.float64)
    counts = np.zeros(len(idf), dtype=np.int64)
    touched = np.empty(len(idf), dtype=np.int64)
    # Per column (phrases, then lines) the dot product and the coverage side by side, so that a posting touches one
    # cache line; a line's coverage is not used.
    sums = np.zeros((n_phrases + n_lines, 2), dtype=np.float64)
    squares = data * data
    line_value = np.zeros(n_lines, dtype=np.float64)
    line_phrase = np.zeros(n_lines, dtype=np.int64)
    shift = np.uint64(64 - _TABLE_BITS)
    for text in range(n_texts):
        start, end = starts[text], starts[text] + lengths[text]
        k = 0
        strangers = 0
        for a in range(start, end - n_min + 1):
            # The n-grams starting at ``a``, shortest first: each hash extends the one before by a character.
            h = codes[a] + _OFFSET
            for j in range(1, n_min - 1):
                h = h * _MULTIPLIER + codes[a + j]
            for n in range(n_min, min(n_max, end - a) + 1):
                h = h * _MULTIPLIER + codes[a + n - 1] if n > 1 else h
                slot = np.int64(table[np.int64(h & _LOW_MASK)])
                if slot == _EMPTY:
                    strangers += 1
                    continue
                if slot == _SHARED:
                    slot = np.int64(second[np.int64(h >> shift)])
                    if slot == _SHARED:
                        slot = min(np.searchsorted(hashes, h), len(hashes) - 1)
                    elif slot == _EMPTY:
                        strangers += 1
                        continue
                if hashes[slot] != h:
                    strangers += 1
                    continue
                term = term_ids[slot]
                if counts[term] == 0:
                    touched[k] = term
                    k += 1
                counts[term] += 1
        if k == 0:
            continue
        square = 0.0
        for index in range(k):
            term = touched[index]
            weight = sublinear[counts[term]] * idf[term]
            square += weight * weight
        inverse = 1.0 / np.sqrt(square + strangers * oov_square)
        for index in range(k):
            term = touched[index]
            x = inverse * (sublinear[counts[term]] * idf[term])
            for q in range(indptr[term], indptr[term + 1]):
                column = indices[q]
                sums[column, 0] += x * data[q]
                sums[column, 1] += squares[q]
            counts[term] = 0
        for phrase in range(n_phrases):
            value = sums[phrase, 0] * sums[phrase, 1]
            line = owner[phrase]
            if value > line_value[line]:
                line_value[line], line_phrase[line] = value, phrase
            sums[phrase, 0] = 0.0
            sums[phrase, 1] = 0.0
        top, top_value = 0, 0.0
        for line in range(n_lines):
            pooled = min(1.0, sums[n_phrases + line, 0])
            value = line_value[line] * pooled * pooled
            if value > top_value:
                top, top_value = line, value
            sums[n_phrases + line, 0] = 0.0
            sums[n_phrases + line, 1] = 0.0
            line_value[line] = 0.0
        best_line[text], best_phrase[text], best_score[text] = top, line_phrase[top], np.sqrt(np.sqrt(top_value))
    return best_line, best_phrase, best_score
