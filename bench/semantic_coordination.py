"""Semantic coordination links on planted reworded and translated campaigns among ordinary accounts on their topics.

    .venv/bin/python bench/semantic_coordination.py [--scale 1.0] [--seed 7] [--density 1] [--sweep] [--vectors F]

Generates (seed-determined) 50 planted groups of 4-8 accounts; each group posts reworded versions of one message
(synonym swaps, reordered clauses, and translations into Chinese and Russian: ``bench/semantic_wordings.py``) within
10 minutes, and each of its accounts posts two ordinary posts too. Around them, ``20,000 x --scale`` ordinary
accounts post three times each over three days, on the planted messages' topics (the same places, people and
events, other things said about them) or everyday chatter, in English, Chinese and Russian.

Reports, for lexical links only (near-duplicates and hashtag sequences) and for lexical + semantic links, the recall
of planted account pairs (two accounts of one group), the number of false account pairs (any other pair linked) and
their share of the pairs found; then the semantic pass's cost: posts/s embedding (distinct texts), posts/s neighbour
search, and peak memory. ``--sweep`` prints recall and false pairs over a grid of the two thresholds (paraphrase,
translation), pairwise (``min_support`` 0) and corroborated by a third account (1, translations alone above
``translation_alone``), and over a grid of ``translation_alone``, from one neighbour search at the grid's floor: how
the defaults in ``detector/semantic_links.py`` were chosen. ``--density 5``: the same posts in a
fifth of the time, five times as many in a window (chance look-alikes become commoner; the texts, so ``--vectors``,
stay the same).
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._machine import describe_machine
from bench.semantic_wordings import CHATTER, MESSAGES, MORE_EN, OPENERS, OWN_VERBS, PLACES, REMARKS, TOPICS, fill
from detector.coordination import CoordinationParams, batch_links, post_table
from detector.post_columns import PostColumns
from detector.schema import Account, Post
from detector.semantic_links import (
    SEMANTIC_KINDS,
    SemanticColumns,
    SemanticEncoder,
    SemanticThresholds,
    corroborated,
    semantic_pairs,
)

T0 = 1_700_000_000
SPAN_S = 30 * 86_400  # at --scale 1; a smaller run spans less, so that a window holds as many posts
GROUPS = 50
ORDINARY = 20_000
POSTS_PER_ACCOUNT = 3
GROUP_SPREAD_S = 600
ACCOUNT_LANGUAGES = (("en", 0.7), ("zh", 0.15), ("ru", 0.15))
PLANTED_LANGUAGES = (("en", 0.5), ("zh", 0.25), ("ru", 0.25))
CHATTER_SHARE = 0.4
REMARK_SHARE = 0.6


@dataclass
class Corpus:
    accounts: list[Account]
    planted: set[tuple[str, str]]  # account pairs of one group, (smaller, larger) handle


def _pick(choices: tuple[tuple[str, float], ...], rng: random.Random) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _ordinary_text(language: str, rng: random.Random) -> str:
    """Chatter, or a sentence on one of the topics (who, where, what happened), each often with a personal remark."""
    remark = fill(rng.choice(REMARKS[language]), rng) if rng.random() < REMARK_SHARE else ""
    topic = len(TOPICS) if rng.random() < CHATTER_SHARE else rng.randrange(len(TOPICS))
    subjects, verbs, details = CHATTER[language] if topic == len(TOPICS) else TOPICS[topic][language]
    if language in OWN_VERBS:  # other events than the English posts: not translations of them
        verbs = OWN_VERBS[language][topic]
    else:
        subjects, verbs = subjects + MORE_EN[topic][0], verbs + MORE_EN[topic][1]
    opener, place = rng.choice(OPENERS[language]), rng.choice(PLACES[language])
    subject, verb, detail = (fill(rng.choice(words), rng) for words in (subjects, verbs, details))
    if language == "zh":
        return _joined(language, f"{opener}{place}{subject}{verb}{detail}", remark)
    if language == "ru":
        sentence = f"{opener}{subject} {place} {verb}{detail}".replace("  ", " ")
    else:
        sentence = f"{opener}{subject} {place} {verb} {detail}".replace("  ", " ")
    return _joined(language, sentence, remark)


def _joined(language: str, sentence: str, remark: str) -> str:
    return f"{sentence}{remark}" if language == "zh" or not remark else f"{sentence} {remark}"


def _post(handle: str, number: int, at: float, text: str) -> Post:
    return Post(id=f"{handle}-{number}", created_at=datetime.fromtimestamp(at, UTC), text=text)


def make_corpus(scale: float, seed: int, density: float = 1.0) -> Corpus:
    """The planted groups and the ordinary accounts, as accounts with posts; ``density``: the same posts over
    ``1 / density`` of the time (that many times the posts in a window; each group still posts within 10 minutes)."""
    rng = random.Random(seed)
    span = SPAN_S * scale / density
    accounts: list[Account] = []
    planted: set[tuple[str, str]] = set()
    for group in range(GROUPS):
        message = MESSAGES[group % len(MESSAGES)]
        start = T0 + (group + 0.5) * span / GROUPS  # groups of one message never share a window
        handles = [f"g{group:02d}_{i}" for i in range(rng.randint(4, 8))]
        for handle in handles:
            language = _pick(PLANTED_LANGUAGES, rng)
            posts = [_post(handle, 0, start + rng.uniform(0, GROUP_SPREAD_S), fill(rng.choice(message[language]), rng))]
            posts += [_post(handle, i, T0 + rng.uniform(0, span), _ordinary_text(language, rng)) for i in (1, 2)]
            accounts.append(Account(handle=handle, posts=posts))
        planted.update(itertools.combinations(sorted(handles), 2))
    for i in range(round(ORDINARY * scale)):
        handle = f"o{i:05d}"
        language = _pick(ACCOUNT_LANGUAGES, rng)
        posts = [
            _post(handle, j, T0 + rng.uniform(0, span), _ordinary_text(language, rng)) for j in range(POSTS_PER_ACCOUNT)
        ]
        accounts.append(Account(handle=handle, posts=posts))
    return Corpus(accounts, planted)


@dataclass(frozen=True)
class Quality:
    found: int
    recall: float
    false_pairs: int

    @property
    def false_share(self) -> float:
        return self.false_pairs / self.found if self.found else 0.0

    def line(self, name: str, n_planted: int) -> str:
        return (
            f"{name:<22} recall {self.recall:6.1%} ({round(self.recall * n_planted)}/{n_planted} planted pairs), "
            f"false pairs {self.false_pairs} ({self.false_share:.2%} of {self.found} found)"
        )


def quality(pairs: set[tuple[str, str]], planted: set[tuple[str, str]]) -> Quality:
    hits = len(pairs & planted)
    return Quality(found=len(pairs), recall=hits / len(planted), false_pairs=len(pairs) - hits)


def account_pairs(handles: list[str], account: np.ndarray, first: np.ndarray, second: np.ndarray) -> set:
    a, b = account[first].tolist(), account[second].tolist()
    return {tuple(sorted((handles[x], handles[y]))) for x, y in zip(a, b, strict=True) if x != y}


def link_pairs(corpus: Corpus, table, params: CoordinationParams) -> tuple[set, set]:  # type: ignore[no-untyped-def]
    """Account pairs from ``batch_links``: all of them, and those of lexical kinds."""
    every, lexical = set(), set()
    for account, links in zip(corpus.accounts, batch_links(table, params), strict=True):
        for link in links:
            pair = tuple(sorted((account.handle, link.peer_handle)))
            every.add(pair)
            if link.kind not in SEMANTIC_KINDS:
                lexical.add(pair)
    return every, lexical


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sweep(corpus: Corpus, table, lexical: set, params: CoordinationParams) -> None:  # type: ignore[no-untyped-def]
    """Recall and false pairs over a grid of thresholds, pairwise and corroborated, from one neighbour search at the
    grid's floor."""
    floor = SemanticThresholds(paraphrase=0.7, translation=0.45, min_support=0)
    defaults = SemanticThresholds()
    first, second, sims, translated = semantic_pairs(table.times, table.account, table.semantic, params.window_s, floor)
    pair_of = [
        tuple(sorted((table.handles[a], table.handles[b])))
        for a, b in zip(table.account[first].tolist(), table.account[second].tolist(), strict=True)
    ]
    lone_translations(corpus, first, second, sims, translated, pair_of, lexical, table.times, params.window_s)
    translations = [0.48, 0.5, 0.52, 0.55, 0.575, 0.6]
    for support in (0, 1):
        alone = f", and translations alone at >= {defaults.translation_alone}" if support else ""
        print(
            f"\nsweep, min_support {support}{alone}: rows paraphrase threshold, columns translation threshold; "
            "recall / false pairs (share)"
        )
        print("para \\ trans " + "".join(f"{t:>22}" for t in translations))
        best: tuple[float, float, Quality] | None = None
        for p in [0.75, 0.78, 0.8, 0.82, 0.85, 0.88]:
            cells = []
            for t in translations:
                close = np.flatnonzero(np.where(translated, sims >= t, sims >= p))
                close = close[corroborated(first[close], second[close], table.times, params.window_s, support)]
                if support:
                    close = np.union1d(close, np.flatnonzero(translated & (sims >= defaults.translation_alone)))
                found = quality(lexical | {pair_of[i] for i in close.tolist()}, corpus.planted)
                cells.append(f"{found.recall:6.1%} /{found.false_pairs:3d} ({found.false_share:5.2%})")
                if found.false_share <= 0.01 and (best is None or found.recall > best[2].recall):
                    best = (p, t, found)
            print(f"{p:<13}" + "".join(f"{c:>22}" for c in cells))
        if best is not None:
            print(
                f"most recall at <= 1% false pairs: paraphrase {best[0]}, translation {best[1]}: {best[2].recall:.1%}"
            )


def lone_translations(  # type: ignore[no-untyped-def]
    corpus: Corpus, first, second, sims, translated, pair_of: list, lexical: set, times, window_s: float
) -> None:
    """At the default thresholds, corroborated, with pairs across languages linking alone above each of a grid of
    ``translation_alone``: recall, false pairs, the closest chance pair across languages, and the share of planted
    translated post pairs that would link with no third account."""
    defaults = SemanticThresholds()
    close = np.flatnonzero(np.where(translated, sims >= defaults.translation, sims >= defaults.paraphrase))
    close = close[corroborated(first[close], second[close], times, window_s, defaults.min_support)]
    planted = np.array([pair in corpus.planted for pair in pair_of], bool)
    chance = sims[translated & ~planted]
    print(
        f"\nlone translations, at paraphrase {defaults.paraphrase} / translation {defaults.translation} corroborated; "
        f"closest chance pair across languages {chance.max() if len(chance) else 0:.3f}"
    )
    for alone in (0.575, 0.6, 0.625, 0.65, 0.675, 0.7, 1.01):
        linked = np.union1d(close, np.flatnonzero(translated & (sims >= alone)))
        found = quality(lexical | {pair_of[i] for i in linked.tolist()}, corpus.planted)
        lone = np.mean(sims[translated & planted] >= alone)
        print(
            f"translation_alone {alone:<6} recall {found.recall:6.1%}, false pairs {found.false_pairs:3d} "
            f"({found.false_share:5.2%}); planted translated post pairs linking alone {lone:4.0%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="Ordinary accounts as a share of 20,000.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--density", type=float, default=1.0, help="The same posts over 1/density of the time (a harder test)."
    )
    parser.add_argument("--sweep", action="store_true", help="Print recall and false pairs over a threshold grid.")
    parser.add_argument(
        "--vectors",
        type=Path,
        help="An .npz of the corpus's vectors: read when it exists (the embedding figures are "
        "those of the run that wrote it), else written.",
    )
    args = parser.parse_args()
    print(describe_machine())
    started = time.perf_counter()
    corpus = make_corpus(args.scale, args.seed, args.density)
    n_posts = sum(len(a.posts) for a in corpus.accounts)
    print(
        f"corpus: {len(corpus.accounts)} accounts, {n_posts} posts over "
        f"{SPAN_S * args.scale / args.density / 86_400:.1f} days, {GROUPS} planted groups, "
        f"{len(corpus.planted)} planted account pairs ({time.perf_counter() - started:.1f} s)"
    )
    params = CoordinationParams(permutations=0)  # the links only: their p-values are bench/coordination_chance.py's
    columns = PostColumns(corpus.accounts)
    started = time.perf_counter()
    table = post_table(corpus.accounts, params, columns)
    _, lexical = link_pairs(corpus, table, params)
    print(f"lexical pass: {time.perf_counter() - started:.1f} s; peak RSS {peak_rss_mib():.0f} MiB")

    encoder = SemanticEncoder()
    started = time.perf_counter()
    encoder.embedder.encode(["warm up"])
    load_s = time.perf_counter() - started
    rss_before = peak_rss_mib()
    started = time.perf_counter()
    if args.vectors is not None and args.vectors.exists():  # a sweep again, without embedding again
        with np.load(args.vectors) as saved:
            semantic = SemanticColumns(saved["languages"], saved["vector_of"], saved["vectors"])
            encoder.n_embedded, embed_s = int(saved["n_embedded"]), float(saved["embed_s"])
    else:
        semantic = encoder.columns(columns.posts)
        embed_s = time.perf_counter() - started
        if args.vectors is not None:
            np.savez(
                args.vectors, **vars(semantic) | {"means": 0, "n_embedded": encoder.n_embedded, "embed_s": embed_s}
            )
    n_eligible = int(np.count_nonzero(semantic.languages))
    table = replace(table, semantic=semantic)
    started = time.perf_counter()
    semantic_pairs(table.times, table.account, semantic, params.window_s)
    search_s = time.perf_counter() - started
    every, lexical_again = link_pairs(corpus, table, params)
    assert lexical_again == lexical
    print(quality(lexical, corpus.planted).line("lexical only", len(corpus.planted)))
    print(quality(every, corpus.planted).line("lexical + semantic", len(corpus.planted)))
    thresholds = SemanticThresholds()
    print(
        f"semantic pass (thresholds: paraphrase {thresholds.paraphrase}, translation {thresholds.translation}, "
        f"min support {thresholds.min_support}, translations alone at {thresholds.translation_alone}, "
        f"min {thresholds.min_tokens} tokens): encoder load {load_s:.1f} s; "
        f"{n_eligible} of {n_posts} posts embedded-eligible, {encoder.n_embedded} distinct texts embedded in "
        f"{embed_s:.1f} s ({encoder.n_embedded / embed_s:.0f} texts/s); neighbour search {search_s:.2f} s "
        f"({n_eligible / max(search_s, 1e-9):,.0f} posts/s); vectors {semantic.vectors.nbytes / 2**20:.1f} MiB (int8); "
        f"peak RSS {rss_before:.0f} MiB before, {peak_rss_mib():.0f} MiB after"
    )
    if args.sweep:
        sweep(corpus, table, lexical, params)


if __name__ == "__main__":
    main()
