"""Scores, bands and explanations, including DESIGN.md's hard cases."""

from __future__ import annotations

import pytest

from detector.registry import ModelRegistry
from detector.scoring import score_accounts
from ingest.jsonl import JsonlAccountSource


@pytest.fixture(scope="module")
def loaded(trained_registry):
    return ModelRegistry(trained_registry).load()


@pytest.fixture(scope="module")
def source(demo_dir):
    return JsonlAccountSource(demo_dir / "accounts.jsonl")


def _score(loaded, accounts):
    return score_accounts(loaded.model, accounts, model_version=loaded.version)


def test_scores_come_back_one_per_account_in_input_order(loaded, source, demo_roles) -> None:
    handles = demo_roles["ordinary"][:3] + demo_roles["amplifier"][:2]
    results = _score(loaded, [source.get(h) for h in handles])
    assert [r.handle for r in results] == handles
    for r in results:
        assert 0.0 <= r.score <= 1.0
        assert set(r.components) == {"content", "narrative", "repetition", "coordination", "behaviour"}
        assert all(0.0 <= v <= 1.0 for v in r.components.values())
        assert r.model_version == loaded.version and r.catalog_version == loaded.model.catalog_version


def test_amplifiers_score_higher_than_the_journalists_who_quote_them(loaded, source, demo_roles) -> None:
    amplifiers = _score(loaded, [source.get(h) for h in demo_roles["amplifier"]])
    journalists = _score(loaded, [source.get(h) for h in demo_roles["journalist"]])
    median = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    assert median([r.score for r in amplifiers if r.score is not None]) > 0.5
    assert median([r.score for r in journalists if r.score is not None]) < 0.2


def test_amplifier_evidence_names_asserted_talking_points(loaded, source, demo_roles) -> None:
    results = _score(loaded, [source.get(h) for h in demo_roles["amplifier"][:10]])
    asserted = [m for r in results for m in r.evidence.matched_posts if m.attribution in ("asserted", "retweet")]
    assert asserted, "no amplifier had an asserted talking point in its evidence"
    assert all(m.talking_point and m.similarity >= 0.4 for m in asserted)


def test_journalist_matches_are_shown_as_reported_not_asserted(loaded, source, demo_roles) -> None:
    results = _score(loaded, [source.get(h) for h in demo_roles["journalist"]])
    attributions = [m.attribution for r in results for m in r.evidence.matched_posts]
    assert attributions.count("reported") > attributions.count("asserted")


def test_explanations_are_named_features_ordered_by_weight(loaded, source, demo_roles) -> None:
    [result] = _score(loaded, [source.get(demo_roles["amplifier"][0])])
    weights = [abs(f.contribution) for f in result.evidence.top_features]
    assert len(weights) == 5 and weights == sorted(weights, reverse=True)
    assert all("__" in f.feature for f in result.evidence.top_features)


def test_account_with_too_few_posts_gets_insufficient_data_and_a_provisional_score(loaded, account_factory) -> None:
    [result] = _score(loaded, [account_factory("tiny", ["Stop smearing and attacking China!", "hello", "hi"])])
    assert result.band == "insufficient_data" and result.provisional
    assert result.score is not None and 0.0 <= result.score <= 1.0, "thin accounts are still placed in a ranking"
    assert all(v is not None for v in result.components.values())
    assert result.n_posts == 3
    assert result.evidence.matched_posts, "matched posts are shown even without a score"


def test_account_with_no_posts_is_scored_as_insufficient_data_without_error(loaded, account_factory) -> None:
    [result] = _score(loaded, [account_factory("silent", [])])
    assert result.band == "insufficient_data" and result.n_posts == 0
    assert result.score is None and not result.provisional
    assert result.evidence.first_post_at is None and result.evidence.matched_posts == []


def test_empty_batch_gives_empty_result(loaded) -> None:
    assert _score(loaded, []) == []


def test_telegram_reach_is_shown_on_matched_posts_and_leaves_the_score_unchanged(loaded, account_factory) -> None:
    plain = account_factory("dailytruth", ["Stop smearing and attacking China!", "hello", "hi"])
    counted = plain.model_copy(
        update={"posts": [post.model_copy(update={"views": 15_000, "forwards": 320}) for post in plain.posts]}
    )
    [without, with_reach] = _score(loaded, [plain, counted])
    assert [(m.views, m.forwards) for m in with_reach.evidence.matched_posts] == [(15_000, 320)]
    assert with_reach.score == without.score and with_reach.components == without.components, "no feature reads it"


def test_an_index_that_links_the_accounts_spares_embedding_their_posts_again(loaded, account_factory) -> None:
    """A model counting meaning links needs the posts' vectors: a batch embeds them, an index already holds them."""
    import copy

    from detector.coordination import CoordinationIndex, trained_params
    from detector.embeddings import load_embedder
    from detector.semantic_links import SemanticEncoder, default_encoder

    model = copy.copy(loaded.model)
    model.coordination = trained_params(None, semantic=True)
    texts = [f"Spare embedding test {n}: the reports about the cotton fields are lies of politicians." for n in "abc"]
    accounts = [account_factory(f"spare_{i}", [text]) for i, text in enumerate(texts)]
    index = CoordinationIndex(model.coordination, semantic=SemanticEncoder(load_embedder("use-m3")))
    index.add(accounts)
    before = default_encoder().n_embedded
    with_index = score_accounts(model, accounts, model_version=loaded.version, index=index)
    assert default_encoder().n_embedded == before and index.semantic is not None and index.semantic.calls == 1
    batch = score_accounts(model, accounts, model_version=loaded.version)
    assert default_encoder().n_embedded == before + 3, "a batch links its accounts with their own vectors"
    assert [s.score for s in with_index] == [s.score for s in batch]
