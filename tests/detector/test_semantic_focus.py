"""A focused semantic search (the posts of the accounts a request scores against their neighbourhood) finds exactly
the pairs of those posts that the search over every post finds: the same pairs, corroborated alike, in the same
order, with the same similarities."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from detector.coordination import CoordinationIndex, batch_links
from detector.embeddings import load_embedder
from detector.schema import Account, Post
from detector.semantic_links import SemanticColumns, SemanticEncoder, SemanticThresholds, quantized, semantic_pairs

T0 = datetime(2023, 3, 1, 12, 0, tzinfo=UTC)
COTTON = {
    "en": "The reports of forced labour in the cotton fields are lies invented by Western politicians.",
    "en2": "Western politicians made up the stories about forced labour in cotton fields, and they are lies.",
    "en3": "All the reports about forced labour in cotton fields are lies made up by politicians in the West.",
    "zh": "所谓棉花田强迫劳动的报道是西方政客编造的谎言。",
    "ru": "Сообщения о принудительном труде на хлопковых полях — ложь, придуманная западными политиками.",
}
PROSPERITY = {
    "en": "Xinjiang today is stable and prosperous, and its people enjoy peaceful and happy lives.",
    "en2": "People in Xinjiang now live peaceful and happy lives in a region that is stable and prosperous.",
    "zh": "今天的新疆社会稳定、经济繁荣，各族人民过着和平幸福的生活。",
    "ru": "Сегодня Синьцзян стабилен и процветает, а его жители живут мирной и счастливой жизнью.",
}
ORDINARY = (
    "A new study on working conditions in cotton farms will be presented at the textile fair next week.",
    "The weather in Beijing was lovely this morning, perfect for a long walk along the river.",
    "北京今天的天气很好，适合在公园里散步和喝茶。",
    "В Москве сегодня прошёл сильный дождь, и многие улицы затопило до самого вечера.",
)
# (handle, text, minute): two messages, each reworded and translated by several accounts in three languages, and
# ordinary posts on the same topics, spread over buckets of one window that neighbouring posts share.
POSTS = (
    ("amp1", COTTON["en"], 0),
    ("amp2", COTTON["en2"], 3),
    ("amp3", COTTON["en3"], 7),
    ("amp4", COTTON["zh"], 9),
    ("amp5", COTTON["ru"], 12),
    ("amp1", PROSPERITY["zh"], 14),
    ("amp2", PROSPERITY["en"], 17),
    ("amp6", PROSPERITY["en2"], 19),
    ("amp4", PROSPERITY["ru"], 22),
    ("reporter", ORDINARY[0], 2),
    ("walker", ORDINARY[1], 8),
    ("walker", ORDINARY[2], 16),
    ("moscow", ORDINARY[3], 18),
    ("amp6", COTTON["en3"] + " Share it.", 31),
    ("amp3", COTTON["zh"], 36),
)


@pytest.fixture(scope="module")
def accounts() -> list[Account]:
    by_handle: dict[str, list[Post]] = {}
    for i, (handle, text, minute) in enumerate(POSTS):
        post = Post(id=f"p{i}", created_at=T0 + timedelta(minutes=minute), text=text)
        by_handle.setdefault(handle, []).append(post)
    return [Account(handle=handle, posts=posts) for handle, posts in by_handle.items()]


@pytest.fixture(scope="module")
def encoder() -> SemanticEncoder:
    return SemanticEncoder(load_embedder("use-m3"))


def _of(pairs: tuple[np.ndarray, ...], focus: np.ndarray) -> tuple[np.ndarray, ...]:
    """The pairs of an unfocused search with a focus post."""
    wanted = focus[pairs[0]] | focus[pairs[1]]
    return tuple(values[wanted] for values in pairs)


def _assert_same(found: tuple[np.ndarray, ...], expected: tuple[np.ndarray, ...]) -> None:
    for mine, theirs in zip(found, expected, strict=True):
        assert mine.dtype == theirs.dtype
        assert mine.tolist() == theirs.tolist()


@pytest.mark.parametrize(
    ("window_s", "support_window_s", "thresholds"),
    [
        (600.0, None, SemanticThresholds()),
        (600.0, None, SemanticThresholds(min_support=0)),
        (600.0, None, SemanticThresholds(paraphrase=0.6, translation=0.4, min_support=2, max_bucket=2)),
        (1800.0, 600.0, SemanticThresholds(paraphrase=0.7, translation=0.45)),  # chance: far search, near support
    ],
)
def test_the_focused_search_finds_exactly_the_unfocused_pairs_of_the_focus_posts(
    accounts: list[Account],
    encoder: SemanticEncoder,
    window_s: float,
    support_window_s: float | None,
    thresholds: SemanticThresholds,
) -> None:
    posts = [post for account in accounts for post in account.posts]
    columns = encoder.columns(posts)
    owner = np.repeat(np.arange(len(accounts)), [len(a.posts) for a in accounts])
    times = np.array([post.created_at.timestamp() for post in posts])
    every = semantic_pairs(times, owner, columns, window_s, thresholds, support_window_s=support_window_s)
    translated = every[3]
    assert translated.any() and (~translated).any(), "the fixture links paraphrases and translations"
    focuses = [[a] for a in range(len(accounts))] + [[0, 1], [2, 4, 5], list(range(len(accounts)))]
    for focused in focuses:
        focus = np.isin(owner, focused)
        found = semantic_pairs(
            times, owner, columns, window_s, thresholds, support_window_s=support_window_s, focus=focus
        )
        _assert_same(found, _of(every, focus))


def test_a_pair_of_the_focus_corroborated_only_by_two_other_accounts_is_found(
    accounts: list[Account], encoder: SemanticEncoder
) -> None:
    """amp1's paraphrase link with amp2 holds because amp3 says it too: the pair amp2-amp3, which involves no focus
    post, must be compared for it."""
    posts = [post for account in accounts for post in account.posts]
    owner = np.repeat(np.arange(len(accounts)), [len(a.posts) for a in accounts])
    times = np.array([post.created_at.timestamp() for post in posts])
    focus = owner == 0
    first, second, _, translated = semantic_pairs(times, owner, encoder.columns(posts), 600.0, focus=focus)
    paraphrased = {int(owner[b]) for a, b, t in zip(first, second, translated, strict=True) if not t and a == 0}
    assert {1, 2} <= paraphrased


def test_random_clusters_in_three_languages_give_the_same_pairs_focused_or_not() -> None:
    """Many posts near the thresholds: 40 messages reworded (same language) or translated (another language) by
    several of 30 accounts within minutes, in buckets that blocks of a few rows cut."""
    rng = np.random.default_rng(20)
    messages = rng.normal(size=(40, 512))
    language_shift = rng.normal(size=(3, 512)) * 0.6
    n = 400
    message, language = rng.integers(0, 40, n), rng.integers(0, 3, n)
    vectors = messages[message] + language_shift[language] + rng.normal(size=(n, 512)) * 0.5
    times = message * 500.0 + rng.uniform(0, 900, n)
    owner = rng.integers(0, 30, n)
    columns = SemanticColumns.dense((language + 1).astype(np.uint32), quantized(vectors))
    thresholds = SemanticThresholds(paraphrase=0.75, translation=0.6, max_bucket=16)
    every = semantic_pairs(times, owner, columns, 600.0, thresholds)
    assert len(every[0]) > 100 and every[3].any() and (~every[3]).any()
    for focused in ([0], [3, 17], list(range(0, 30, 3))):
        focus = np.isin(owner, focused)
        _assert_same(semantic_pairs(times, owner, columns, 600.0, thresholds, focus=focus), _of(every, focus))


def test_an_index_links_a_requested_account_as_a_batch_of_every_account_does(
    accounts: list[Account], encoder: SemanticEncoder
) -> None:
    """End to end: the index's links of one account (focused, with chance from its own wider neighbourhood) are its
    links in a batch of every account (unfocused), p-values and q-values included."""
    index = CoordinationIndex(semantic=encoder)
    index.add(accounts)
    batch = batch_links(index.table(), index.params)
    semantic_links = 0
    for account, expected in zip(accounts, batch, strict=True):
        [found] = index.links_many([account])
        assert sorted(found, key=repr) == sorted(expected, key=repr), account.handle
        semantic_links += sum(link.kind in ("paraphrase", "translation") for link in found)
    assert semantic_links >= 10


def test_an_account_with_no_post_long_enough_to_compare_by_meaning_links_by_words_alone(
    accounts: list[Account], encoder: SemanticEncoder
) -> None:
    """Its posts are the focus, none of them eligible for the semantic pass, while its neighbourhood's are."""
    index = CoordinationIndex(semantic=encoder)
    index.add(accounts)
    at = accounts[0].posts[0].created_at
    terse = Account(handle="terse", posts=[Post(id=f"terse-{i}", created_at=at + timedelta(minutes=i), text="so true")
                                          for i in range(3)])  # fmt: skip
    assert index.links_many([terse]) == [[]]
