"""How often two accounts would link by chance: a p-value per linked pair of accounts, and its q-value.

Two busy accounts that post the day's headlines will, now and then, post the same one within minutes of each other.
A link says the posts match and were close in time; whether the pair posted in step *more often than chance* is a
question about timing, answered here by resampling.

**Held fixed**: everything about content. The candidates of a pair are the pairs of its posts that share content
(a MinHash match, the same hashtag sequence, the same link, the same repost), found whatever their gap up to
``null_window_s``; they stay the candidates. Each account keeps its own posts and its own activity.

**Moved**: timing, between accounts. Each account's posts are cut into UTC-aligned blocks of ``shift_s`` seconds
and every block is shifted by its own offset, uniform in ``[-shift_s, +shift_s]``, drawn per account (from its
handle), block and resample. A block moves as a whole, so an account's bursts and the gaps between its posts stay
as they were, as do its day and, to within the shift, its hour: its daily rhythm. The statistic is the pair's
number of candidates within the window; the p-value is ``(1 + #{resamples with a count >= the observed one}) /
(1 + permutations)``, never 0.

Why not shift each account's whole timeline around the observed span (circular shifts), or permute posts within a
day? Content is local in time: the day's headline is posted that day. Shifted by days, two accounts' copies of it
never meet again, so every chance meeting looks significant: the ten busy pairs of the tests, whose posts follow
this null, got p from 0.005 to 0.015 with shifts of up to five days, and 0.13 to 0.69 with shifts of up to an
hour, where the headline's copies meet as often as they do by chance.
Shifting a whole day as one block would make a pair in step all day one coincidence, and within-day permutations
keep timestamps exactly, so they give no power to accounts that post once or twice a day; independent hour blocks
give a pair in step at several different times a small p-value. The price: a single burst in step (one hour) is one
coincidence (p about ``window_s / shift_s``), however many posts it holds; the test asks for repeated coincidence.

The shifts are drawn from a hash of (handle, block, resample), so a pair's p-value depends only on its posts, not on
the batch or index it was computed in. Benjamini-Hochberg runs per account over the pairs it was tested in: an
account's q-values, like its features, do not depend on the other accounts of its batch.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numba import njit

from detector.false_discovery import adjusted_p_values
from detector.link_keys import text_key

__all__ = ["PairChance", "linked_pair_p_values", "pair_chance", "side_chance"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


class _Posts(Protocol):
    handles: list[str]
    account: np.ndarray
    times: np.ndarray


class _NullParams(Protocol):
    window_s: float
    null_shift_s: float
    permutations: int


def linked_pair_p_values(
    posts: _Posts,
    candidates: Sequence[tuple[np.ndarray, np.ndarray, object, object]],
    wanted: set[str],
    params: _NullParams,
) -> dict[tuple[str, str], float]:
    """P-value of every linked pair of accounts with a side in ``wanted``, keyed by their lower-cased handles in
    order. ``posts`` (a ``PostTable``): a handle may stand at several positions, as in an index of several
    segments: it is one account. ``candidates``: per kind, ``(first, second, ...)`` post pairs found within
    ``window_s + 2 * null_shift_s``; a pair linked by several kinds counts once. ``params``: a
    ``CoordinationParams``."""
    first = np.concatenate([pairs[0] for pairs in candidates] or [np.zeros(0, np.int64)])
    second = np.concatenate([pairs[1] for pairs in candidates] or [np.zeros(0, np.int64)])
    names, canonical = np.unique(np.asarray([h.lower() for h in posts.handles], dtype=str), return_inverse=True)
    owner = canonical.reshape(-1)[posts.account] if len(posts.handles) else posts.account
    n_posts = len(posts.times)
    code = np.unique(np.minimum(first, second) * n_posts + np.maximum(first, second))
    first, second = np.divmod(code, max(n_posts, 1))
    keep = np.isin(names, sorted(wanted))
    useful = (owner[first] != owner[second]) & (keep[owner[first]] | keep[owner[second]])
    seeds = np.fromiter((text_key(name) for name in names.tolist()), dtype=np.uint64, count=len(names))
    chance = pair_chance(
        posts.times,
        owner,
        seeds,
        first[useful],
        second[useful],
        window_s=params.window_s,
        shift_s=params.null_shift_s,
        permutations=params.permutations,
    )
    named = names.tolist()
    return {
        (named[a], named[b]): p
        for a, b, p in zip(chance.first.tolist(), chance.second.tolist(), chance.p_values.tolist(), strict=True)
    }


def side_chance(
    posts: _Posts,
    found: Sequence[tuple[np.ndarray, np.ndarray, object, object]],
    wanted: Collection[int],
    p_values: dict[tuple[str, str], float],
    *,
    window_s: float,
) -> dict[tuple[int, int], tuple[float, float]]:
    """``(p, q)`` per ``(account, peer)`` (positions in ``posts``) linked by ``found`` within ``window_s``, for the
    ``wanted`` accounts: the pair's p-value and its Benjamini-Hochberg q-value over the account's tested peers (a
    peer at several positions is one). Untested pairs are left out."""
    first = np.concatenate([pairs[0] for pairs in found] or [np.zeros(0, np.int64)])
    second = np.concatenate([pairs[1] for pairs in found] or [np.zeros(0, np.int64)])
    close = np.abs(posts.times[first] - posts.times[second]) <= window_s
    a, b = posts.account[first[close]].tolist(), posts.account[second[close]].tolist()
    peers_of: dict[int, set[int]] = {}
    for own, peer in {*zip(a, b, strict=True), *zip(b, a, strict=True)}:
        if own in wanted:
            peers_of.setdefault(own, set()).add(peer)
    names = [handle.lower() for handle in posts.handles]
    sides: dict[tuple[int, int], tuple[float, float]] = {}
    for own, peers in peers_of.items():
        name = names[own]
        p = {names[peer]: p_values[key] for peer in peers if (key := _ordered(name, names[peer])) in p_values}
        q = dict(zip(p, adjusted_p_values(list(p.values())), strict=True))
        sides.update({(own, peer): (p[names[peer]], q[names[peer]]) for peer in peers if names[peer] in p})
    return sides


def _ordered(first: str, second: str) -> tuple[str, str]:
    return (first, second) if first <= second else (second, first)


@dataclass(frozen=True)
class PairChance:
    """Per tested pair of accounts (``first < second``, as numbered by the caller): its linked co-occurrences within
    the window and its p-value."""

    first: np.ndarray
    second: np.ndarray
    observed: np.ndarray
    p_values: np.ndarray


def pair_chance(
    times: np.ndarray,
    account: np.ndarray,
    seeds: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    *,
    window_s: float,
    shift_s: float,
    permutations: int,
) -> PairChance:
    """Test every pair of accounts with a candidate within ``window_s``.

    ``times`` and ``account`` per post; ``seeds`` per account (uint64, from its handle); ``first`` and ``second``
    the candidate post pairs, by different accounts, each once, found within ``window_s + 2 * shift_s`` (farther
    ones never meet under the null). Pairs without a candidate in the window are not tested.
    """
    account_a, account_b = account[first], account[second]
    swap = account_a > account_b
    low = np.where(swap, second, first)
    high = np.where(swap, first, second)
    n_accounts = int(max(account.max(initial=0), 0)) + 1
    code = account[low] * n_accounts + account[high]
    order = np.argsort(code, kind="stable")
    code, low, high = code[order], low[order], high[order]
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if len(code) else np.zeros(0, np.int64)
    bounds = np.r_[starts, len(code)].astype(np.int64)
    t_low, t_high = times[low], times[high]
    observed, exceed = _exceedances(
        bounds,
        t_low,
        t_high,
        seeds[account[low]],
        seeds[account[high]],
        np.floor(t_low / shift_s).astype(np.int64),
        np.floor(t_high / shift_s).astype(np.int64),
        float(window_s),
        float(shift_s),
        int(permutations),
    )
    tested = observed > 0
    pair_code = code[starts][tested]
    return PairChance(
        first=pair_code // n_accounts,
        second=pair_code % n_accounts,
        observed=observed[tested],
        p_values=(1.0 + exceed[tested]) / (1.0 + permutations),
    )


@njit(cache=True, nogil=True)
def _offset(seed: np.uint64, block: np.int64, resample: int, shift_s: float) -> float:
    # splitmix64 of (account, block, resample): the same shift wherever the pair is tested.
    x = seed ^ (np.uint64(block) * _GOLDEN) ^ (np.uint64(resample + 1) * np.uint64(0xBF58476D1CE4E5B9))
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    return shift_s * (2.0 * (float(x >> np.uint64(11)) * (1.0 / 9007199254740992.0)) - 1.0)


@njit(cache=True, nogil=True)
def _exceedances(
    bounds: np.ndarray,
    t_low: np.ndarray,
    t_high: np.ndarray,
    seed_low: np.ndarray,
    seed_high: np.ndarray,
    block_low: np.ndarray,
    block_high: np.ndarray,
    window_s: float,
    shift_s: float,
    permutations: int,
) -> tuple[np.ndarray, np.ndarray]:
    # Per pair of accounts (a run of candidates between two bounds): the observed count in the window, then per
    # resample the count with both sides' blocks shifted, and how many resamples reach the observed count.
    n_pairs = len(bounds) - 1
    observed = np.zeros(n_pairs, dtype=np.int64)
    exceed = np.zeros(n_pairs, dtype=np.int64)
    for pair in range(n_pairs):
        start, end = bounds[pair], bounds[pair + 1]
        count = 0
        for i in range(start, end):
            if abs(t_high[i] - t_low[i]) <= window_s:
                count += 1
        observed[pair] = count
        if count == 0:
            continue
        for resample in range(permutations):
            shifted = 0
            for i in range(start, end):
                gap = (t_high[i] + _offset(seed_high[i], block_high[i], resample, shift_s)) - (
                    t_low[i] + _offset(seed_low[i], block_low[i], resample, shift_s)
                )
                if abs(gap) <= window_s:
                    shifted += 1
            if shifted >= count:
                exceed[pair] += 1
    return observed, exceed
