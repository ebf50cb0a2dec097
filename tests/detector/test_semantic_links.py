"""Semantic coordination links: the same meaning reworded or translated, by different accounts within the window."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from detector.coordination import (
    CoordinatedPost,
    CoordinationIndex,
    CoordinationParams,
    batch_links,
    coordination_row,
    post_table,
    trained_params,
)
from detector.embeddings import load_embedder, verify_files
from detector.errors import EmbedderIntegrityError
from detector.model import coordination_matrix
from detector.schema import Account, Post
from detector.semantic_links import (
    SemanticColumns,
    SemanticEncoder,
    guess_language,
    language_means,
    language_sums,
    post_language,
    quantized,
    semantic_table,
)

T0 = datetime(2023, 3, 1, 12, 0, tzinfo=UTC)
EN = "The reports of forced labour in the cotton fields are lies invented by Western politicians."
ZH = "所谓棉花田强迫劳动的报道是西方政客编造的谎言。"
REWORDED = "Western politicians made up the stories about forced labour in cotton fields, and they are lies."
SAME_TOPIC = "A new study on working conditions in cotton farms will be presented at the textile fair next week."


def _account(handle: str, text: str, minutes: float, lang: str | None = None) -> Account:
    post = Post(id=f"{handle}-0", created_at=T0 + timedelta(minutes=minutes), text=text, lang=lang)
    return Account(handle=handle, posts=[post])


@pytest.fixture(scope="module")
def encoder() -> SemanticEncoder:
    """The real encoder, loaded once for the module."""
    return SemanticEncoder(load_embedder("use-m3"))


def _links(encoder: SemanticEncoder, *accounts: Account) -> dict[str, list[tuple[str, str]]]:
    index = CoordinationIndex(semantic=encoder)
    index.add(accounts)
    found = index.links_many(accounts)
    return {
        a.handle: [(link.peer_handle, link.kind) for link in links] for a, links in zip(accounts, found, strict=True)
    }


def test_a_chinese_and_an_english_version_four_minutes_apart_link_as_translation(encoder: SemanticEncoder) -> None:
    links = _links(encoder, _account("en_amp", EN, 0), _account("zh_amp", ZH, 4))
    assert links == {"en_amp": [("zh_amp", "translation")], "zh_amp": [("en_amp", "translation")]}


def test_a_reworded_english_pair_links_as_paraphrase(encoder: SemanticEncoder) -> None:
    links = _links(encoder, _account("first", EN, 0), _account("second", REWORDED, 3))
    assert links["second"] == [("first", "paraphrase")]


def test_unrelated_posts_on_the_same_topic_do_not_link(encoder: SemanticEncoder) -> None:
    links = _links(encoder, _account("amp", EN, 0), _account("reporter", SAME_TOPIC, 2))
    assert links == {"amp": [], "reporter": []}


def test_the_same_meaning_outside_the_window_does_not_link(encoder: SemanticEncoder) -> None:
    assert _links(encoder, _account("early", EN, 0), _account("late", REWORDED, 30))["late"] == []


def test_short_posts_never_link_semantically(encoder: SemanticEncoder) -> None:
    links = _links(encoder, _account("a", "Cotton lies from the West!", 0), _account("b", "Western cotton lies!", 1))
    assert links == {"a": [], "b": []}


def test_a_pair_linked_lexically_is_not_linked_again(encoder: SemanticEncoder) -> None:
    links = _links(encoder, _account("a", EN, 0), _account("b", EN + " #cotton https://x.example/1", 2))
    assert links["b"] == [("a", "near_duplicate")]


def test_each_text_is_embedded_once(encoder: SemanticEncoder) -> None:
    before = encoder.n_embedded
    _links(encoder, _account("c", EN + " Again.", 0), _account("d", EN + " Again.", 1))
    assert encoder.n_embedded - before == 1  # two posts, one text, and linking reused the indexed vectors


def test_int8_vectors_keep_cosines_within_two_thousandths() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(20, 512)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    small = quantized(vectors).astype(np.float32)
    small /= np.linalg.norm(small, axis=1, keepdims=True)
    assert quantized(vectors).dtype == np.int8
    assert np.abs(small @ small.T - vectors @ vectors.T).max() < 2e-3  # the encoder's own vectors: under 1e-3


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (ZH, "zh"),
        ("Посольство заявляет, что обвинения беспочвенны.", "ru"),
        ("La embajada dice que las acusaciones son falsas y que no hay pruebas.", "es"),
        (EN, "en"),
    ],
)
def test_the_language_is_guessed_from_the_script_and_function_words(text: str, language: str) -> None:
    assert guess_language(text) == language


def test_the_source_language_wins_over_the_guess() -> None:
    post = Post(id="1", created_at=T0, text=EN, lang="pt-BR")
    assert post_language(post) == "pt"
    assert post_language(post.model_copy(update={"lang": "und"})) == "en"


def _link(kind: str, peer: str = "peer") -> CoordinatedPost:
    return CoordinatedPost("p1", peer, "q1", 60.0, 0.9, kind)  # type: ignore[arg-type]


def test_coordinated_share_counts_meaning_links_only_for_a_model_trained_with_them() -> None:
    links = [_link("paraphrase", "a"), _link("translation", "b")]
    assert coordination_row(4, links) == [0.0, 0.0, 0.0], "as models trained before either kind existed"
    assert coordination_row(4, links, trained_params(None, semantic=True)) == [0.25, 0.0, math.log1p(2)]
    assert coordination_matrix([4], [links], trained_params(None)).tolist() == [[0.0, 0.0, 0.0]]
    assert coordination_matrix([4], [links], trained_params(None, semantic=True))[0, 0] == 0.25


def test_meaning_links_carry_their_pairs_chance_like_the_others(encoder: SemanticEncoder) -> None:
    accounts = [_account("en_amp", EN, 0), _account("zh_amp", ZH, 4)]
    index = CoordinationIndex(semantic=encoder)
    index.add(accounts)
    [[indexed], _] = index.links_many(accounts)
    table = semantic_table(post_table(accounts), accounts, trained_params(None, semantic=True), encoder)
    [[batch], _] = batch_links(table, CoordinationParams())
    assert indexed.kind == batch.kind == "translation"
    assert indexed.p_value is not None and 0 < indexed.p_value <= 1 and indexed.q_value is not None
    assert (batch.p_value, batch.q_value) == (indexed.p_value, indexed.q_value), "a pair's chance is its posts' own"
    [[untested], _] = batch_links(table, CoordinationParams(permutations=0))
    assert (untested.kind, untested.p_value, untested.q_value) == ("translation", None, None)


def test_an_encoder_file_that_differs_from_its_pin_is_refused(tmp_path: Path) -> None:
    (tmp_path / "weights.npz").write_bytes(b"not the pinned weights")
    with pytest.raises(EmbedderIntegrityError, match=r"sha256 .* pinned 0db566"):
        verify_files(tmp_path, {"weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9"})
    with pytest.raises(EmbedderIntegrityError, match="cannot be read"):
        verify_files(tmp_path, {"sp.model": "0" * 64})


def test_training_with_semantic_links_counts_them_and_records_it() -> None:
    from detector.catalog import load_catalog
    from training.stacking import compute_blocks

    accounts = [_account("en_amp", EN, 0), _account("zh_amp", ZH, 4)]
    column = "coordination__coordinated_share"
    for semantic, share in ((False, 0.0), (True, 1.0)):
        blocks = compute_blocks(
            accounts, load_catalog(), profile_features=False, semantic_coordination=semantic, coordination_fdr=None
        )
        assert blocks.coordination is not None
        assert ("translation" in blocks.coordination.counted_kinds) is semantic
        assert blocks.static[:, blocks.static_names.index(column)].tolist() == [share, share]


def test_a_language_is_centred_only_once_it_has_enough_posts() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.integers(-127, 128, size=(4, 512)).astype(np.int8)
    columns = SemanticColumns.dense(np.array([7, 7, 7, 9], np.uint32), vectors)
    means = language_means(language_sums(columns), min_posts=3)
    unit = vectors[:3].astype(np.float64) / np.linalg.norm(vectors[:3].astype(np.float64), axis=1, keepdims=True)
    assert list(means) == [7]
    assert np.allclose(means[7], unit.mean(axis=0), atol=1e-6)
