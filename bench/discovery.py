"""Talking-point discovery over a large window of state-account posts: time per stage, and whether lines come back.

    .venv/bin/python bench/discovery.py [--state-posts 100000] [--lines 300] [--others 3000] [--seed 7]
                                        [--no-embedder]

Generates (seed-determined) 14 days of posts by 300 state accounts: ``--lines`` lines, each said 8-24 times by
several accounts (a third of them in English and Chinese, each copy decorated with a hashtag, an emoji or a URL),
and unique posts for the rest, up to ``--state-posts``. ``--others`` non-state accounts post 20 times each, a quarter
of them repeating a line. Then runs ``detector.discovery.discover`` against the bundled catalog, with the
multilingual encoder unless ``--no-embedder``, and prints the time of each stage (wall and CPU seconds), the peak
RSS, and how many planted lines came back. The Chinese here is random characters, not a translation, so the
encoder cannot join it with the English: that is measured on real translations in ``tests/`` instead.
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import resource
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _machine import describe_machine

import detector.discovery as discovery
from detector.catalog import load_catalog
from detector.embeddings import load_embedder
from detector.schema import Account, Post

START = datetime(2026, 11, 1, tzinfo=UTC)
WINDOW = timedelta(days=14)
# Real words (an encoder reads made-up ones as alike), from the synthetic corpus's filler and topics, not its lines.
_DATA = Path(__file__).resolve().parents[1] / "ingest" / "synthetic_data"
_WORDS = sorted(
    {
        w.lower()
        for name in ("filler", "topics", "people", "slots")
        for w in re.findall(r"[A-Za-z]{3,}", (_DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    }
)
_HANZI = [chr(c) for c in range(0x4E00, 0x4E00 + 2500)]
_DECORATIONS = ("", " #China", " 🇨🇳", " https://example.org/a/{n}", " #Truth #Peace", " 🤝")
STAGES = ("_state_posts", "_near_duplicate_groups", "_join_by_meaning", "_drop_known", "_draft", "_with_spread")


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(10, 18))).capitalize() + "."


def _hanzi(rng: random.Random) -> str:
    return "".join(rng.choice(_HANZI) for _ in range(rng.randint(16, 28))) + "。"


def _at(rng: random.Random) -> datetime:
    return START + timedelta(seconds=rng.randrange(int(WINDOW.total_seconds())))


def build(
    seed: int, n_state_posts: int, n_lines: int, n_others: int
) -> tuple[list[Account], list[Account], list[dict[str, str]]]:
    """State accounts, other accounts, and the planted lines (``{"en": ..., "zh": ...}``)."""
    rng = random.Random(seed)
    lines = [{"en": _sentence(rng), **({"zh": _hanzi(rng)} if n % 3 == 0 else {})} for n in range(n_lines)]
    state_posts: list[list[Post]] = [[] for _ in range(300)]
    n = 0
    for line in lines:
        for _ in range(rng.randint(8, 24)):
            lang = rng.choice(list(line))
            text = line[lang] + rng.choice(_DECORATIONS).format(n=n)
            state_posts[rng.randrange(300)].append(Post(id=f"s{n}", created_at=_at(rng), text=text, lang=lang))
            n += 1
    while n < n_state_posts:
        lang = "zh" if rng.random() < 0.25 else "en"
        text = _hanzi(rng) if lang == "zh" else _sentence(rng)
        state_posts[rng.randrange(300)].append(Post(id=f"s{n}", created_at=_at(rng), text=text, lang=lang))
        n += 1
    state = [Account(handle=f"state{i}", posts=posts) for i, posts in enumerate(state_posts)]
    others = []
    for i in range(n_others):
        posts = []
        for k in range(20):
            if rng.random() < 0.25:
                line = rng.choice(lines)
                lang = rng.choice(list(line))
                text = rng.choice(("", "So true: ", "Exactly. ")) + line[lang]
            else:
                lang, text = "en", _sentence(rng)
            posts.append(Post(id=f"o{i}-{k}", created_at=_at(rng), text=text, lang=lang))
        others.append(Account(handle=f"user{i}", posts=posts))
    return state, others, lines


def _timed(name: str, totals: dict[str, list[float]], fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent = totals.setdefault(name, [0.0, 0.0])
            spent[0] += time.perf_counter() - wall
            spent[1] += time.process_time() - cpu

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state-posts", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--others", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-embedder", action="store_true")
    args = parser.parse_args()
    print(describe_machine())
    started = time.perf_counter()
    state, others, lines = build(args.seed, args.state_posts, args.lines, args.others)
    n_state = sum(len(a.posts) for a in state)
    n_other = sum(len(a.posts) for a in others)
    print(
        f"corpus: {n_state:,} state posts ({len(lines):,} planted lines), {n_other:,} other posts; "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    catalog = load_catalog()
    embedder = None
    if not args.no_embedder:
        loading = time.perf_counter()
        embedder = load_embedder("use-m3")
        embedder.encode(["warm up"])
        print(f"encoder loaded in {time.perf_counter() - loading:.1f} s (once per process; not counted below)")
    totals: dict[str, list[float]] = {}
    for name in STAGES:
        setattr(discovery, name, _timed(name, totals, getattr(discovery, name)))
    wall, cpu = time.perf_counter(), time.process_time()
    found = discovery.discover(state, others, catalog, since=START, until=START + WINDOW, embedder=embedder)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print("| stage | wall s | CPU s |\n| --- | --- | --- |")
    for name in STAGES:
        spent = totals.get(name, [0.0, 0.0])
        print(f"| {name.strip('_').replace('_', ' ')} | {spent[0]:.1f} | {spent[1]:.1f} |")
    print(f"| **discover, total** | **{wall:.1f}** | **{cpu:.1f}** |")
    phrasings = {text for c in found for text in c.phrasings.values()}
    recovered = sum(any(p.startswith(line[lang]) for lang in line for p in phrasings) for line in lines)
    spreading = sum(c.spread > 0 for c in found)
    print(
        f"candidates: {len(found):,}, {spreading:,} with spread; planted lines among them: {recovered:,} of "
        f"{len(lines):,}; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
