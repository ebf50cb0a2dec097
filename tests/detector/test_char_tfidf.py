"""Catalog matching's fast paths give what scikit-learn's vectorizer and scipy's product give."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from detector.char_tfidf import _DE_BRUIJN_INDEX, CharTfidf, _drain_sorted
from detector.compiled import compile_kernels
from detector.features.narrative import NarrativeFeatures
from detector.text_normalize import normalize_text
from ingest.synthetic import generate_corpus

TRICKY = [
    "",
    "a",
    "ab",
    "non-interference in internal affairs is a basic principle of china's diplomacy",
    "stop smearing and attacking china " * 40,  # repeated n-grams (counts above 1), hundreds of distinct terms
    "所谓中国干预加拿大选举的报道毫无根据纯属抹黑",
    "mixed 中文 and english",
    "zzzz qqqq xxxx",  # nothing in the vocabulary
]


@pytest.fixture(scope="module")
def narrative(catalog) -> NarrativeFeatures:
    return NarrativeFeatures(catalog=catalog).fit([])


@pytest.fixture(scope="module")
def texts() -> list[str]:
    corpus = generate_corpus(seed=5, n_accounts=40)
    return [normalize_text(p.text) for item in corpus for p in item.account.posts] + TRICKY


@pytest.mark.parametrize("ngram_range", [(2, 4), (1, 3)])
def test_vectorized_tfidf_equals_the_fitted_vectorizer(catalog, texts, ngram_range) -> None:
    phrases = [normalize_text(p) for tp in catalog.talking_points for ps in tp.phrases.values() for p in ps]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=ngram_range, sublinear_tf=True).fit(phrases)
    expected = vectorizer.transform(texts).toarray()
    np.testing.assert_allclose(CharTfidf(vectorizer).transform(texts).toarray(), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("script", ["alphabetic", "cjk"])
def test_best_phrases_equal_the_sparse_product_bit_for_bit(narrative, texts, script) -> None:
    fast, phrases = (
        (narrative.char_tfidf_, narrative.phrase_vectors_)
        if script == "alphabetic"
        else (narrative.cjk_tfidf_, narrative.cjk_phrase_vectors_)
    )
    dense = (fast.transform(texts) @ phrases).toarray()
    best, similarity = fast.best_phrases(texts, phrases)
    np.testing.assert_array_equal(best, dense.argmax(axis=1))
    np.testing.assert_array_equal(similarity, dense.max(axis=1))
    assert (similarity > 0.4).any() and (similarity == 0).any()  # matches and strangers both covered


def _reference_best_lines(
    vectorizer: TfidfVectorizer, texts: list[str], columns: sp.csr_matrix, owner: np.ndarray, oov_idf: float
) -> tuple[np.ndarray, np.ndarray]:
    """``best_lines`` as its docstring defines it, in plain sparse algebra over every phrase and line: per text, the
    fourth power of each line's score (texts x lines) and the score of its best line."""
    analyzer, vocabulary = vectorizer.build_analyzer(), vectorizer.vocabulary_
    rows, cols, strangers = [], [], np.zeros(len(texts))
    for row, text in enumerate(texts):
        for gram in analyzer(text):
            if gram in vocabulary:
                rows.append(row)
                cols.append(vocabulary[gram])
            else:
                strangers[row] += 1
    counts = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(vocabulary)))
    counts.sum_duplicates()
    weights = counts.copy()
    weights.data = (1.0 + np.log(weights.data)) * vectorizer.idf_[weights.indices]
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel() + strangers * oov_idf**2)
    norms[norms == 0] = 1.0
    x = sp.diags(1.0 / norms) @ weights
    has = (counts > 0).astype(np.float64)
    n_phrases = len(owner)
    cosine = (x @ columns[:, :n_phrases]).toarray()
    cover = (has @ columns[:, :n_phrases].multiply(columns[:, :n_phrases])).toarray()
    pooled = np.minimum(1.0, (x @ columns[:, n_phrases:]).toarray())
    fourth = (
        np.stack([(cosine * cover)[:, owner == line].max(axis=1) for line in range(pooled.shape[1])], axis=1)
        * pooled**2
    )
    return fourth, np.sqrt(np.sqrt(fourth.max(axis=1)))


@pytest.mark.parametrize("script", ["alphabetic", "cjk"])
@pytest.mark.parametrize("floor", [0.0, 0.3])
def test_best_lines_equal_the_plain_definition_with_or_without_a_floor(
    narrative, catalog, texts, script, floor
) -> None:
    """Line scoring prunes lines that cannot win (and, with a floor, texts that cannot reach it) before adding
    phrase postings: the scores above the floor stay those of scoring every phrase of every line."""
    fast, columns, ngram_range = (
        (narrative.char_tfidf_, narrative.columns_, narrative.ngram_range)
        if script == "alphabetic"
        else (narrative.cjk_tfidf_, narrative.cjk_columns_, narrative.cjk_ngram_range)
    )
    phrases = [
        normalize_text(text)
        for tp in catalog.talking_points
        for text in [tp.title, *(p for ps in tp.phrases.values() for p in ps)]
    ]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=ngram_range, sublinear_tf=True).fit(phrases)
    np.testing.assert_array_equal(vectorizer.idf_, fast.idf)
    owner = narrative.phrase_owner_
    fourth, expected = _reference_best_lines(vectorizer, texts, columns, owner, narrative.oov_idf_)
    line, phrase, score = fast.best_lines(texts, columns, owner, narrative.oov_idf_, floor=floor)
    kept = expected >= floor
    np.testing.assert_allclose(score[kept], expected[kept], rtol=0, atol=1e-9)
    assert (score[~kept] == 0).all() and (line[~kept] == 0).all()
    # The best line, where no other comes within rounding of it, and a phrase of that line that attains its score.
    ordered = np.sort(fourth, axis=1)
    clear = kept & (ordered[:, -1] - ordered[:, -2] > 1e-9) & (expected > 0)
    np.testing.assert_array_equal(line[clear], fourth[clear].argmax(axis=1))
    assert (owner[phrase[clear]] == line[clear]).all()
    assert clear.sum() > len(texts) / 10 and (~kept).any() == (floor > 0)


def test_a_saved_matcher_rebuilds_its_lookup_tables_on_loading(narrative, texts) -> None:
    fast = narrative.char_tfidf_
    state = fast.__getstate__()
    assert "_table" not in state and "_second" not in state  # derived data is never saved
    loaded = pickle.loads(pickle.dumps(fast))
    np.testing.assert_array_equal(loaded.transform(texts).toarray(), fast.transform(texts).toarray())


@given(st.sets(st.integers(0, 64 * 5 - 1)))
def test_a_texts_terms_come_out_of_the_bitmap_sorted_and_the_bitmap_empty(terms: set[int]) -> None:
    bits = np.zeros(5, dtype=np.uint64)
    for term in terms:
        bits[term >> 6] |= np.uint64(1) << np.uint64(term & 63)
    out = np.full(len(terms) + 1, -1, dtype=np.int64)
    count = _drain_sorted(bits, out, _DE_BRUIJN_INDEX)
    assert out[:count].tolist() == sorted(terms)
    assert not bits.any()


def test_a_small_vocabulary_with_no_colliding_slots_still_matches() -> None:
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True).fit(["ab", "bc"])
    phrases = vectorizer.transform(["ab", "bc"]).T.tocsr()
    texts = ["abab", "bcbc", "cab", "zz", ""]
    best, similarity = CharTfidf(vectorizer).best_phrases(texts, phrases)
    expected = (vectorizer.transform(texts) @ phrases).toarray()
    assert best.tolist() == expected.argmax(axis=1).tolist()
    np.testing.assert_allclose(similarity, expected.max(axis=1))


def test_the_image_build_compiles_every_kernel() -> None:
    compile_kernels()  # what the Dockerfile runs: it must not fail on its own small inputs
