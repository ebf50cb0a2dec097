"""The batch normalizer gives, text for text, what the one-text definition gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from detector.text_normalize import normalize_text, normalize_texts

# Pieces that the substitutions, case folding and word split each treat specially, to be shuffled together.
FRAGMENTS = [
    "RT", "rt", "Rt", " ", "  ", "\t", "\u3000", "\u00a0", "@", "@user_1", ":", "#", "＃", "#tag", "#StopSmearing",
    "http", "HTTPS", "https://", "http://", "://", "www.", "WWW.", "ΑΣ", "Σ", "σ", ".", "İ", "ſ", "ﬁ", "Ⅻ", "K",
    "\x00", "_", "aB", "中国", "，", "！", "😀", "'", "é", "e\u0301", "１２", "\ud800",
]  # fmt: skip
pieces = st.one_of(st.text(max_size=6), st.sampled_from(FRAGMENTS))
texts = st.lists(pieces, max_size=12).map("".join)


@given(st.lists(texts, max_size=8))
@settings(max_examples=400, deadline=None)
def test_a_batch_normalizes_each_text_as_the_definition_does(batch: list[str]) -> None:
    normalize_text.cache_clear()
    assert normalize_texts(batch) == [normalize_text(text) for text in batch]


def test_neighbouring_texts_do_not_change_how_a_text_is_lower_cased() -> None:
    # A final sigma is told apart by the letters around it: the text before or after must not count.
    batch = ["ΑΣ", "Β", "ΣΑ", "ΑΣ.", "x"]
    assert normalize_texts(batch) == [normalize_text(text) for text in batch] == ["ας", "β", "σα", "ας", "x"]


def test_the_substitutions_of_the_definition_hold_in_a_batch() -> None:
    batch = [
        "RT @embassy: Stop smearing China https://t.co/x #StopSmearingChina",
        "  rt  @a_b:  text",
        "RT hello",  # no mention: not a retweet prefix
        "mail me@example.com or www.example.com/page today",
        "http:// alone",
        "",
    ]
    assert normalize_texts(batch) == [
        "stop smearing china stop smearing china",
        "text",
        "rt hello",
        "mail me com or today",
        "http alone",
        "",
    ]
