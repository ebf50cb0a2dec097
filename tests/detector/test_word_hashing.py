"""The compiled word hashing gives scikit-learn's hashed counts exactly, column for column."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import HashingVectorizer

from detector.features.content import analyze
from detector.word_hashing import hash_word_counts

WORDS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Cc"), blacklist_characters="|\n"), min_size=1, max_size=9
)
PIECES = st.one_of(
    WORDS,
    st.just("|"),
    st.just("中"),
    st.just("国"),
    st.just("ぁ"),  # U+3041: the first kana
    st.just("〿"),  # U+303F: just below the ideograph range
    st.just("𝕏"),
    st.just("aaaa"),
    st.just("abc"),
)
DOCUMENTS = st.lists(st.lists(PIECES, max_size=12).map(" ".join), max_size=6)


def _reference(documents: list[str], n_features: int, bigrams: str):
    vectorizer = HashingVectorizer(
        n_features=n_features,
        analyzer=lambda document: analyze(document, bigrams),
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )
    return vectorizer.transform(documents)


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS, st.sampled_from([2**20, 1000, 7]), st.sampled_from(["all", "cjk", "none"]))
def test_compiled_counts_equal_the_vectorizers(documents: list[str], n_features: int, bigrams: str) -> None:
    if not documents:  # scikit-learn's hasher cannot take an empty batch
        assert hash_word_counts(documents, n_features, bigrams).shape == (0, n_features)
        return
    expected = _reference(documents, n_features, bigrams)
    found = hash_word_counts(documents, n_features, bigrams)
    assert found.shape == expected.shape
    assert (found != expected).nnz == 0


def test_post_breaks_are_not_terms_and_spaces_do_not_make_empty_words() -> None:
    found = hash_word_counts(["a  b | c", "|", ""], 2**20)
    assert found[0].sum() == 3 + 1  # a, b, c; "a b" (no pair spans two posts)
    assert found[1].nnz == 0 and found[2].nnz == 0


def test_cjk_bigrams_pair_neighbouring_ideographs_only() -> None:
    assert analyze("干 涉 内 政 stop smearing", "cjk") == [
        "干",
        "涉",
        "内",
        "政",
        "stop",
        "smearing",
        "干 涉",
        "涉 内",
        "内 政",
    ]
    assert hash_word_counts(["干 涉 | 内 政 stop smearing"], 2**20, "cjk")[0].sum() == 6 + 2
    assert hash_word_counts(["stop smearing china"], 2**20, "none")[0].sum() == 3


def test_the_terms_of_a_document_do_not_depend_on_the_order_of_its_posts() -> None:
    posts = ["好 人", "早 安 friends", "see link:rt.com"]
    forward, backward = " | ".join(posts), " | ".join(reversed(posts))
    for bigrams in ("all", "cjk", "none"):
        assert sorted(analyze(forward, bigrams)) == sorted(analyze(backward, bigrams))
        found = hash_word_counts([forward, backward], 2**20, bigrams)
        assert (found[0] != found[1]).nnz == 0
