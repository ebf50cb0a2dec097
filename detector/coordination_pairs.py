"""The vectorized join of coordination: post pairs by different accounts, within the window, that share a key.

Every post's keys (its LSH band keys, its hashtag-sequence key, its link key) are sorted by (key, time) and each post
is compared with the following posts of its key while they stay within the window. The work follows the number of
close candidates, not the square of the posts; a key shared by more than ``max_bucket`` posts is stock text or a
trending tag and is skipped. ``detector/coordination.py`` turns the pairs into links.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

if TYPE_CHECKING:
    from detector.coordination import CoordinationParams, PostTable

__all__ = ["co_hashtag_pairs", "co_link_pairs", "co_similar_pairs"]

_MIX = np.uint64(0x100000001B3)
_THREADED_FROM_POSTS = 100_000  # below this, starting threads costs more than the join


def _ints() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


def _band_keys(signatures: np.ndarray, band: int, bands: int) -> np.ndarray:
    """uint64 key of every row of ``signatures`` in ``band`` of ``bands``: its values mixed into one number, distinct
    per band."""
    return _band_keys_kernel(np.ascontiguousarray(signatures), band, signatures.shape[1] // bands)


@njit(cache=True, nogil=True)
def _band_keys_kernel(signatures: np.ndarray, band: int, width: int) -> np.ndarray:
    # Row by row, in order: column by column in numpy, each band read the whole matrix once per column.
    keys = np.empty(len(signatures), dtype=np.uint64)
    for row in range(len(signatures)):
        key = np.uint64(band + 1)
        for column in range(band * width, (band + 1) * width):
            key = key * _MIX + np.uint64(signatures[row, column])
        keys[row] = key
    return keys


def _maybe_shared(keys: np.ndarray) -> np.ndarray:
    """Mask of the ``keys`` that may occur more than once: a superset of those that do, found by counting keys into
    about four buckets each by their low bits. Most band keys are unique, and dropping them before the sort (which
    costs ``n log n``) made the coordination join of two million posts several times faster."""
    bits = min(max(len(keys).bit_length() + 2, 10), 24)
    buckets = (keys & np.uint64((1 << bits) - 1)).astype(np.intp)
    return np.bincount(buckets, minlength=1 << bits)[buckets] >= 2


def _close_pairs(
    keys: np.ndarray, posts: np.ndarray, table: PostTable, params: CoordinationParams
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of ``posts`` (positions in ``table``, in time order) that share a key, by different accounts, within
    the window; unordered and possibly repeated (``_unique_pairs`` makes them ``first < second``, once each)."""
    shared = _maybe_shared(keys)
    keys, posts = keys[shared], posts[shared]
    order = np.argsort(keys, kind="stable")  # by key, then time: the posts come in time order
    posts = posts[order].astype(np.int64, copy=False)
    # Gathered here, so that the pass below reads each array in order (gathering as it went was slower).
    return _pairs_in_window(
        keys[order], posts, table.times[posts], table.account[posts], params.window_s, params.max_bucket
    )


@njit(cache=True, nogil=True)
def _pairs_in_window(
    keys: np.ndarray,
    posts: np.ndarray,
    times: np.ndarray,
    account: np.ndarray,
    window_s: float,
    max_bucket: int,
) -> tuple[np.ndarray, np.ndarray]:
    # ``posts`` sorted by key, then time, with their keys, times and accounts. Each run of one key with 2 to
    # ``max_bucket`` posts: every post with the posts after it while they stay within the window. One pass, where
    # numpy needed a pass per distance.
    capacity = 1024
    first = np.empty(capacity, dtype=np.int64)
    second = np.empty(capacity, dtype=np.int64)
    found = 0
    n = len(keys)
    start = 0
    while start < n:
        end = start + 1
        while end < n and keys[end] == keys[start]:
            end += 1
        if 2 <= end - start <= max_bucket:
            for a in range(start, end - 1):
                for b in range(a + 1, end):
                    if times[b] - times[a] > window_s:
                        break
                    if account[b] == account[a]:
                        continue
                    if found == capacity:
                        capacity *= 2
                        first = _grown(first, capacity)
                        second = _grown(second, capacity)
                    first[found], second[found] = posts[a], posts[b]
                    found += 1
        start = end
    return first[:found].copy(), second[:found].copy()


@njit(cache=True, nogil=True)
def _grown(values: np.ndarray, capacity: int) -> np.ndarray:
    grown = np.empty(capacity, dtype=values.dtype)
    grown[: len(values)] = values
    return grown


def _unique_pairs(pairs: Sequence[tuple[np.ndarray, np.ndarray]], n_posts: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of every part, each once, ``first < second``, sorted."""
    first = np.concatenate([a for a, _ in pairs] or [_ints()])
    second = np.concatenate([b for _, b in pairs] or [_ints()])
    pair = np.sort(np.minimum(first, second) * n_posts + np.maximum(first, second))
    pair = pair[np.r_[True, pair[1:] != pair[:-1]]] if len(pair) else pair
    return np.divmod(pair, n_posts)


def co_similar_pairs(table: PostTable, params: CoordinationParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Near-identical post pairs by different accounts within the window: ``(first, second, similarity)``, the
    similarity exact when the table holds its posts' word sets."""
    eligible = _in_time_order(np.flatnonzero(table.n_shingles >= params.min_shingles), table)
    if len(eligible) < 2:
        return _ints(), _ints(), np.zeros(0)

    def band_pairs(band: int) -> tuple[np.ndarray, np.ndarray]:  # band by band: two bands' keys never match
        return _close_pairs(_band_keys(table.signatures, band, params.bands)[eligible], eligible, table, params)

    # The bands are independent and their work (numba, numpy's sort and gathers) runs without the GIL: on a large
    # table, threads use every core, where the join used to run on one while the rest waited.
    threads = min(params.bands, os.cpu_count() or 1) if len(eligible) >= _THREADED_FROM_POSTS else 1
    if threads > 1:
        with ThreadPoolExecutor(threads, thread_name_prefix="coordination") as pool:
            pairs = list(pool.map(band_pairs, range(params.bands)))
    else:
        pairs = [band_pairs(band) for band in range(params.bands)]
    first, second = _unique_pairs(pairs, len(table))
    if table.words is not None:  # LSH proposes, the exact Jaccard of the word sets decides
        similarity = table.words.jaccard(first, second)
    else:
        similarity = (table.signatures[first] == table.signatures[second]).mean(axis=1)
    alike = similarity >= params.min_similarity
    return first[alike], second[alike], similarity[alike]


def co_hashtag_pairs(table: PostTable, params: CoordinationParams) -> tuple[np.ndarray, np.ndarray]:
    """Post pairs by different accounts within the window with the same hashtag sequence: ``(first, second)``."""
    return _co_key_pairs(table.hashtag_keys, table, params)


def co_link_pairs(table: PostTable, params: CoordinationParams) -> tuple[np.ndarray, np.ndarray]:
    """Post pairs by different accounts within the window that share the same link: ``(first, second)``."""
    return _co_key_pairs(table.keys("link_keys"), table, params)


def _co_key_pairs(keys: np.ndarray, table: PostTable, params: CoordinationParams) -> tuple[np.ndarray, np.ndarray]:
    eligible = _in_time_order(np.flatnonzero(keys != 0), table)
    if len(eligible) < 2:
        return _ints(), _ints()
    return _unique_pairs([_close_pairs(keys[eligible], eligible, table, params)], len(table))


def _in_time_order(posts: np.ndarray, table: PostTable) -> np.ndarray:
    return posts[np.argsort(table.times[posts], kind="stable")]
