"""The committed default model, as a fresh clone serves it: what its scores, bands and components promise."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from detector.artifact import untrusted_types
from detector.declared import load_declared_accounts
from detector.registry import ModelRegistry
from detector.schema import Account, Post, Profile
from detector.scoring import score_accounts

MODELS = Path(__file__).resolve().parents[2] / "models"
START = datetime(2023, 3, 1, 9, 0, tzinfo=UTC)
BANDS = {"low": 0, "elevated": 1, "high": 2}


@pytest.fixture(scope="module")
def shipped():
    return ModelRegistry(MODELS).load()


def _account(handle: str, texts: list[str], *, platform: str = "x", every_h: float = 5.0, **profile) -> Account:
    posts = [
        Post(id=f"{handle}-{i}", created_at=START + timedelta(hours=every_h * i, minutes=7 * (i % 5)), text=text)
        for i, text in enumerate(texts)
    ]
    return Account(handle=handle, platform=platform, profile=Profile(**profile), posts=posts)


ORDINARY = [
    "Made sourdough again, the crust finally came out right",
    "Anyone know a good plumber in the east end? Kitchen sink is leaking",
    "The kids' soccer game got rained out, movie afternoon instead",
    "Reading a great novel about a lighthouse keeper, highly recommend",
    "Traffic on the bridge is terrible this morning",
    "Our team lost in overtime, still proud of them",
    "Trying a new running route along the river this week",
    "Coffee shop on 5th has the best croissants in town",
]
REPORTER = [
    "The Chinese embassy said the interference allegations were 'baseless' and urged Canada to stop smearing China.",
    "Officials at the embassy told reporters that non-interference is a basic principle of China's diplomacy.",
    "New: CSIS documents describe a campaign targeting two ridings. Our story, with the embassy's response.",
    "Beijing's foreign ministry spokesperson called the reports disinformation at today's briefing.",
    "I asked the PMO about the security briefing; they declined to comment on specifics.",
    "Reading through the committee transcripts tonight. Long thread tomorrow.",
    "The embassy statement says Canada should 'take back its dirty hands'. Ottawa has not replied.",
    "Correction: the hearing is on Thursday, not Wednesday.",
]


def test_the_shipped_model_is_a_skops_file_that_loads_against_the_trusted_types(shipped) -> None:
    folder = MODELS / shipped.version
    assert (MODELS / "ACTIVE").read_text().strip() == shipped.version
    assert shipped.card["artifact"]["file"] == "model.skops" and not (folder / "model.joblib").exists()
    assert not untrusted_types((folder / "model.skops").read_bytes())
    (result,) = score_accounts(shipped.model, [_account("garden_notes", ORDINARY)], model_version=shipped.version)
    assert 0.0 <= result.score <= 1.0 and result.band in BANDS


@pytest.mark.parametrize("platform", ["x", "reddit", None])
def test_an_ordinary_account_of_everyday_posts_is_low_on_every_platform(shipped, platform) -> None:
    """The labeled ordinary X accounts are newsrooms: a text model of X's own learned "newsroom or not" and put this
    account in ``high``. Scored alone, without peers, profile or catalog lines, it must read as what it is."""
    (result,) = score_accounts(
        shipped.model, [_account("garden_notes", ORDINARY, platform=platform)], model_version=shipped.version
    )
    assert result.band == "low", (result.score, result.components)


def test_the_shipped_model_names_its_sources_and_was_trained_on_real_data(shipped) -> None:
    sources = shipped.card["sources"]
    assert {"io_state_trolls", "ira_twitter", "reddit_ira"} <= set(sources)
    assert all(source["licence"] for source in sources.values())


def test_high_and_elevated_thresholds_differ_and_bands_follow_the_scores(shipped) -> None:
    cut = shipped.model.thresholds
    assert cut["elevated"] < cut["high"]
    scores = [i / 100 for i in range(101)]
    bands = [BANDS[shipped.model.band(s)] for s in scores]
    assert bands == sorted(bands)


def test_dropping_every_profile_field_does_not_raise_an_ordinary_accounts_band(shipped) -> None:
    full = _account(
        "garden_notes",
        ORDINARY,
        followers_count=420,
        following_count=380,
        created_at=datetime(2012, 5, 1, tzinfo=UTC),
        description="Dad, baker, bad at golf",
        verified=False,
        default_profile_image=False,
    )
    bare = full.model_copy(update={"profile": Profile()})
    with_profile, without = score_accounts(shipped.model, [full, bare], model_version=shipped.version)
    assert BANDS[without.band] <= BANDS[with_profile.band]
    assert without.score <= with_profile.score + 0.05


def test_an_account_with_no_matched_post_has_a_narrative_component_of_zero_and_says_why(shipped) -> None:
    (result,) = score_accounts(shipped.model, [_account("garden_notes", ORDINARY)], model_version=shipped.version)
    assert result.evidence.n_matched_posts == 0
    assert result.components["narrative"] == 0.0
    assert "narrative" in result.evidence.component_notes


def test_a_reporter_quoting_the_embassy_is_not_high_and_its_quotes_do_not_count(shipped) -> None:
    (result,) = score_accounts(shipped.model, [_account("desk_reporter", REPORTER)], model_version=shipped.version)
    assert result.band != "high"
    assert all(post.attribution != "asserted" for post in result.evidence.matched_posts)


def test_a_self_declared_embassy_is_flagged_apart_from_its_score(shipped) -> None:
    embassy = _account(
        "embassy_demo",
        REPORTER,
        description="Official account of the Embassy of the People's Republic of China in Canada",
    )
    (result,) = score_accounts(
        shipped.model, [embassy], model_version=shipped.version, declared=load_declared_accounts()
    )
    assert result.state_affiliated
    assert "self-declared" in (result.state_affiliation.reason or "")


def test_the_shipped_models_coordination_features_count_the_lexical_kinds_whatever_their_chance(shipped) -> None:
    """The shipped model was trained counting every lexical kind, shared links too, and every link whatever its
    p-value (the recipe's ``coordination_fdr: null``): loaded, its params say so, and an account tied only by a shared
    link counts its peer (not a copied post)."""
    line = "The so-called election interference reports are baseless smears against China and the Chinese community"
    repost = "RT @newsbot: Canada's media keeps smearing the Chinese community with baseless interference stories"
    own = iter(ORDINARY)

    def account(handle: str, text: str, minutes: int, urls: tuple[str, ...] = ()) -> Account:
        posts = [
            Post(id=f"{handle}-0", created_at=START + timedelta(minutes=minutes), text=text, urls=list(urls)),
            Post(id=f"{handle}-1", created_at=START + timedelta(hours=5), text=next(own)),
        ]
        return Account(handle=handle, platform="x", posts=posts)

    story = "https://news.example/a/story"
    accounts = [
        account("near_a", line, 0),
        account("near_b", line + " #China", 3),
        account("link_a", "Everyone should read this before the vote", 0, (story,)),
        account("link_b", "Unbelievable what they found, share it", 4, (f"{story}?utm_source=x",)),
        account("rt_a", repost, 60),
        account("rt_b", repost, 62),
    ]
    model = shipped.model
    assert (model.coordination.max_fdr, model.coordination.counted_kinds) == (
        None,
        ("near_duplicate", "co_repost", "shared_link", "hashtag_sequence"),
    )
    links = model.coordination_links(accounts)
    assert [sorted({link.kind for link in found}) for found in links[::2]] == [
        ["near_duplicate"],
        ["shared_link"],
        ["co_repost"],
    ]
    assert all(link.p_value is not None for found in links for link in found)
    columns = model.featurize(accounts, links=links)[:, -3:]
    linked = [0.5, 0.0, math.log(2)]
    shared = [0.0, 0.0, math.log(2)]  # a peer, but no copied post
    np.testing.assert_allclose(columns, [linked, linked, shared, shared, linked, linked])
