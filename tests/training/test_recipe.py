"""Recipes: the labeled sources a model is built from, read into one labeled set that knows where each account is."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detector.registry import ModelRegistry
from ingest.ira_csv import read_ira_rows
from ingest.records import AccountRow, RowProblem
from ingest.reddit_csv import read_reddit_rows
from training.errors import InvalidLabelsError
from training.recipe import Recipe, RecipeSource, load_recipe, read_recipe_data
from training.recipe_train import GENERATED_TEXT, text_model_keys

FIXTURES = Path(__file__).parent / "fixtures" / "recipe"
ROOT = Path(__file__).resolve().parents[2]


def _source(**fields: object) -> RecipeSource:
    return RecipeSource(licence="test", origin="tests/training/fixtures", **fields)


def test_ira_rows_keep_retweets_quotes_and_counts_and_report_bad_rows() -> None:
    rows = list(read_ira_rows(FIXTURES / "ira_tweets.csv"))
    posts = [row for row in rows if isinstance(row, AccountRow)]
    problems = [row for row in rows if isinstance(row, RowProblem)]
    assert [p.post.is_retweet for p in posts[:3]] == [False, True, False]
    assert posts[2].post.is_quote
    assert posts[0].profile.followers_count == 12
    assert posts[0].profile.created_at is None  # the layout says nothing about it: unknown, not zero
    assert len(problems) == 1 and problems[0].line == 6 and "unparseable time" in problems[0].reason


def test_reddit_rows_join_title_and_body_and_leave_the_profile_unknown() -> None:
    rows = [row for row in read_reddit_rows(FIXTURES / "reddit_posts.csv") if isinstance(row, AccountRow)]
    assert rows[0].handle == "-Whiskey_Tango"
    assert rows[0].post.urls == ["https://example.org"]
    assert rows[2].post.text == "My tomatoes\nFinally red after weeks"
    assert rows[2].post.urls == []  # a self post links nowhere
    assert rows[1].post.is_reply
    assert rows[0].profile.followers_count is None


def test_a_missing_required_column_is_a_fatal_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("handle,text\nx,y\n", encoding="utf-8")
    (problem,) = list(read_reddit_rows(path))
    assert problem.fatal and "created" in problem.reason


def test_sources_merge_one_account_and_keep_platform_source_and_operation() -> None:
    recipe = Recipe(
        name="t",
        sources=[
            _source(
                name="archive",
                kind="io-archive",
                platform="x",
                path="archive.csv",
                label_column="bot_or_not",
                networks={"archive": "op-one"},
            ),
            _source(
                name="ira", kind="ira-csv", platform="x", path="ira_tweets.csv", label="amplifier", network="op-one"
            ),
            _source(name="reddit", kind="reddit-csv", platform="reddit", path="reddit_posts.csv", network="reddit-op"),
        ],
    )
    found = read_recipe_data(recipe, FIXTURES)
    data = found.data
    by_handle = {
        (a.platform, a.handle): (a, label, src, group)
        for a, label, src, group in zip(data.accounts, data.labels, found.sources, data.groups, strict=True)
    }
    patriot, label, source, group = by_handle[("x", "river_patriot")]
    # In both X files: one account, the shared post once, the archive's profile fields kept.
    assert len(patriot.posts) == 4
    assert patriot.profile.description == "patriot"
    assert (label, source, group) == ("amplifier", "archive", "op-one")
    assert by_handle[("reddit", "-Whiskey_Tango")][1:] == ("amplifier", "reddit", "reddit-op")
    assert by_handle[("reddit", "garden-fan")][1] == "ordinary"
    assert by_handle[("x", "calm_reporter")][1] == "ordinary"
    assert found.skipped_rows["ira"] == 1
    assert set(np.unique(found.sources)) == {"archive", "ira", "reddit"}


def test_a_recipe_with_an_unknown_kind_is_refused_with_its_field(tmp_path: Path) -> None:
    path = tmp_path / "recipe.yaml"
    path.write_text(
        "name: t\nsources:\n  - {name: a, kind: csv, platform: x, licence: l, origin: o}\n", encoding="utf-8"
    )
    with pytest.raises(InvalidLabelsError, match=r"sources\.0\.kind"):
        load_recipe(path)


def test_a_missing_source_file_names_the_source() -> None:
    recipe = Recipe(
        name="t", sources=[_source(name="gone", kind="ira-csv", platform="x", path="nope.csv", label="amplifier")]
    )
    with pytest.raises(Exception, match="gone"):
        read_recipe_data(recipe, FIXTURES)


def test_the_shipped_recipe_names_a_licence_and_origin_for_every_source() -> None:
    recipe = load_recipe(ROOT / "training" / "recipes" / "default.yaml")
    assert {s.name for s in recipe.sources} >= {"io_state_trolls", "ira_twitter", "reddit_ira", "synthetic"}
    assert all(s.licence and s.origin for s in recipe.sources)


def test_a_source_can_read_one_label_as_another_and_generated_accounts_get_a_text_model_of_their_own() -> None:
    recipe = Recipe(
        name="t",
        sources=[
            _source(name="gen", kind="synthetic", platform="x", accounts=200, seed=5),
            _source(name="gen-as-is", kind="synthetic", platform="x", accounts=60, seed=6),
        ],
    )
    relabelled = recipe.model_copy(
        update={"sources": [recipe.sources[0].model_copy(update={"relabel": {"state_affiliated": "amplifier"}})]}
    )
    plain = read_recipe_data(recipe.model_copy(update={"sources": recipe.sources[:1]}), FIXTURES).data
    changed = read_recipe_data(relabelled, FIXTURES).data
    states = [i for i, label in enumerate(plain.labels) if label == "state_affiliated"]
    assert states and all(changed.labels[i] == "amplifier" and changed.y[i] == 1 for i in states)
    assert all(plain.y[i] == 0 for i in states)
    found = read_recipe_data(recipe, FIXTURES)
    assert set(text_model_keys(recipe, found).tolist()) == {GENERATED_TEXT}


def test_the_shipped_recipe_counts_every_coordination_link_as_the_shipped_model_does() -> None:
    """`make model` must rebuild the committed default: the recipe, not the environment, says which links count."""
    recipe = load_recipe(ROOT / "training" / "recipes" / "default.yaml")
    assert recipe.coordination_fdr is None
    shipped = ModelRegistry(ROOT / "models").load().model
    assert shipped.coordination is not None and shipped.coordination.max_fdr is None
