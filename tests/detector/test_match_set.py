"""Talking-point matching reports a post when it says a catalog line, in any wording or language, and not when it
only shares a topic or a few words: precision and recall on the hand-labeled match set, at the shipped thresholds.

The match set (``fixtures/match_set.jsonl``) holds posts written for this purpose: verbatim, paraphrase, translation,
report and rebuttal posts carry the talking point they state or quote; same-topic and unrelated posts carry none.
``bench/match_quality.py`` prints the same figures by threshold, kind and language.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from detector.features.narrative import NarrativeFeatures
from detector.schema import Account, Post

MATCH_SET = Path(__file__).parent / "fixtures" / "match_set.jsonl"
KINDS = {"verbatim", "paraphrase", "translation", "report", "rebuttal", "same_topic", "unrelated"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in MATCH_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def matcher(catalog) -> NarrativeFeatures:
    return NarrativeFeatures(catalog=catalog).fit([])  # the shipped thresholds


def _posts(texts: list[str]) -> list[Post]:
    when = datetime(2023, 3, 1, tzinfo=UTC)
    return [Post(id=f"p{i}", created_at=when, text=text) for i, text in enumerate(texts)]


def _matched(matcher: NarrativeFeatures, texts: list[str]) -> list[str | None]:
    """The talking point each text is matched to, ``None`` where it matches none."""
    posts = _posts(texts)
    [matches] = matcher.match_accounts([Account(handle="match_set", posts=posts)])
    found = {m.post.id: m.talking_point_id for m in matches}
    return [found.get(post.id) for post in posts]


def test_the_match_set_is_well_formed(rows, catalog) -> None:
    known = {tp.id for tp in catalog.talking_points}
    assert len({row["id"] for row in rows}) == len(rows)
    assert {row["kind"] for row in rows} == KINDS
    for row in rows:
        stated = row["kind"] not in {"same_topic", "unrelated"}
        assert (row["talking_point_id"] in known) if stated else row["talking_point_id"] is None, row["id"]


def test_precision_and_recall_on_the_match_set_at_the_shipped_thresholds(rows, matcher) -> None:
    predicted = _matched(matcher, [row["text"] for row in rows])
    labels = [row["talking_point_id"] for row in rows]
    made = sum(p is not None for p in predicted)
    correct = sum(p is not None and p == label for p, label in zip(predicted, labels, strict=True))
    labeled = sum(label is not None for label in labels)
    precision, recall = correct / made, correct / labeled
    wrong = Counter(row["kind"] for row, p in zip(rows, predicted, strict=True) if p and p != row["talking_point_id"])
    assert precision >= 0.90, f"precision {precision:.3f} (wrong matches by kind: {dict(wrong)})"
    assert recall >= 0.80, f"recall {recall:.3f}"


@pytest.mark.parametrize("kind", ["verbatim", "report"])
def test_posts_that_carry_a_line_word_for_word_are_all_matched(rows, matcher, kind) -> None:
    chosen = [row for row in rows if row["kind"] == kind]
    predicted = _matched(matcher, [row["text"] for row in chosen])
    missed = [row["id"] for row, p in zip(chosen, predicted, strict=True) if p != row["talking_point_id"]]
    assert len(missed) <= len(chosen) // 20, missed


def test_posts_in_every_catalog_language_are_matched(rows, matcher) -> None:
    for lang in ("en", "zh", "fr", "es", "ru"):
        chosen = [row for row in rows if row["lang"] == lang and row["talking_point_id"] is not None]
        predicted = _matched(matcher, [row["text"] for row in chosen])
        recall = np.mean([p == row["talking_point_id"] for row, p in zip(chosen, predicted, strict=True)])
        assert recall >= 0.7, f"{lang}: recall {recall:.2f}"


@pytest.mark.parametrize(
    "text",
    [
        "Throughout the world, there is 1 stillbirth every 16 seconds",
        "Here's where the COVID-19 cases are throughout the world",
        "There is but one way to make great coffee: grind fresh beans.",
        "Washington Post: Trump signs new executive order on trade",
        "Washington Post сообщает о новых санкциях против Ирана",
        "Military budget of the United States",
        "Taiwan's semiconductor exports hit a record high in Q3.",
        "孟晚舟出席华为年度分析师大会并发表讲话。",
    ],
)
def test_sharing_a_few_words_or_a_topic_with_a_line_is_not_saying_it(matcher, text) -> None:
    assert _matched(matcher, [text]) == [None]


def test_a_phrase_word_for_word_scores_near_one_and_a_stranger_zero(matcher, catalog) -> None:
    taiwan = catalog.get("taiwan-inalienable-part")
    texts = ["Taiwan is an inalienable part of China", "ʘʘʘʘ", taiwan.phrases["zh"][0]]
    points, scores, _ = matcher._best_matches(_posts(texts), [t.lower() for t in texts])
    # Not exactly 1: the commonest n-grams count in the norm but are not matched.
    assert scores[0] > 0.95 and scores[1] == 0.0 and scores[2] > 0.95
    assert matcher.talking_point_ids_[points[0]] == matcher.talking_point_ids_[points[2]] == taiwan.id
