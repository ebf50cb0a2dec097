"""The batch fast paths of text normalization and shingle hashing give exactly what the per-text definitions give:
signatures are stored, so a faster path must not move a single bit."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector import text_normalize as tn
from detector.minhash import MinHasher, comparable_text, minhash_signatures, shingle_hashes
from detector.text_normalize import normalize_text
from ingest.synthetic import generate_corpus

TRICKY = [
    "",
    "one",
    "RT @newsbot: The embassy said https://t.co/x is baseless!! 🇨🇳",
    "  Www.Example.com/x hi there WWW.site.org",
    "ｗｗｗ．example ＃中国 full-width",
    "e\u0301te café naïve Straße ĲSSEL İstanbul ſtop",
    "snake_case__and__underscores _ __ a_b",
    "tabs\tand\u00a0no-break\u2003spaces\x1cand\x1fseparators",
    "#StopSmearingChina #ChinaCanada read this",
    "a b a b a b repeated bigrams a b",
    "所谓中国干预加拿大选举的报道毫无根据，纯属抹黑",
    "mixed 中文 and English words here",
    "x" * 300 + " long word then short",
    "٣ ² ½ ⅷ numerals ٣٣",
]
_NOT_WORD_RUN = re.compile(r"(?:[^\w]|_)+")


def _reference(text: str) -> str:
    """``normalize_text`` as first written: one substitution over the whole text."""
    text = unicodedata.normalize("NFKC", text)
    if text.lstrip()[:2].upper() == "RT":
        text = tn._RETWEET_PREFIX.sub("", text)
    text = tn._URL_OR_MENTION.sub(" ", text)
    if "#" in text:
        text = tn._HASHTAG.sub(lambda m: " " + tn._CAMEL.sub(" ", m.group(1)) + " ", text)
    return _NOT_WORD_RUN.sub(" ", text.lower()).strip()


@pytest.mark.parametrize("text", TRICKY)
def test_normalize_text_fast_path_matches_one_regex_substitution(text: str) -> None:
    assert normalize_text(text) == _reference(text)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80) | st.sampled_from(TRICKY))
@settings(max_examples=300, deadline=None)
def test_normalize_text_equals_one_regex_substitution_on_any_text(text: str) -> None:
    normalize_text.cache_clear()
    assert normalize_text(text) == _reference(text)


def test_batch_signatures_equal_the_per_text_definition_for_every_kind_of_text() -> None:
    corpus = generate_corpus(seed=3, n_accounts=30)
    texts = [comparable_text(t) for t in TRICKY] + [comparable_text(p.text) for i in corpus for p in i.account.posts]
    texts += ["", "lone", " ".join(["same words"] * 200), "中文 and latin", "ünïcödé wörds hère"]

    signatures, counts = minhash_signatures(texts, 32)

    expected, expected_counts = MinHasher(32).signatures([shingle_hashes(text) for text in texts])
    np.testing.assert_array_equal(counts, expected_counts)
    np.testing.assert_array_equal(signatures, expected)
