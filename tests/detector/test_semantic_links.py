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
    SemanticThresholds,
    corroborated,
    guess_language,
    language_means,
    language_sums,
    post_language,
    quantized,
    semantic_pairs,
    semantic_table,
)

T0 = datetime(2023, 3, 1, 12, 0, tzinfo=UTC)
EN = "The reports of forced labour in the cotton fields are lies invented by Western politicians."
ZH = "所谓棉花田强迫劳动的报道是西方政客编造的谎言。"
RU = "Сообщения о принудительном труде на хлопковых полях — ложь, придуманная западными политиками."
ES = (
    "Los informes sobre trabajo forzoso en los campos de algodón son mentiras inventadas por los políticos "
    "occidentales."
)
FR = (
    "Les rapports sur le travail forcé dans les champs de coton sont des mensonges inventés par les politiciens "
    "occidentaux."
)
REWORDED = "Western politicians made up the stories about forced labour in cotton fields, and they are lies."
REWORDED_AGAIN = "All the reports about forced labour in cotton fields are lies made up by politicians in the West."
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


@pytest.mark.parametrize("text", [ES, FR], ids=["spanish", "french"])
def test_a_spanish_or_french_version_of_an_english_line_links_as_translation(
    encoder: SemanticEncoder, text: str
) -> None:
    """Latin script too: the languages are told apart by their function words, not by script."""
    links = _links(encoder, _account("en_amp", EN, 0), _account("other_amp", text, 4))
    assert links == {"en_amp": [("other_amp", "translation")], "other_amp": [("en_amp", "translation")]}


def test_one_message_in_english_chinese_and_russian_within_minutes_links_as_translations(
    encoder: SemanticEncoder,
) -> None:
    links = _links(encoder, _account("en_amp", EN, 0), _account("zh_amp", ZH, 4), _account("ru_amp", RU, 6))
    assert links == {
        "en_amp": [("zh_amp", "translation"), ("ru_amp", "translation")],
        "zh_amp": [("en_amp", "translation"), ("ru_amp", "translation")],
        "ru_amp": [("en_amp", "translation"), ("zh_amp", "translation")],
    }


def test_a_reworded_english_copy_links_as_paraphrase(encoder: SemanticEncoder) -> None:
    links = _links(encoder, _account("first", EN, 0), _account("second", REWORDED, 3), _account("zh_amp", ZH, 4))
    assert links["second"] == [("first", "paraphrase"), ("zh_amp", "translation")]


def test_a_lone_pair_saying_the_same_thing_in_one_language_does_not_link(encoder: SemanticEncoder) -> None:
    """Two accounts rewording each other are what chance makes on a busy topic: a third account must say it too.
    Across languages a lone pair links only when it is very close (Chinese and Russian here are not)."""
    assert _links(encoder, _account("first", EN, 0), _account("second", REWORDED, 3)) == {"first": [], "second": []}
    assert _links(encoder, _account("zh_amp", ZH, 0), _account("ru_amp", RU, 4)) == {"zh_amp": [], "ru_amp": []}
    columns = encoder.columns([Post(id="1", created_at=T0, text=EN), Post(id="2", created_at=T0, text=REWORDED)])
    times, accounts = np.array([0.0, 180.0]), np.array([0, 1])
    assert len(semantic_pairs(times, accounts, columns, 600.0)[0]) == 0
    assert len(semantic_pairs(times, accounts, columns, 600.0, SemanticThresholds(min_support=0))[0]) == 1, "close"


def test_a_translation_links_alone_only_above_its_own_threshold(encoder: SemanticEncoder) -> None:
    columns = encoder.columns([Post(id="1", created_at=T0, text=EN), Post(id="2", created_at=T0, text=ZH)])
    times, accounts = np.array([0.0, 240.0]), np.array([0, 1])
    [similarity] = semantic_pairs(times, accounts, columns, 600.0)[2]
    never = SemanticThresholds(translation_alone=similarity + 0.01)
    assert len(semantic_pairs(times, accounts, columns, 600.0, never)[0]) == 0


def test_an_accounts_own_posts_never_corroborate_its_links(encoder: SemanticEncoder) -> None:
    posts = [
        Post(id="amp-0", created_at=T0, text=EN),
        Post(id="amp-1", created_at=T0 + timedelta(minutes=2), text=REWORDED_AGAIN),
    ]
    alone = _links(encoder, Account(handle="amp", posts=posts), _account("other", REWORDED, 4))
    assert alone == {"amp": [], "other": []}
    index = CoordinationIndex(semantic=encoder)  # the same handle stored earlier: another position in the index
    index.add([Account(handle="AMP", posts=posts[1:])])
    index.add([_account("other", REWORDED, 4)])
    assert index.links(_account("amp", EN, 0)) == []
    with_third = _links(
        encoder, _account("amp", EN, 0), _account("other", REWORDED, 4), _account("third", REWORDED_AGAIN, 2)
    )
    assert sorted(with_third["amp"]) == [("other", "paraphrase"), ("third", "paraphrase")], "a third account's does"


def test_unrelated_posts_on_the_same_topic_do_not_link(encoder: SemanticEncoder) -> None:
    links = _links(
        encoder,
        _account("amp", EN, 0),
        _account("reporter", SAME_TOPIC, 2),
        _account("zh_amp", ZH, 3),
        _account("ru_amp", RU, 4),
    )
    assert links["reporter"] == []
    assert [peer for peer, _ in links["amp"]] == ["zh_amp", "ru_amp"]


def test_the_same_meaning_outside_the_window_does_not_link(encoder: SemanticEncoder) -> None:
    assert _links(encoder, _account("en_amp", EN, 0), _account("zh_amp", ZH, 30)) == {"en_amp": [], "zh_amp": []}
    links = _links(encoder, _account("early", EN, 0), _account("zh", ZH, 2), _account("late", REWORDED, 30))
    assert links == {"early": [("zh", "translation")], "zh": [("early", "translation")], "late": []}


def test_short_posts_never_link_semantically(encoder: SemanticEncoder) -> None:
    texts = ("Cotton lies from the West!", "Western cotton lies!", "Lies about cotton, from the West!")
    links = _links(encoder, *(_account(f"a{i}", text, i) for i, text in enumerate(texts)))
    # The first and last share five of their six words: near-duplicates by the lexical definition, never by meaning.
    meaning = {handle: [link for link in found if link[1] != "near_duplicate"] for handle, found in links.items()}
    assert meaning == {"a0": [], "a1": [], "a2": []}


def test_a_pair_linked_lexically_is_not_linked_again(encoder: SemanticEncoder) -> None:
    links = _links(
        encoder, _account("a", EN, 0), _account("b", EN + " #cotton https://x.example/1", 2), _account("c", ZH, 3)
    )
    assert links["b"] == [("a", "near_duplicate"), ("c", "translation")]


def test_a_corroborating_post_must_be_within_the_window_of_both_posts() -> None:
    first, second = np.array([0, 1, 0]), np.array([1, 2, 2])  # three posts of three accounts, close in meaning
    assert corroborated(first, second, np.array([0.0, 300.0, 500.0]), 600.0).tolist() == [True] * 3
    far_apart = corroborated(first, second, np.array([0.0, 500.0, 1050.0]), 600.0)
    assert far_apart.tolist() == [False] * 3, "the third post is 1,050 s after the first"
    assert corroborated(first, second, np.array([0.0, 300.0, 500.0]), 600.0, min_support=2).tolist() == [False] * 3


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
    accounts = [_account("en_amp", EN, 0), _account("zh_amp", ZH, 4), _account("ru_amp", RU, 6)]
    index = CoordinationIndex(semantic=encoder)
    index.add(accounts)
    indexed = sorted(index.links_many(accounts)[0], key=lambda link: link.peer_handle)
    table = semantic_table(post_table(accounts), accounts, trained_params(None, semantic=True), encoder)
    batch = sorted(batch_links(table, CoordinationParams())[0], key=lambda link: link.peer_handle)
    assert [link.kind for link in indexed] == [link.kind for link in batch] == ["translation", "translation"]
    for mine, theirs in zip(indexed, batch, strict=True):
        assert mine.p_value is not None and 0 < mine.p_value <= 1 and mine.q_value is not None
        assert (theirs.p_value, theirs.q_value) == (mine.p_value, mine.q_value), "a pair's chance is its posts' own"
    untested = batch_links(table, CoordinationParams(permutations=0))[0]
    assert [(link.kind, link.p_value, link.q_value) for link in untested] == [("translation", None, None)] * 2


def test_an_encoder_file_that_differs_from_its_pin_is_refused(tmp_path: Path) -> None:
    (tmp_path / "weights.npz").write_bytes(b"not the pinned weights")
    with pytest.raises(EmbedderIntegrityError, match=r"sha256 .* pinned 0db566"):
        verify_files(tmp_path, {"weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9"})
    with pytest.raises(EmbedderIntegrityError, match="cannot be read"):
        verify_files(tmp_path, {"sp.model": "0" * 64})


def test_training_with_semantic_links_counts_them_and_records_it() -> None:
    from detector.catalog import load_catalog
    from training.stacking import compute_blocks

    accounts = [_account("en_amp", EN, 0), _account("zh_amp", ZH, 4), _account("ru_amp", RU, 6)]
    column = "coordination__coordinated_share"
    for semantic, share in ((False, 0.0), (True, 1.0)):
        blocks = compute_blocks(
            accounts, load_catalog(), profile_features=False, semantic_coordination=semantic, coordination_fdr=None
        )
        assert blocks.coordination is not None
        assert ("translation" in blocks.coordination.counted_kinds) is semantic
        assert blocks.static[:, blocks.static_names.index(column)].tolist() == [share] * 3


def test_a_language_is_centred_only_once_it_has_enough_posts() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.integers(-127, 128, size=(4, 512)).astype(np.int8)
    columns = SemanticColumns.dense(np.array([7, 7, 7, 9], np.uint32), vectors)
    means = language_means(language_sums(columns), min_posts=3)
    unit = vectors[:3].astype(np.float64) / np.linalg.norm(vectors[:3].astype(np.float64), axis=1, keepdims=True)
    assert list(means) == [7]
    assert np.allclose(means[7], unit.mean(axis=0), atol=1e-6)
