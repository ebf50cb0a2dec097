"""Coordination: near-identical posts by different accounts within the time window, found through an LSH index."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from detector import coordination_pairs
from detector.coordination import (
    CoordinationIndex,
    CoordinationParams,
    PostTable,
    batch_links,
    coordination_row,
    post_table,
)
from detector.coordination_pairs import co_hashtag_pairs, co_similar_pairs
from detector.minhash import comparable_text
from detector.schema import Account, Post
from detector.word_sets import word_hashes

T0 = datetime(2023, 3, 1, 12, 0, tzinfo=UTC)
LINE = "The so-called election interference reports are baseless smears against China and the Chinese community"


def _account(handle: str, *posts: tuple[str, timedelta]) -> Account:
    return Account(
        handle=handle,
        posts=[Post(id=f"{handle}-{i}", created_at=T0 + at, text=text) for i, (text, at) in enumerate(posts)],
    )


def test_same_line_four_minutes_apart_links_the_two_accounts() -> None:
    index = CoordinationIndex()
    first = _account("amp_one", (LINE + " #China", timedelta(0)))
    second = _account("amp_two", ("Share this: " + LINE + " 🇨🇳 https://x.example/1", timedelta(minutes=4)))
    index.add([first])
    index.add([second])
    [link] = index.links(second)
    assert (link.peer_handle, link.peer_post_id, link.gap_s) == ("amp_one", "amp_one-0", 240.0)
    assert link.similarity >= 0.8
    assert [peer.peer_handle for peer in index.links(first)] == ["amp_two"]


def test_same_line_outside_the_window_is_not_coordination() -> None:
    index = CoordinationIndex(CoordinationParams(window_s=600))
    index.add([_account("early", (LINE, timedelta(0))), _account("late", (LINE, timedelta(minutes=30)))])
    assert index.links(_account("late", (LINE, timedelta(minutes=30)))) == []


def test_short_stock_phrases_never_link() -> None:
    index = CoordinationIndex()
    index.add(
        [
            _account("a", ("Good morning everyone!", timedelta(0))),
            _account("b", ("Good morning everyone!", timedelta(0))),
        ]
    )
    assert index.links(_account("b", ("Good morning everyone!", timedelta(0)))) == []


def test_an_account_is_not_coordinated_with_itself_and_different_text_does_not_link() -> None:
    index = CoordinationIndex()
    own = _account("solo", (LINE, timedelta(0)), (LINE + " again", timedelta(minutes=1)))
    other = _account(
        "other", ("Housing prices in Vancouver keep climbing and nobody in Ottawa has a plan", timedelta(0))
    )
    index.add([own, other])
    assert index.links(own) == [] and index.links(other) == []


def test_chinese_paraphrase_copies_link() -> None:
    text = "所谓中国干预加拿大选举的报道毫无根据，纯属抹黑，不干涉内政是中国外交的基本原则"
    index = CoordinationIndex()
    index.add([_account("zh_a", (text, timedelta(0))), _account("zh_b", (text + "！！#中国", timedelta(minutes=2)))])
    assert [link.peer_handle for link in index.links(_account("zh_b", (text + "！！#中国", timedelta(minutes=2))))] == [
        "zh_a"
    ]


def test_coordination_row_counts_share_of_posts_and_distinct_peers() -> None:
    index = CoordinationIndex()
    accounts = [
        _account(
            "hub", (LINE, timedelta(0)), ("A quiet day at the lake with the family and the dog", timedelta(hours=3))
        ),
        _account("p1", (LINE, timedelta(minutes=1))),
        _account("p2", (LINE, timedelta(minutes=2))),
    ]
    index.add(accounts)
    share, hashtag_share, log_peers = coordination_row(accounts[0], index.links(accounts[0]))
    assert share == 0.5 and hashtag_share == 0.0 and log_peers == pytest.approx(1.0986, abs=1e-3)


def test_signatures_agree_across_index_instances() -> None:
    assert (CoordinationIndex().signature(LINE) == CoordinationIndex().signature(LINE)).all()


def test_num_perm_must_divide_into_bands() -> None:
    with pytest.raises(ValueError, match="bands"):
        CoordinationParams(num_perm=30, bands=8)


def test_co_retweets_of_one_post_link_the_retweeters_as_co_repost() -> None:
    original = "Canada's media keeps smearing the Chinese community with baseless interference stories"
    index = CoordinationIndex()
    index.add([_account("rt_one", (f"RT @newsbot: {original}", timedelta(0)))])
    [link] = index.links(_account("rt_two", (f"RT @newsbot: {original}", timedelta(minutes=3))))
    assert link.peer_handle == "rt_one" and link.kind == "co_repost"
    [copied] = index.links(_account("copier", (original, timedelta(minutes=2))))
    assert copied.kind == "near_duplicate", "copying a post's words is not reposting it"
    [other] = index.links(_account("rt_three", (f"RT @otherbot: {original}", timedelta(minutes=1))))
    assert other.kind == "near_duplicate", "a repost of another account's post with the same words"


def test_same_hashtag_sequence_links_accounts_whatever_their_text() -> None:
    tags = "#StopSmearingChina #ChinaCanada #Truth"
    index = CoordinationIndex()
    index.add([_account("tag_one", (f"Read this {tags}", timedelta(0)))])
    [link] = index.links(_account("tag_two", (f"Completely different words here {tags}", timedelta(minutes=5))))
    assert (link.kind, link.peer_handle, link.similarity) == ("hashtag_sequence", "tag_one", 1.0)
    reordered = _account("tag_three", ("Other text #Truth #ChinaCanada #StopSmearingChina", timedelta(minutes=6)))
    assert index.links(reordered) == [], "a sequence is ordered"
    two_tags = _account("tag_four", ("Other text #StopSmearingChina #ChinaCanada", timedelta(minutes=1)))
    assert index.links(two_tags) == [], "two common tags are not a sequence worth linking"


def test_batch_join_finds_the_same_links_as_the_index() -> None:
    accounts = [
        _account("a", (LINE, timedelta(0)), ("Lovely morning walk along the canal today", timedelta(hours=2))),
        _account("b", ("Retweet! " + LINE, timedelta(minutes=9))),
        _account("c", (LINE, timedelta(minutes=11))),
        _account("d", (LINE, timedelta(hours=5))),
    ]
    params = CoordinationParams()
    index = CoordinationIndex(params)
    index.add(accounts)
    by_index = [sorted((x.post_id, x.peer_post_id) for x in index.links(a)) for a in accounts]
    by_batch = [
        sorted((x.post_id, x.peer_post_id) for x in found) for found in batch_links(post_table(accounts), params)
    ]
    assert by_index == by_batch
    assert [len(found) for found in by_batch] == [1, 2, 1, 0], "a-b and b-c are within 10 minutes; a-c and d are not"


def test_an_index_restored_from_its_table_links_like_the_original() -> None:
    earlier = _account("stored", (LINE, timedelta(0)))
    original = CoordinationIndex()
    original.add([earlier])
    table = original.table()
    restored = CoordinationIndex()
    restored.add_table(PostTable(**vars(table)))
    later = _account("later", (LINE, timedelta(minutes=2)))
    assert restored.links(later) == original.links(later) != []
    assert restored.add([earlier]) == 0, "posts already present are not added twice"


def _all_pairs(table: PostTable, params: CoordinationParams, keys: list[np.ndarray]) -> set[tuple[int, int]]:
    """The definition the join must meet, checked pair by pair: by different accounts, within the window, sharing a
    key (a band's for text, the sequence's for hashtags)."""
    found = set()
    for i, j in itertools.combinations(range(len(table)), 2):
        if table.account[i] == table.account[j] or abs(table.times[i] - table.times[j]) > params.window_s:
            continue
        if any(k[i] != 0 and k[i] == k[j] for k in keys):
            found.add((i, j))
    return found


@pytest.mark.parametrize("threaded", [False, True])
def test_the_join_finds_exactly_the_pairs_a_pair_by_pair_search_finds(monkeypatch, threaded: bool) -> None:
    rng = np.random.default_rng(3)
    lines = [f"{LINE} variant {v} " + " ".join(f"w{rng.integers(50)}" for _ in range(6)) for v in range(6)]
    accounts = [
        _account(
            f"acct{a}",
            *(
                (
                    str(rng.choice(lines)) + (" #one #two #three" if rng.random() < 0.3 else ""),
                    timedelta(seconds=int(rng.integers(0, 3600))),
                )
                for _ in range(12)
            ),
        )
        for a in range(25)
    ]
    params = CoordinationParams(max_bucket=10_000)
    if threaded:
        monkeypatch.setattr(coordination_pairs, "_THREADED_FROM_POSTS", 0)
    table = post_table(accounts, params)
    eligible = table.n_shingles >= params.min_shingles
    band_keys = [
        np.where(eligible, coordination_pairs._band_keys(table.signatures, band, params.bands), 0)
        for band in range(params.bands)
    ]
    first, second, similarity = co_similar_pairs(table, params)
    words = [set(word_hashes(comparable_text(post.text))) for account in accounts for post in account.posts]
    exact = {
        (i, j): len(words[i] & words[j]) / len(words[i] | words[j]) for i, j in _all_pairs(table, params, band_keys)
    }
    close = {p: value for p, value in exact.items() if value >= params.min_similarity}
    assert dict(zip(zip(first.tolist(), second.tolist(), strict=True), similarity.tolist(), strict=True)) == close
    assert len(close) > 50, "the fixture must hold many close pairs"
    tag_first, tag_second = co_hashtag_pairs(table, params)
    tagged = _all_pairs(table, params, [table.hashtag_keys])
    assert set(zip(tag_first.tolist(), tag_second.tolist(), strict=True)) == tagged != set()


# Nine words each, eight shared: exact word Jaccard 8/10. Their 32-permutation estimates were 0.78 (word bigrams, the
# old definition) and 0.75 (words), both under 0.8: only the exact check links them.
AT_THRESHOLD = (
    "embassy officials called the reports baseless smears against today",
    "embassy officials called the reports baseless smears against again",
)
# Seven words each, six shared: 6/8 = 0.75, though the estimate (0.81) and the LSH bands put the pair forward.
UNDER_THRESHOLD = (
    "embassy officials called the reports baseless loudly",
    "embassy officials called the reports baseless online",
)


@pytest.mark.parametrize(("lines", "linked"), [(AT_THRESHOLD, True), (UNDER_THRESHOLD, False)])
def test_near_duplicates_are_decided_by_the_exact_jaccard_of_the_posts_words(lines, linked: bool) -> None:
    accounts = [
        _account(handle, (line, timedelta(minutes=i))) for i, (handle, line) in enumerate(zip("ab", lines, strict=True))
    ]
    table = post_table(accounts)
    signatures = table.signatures
    assert any(
        coordination_pairs._band_keys(signatures, band, 8)[0] == coordination_pairs._band_keys(signatures, band, 8)[1]
        for band in range(8)
    ), "the bands must propose the pair, so that the exact check is what decides"
    first, _, similarity = co_similar_pairs(table, CoordinationParams())
    assert (len(first) == 1) == linked
    if linked:
        assert similarity.tolist() == [0.8]
        assert [link.peer_handle for link in batch_links(table, CoordinationParams())[0]] == ["b"]


def test_a_band_key_mixes_exactly_that_bands_values() -> None:
    signatures = np.random.default_rng(4).integers(0, 2**32, size=(50, 32), dtype=np.uint64).astype(np.uint32)
    for band in range(8):
        expected = np.full(50, band + 1, dtype=np.uint64)
        for column in range(band * 4, band * 4 + 4):
            expected = expected * np.uint64(0x100000001B3) + signatures[:, column].astype(np.uint64)
        assert np.array_equal(coordination_pairs._band_keys(signatures, band, 8), expected)


def test_explanations_stored_under_the_earlier_kind_names_still_read() -> None:
    from detector.scoring import CoordinatedPostPublic

    stored = {"post_id": "1", "peer_handle": "b", "peer_post_id": "2", "gap_s": 5.0, "similarity": 0.9}
    assert CoordinatedPostPublic(**stored, kind="text").kind == "near_duplicate"
    assert CoordinatedPostPublic(**stored, kind="hashtags").kind == "hashtag_sequence"
    with pytest.raises(ValueError, match="unknown link kind"):
        CoordinatedPostPublic(**stored, kind="vibes")
