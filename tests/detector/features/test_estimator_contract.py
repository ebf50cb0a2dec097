"""Feature families keep the scikit-learn estimator contract, written by hand since their input is accounts."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from detector.features.behaviour import BehaviourFeatures
from detector.features.narrative import NarrativeFeatures
from detector.features.repetition import RepetitionFeatures
from detector.model import build_features

AMPLIFYING = [
    "Stop smearing and attacking China! #StopSmearingChina",
    "Non-interference in internal affairs is a basic principle of China's diplomacy.",
    "The election interference reports are baseless lies spread by anti-China forces.",
    "Lovely sunset over the harbour tonight",
    "Stop smearing and attacking China!! 🇨🇳 https://example.org/x",
]
ORDINARY = ["Leafs lost again, classic", "Anyone know a good ramen place downtown?", "Snow again in April..."]


@pytest.fixture
def accounts(account_factory):
    return [
        account_factory("amp_12345678", AMPLIFYING, followers_count=3, following_count=400),
        account_factory("regular_person", ORDINARY),
        account_factory("empty_one", []),
    ]


def _families(catalog):
    return [NarrativeFeatures(catalog=catalog), RepetitionFeatures(), BehaviourFeatures()]


@pytest.mark.parametrize("family", range(3), ids=["narrative", "repetition", "behaviour"])
def test_family_keeps_the_estimator_contract(family: int, catalog, accounts) -> None:
    estimator = _families(catalog)[family]
    with pytest.raises(NotFittedError):
        estimator.transform(accounts)
    assert estimator.fit(accounts) is estimator
    out = estimator.transform(accounts)
    assert out.dtype == np.float64
    assert out.shape == (len(accounts), len(estimator.get_feature_names_out()))
    # Rows do not depend on order or on the other accounts in the batch.
    np.testing.assert_array_equal(estimator.transform(accounts[::-1]), out[::-1])
    np.testing.assert_array_equal(estimator.transform(accounts[1:2]), out[1:2])
    # clone and pickle give the same output.
    np.testing.assert_array_equal(clone(estimator).fit(accounts).transform(accounts), out)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(estimator)).transform(accounts), out)


LABEL_FREE = ("narrative", "repetition", "behaviour")


def test_account_without_posts_gets_missing_values_not_zeros(catalog, accounts) -> None:
    features = build_features(catalog, LABEL_FREE).fit(accounts)
    names = list(features.get_feature_names_out())
    row = features.transform(accounts[2:])[0]
    assert np.isnan(row[names.index("narrative__asserted_share")])
    assert np.isnan(row[names.index("behaviour__gap_cv")])
    assert row[names.index("behaviour__handle_length")] == len("empty_one")


def test_feature_names_follow_family_prefix_convention(catalog, accounts) -> None:
    labels = np.arange(len(accounts)) % 2  # the content family learns from labels
    names = build_features(catalog).fit(accounts, labels).get_feature_names_out()
    assert all(name.split("__")[0] in {"content", "narrative", "repetition", "behaviour"} for name in names)
    assert "content__text_log_odds" in names


def test_narrative_finds_talking_points_in_english_and_chinese(catalog, account_factory) -> None:
    narrative = NarrativeFeatures(catalog=catalog).fit([])
    account = account_factory("zh_amp", ["停止抹黑攻击中国！", "今天天气很好", "Stop smearing and attacking China"])
    matched = {m.post.id for m in narrative.match_posts(account)}
    assert matched == {"zh_amp-0", "zh_amp-2"}


def test_narrative_counts_reported_lines_apart_from_asserted_ones(catalog, account_factory) -> None:
    narrative = NarrativeFeatures(catalog=catalog).fit([])
    names = list(narrative.get_feature_names_out())
    reporter = account_factory(
        "reporter", ["The embassy said the reports are baseless and told Canada to stop smearing China.", "Budget day."]
    )
    row = narrative.transform([reporter])[0]
    assert row[names.index("asserted_share")] == 0.0
    assert row[names.index("reported_share")] == 0.5


def test_repetition_sees_cosmetic_variants_as_duplicates(account_factory) -> None:
    rep = RepetitionFeatures().fit([])
    same = account_factory("rep", ["Stop smearing China! 🇨🇳 #A", "stop smearing china https://x.y/1 #B", "Other."])
    assert rep.transform([same])[0][0] == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("params", "name"),
    [({"near_duplicate_similarity": 0.0}, "near_duplicate_similarity"), ({"max_posts": 1}, "max_posts")],
)
def test_bad_parameters_are_refused_at_fit_naming_the_parameter(params, name, accounts) -> None:
    with pytest.raises(ValueError, match=name):
        RepetitionFeatures(**params).fit(accounts)


def test_narrative_requires_a_catalog(accounts) -> None:
    with pytest.raises(ValueError, match="catalog"):
        NarrativeFeatures().fit(accounts)


def test_identical_timestamps_leave_timing_features_missing_not_extreme(account_factory) -> None:
    from datetime import timedelta

    behaviour = BehaviourFeatures().fit([])
    names = list(behaviour.get_feature_names_out())
    same_time = account_factory("batchy", ["a", "b", "c", "d", "e", "f"], every=timedelta(0))
    row = behaviour.transform([same_time])[0]
    for name in ("log_posts_per_day", "gap_cv"):
        assert np.isnan(row[names.index(name)]), name


def test_date_only_timestamps_give_no_hour_of_day_signal(account_factory) -> None:
    from datetime import timedelta

    from tests.conftest import START

    behaviour = BehaviourFeatures().fit([])
    names = list(behaviour.get_feature_names_out())
    daily = account_factory("daily", ["a", "b", "c"], every=timedelta(days=1))
    midnight = daily.model_copy(
        update={"posts": [p.model_copy(update={"created_at": p.created_at.replace(hour=0)}) for p in daily.posts]}
    )
    assert START.hour != 0
    row = behaviour.transform([midnight])[0]
    assert np.isnan(row[names.index("hour_entropy")])
    assert not np.isnan(row[names.index("log_posts_per_day")])


@pytest.mark.parametrize("threshold", [0.3, 0.8, 0.95, 1.0])
def test_repetition_band_search_finds_exactly_the_all_pairs_near_duplicates(threshold: float) -> None:
    from detector.features.repetition import _near_duplicates

    rng = np.random.default_rng(7)
    n, n_perm = 400, 32
    signatures = rng.integers(0, 50, size=(n, n_perm), dtype=np.uint32)
    for i in range(0, n, 3):  # copies of another post with a few values changed, some exact
        source = rng.integers(0, n)
        signatures[i] = signatures[source]
        changed = rng.choice(n_perm, size=rng.integers(0, 12), replace=False)
        signatures[i, changed] = rng.integers(0, 50, size=len(changed))
    account = rng.integers(0, 5, size=n)
    has_shingles = rng.random(n) > 0.05

    agreement = (signatures[:, None, :] == signatures[None, :, :]).mean(axis=2)
    comparable = (account[:, None] == account[None, :]) & has_shingles[:, None] & has_shingles[None, :]
    np.fill_diagonal(comparable, False)
    expected = ((agreement >= threshold) & comparable).any(axis=1)

    found = _near_duplicates(account, signatures, has_shingles, threshold)
    assert 0 < expected.sum() < n
    np.testing.assert_array_equal(found, expected)


@pytest.mark.parametrize(
    "text",
    [
        "RT @state_media: the line",
        "  rt @x: lower-case retweet prefix",
        "RT: not a retweet prefix",
        "@reporter a reply",
        " @reporter a reply after a space",
        "see WWW.example.com",
        "mixed case wWw.example.org",
        "ftp://files.example.org is not a web link",
        "see https://t.co/x",
        "a sentence. with dots but no link",
        "#tag at the start",
        "word#nottag and ＃全角",
        "RT @only_the_prefix_mentions: nothing else",
        "RT @a: and then @b",
        "e-mail me at name@example.org",
        "",
    ],
)
def test_behaviour_post_flags_equal_the_regexes_run_on_every_post(text: str, account_factory) -> None:
    from detector.features import behaviour as b

    post = account_factory("someone", [text]).posts[0]
    expected = [
        bool(b._RETWEET_PREFIX.match(text)),
        text.lstrip().startswith("@"),
        bool(b._LINK.search(text)),
        bool(b._HASHTAG.search(text)),
        bool(b._MENTION.search(b._RETWEET_PREFIX.sub("", text))),
    ]
    assert b._post_flags([post])[:, 0].tolist() == expected
