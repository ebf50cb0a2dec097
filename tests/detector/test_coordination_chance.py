"""Chance: a linked pair of accounts gets a p-value against timing shuffled within each account's own activity, and
only pairs that chance does not explain count in a model that sets a false-discovery rate."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from detector.coordination import (
    CoordinationIndex,
    CoordinationParams,
    batch_links,
    coordination_row,
    post_table,
    trained_params,
)
from detector.false_discovery import benjamini_hochberg
from detector.link_keys import normalize_url
from detector.schema import Account, Post

T0 = datetime(2023, 3, 1, tzinfo=UTC)
WORDS = np.array([f"w{i}x" for i in range(3000)])  # twelve of them: two lines are never alike by accident
FDR = CoordinationParams(max_fdr=0.05)


def _line(rng: np.random.Generator) -> str:
    return " ".join(rng.choice(WORDS, 12))


def _busy_pair(rng: np.random.Generator, tag: str, *, days: int = 10, per_day: int = 40, pool: int = 20) -> list:
    """Two accounts that each post ``per_day`` of the day's ``pool`` headlines at independent uniform times: every
    meeting within the window is chance, exactly what the null model resamples."""
    headlines = [[_line(rng) for _ in range(pool)] for _ in range(days)]
    accounts = []
    for side in ("a", "b"):
        posts = [
            Post(
                id=f"{tag}{side}-{day}-{i}",
                created_at=T0 + timedelta(days=day, seconds=float(rng.uniform(0, 86_400))),
                text=headlines[day][rng.integers(pool)],
            )
            for day in range(days)
            for i in range(per_day)
        ]
        accounts.append(Account(handle=f"{tag}_{side}", posts=posts))
    return accounts


def _planted_pair(rng: np.random.Generator, *, events: int = 12) -> list[Account]:
    """Two accounts that post the same line a minute or three apart once a day, among ten posts of their own."""
    lead, follow = [], []
    for day in range(events):
        at = T0 + timedelta(days=day, hours=float(rng.uniform(6, 20)))
        line = _line(rng)
        lead.append(Post(id=f"lead-{day}", created_at=at, text=line))
        follow.append(Post(id=f"follow-{day}", created_at=at + timedelta(minutes=float(rng.uniform(1, 3))), text=line))
        for own, posts in (("lead", lead), ("follow", follow)):
            posts += [
                Post(id=f"{own}-{day}-{i}", created_at=T0 + timedelta(days=day, hours=i * 2.3), text=_line(rng))
                for i in range(10)
            ]
    return [Account(handle="lead", posts=lead), Account(handle="follow", posts=follow)]


@pytest.fixture(scope="module")
def busy() -> tuple[list[Account], list]:
    rng = np.random.default_rng(1)
    accounts = [account for k in range(10) for account in _busy_pair(rng, f"busy{k}")]
    return accounts, batch_links(post_table(accounts), CoordinationParams())


@pytest.fixture(scope="module")
def planted() -> tuple[list[Account], list]:
    accounts = _planted_pair(np.random.default_rng(2))
    return accounts, batch_links(post_table(accounts), CoordinationParams())


def test_benjamini_hochberg_matches_a_hand_computation() -> None:
    # sorted 0.005 0.01 0.03 0.04 0.2 -> x5/rank 0.025 0.025 0.05 0.05 0.2, then the running minimum from the top
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005, 0.2]) == pytest.approx([0.025, 0.05, 0.05, 0.025, 0.2])
    assert benjamini_hochberg([0.5, 0.9]) == pytest.approx([0.9, 0.9]), "monotone: 0.5 x 2 = 1.0 falls to 0.9"
    assert benjamini_hochberg([0.8, 0.9, 0.95]) == pytest.approx([0.95, 0.95, 0.95])
    assert len(benjamini_hochberg([])) == 0


def test_busy_accounts_whose_meetings_are_chance_get_large_p_values_and_count_nothing(busy) -> None:
    accounts, links = busy
    for account, found in zip(accounts, links, strict=True):
        assert len(found) >= 5, "the busy pairs do meet within the window now and then"
        assert {link.peer_handle for link in found} == {account.handle[:-1] + {"a": "b", "b": "a"}[account.handle[-1]]}
        [p_value] = {link.p_value for link in found}
        assert p_value > 0.05, account.handle
        assert all(link.q_value == p_value for link in found), "one pair tested: q = p"
        assert coordination_row(account, found, FDR) == [0.0, 0.0, 0.0]
        assert coordination_row(account, found)[2] == pytest.approx(math.log(2)), "without a rate, every link counts"


def test_pair_posting_in_step_day_after_day_gets_a_small_p_value_and_counts(planted) -> None:
    accounts, links = planted
    lead_links, _ = links
    assert {link.post_id for link in lead_links} == {f"lead-{day}" for day in range(12)}
    [p_value] = {link.p_value for link in lead_links}
    assert p_value < 0.01
    assert p_value == pytest.approx(1 / 201), "no resample of 200 reaches twelve meetings"
    assert coordination_row(accounts[0], lead_links, FDR) == pytest.approx([12 / 132, 0.0, math.log(2)])


def test_a_single_burst_in_step_is_one_coincidence() -> None:
    rng = np.random.default_rng(3)
    lines = [_line(rng) for _ in range(8)]
    at = T0 + timedelta(hours=10)
    accounts = [
        Account(
            handle=handle,
            posts=[
                Post(id=f"{handle}-{i}", created_at=at + timedelta(minutes=3 * i + lag), text=line)
                for i, line in enumerate(lines)
            ],
        )
        for handle, lag in (("one", 0), ("two", 1))
    ]
    [p_value] = {link.p_value for link in batch_links(post_table(accounts), CoordinationParams())[0]}
    assert 0.05 < p_value < 0.5, "eight posts in one half hour: one meeting of two bursts, p about window / shift"


def test_the_index_gives_a_pair_the_p_value_a_batch_gives(planted) -> None:
    accounts, links = planted
    index = CoordinationIndex()
    index.add(accounts[:1])
    found = index.links(accounts[1])
    assert {link.p_value for link in found} == {links[1][0].p_value}
    assert {link.post_id for link in found} == {link.post_id for link in links[1]}


def test_without_permutations_links_carry_no_p_value(planted) -> None:
    accounts, _ = planted
    links = batch_links(post_table(accounts), CoordinationParams(permutations=0))
    assert links[0] and {(link.p_value, link.q_value) for link in links[0]} == {(None, None)}
    with pytest.raises(ValueError, match="permutations"):
        CoordinationParams(permutations=0, max_fdr=0.05)
    with pytest.raises(ValueError, match="max_fdr"):
        CoordinationParams(max_fdr=1.5)


def _poster(handle: str, minutes: float, text: str, urls: list[str]) -> Account:
    return Account(
        handle=handle, posts=[Post(id=handle, created_at=T0 + timedelta(minutes=minutes), text=text, urls=urls)]
    )


def test_same_link_under_different_words_links_as_shared_link() -> None:
    accounts = [
        _poster(
            "first", 0, "Everyone should read this before the vote", ["https://www.news.example/a/story/?utm_source=x"]
        ),
        _poster("second", 4, "Unbelievable what they found, share it", ["http://news.example/a/story#top"]),
        _poster("front", 2, "Good site, read it every morning friends", ["https://news.example/"]),
        _poster("late", 30, "Everyone should read this piece today", ["https://news.example/a/story"]),
    ]
    links = batch_links(post_table(accounts), CoordinationParams())
    [link] = links[0]
    assert (link.kind, link.peer_handle, link.gap_s) == ("shared_link", "second", 240.0)
    assert links[2] == [] and links[3] == [], "a front page, or the same link outside the window, does not link"
    crowded = batch_links(post_table(accounts[:2]), CoordinationParams(max_bucket=1))
    assert crowded == [[], []], "a link more common than max_bucket is skipped like a trending tag"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://WWW.News.example/a/b/?utm_medium=x&id=3#frag", "news.example/a/b?id=3"),
        ("http://news.example/a/b", "news.example/a/b"),
        ("https://news.example/", None),
        ("ftp://news.example/file", None),
        ("not a url", None),
    ],
)
def test_urls_are_compared_without_scheme_www_fragment_or_tracking(url: str, expected: str | None) -> None:
    assert normalize_url(url) == expected


def test_shared_links_count_among_the_peers_of_new_models_only() -> None:
    accounts = [
        _poster("first", 0, "Everyone should read this before the vote", ["https://news.example/a/story"]),
        _poster("second", 4, "Unbelievable what they found, share it", ["https://news.example/a/story"]),
    ]
    [link] = batch_links(post_table(accounts), CoordinationParams())[0]
    assert link.kind == "shared_link"
    assert coordination_row(accounts[0], [link], trained_params(None)) == pytest.approx([0.0, 0.0, math.log(2)])
    assert coordination_row(accounts[0], [link], CoordinationParams()) == [0.0, 0.0, 0.0], "as models trained before"
