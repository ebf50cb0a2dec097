"""Semantic coordination links: posts of different accounts, close in time, that say the same thing in other words.

Operations now reword each copy of a line (or translate it) so that near-duplicate detection misses them. Each post
is embedded once with the multilingual sentence encoder (``detector/embeddings.py``) into a compact vector, kept
beside its MinHash signature; two posts within the window whose vectors are close link as ``paraphrase`` (same
language) or ``translation`` (languages differ: the source's ``lang`` when it gave one, else a guess from the
script and a few function words).

Traps this guards against:

- Short posts ("Good morning everyone!") are near each other in any embedding: posts under ``min_tokens`` are never
  embedded, so they never link this way.
- Posts on one topic are closer than random posts (the same embassy, the same camps), and two ordinary accounts
  sometimes say nearly the same thing within minutes: a pair of posts in one language links only when a third
  account's post within the window is close to both (``min_support``). Coordination is several accounts saying one
  thing; a lone pair of look-alikes is what chance makes, and a pair that says it in the same words still links as a
  near-duplicate. Measured on ``bench/semantic_coordination.py`` (ordinary accounts posting on the planted groups'
  topics), this corroboration took false account pairs from about 1% to none at higher recall (79.5-84.5% to
  92.8-94.9% over three seeds), and at five times the posts per window it added 2 where the pairwise rule added 30.
- Saying one thing in two languages within minutes is rarely chance: a pair across languages links alone when it is
  close enough (``translation_alone``), so two accounts posting a Chinese and an English version of one line link.
  On the bench no two ordinary posts across languages came that close (at most 0.645 over three seeds, where chance
  pairs in one language reached 0.90), and about 60% of planted translated pairs are; its ordinary posts hold no
  translations of each other, though, and one news line posted in two languages by two accounts links.
- Cross-lingual pairs score lower than same-language ones for the same meaning, hence a threshold of their own.

Vectors are stored as int8 (each row scaled by its largest value): 512 bytes a post instead of 2,048, with cosine
errors under 0.001 (measured: float16 gave 0.00004 at 1,024 bytes). Neighbours are found per time bucket of one
window: each bucket's posts against its own and the next bucket's with one matrix product (BLAS). A request needs
only the pairs of its accounts' posts (``semantic_pairs``' ``focus``): those posts are compared with the posts within
the window of them, and their close peers with each other for corroboration, which gives the same pairs as the search
over every post at the cost of the request's neighbourhood (measured on the demo store: a fresh score's CPU 174 ms ->
98 ms, the pass off 62 ms; ``bench/results/api-latency.md``).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol, TypeVar

import numpy as np
from numba import njit
from scipy import sparse

from detector.embeddings import Embedder, load_embedder
from detector.schema import Account, Post

__all__ = [
    "SEMANTIC_KINDS",
    "VECTOR_DIM",
    "SemanticColumns",
    "SemanticEncoder",
    "SemanticThresholds",
    "corroborated",
    "default_encoder",
    "guess_language",
    "language_code",
    "semantic_pairs",
    "semantic_table",
    "token_count",
]

VECTOR_DIM = 512
SEMANTIC_KINDS = ("paraphrase", "translation")  # the link kinds found here (``detector.coordination.LinkKind``)
_RETWEET = re.compile(r"^\s*RT\s+@\w+:?\s*", re.IGNORECASE)
_NOISE = re.compile(r"(?:https?://|www\.)\S+|@\w+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_HAN = re.compile(r"[\u3400-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_PERSIAN = re.compile(r"[پچژگ]")
_FUNCTION_WORDS = {
    "en": {"the", "and", "is", "are", "of", "to", "in", "that", "this", "with", "for", "not", "on", "by"},
    "es": {"el", "la", "los", "las", "de", "que", "y", "es", "en", "por", "con", "para", "una", "del"},
    "fr": {"le", "la", "les", "des", "de", "et", "est", "que", "pour", "dans", "une", "sur", "pas", "du"},
    "de": {"der", "die", "das", "und", "ist", "nicht", "mit", "von", "den", "sich", "auf", "für", "ein", "zu"},
    "pt": {"o", "os", "as", "de", "que", "e", "é", "em", "para", "com", "não", "uma", "do", "da"},
}
_UNKNOWN_LANGS = {"", "und", "qme", "qht", "qam", "qct", "qst", "zxx", "art"}  # X's codes for "no language"


@dataclass(frozen=True)
class SemanticThresholds:
    """Cosine similarities above which two posts mean the same, how many other accounts' posts must agree, and the
    shortest post that may link.

    Two posts of different accounts within the window link when their similarity passes ``paraphrase`` (same
    language) or ``translation`` (languages differ) and at least ``min_support`` posts of third accounts, within the
    window of both, pass it with each of them (0: every close pair links, the rule before issue 20); a pair across
    languages whose similarity passes ``translation_alone`` links without them (above 1: never). Similarities are
    taken off the languages' means (``language_means``): without that, the same recall came with about five times
    the false pairs. ``max_bucket``: a time bucket with more embedded posts is compared in row blocks of this size
    (memory stays ``max_bucket`` x twice the bucket's posts floats).

    Chosen on ``bench/semantic_coordination.py`` seed 7 (planted reworded and translated groups among 20,000 ordinary
    accounts on the same topics): corroborated, no cell of the sweep down to 0.75 / 0.48 had a false account pair,
    so these stand two grid steps above that floor, where five times the posts per window (``--density 5``) added 2
    false pairs to lexical's 10: 92.8% recall, none false (the pairwise rule's best was 81.8% at 0.75%).
    ``translation_alone``: the lowest step of 0.575-0.7 at which lone pairs across languages added no false pair at
    either density (the closest chance pair across languages: 0.636 and 0.638); 61% of the planted translated post
    pairs pass it alone. Held out, seeds 11 and 23: 94.9% and 94.6%, the one false pair of each lexical, with chance
    pairs across languages up to 0.645, a thin margin (``bench/results/coordination-semantic.md``).
    """

    paraphrase: float = 0.8
    translation: float = 0.52
    min_support: int = 1
    translation_alone: float = 0.65
    min_tokens: int = 6
    max_bucket: int = 2048


@dataclass
class SemanticColumns:
    """Per post, its language's code (0: not embedded: too short, a repost, or the pass was off when it was
    indexed) and the row of its int8 vector; only embedded posts take vector memory (an index loaded from rows
    stored before the pass existed holds millions of posts without one)."""

    languages: np.ndarray  # uint32, ``language_code`` of the post's language, 0 when the post has no vector
    vector_of: np.ndarray  # int64 row of ``vectors`` per post, -1 for none
    vectors: np.ndarray  # int8 (n_embedded, VECTOR_DIM)
    means: dict[int, np.ndarray] | None = (
        None  # per language code, its posts' mean unit vector (see ``language_means``)
    )

    def __len__(self) -> int:
        return len(self.languages)

    @classmethod
    def empty(cls, n_posts: int) -> SemanticColumns:
        return cls(np.zeros(n_posts, np.uint32), np.full(n_posts, -1, np.int64), np.zeros((0, VECTOR_DIM), np.int8))

    @classmethod
    def dense(cls, languages: np.ndarray, vectors: np.ndarray) -> SemanticColumns:
        """From one vector row per post (rows of posts whose language is 0 are dropped)."""
        has = languages != 0
        vector_of = np.full(len(languages), -1, np.int64)
        vector_of[has] = np.arange(int(has.sum()))
        return cls(languages.astype(np.uint32), vector_of, np.ascontiguousarray(vectors[has], dtype=np.int8))

    @classmethod
    def concat(cls, parts: Sequence[SemanticColumns]) -> SemanticColumns:
        if not parts:
            return cls.empty(0)
        offsets = np.cumsum([0, *(len(p.vectors) for p in parts)])[:-1]
        return cls(
            np.concatenate([p.languages for p in parts]),
            np.concatenate(
                [np.where(p.vector_of >= 0, p.vector_of + o, -1) for p, o in zip(parts, offsets, strict=True)]
            ),
            np.vstack([p.vectors for p in parts]),
        )

    def take(self, rows: np.ndarray) -> SemanticColumns:
        return SemanticColumns.dense(self.languages[rows], self.vectors_of(rows))

    def vectors_of(self, rows: np.ndarray) -> np.ndarray:
        """int8 vectors of ``rows`` (zero rows for posts without one)."""
        found = np.zeros((len(rows), VECTOR_DIM), np.int8)
        where = self.vector_of[rows]
        found[where >= 0] = self.vectors[where[where >= 0]]
        return found


def token_count(text: str) -> int:
    """Words of ``text``, a Chinese, Japanese or Korean character counting as half a word (about its share of one)."""
    dense = len(_HAN.findall(text)) + len(_KANA.findall(text)) + len(_HANGUL.findall(text))
    return len(_WORD.findall(_HAN.sub(" ", text))) + dense // 2


def guess_language(text: str) -> str:
    """A cheap guess at a post's language: its dominant script, and for Latin script a count of function words
    (English when none is found, the commonest case of this domain)."""
    counts = {
        "cjk": len(_HAN.findall(text)) + len(_KANA.findall(text)),
        "ko": len(_HANGUL.findall(text)),
        "cyrillic": len(_CYRILLIC.findall(text)),
        "arabic": len(_ARABIC.findall(text)),
    }
    script, n = max(counts.items(), key=lambda item: item[1])
    latin = sum(len(w) for w in _WORD.findall(text) if w.isascii())
    if n and n * 2 >= latin:
        if script == "cjk":
            return "ja" if _KANA.search(text) else "zh"
        if script == "cyrillic":
            return "uk" if _UKRAINIAN.search(text) else "ru"
        if script == "arabic":
            return "fa" if _PERSIAN.search(text) else "ar"
        return script
    words = [w.lower() for w in _WORD.findall(text)]
    scores = {lang: sum(w in stop for w in words) for lang, stop in _FUNCTION_WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] else "en"


def post_language(post: Post) -> str:
    """The source's language code (its primary subtag) when it gave one, else ``guess_language``."""
    given = (post.lang or "").split("-")[0].split("_")[0].lower()
    return given if given not in _UNKNOWN_LANGS else guess_language(post.text)


def language_code(language: str) -> int:
    """A stable nonzero number for a language code (equal codes, equal numbers, in every process)."""
    return zlib.crc32(language.encode("utf-8")) or 1


def embedding_text(text: str) -> str:
    """What is embedded: the text without the retweet prefix, links and mentions (noise that moves vectors)."""
    return _NOISE.sub(" ", _RETWEET.sub("", text)).replace("#", " ").replace("＃", " ").strip()


def quantized(vectors: np.ndarray) -> np.ndarray:
    """int8 rows, each scaled so that its largest value is 127 (cosines need no scale back)."""
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    return np.round(vectors / np.where(peak > 0, peak, 1.0) * 127.0).astype(np.int8)


class SemanticEncoder:
    """Embeds posts into ``SemanticColumns``, each distinct text once.

    The encoder is loaded on first use (``load_embedder``: a missing or altered wheel raises then). Vectors are
    remembered by a hash of the embedded text, up to ``cache_size``, so a post embedded to be indexed is not embedded
    again to be linked, and training that featurizes the same posts twice embeds them once. ``calls`` and
    ``n_embedded`` count the encoder's work.
    """

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        thresholds: SemanticThresholds | None = None,
        cache_size: int = 100_000,
        batch_size: int = 256,
    ) -> None:
        self.thresholds = thresholds or SemanticThresholds()
        self._embedder = embedder
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self.cache_size = cache_size
        self.batch_size = batch_size
        self.calls = 0
        self.n_embedded = 0

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder("use-m3")
        return self._embedder

    def columns(
        self, posts: Sequence[Post], *, stored: Mapping[str, tuple[np.ndarray, int]] | None = None
    ) -> SemanticColumns:
        """Vectors and language codes of ``posts`` in order; ``stored``: vectors already known by post id (rows the
        index holds), used as they are."""
        languages = np.zeros(len(posts), np.uint32)
        vectors = np.zeros((len(posts), VECTOR_DIM), np.int8)
        todo: dict[bytes, list[int]] = {}
        texts: dict[bytes, str] = {}
        for row, post in enumerate(posts):
            if stored is not None and post.id in stored:
                vectors[row], languages[row] = stored[post.id]
                continue
            text = embedding_text(post.text)
            if post.is_retweet or _RETWEET.match(post.text) or token_count(text) < self.thresholds.min_tokens:
                continue  # reposts link as near-duplicates; short posts never link this way
            languages[row] = language_code(post_language(post))
            key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
            if key in self._cache:
                self._cache.move_to_end(key)
                vectors[row] = self._cache[key]
            else:
                todo.setdefault(key, []).append(row)
                texts[key] = text
        keys = list(todo)
        for start in range(0, len(keys), self.batch_size):
            chunk = keys[start : start + self.batch_size]
            self.calls += 1
            self.n_embedded += len(chunk)
            encoded = quantized(self.embedder.encode([texts[key] for key in chunk]))
            for key, vector in zip(chunk, encoded, strict=True):
                vectors[todo[key]] = vector
                self._remember(key, vector)
        return SemanticColumns.dense(languages, vectors)

    def _remember(self, key: bytes, vector: np.ndarray) -> None:
        if self.cache_size <= 0:
            return
        self._cache[key] = vector
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)


@cache
def default_encoder() -> SemanticEncoder:
    """The process's encoder for training and batch scoring: one text cache for every step of a run."""
    return SemanticEncoder()


class _Table(Protocol):
    semantic: SemanticColumns | None


_T = TypeVar("_T", bound=_Table)


def semantic_table(
    table: _T, accounts: Sequence[Account], params: object, encoder: SemanticEncoder | None = None
) -> _T:
    """``table`` (the post table of ``accounts``) with their vectors when ``params`` (a model's
    ``CoordinationParams``) count semantic links, as it is otherwise (without the cost of embedding: params saved
    before the field existed count none)."""
    if set(SEMANTIC_KINDS) & set(getattr(params, "counted_kinds", ())) and table.semantic is None:
        posts = [post for account in accounts for post in account.posts]
        table.semantic = (encoder or default_encoder()).columns(posts)
    return table


def _unit(
    vectors: np.ndarray, languages: np.ndarray | None = None, means: Mapping[int, np.ndarray] | None = None
) -> np.ndarray:
    """Unit rows of ``vectors``, each first moved off its language's mean when ``means`` has one."""
    rows = vectors.astype(np.float32)
    rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    if means and languages is not None:
        for language, mean in means.items():
            rows[languages == language] -= mean
        rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    return rows


LanguageSums = dict[int, tuple[np.ndarray, int]]


def language_sums(columns: SemanticColumns, chunk: int = 50_000) -> LanguageSums:
    """Per language code, the sum of its posts' unit vectors and their number (chunked: a whole index fits)."""
    sums: LanguageSums = {}
    embedded = np.flatnonzero(columns.vector_of >= 0)
    for start in range(0, len(embedded), chunk):
        rows = embedded[start : start + chunk]
        unit, languages = _unit(columns.vectors[columns.vector_of[rows]]), columns.languages[rows]
        for language in np.unique(languages).tolist():
            total, count = sums.get(language, (np.zeros(VECTOR_DIM), 0))
            mine = languages == language
            sums[language] = (total + unit[mine].sum(axis=0, dtype=np.float64), count + int(mine.sum()))
    return sums


def merged_sums(first: LanguageSums, second: LanguageSums) -> LanguageSums:
    merged = dict(first)
    for language, (total, count) in second.items():
        before, n = merged.get(language, (np.zeros(VECTOR_DIM), 0))
        merged[language] = (before + total, n + count)
    return merged


def language_means(sums: LanguageSums, min_posts: int = 200) -> dict[int, np.ndarray]:
    """Per language with ``min_posts`` posts, their mean unit vector.

    Subtracting it before comparing removes what every post of a language (and of the moment's topics) shares:
    measured on the planted benchmark, translated pairs gained and unrelated same-topic pairs lost similarity, and
    false account pairs fell about fivefold at the same recall. Languages with fewer posts are compared as they are.
    """
    return {
        language: (total / count).astype(np.float32) for language, (total, count) in sums.items() if count >= min_posts
    }


def semantic_pairs(
    times: np.ndarray,
    account: np.ndarray,
    columns: SemanticColumns,
    window_s: float,
    thresholds: SemanticThresholds | None = None,
    *,
    support_window_s: float | None = None,
    focus: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Post pairs by different accounts (``account``: one number per account, equal for one account's posts
    wherever they stand) within ``window_s`` whose vectors are close and that third accounts' posts corroborate (or,
    across languages, closer than ``translation_alone``): ``(first, second, similarity, is_translation)``,
    ``first < second``, each pair once.

    Posts are cut into buckets of one window by time; each bucket is compared with itself and the next one, which
    holds every pair within the window (and some just outside it, dropped by their gap). Vectors are compared off
    their language's mean: ``columns.means`` (the index's, over every post it holds) or else the columns' own.
    ``support_window_s``: how near in time a corroborating post must be to both posts of a pair (default
    ``window_s``; chance searches farther than the links' window, and corroboration keeps the links' own).

    ``focus`` (a mask per post, e.g. the posts of the accounts a request scores): only the pairs with a focus post
    are wanted. They are then the same pairs, in the same order, as without it, at the cost of the focus posts'
    neighbourhood: the focus posts are compared with the posts within the window of them, and their close peers with
    each other (what corroboration reads), instead of every post with every other (``_focused_close_pairs``)."""
    thresholds = thresholds or SemanticThresholds()
    means = columns.means if columns.means is not None else language_means(language_sums(columns))
    eligible = np.flatnonzero(columns.languages != 0)
    empty = np.zeros(0, np.int64)
    eligible = eligible[np.argsort(times[eligible], kind="stable")]
    support_window = window_s if support_window_s is None else support_window_s
    search = _PairSearch(times, account, columns, means, thresholds)
    if focus is None or bool(np.all(focus[eligible])):
        first, second, similarity = search.within(eligible, window_s)
        n_wanted = len(first)
    else:
        first, second, similarity, n_wanted = _focused_close_pairs(
            search, eligible, focus[eligible], window_s, min(support_window, window_s)
        )
    if not n_wanted:
        return empty, empty, np.zeros(0), np.zeros(0, bool)
    low, high = np.minimum(first, second), np.maximum(first, second)
    translated = columns.languages[low] != columns.languages[high]
    keep = corroborated(low, high, times, support_window, thresholds.min_support)
    keep |= translated & (similarity >= thresholds.translation_alone)
    keep[n_wanted:] = False  # the peers' own pairs only corroborated
    return low[keep], high[keep], similarity[keep], translated[keep]


def _focused_close_pairs(
    search: _PairSearch, eligible: np.ndarray, is_focus: np.ndarray, window_s: float, support_window_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The close pairs of the posts ``eligible`` (sorted by time) with a focus post (``is_focus`` per position), in
    the order ``_PairSearch.within`` finds them, followed by the close pairs within ``support_window_s`` among the
    other posts of those pairs, and the number of the former.

    Exact: a post corroborating a focus pair is close to its focus post, so it is one of those peers or a focus post,
    and every pair that can corroborate is among the ones returned. Every eligible post's unit vector is worked out
    once (the callers' tables are the focus posts' neighbourhood: all of it is compared)."""
    times = search.times[eligible]
    focus = np.flatnonzero(is_focus)
    if not len(focus):  # the request's posts are all too short (or reposts) to link by meaning
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0), 0
    unit = search.unit(eligible)  # once: the windows of neighbouring focus posts overlap
    bucket = np.floor((times[focus] - times[0]) / window_s).astype(np.int64)
    starts = np.searchsorted(bucket, np.unique(bucket))
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start, end in zip(starts.tolist(), np.r_[starts[1:], len(focus)].tolist(), strict=True):
        for block in range(start, end, search.thresholds.max_bucket):
            left = focus[block : min(block + search.thresholds.max_bucket, end)]
            lo = int(np.searchsorted(times, times[left[0]] - window_s, side="left"))
            hi = int(np.searchsorted(times, times[left[-1]] + window_s, side="right"))
            mine, other, sims = search.between(eligible, left, np.arange(lo, hi), window_s, unit)
            once = ~is_focus[other] | (other > mine)  # a pair of two focus posts is found from the earlier one
            mine, other, sims = mine[once], other[once], sims[once]
            parts.append((np.minimum(mine, other), np.maximum(mine, other), sims))
    if not parts:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0), 0
    earlier, later, similarity = (np.concatenate([p[i] for p in parts]) for i in range(3))
    order = np.argsort(earlier * len(eligible) + later, kind="stable")
    earlier, later, similarity = earlier[order], later[order], similarity[order]
    near = np.abs(times[later] - times[earlier]) <= support_window_s
    peers = np.unique(np.r_[earlier[near], later[near]])
    peer_first, peer_second, peer_sims = search.within(eligible[peers[~is_focus[peers]]], support_window_s)
    return (
        np.r_[eligible[earlier], peer_first],
        np.r_[eligible[later], peer_second],
        np.r_[similarity, peer_sims],
        len(earlier),
    )


def corroborated(
    first: np.ndarray, second: np.ndarray, times: np.ndarray, window_s: float, min_support: int = 1
) -> np.ndarray:
    """Per close pair ``(first[i], second[i])`` (posts of different accounts), whether ``min_support`` other posts
    are close to both within ``window_s`` of both (each close pair is given once; a post is never close to a post
    of its own account, so a corroborating post is a third account's)."""
    if min_support <= 0:
        return np.ones(len(first), bool)
    near = np.abs(times[first] - times[second]) <= window_s
    nodes = np.unique(np.r_[first[near], second[near]])
    a, b = np.searchsorted(nodes, first[near]), np.searchsorted(nodes, second[near])
    ones = np.ones(2 * len(a), np.int32)
    adjacency = sparse.csr_matrix((ones, (np.r_[a, b], np.r_[b, a])), shape=(len(nodes), len(nodes)))
    support = np.zeros(len(first), np.int64)
    support[near] = np.asarray(adjacency[a].multiply(adjacency[b]).sum(axis=1)).ravel()
    return support >= min_support


@dataclass
class _PairSearch:
    """Close pairs of posts of different accounts, by matrix products over unit vectors.

    A pair's similarity is what the matrix product gave only to find the candidates; the value compared with the
    thresholds and returned is its own dot product in float64, the same whichever rows were multiplied together
    (BLAS may round a product of other shapes otherwise), so a focused search finds exactly the unfocused pairs."""

    times: np.ndarray
    account: np.ndarray
    columns: SemanticColumns
    means: Mapping[int, np.ndarray]
    thresholds: SemanticThresholds

    def unit(self, rows: np.ndarray) -> np.ndarray:
        return _unit(self.columns.vectors_of(rows), self.columns.languages[rows], self.means)

    def within(self, rows: np.ndarray, window_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every close pair of ``rows`` (sorted by time) within ``window_s``: ``(earlier, later, similarity)`` by
        bucket of one window, each bucket's rows against their own and the next bucket's. Consecutive buckets of few
        posts are taken together, up to ``_GROUP_ROWS`` (one product for many: when posts are sparse, a call per
        bucket cost more than the products; pairs farther apart than the window are dropped by their gap)."""
        empty = np.zeros(0, np.int64)
        if len(rows) < 2:
            return empty, empty, np.zeros(0)
        bucket = np.floor((self.times[rows] - self.times[rows[0]]) / window_s).astype(np.int64)
        starts = np.searchsorted(bucket, np.unique(bucket)).tolist()
        ends = [*starts[1:], len(rows)]
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        first = 0
        while first < len(starts):
            last = first
            while last + 1 < len(starts) and ends[last + 1] - starts[first] <= _GROUP_ROWS:
                last += 1
            start, end = starts[first], ends[last]
            then = last + 1
            stop = ends[then] if then < len(starts) and bucket[starts[then]] == bucket[starts[last]] + 1 else end
            first = then
            if stop - start < 2:
                continue
            span = rows[start:stop]
            unit = self.unit(span)
            for block in range(0, end - start, self.thresholds.max_bucket):
                left = np.arange(block, min(block + self.thresholds.max_bucket, end - start))
                mine, other, sims = self.between(span, left, np.arange(block, len(span)), window_s, unit)
                later = other > mine
                parts.append((span[mine[later]], span[other[later]], sims[later]))
        if not parts:
            return empty, empty, np.zeros(0)
        return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))  # type: ignore[return-value]

    def between(
        self, rows: np.ndarray, left: np.ndarray, right: np.ndarray, window_s: float, unit: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The close pairs of ``rows[left]`` with ``rows[right]`` (positions in ``rows``), by position, in the order
        of ``left`` then ``right``; ``unit``: the unit vectors of ``rows``, when already worked out."""
        thresholds = self.thresholds
        if unit is None:
            unit_left, unit_right = self.unit(rows[left]), self.unit(rows[right])
        else:
            unit_left, unit_right = unit[left], unit[right]
        rough = unit_left @ unit_right.T
        a, b = np.nonzero(rough >= min(thresholds.paraphrase, thresholds.translation) - _SLACK)
        if not len(a):
            return a, b, np.zeros(0)
        first, second = rows[left[a]], rows[right[b]]
        floor = np.where(
            self.columns.languages[first] == self.columns.languages[second],
            thresholds.paraphrase,
            thresholds.translation,
        )
        keep = (
            (self.account[first] != self.account[second])
            & (np.abs(self.times[second] - self.times[first]) <= window_s)
            & (rough[a, b] >= floor - _SLACK)
        )
        a, b, floor = a[keep], b[keep], floor[keep]
        sims = _dots(unit_left, a, unit_right, b)
        close = sims >= floor
        return left[a[close]], right[b[close]], sims[close]


@njit(cache=True, nogil=True)
def _dots(left: np.ndarray, a: np.ndarray, right: np.ndarray, b: np.ndarray) -> np.ndarray:  # pragma: no cover
    # left[a[i]] . right[b[i]] per i in float64, summed in one fixed order (16 running sums, then theirs): the same
    # value whichever rows the call holds, without copying the rows out. Rows are a multiple of 16 wide.
    found = np.empty(len(a))
    sums = np.empty(16)
    for i in range(len(a)):
        x, y = left[a[i]], right[b[i]]
        sums[:] = 0.0
        for k in range(0, x.shape[0], 16):
            for j in range(16):
                sums[j] += np.float64(x[k + j]) * np.float64(y[k + j])
        total = 0.0
        for j in range(16):
            total += sums[j]
        found[i] = total
    return found


_SLACK = 1e-4  # far above float32 rounding of a 512-term dot product of unit vectors
_GROUP_ROWS = 256  # buckets of one window with fewer posts in all are compared together
