"""The detector's compiled passes, compiled before the first score.

numba compiles a kernel on its first call and caches the machine code in the cache folder (``cache_dir/numba``,
under the data directory unless ``PARROTWATCH_CACHE_DIR`` says otherwise: ``detector/kernel_cache.py``), never in
the installed package. A Docker image calls ``compile_kernels`` when it is built, into a cache folder of its own
outside the data volume, so that no process of it pays the seconds of compiling on its first score; a checkout
compiles on first use and keeps the kernels in ``var/cache/numba``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sklearn.feature_extraction.text import TfidfVectorizer

from detector.catalog import load_catalog
from detector.char_tfidf import CharTfidf
from detector.coordination import CoordinationParams, batch_links, post_table
from detector.features.narrative import NarrativeFeatures
from detector.schema import Account, Post
from detector.word_hashing import hash_word_counts

__all__ = ["compile_kernels"]


def compile_kernels() -> None:
    """Run every compiled pass once, on a few words: catalog matching, text normalization, MinHash signatures and
    the coordination join with its p-values."""
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True).fit(["ab", "bc"])
    CharTfidf(vectorizer).best_phrases(["abc"], vectorizer.transform(["ab"]).T.tocsr())
    start = datetime(2023, 3, 1, tzinfo=UTC)
    text = "RT @embassy: stop smearing and attacking China https://t.co/x #StopSmearing #China #Canada"
    accounts = [
        Account(handle=handle, posts=[Post(id=handle, created_at=start + timedelta(minutes=minute), text=text)])
        for minute, handle in enumerate(("first", "second"))
    ]
    params = CoordinationParams()
    table = post_table(accounts, params)
    batch_links(table, params)  # normalizes and signs the posts, joins them, tests the pair
    table.take([1, 0])  # the index takes rows (their word sets) when it joins a request with its neighbourhood
    # Catalog matching scores whole talking points (``CharTfidf.best_lines``): compiled on the shipped catalog.
    NarrativeFeatures(catalog=load_catalog()).fit([]).match_accounts(accounts)
    hash_word_counts(["first words | second"], 16)
