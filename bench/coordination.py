"""Coordination detection against the QUT coordination-network-toolkit: time, and edge recall, on planted campaigns.

    .venv/bin/python bench/coordination.py [--sizes 10000,100000,1000000] [--peer-max 100000]
                                           [--toolkit-python /tmp/cnt-venv/bin/python] [--seed 7]

For each size, generates (seed-determined) random posts over 30 days, about 5% of them in planted bursts: one line
posted by 3-8 accounts within five minutes, each copy with one cosmetic change (an emoji, a URL, a hashtag or one
swapped word). Times our detection (``post_table`` then ``co_similar_pairs``, both reported) and, up to
``--peer-max`` posts, the toolkit's ``co_similar_tweet`` on the same posts, with the same window (600 s) and
threshold (0.8). The toolkit runs in its own venv, as a subprocess: it is a yardstick, never a dependency.

The two definitions differ, so recall against the toolkit is not expected to be 100%:

- ours: *exact* Jaccard over the set of distinct words of the normalized text (URLs, mentions, emoji, punctuation
  and hashtags set aside; character trigrams for Chinese and Japanese), for the candidate pairs that LSH bands of
  32-permutation MinHash signatures of those sets propose; posts with fewer than 5 distinct words never link.
- the toolkit: *exact* Jaccard over the set of lower-cased word-break tokens, where punctuation, emoji, hashtags and
  the pieces of a URL are tokens too; every pair of posts within the window is compared (a Python function called
  from SQLite); posts with fewer than 5 tokens never link (``--min_document_size_similarity 5``).

Edges are compared as unordered *account* pairs, the toolkit's unit (its ``co_similar_tweet_network`` table;
``--min_edge_weight 1``, so one shared post makes an edge; self-loops dropped). Against the planted truth, ours is
also scored by *post* pairs. Timings on a shared machine are noisy: each is given in wall seconds and in CPU seconds
(this process, or the toolkit and its worker processes), with the load average.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import platform
import resource
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import numpy as np

from detector.coordination import CoordinationParams, post_table
from detector.coordination_pairs import co_similar_pairs
from detector.minhash import comparable_text
from detector.schema import Account, Post, Profile
from detector.text_normalize import normalize_text
from detector.word_sets import word_hashes

T0 = 1_700_000_000  # 2023-11-14: the corpus spans the 30 days after
SPAN_S = 30 * 86_400
BURST_SPREAD_S = 300
POSTS_PER_ACCOUNT = 20
PLANTED_SHARE = 0.05
EMOJI = ("🇨🇳", "🔥", "👉", "‼️", "🙏", "💯")
# (function words, syllables) per language: Zipf-ranked vocabularies make texts that share common words but are
# almost never near-duplicates by chance, like real posts.
LANGUAGES = {
    "en": (
        "the of and to a in is that for it on with as was at by this be not are from or have",
        "ba con dor el fi gra ing ka lo men no pre ra sto ter un vi wel",
    ),
    "es": (
        "el la de que y en los se del las un por con no una su para es al lo como",
        "ca ción da es gue ía lle ma ño pa que ra re ri sa ta tre vo",
    ),
    "de": (
        "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als",
        "ach be ber ch der ein gen hei keit lich mer sch stein ung ver wä zei ß",
    ),
}
R = TypeVar("R")


@dataclass
class Corpus:
    """Generated accounts, and the planted coordinated post pairs as ``(post_id, post_id)`` sorted tuples."""

    accounts: list[Account]
    planted: set[tuple[str, str]]

    @property
    def n_posts(self) -> int:
        return sum(len(a.posts) for a in self.accounts)


def _vocabulary(rng: np.random.Generator, words: str, syllables: str, size: int) -> np.ndarray:
    """Function words first, then distinct made-up words of 1-4 syllables: rank order for a Zipf draw."""
    made: dict[str, None] = dict.fromkeys(words.split())
    pool = np.array(syllables.split(), dtype=object)
    while len(made) < size:
        picks = pool[rng.integers(len(pool), size=(size, 4))].tolist()
        for row, count in zip(picks, rng.integers(1, 5, size=size).tolist(), strict=True):
            made.setdefault("".join(row[:count]), None)
    return np.array(list(made)[:size], dtype=object)


class TextMaker:
    """Random lines of 10-40 words in one of a few languages, word frequencies Zipf-like."""

    def __init__(self, rng: np.random.Generator, size: int = 20_000) -> None:
        self.rng = rng
        self.vocabularies = [_vocabulary(rng, w, s, size) for w, s in LANGUAGES.values()]
        weights = 1.0 / np.arange(1, size + 1) ** 1.05
        self.p = weights / weights.sum()

    def lines(self, n: int, language: np.ndarray) -> list[str]:
        """``n`` lines, line ``i`` in language ``language[i]``."""
        lengths = self.rng.integers(10, 41, size=n)
        ends = np.cumsum(lengths)
        ranks = self.rng.choice(len(self.p), size=int(ends[-1]) if n else 0, p=self.p)
        out: list[str] = [""] * n
        for lang, vocabulary in enumerate(self.vocabularies):
            words = vocabulary[ranks].tolist()
            for i in np.flatnonzero(language == lang).tolist():
                out[i] = " ".join(words[ends[i] - lengths[i] : ends[i]]).capitalize() + "."
        return out


def _decorate(rng: np.random.Generator, text: str, k: int) -> str:
    """Everyday noise of background posts: a mention, a hashtag, a link, an emoji, now and then."""
    draw = rng.random(4)
    if draw[0] < 0.05:
        text = f"@user{k % 997} {text}"
    if draw[1] < 0.15:
        text = f"{text} #topic{k % 50}"
    if draw[2] < 0.10:
        text = f"{text} https://news.example/{k}"
    if draw[3] < 0.10:
        text = f"{text} {EMOJI[k % len(EMOJI)]}"
    return text


def _cosmetic(rng: np.random.Generator, line: str, vocabulary: np.ndarray, k: int) -> str:
    """One copy of a campaign line with one small change: an emoji, a URL, a hashtag, or one word swapped."""
    change = int(rng.integers(4))
    if change == 0:
        return f"{line} {EMOJI[k % len(EMOJI)]}"
    if change == 1:
        return f"{line} https://t.example/{k:x}"
    if change == 2:
        return f"#campaign{k % 7} {line}" if k % 2 else f"{line} #campaign{k % 7}"
    words = line.split()
    words[int(rng.integers(len(words)))] = str(vocabulary[int(rng.integers(200, 2000))])
    return " ".join(words)


def generate(n_posts: int, seed: int) -> Corpus:
    """About ``n_posts`` posts of ``n_posts / 20`` accounts over 30 days, ~5% of them in planted bursts."""
    rng = np.random.default_rng(seed)
    maker = TextMaker(rng)
    n_accounts = max(n_posts // POSTS_PER_ACCOUNT, 50)
    language = rng.integers(len(LANGUAGES), size=n_accounts)
    rows, bursts = _bursts(rng, maker, language, int(n_posts * PLANTED_SHARE))
    n_background = max(n_posts - len(rows), 0)
    owners = rng.integers(n_accounts, size=n_background)
    lines = maker.lines(n_background, language[owners])
    times = rng.integers(T0, T0 + SPAN_S, size=n_background)
    for k, (owner, text, at) in enumerate(zip(owners.tolist(), lines, times.tolist(), strict=True)):
        rows.append((owner, _decorate(rng, text, k), at))
    post_ids = [f"p{i}" for i in range(len(rows))]
    planted = {
        tuple(sorted((post_ids[a], post_ids[b]))) for burst in bursts for a, b in itertools.combinations(burst, 2)
    }
    return Corpus(_accounts(rows, post_ids, n_accounts), planted)  # type: ignore[arg-type]


def _bursts(
    rng: np.random.Generator, maker: TextMaker, language: np.ndarray, n_planted: int
) -> tuple[list[tuple[int, str, int]], list[list[int]]]:
    """At least ``n_planted`` rows in bursts of 3-8 distinct accounts posting one line within five minutes, each copy
    changed a little; and each burst's row numbers."""
    sizes = rng.integers(3, 9, size=n_planted // 3 + 1)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n_planted)) + 1] if n_planted else sizes[:0]
    members = [rng.choice(len(language), size=size, replace=False) for size in sizes.tolist()]
    langs = language[[m[0] for m in members]] if members else np.zeros(0, np.int64)
    lines = maker.lines(len(members), langs)
    starts = rng.integers(T0, T0 + SPAN_S - BURST_SPREAD_S, size=len(members))
    rows: list[tuple[int, str, int]] = []
    bursts: list[list[int]] = []
    for b, (accounts, lang, line, start) in enumerate(
        zip(members, langs.tolist(), lines, starts.tolist(), strict=True)
    ):
        bursts.append(list(range(len(rows), len(rows) + len(accounts))))
        for j, account in enumerate(accounts.tolist()):
            text = _cosmetic(rng, line, maker.vocabularies[lang], b * 8 + j)
            rows.append((account, text, start + int(rng.integers(BURST_SPREAD_S + 1))))
    return rows, bursts


def _accounts(rows: list[tuple[int, str, int]], post_ids: list[str], n_accounts: int) -> list[Account]:
    """Accounts holding the rows as posts. ``model_construct`` skips validation: the fields are made right here, and
    validating a million posts would time pydantic, not the detector."""
    posts: list[list[Post]] = [[] for _ in range(n_accounts)]
    for post_id, (owner, text, at) in zip(post_ids, rows, strict=True):
        posts[owner].append(
            Post.model_construct(
                id=post_id, created_at=datetime.fromtimestamp(at, UTC), text=text, hashtags=[], urls=[]
            )
        )
    profile = Profile()
    return [Account.model_construct(handle=f"u{i}", profile=profile, posts=p) for i, p in enumerate(posts)]


@dataclass(frozen=True)
class Timing:
    """Wall seconds; CPU seconds of this process and of the children it waited for (the toolkit and its worker
    processes), which a busy shared machine disturbs far less; the 1-minute load average at the end."""

    wall: float
    cpu: float
    load: float

    def __add__(self, other: Timing) -> Timing:
        return Timing(self.wall + other.wall, self.cpu + other.cpu, max(self.load, other.load))

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU, load {self.load:.2f}"


def _cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(fn: Callable[[], R]) -> tuple[R, Timing]:
    wall, cpu = time.perf_counter(), _cpu_seconds()
    result = fn()
    return result, Timing(time.perf_counter() - wall, _cpu_seconds() - cpu, os.getloadavg()[0])


def _clear_caches() -> None:
    """Text normalization and shingles are cached per text: start each timing cold, as a new batch would."""
    for cached in (normalize_text, comparable_text, word_hashes):
        cached.cache_clear()


@dataclass
class OurRun:
    """Our edges, as post pairs and account pairs, and the time of each part."""

    post_pairs: set[tuple[str, str]]
    account_pairs: set[tuple[str, str]]
    table: Timing
    pairs: Timing


def run_ours(corpus: Corpus, params: CoordinationParams) -> OurRun:
    """``post_table`` then ``co_similar_pairs``, timed apart."""
    _clear_caches()
    table, table_time = _timed(lambda: post_table(corpus.accounts, params))
    (first, second, _), pairs_time = _timed(lambda: co_similar_pairs(table, params))
    posts = {
        tuple(sorted((table.post_ids[a], table.post_ids[b])))
        for a, b in zip(first.tolist(), second.tolist(), strict=True)
    }
    accounts = {
        tuple(sorted((table.handles[a], table.handles[b])))
        for a, b in zip(table.account[first].tolist(), table.account[second].tolist(), strict=True)
    }
    return OurRun(posts, accounts, table_time, pairs_time)  # type: ignore[arg-type]


@dataclass
class PeerRun:
    """The toolkit's edges (unordered account pairs) and its times."""

    account_pairs: set[tuple[str, str]]
    preprocess: Timing
    compute: Timing


def toolkit_usable(python: Path) -> bool:
    """Whether ``python`` exists and imports the toolkit."""
    if not python.exists():
        return False
    probe = [str(python), "-c", "import coordination_network_toolkit"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def write_toolkit_csv(corpus: Corpus, path: Path) -> None:
    """The toolkit's 8-column CSV, with a header row: no reposts, no replies, URLs space-separated."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls"])
        for account in corpus.accounts:
            for post in account.posts:
                urls = " ".join(w for w in post.text.split() if w.startswith("https://"))
                at = int(post.created_at.timestamp())
                writer.writerow([post.id, account.handle, account.handle, "", "", post.text, at, urls])


def run_toolkit(corpus: Corpus, params: CoordinationParams, python: Path) -> PeerRun:
    """Preprocess into a fresh SQLite file, compute ``co_similar_tweet``, read the edges back."""
    with tempfile.TemporaryDirectory(prefix="cnt-bench-") as tmp:
        source, db = Path(tmp) / "posts.csv", Path(tmp) / "cnt.db"
        write_toolkit_csv(corpus, source)
        tool = [str(python), "-m", "coordination_network_toolkit", str(db)]
        compute = [
            *("compute", "co_similar_tweet", "--time_window", str(int(params.window_s))),
            *("--similarity_threshold", str(params.min_similarity), "--min_edge_weight", "1"),
            *("--min_document_size_similarity", str(params.min_shingles)),
        ]
        _, preprocess = _timed(lambda: _quiet([*tool, "preprocess", "--format", "csv", str(source)]))
        _, computed = _timed(lambda: _quiet([*tool, *compute]))
        with sqlite3.connect(db) as connection:
            edges = connection.execute("select user_1, user_2 from co_similar_tweet_network where user_1 != user_2")
            pairs = {tuple(sorted((str(a), str(b)))) for a, b in edges}
    return PeerRun(pairs, preprocess, computed)  # type: ignore[arg-type]


def _quiet(command: list[str]) -> None:
    """Run the toolkit, keeping its progress prints out of our figures; its stderr goes with a failure."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command[:4])} ... failed ({done.returncode}): {done.stderr[-2000:]}")


def planted_jaccard(corpus: Corpus) -> dict[tuple[str, str], float]:
    """The exact Jaccard over our word sets of each planted post pair: what ours finds by definition, when the LSH
    bands put the pair forward."""
    texts = {post.id: post.text for account in corpus.accounts for post in account.posts}
    shingles = {i: set(word_hashes(comparable_text(texts[i]))) for pair in corpus.planted for i in pair}
    return {(a, b): _jaccard(shingles[a], shingles[b]) for a, b in corpus.planted}


def best_by_account_pair(corpus: Corpus, jaccard: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    """Planted account pairs, each with the highest exact Jaccard of its planted post pairs."""
    owner = {post.id: account.handle for account in corpus.accounts for post in account.posts}
    best: dict[tuple[str, str], float] = {}
    for (a, b), value in jaccard.items():
        pair = (owner[a], owner[b]) if owner[a] < owner[b] else (owner[b], owner[a])
        best[pair] = max(value, best.get(pair, 0.0))
    return best


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def recall(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> str:
    """``"97.1% (340/350)"``."""
    if not truth:
        return "n/a (nothing to find)"
    hit = len(found & truth)
    return f"{100 * hit / len(truth):.1f}% ({hit:,}/{len(truth):,})"


def bench_size(n_posts: int, args: argparse.Namespace, params: CoordinationParams, peer: bool) -> None:
    """Generate, run both, print the figures of one size."""
    started = time.perf_counter()
    corpus = generate(n_posts, args.seed)
    print(
        f"\n## {corpus.n_posts:,} posts, {len(corpus.accounts):,} accounts, {len(corpus.planted):,} planted post "
        f"pairs (generated in {time.perf_counter() - started:.1f} s)"
    )
    ours = run_ours(corpus, params)
    total = ours.table + ours.pairs
    print(f"ours: {total}")
    print(f"  post_table {ours.table}; co_similar_pairs {ours.pairs}")
    print(
        f"  {len(ours.post_pairs):,} post pairs, {len(ours.account_pairs):,} account pairs; peak RSS so far "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (corpus included)"
    )
    jaccard = planted_jaccard(corpus)
    within = {pair for pair, value in jaccard.items() if value >= params.min_similarity}
    best = best_by_account_pair(corpus, jaccard)
    planted_accounts = set(best)
    print(f"  recall of ours, planted post pairs: {recall(ours.post_pairs, corpus.planted)}")
    print(f"  recall of ours, planted post pairs with exact word Jaccard >= 0.8: {recall(ours.post_pairs, within)}")
    print(f"  recall of ours, planted account pairs: {recall(ours.account_pairs, planted_accounts)}")
    print(f"  account pairs of ours not planted: {len(ours.account_pairs - planted_accounts):,}")
    if not peer:
        print(f"toolkit: not run at this size (--peer-max {args.peer_max:,})" if args.toolkit_ok else "toolkit: absent")
        return
    theirs = run_toolkit(corpus, params, args.toolkit_python)
    print(f"toolkit co_similar_tweet: {theirs.compute} (preprocess, not counted: {theirs.preprocess})")
    print(f"  {len(theirs.account_pairs):,} account pairs")
    print(f"  recall of the toolkit, planted account pairs: {recall(theirs.account_pairs, planted_accounts)}")
    print(f"  account pairs of the toolkit not planted: {len(theirs.account_pairs - planted_accounts):,}")
    print(
        f"ours vs toolkit: {theirs.compute.wall / total.wall:.1f}x faster by wall time, "
        f"{theirs.compute.cpu / total.cpu:.1f}x by CPU time"
    )
    print(f"  recall of ours against the toolkit's account pairs: {recall(ours.account_pairs, theirs.account_pairs)}")
    missed = theirs.account_pairs - ours.account_pairs
    by_definition = sum(1 for pair in missed if best.get(pair, 1.0) < params.min_similarity)
    print(
        f"  of the {len(missed):,} missed: {by_definition:,} planted pairs whose best exact word Jaccard is under "
        f"{params.min_similarity} (our definition says no), {sum(1 for p in missed if p not in best):,} not planted, "
        f"the rest never put forward by the LSH bands"
    )
    print(f"  recall of the toolkit against ours: {recall(theirs.account_pairs, ours.account_pairs)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated post counts")
    parser.add_argument("--peer-max", type=int, default=100_000, help="largest size the toolkit runs at")
    parser.add_argument("--toolkit-python", type=Path, default=Path("/tmp/cnt-venv/bin/python"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    params = CoordinationParams()
    args.toolkit_ok = toolkit_usable(args.toolkit_python)
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min; shared machine: timings are noisy)"
    )
    print(f"params: window {params.window_s:.0f} s, threshold {params.min_similarity}, seed {args.seed}")
    if not args.toolkit_ok:
        print(
            f"toolkit: {args.toolkit_python} is missing or cannot import coordination_network_toolkit: the peer is "
            "skipped (`make bench` creates its venv)"
        )
    for n_posts in sizes:
        bench_size(n_posts, args, params, peer=args.toolkit_ok and n_posts <= args.peer_max)


if __name__ == "__main__":
    main()
