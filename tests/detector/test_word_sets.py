"""Word sets: the batch pass gives what the per-text definition gives (the sets and signatures are stored), and the
exact Jaccard of two sets is what Python's sets say."""

from __future__ import annotations

import numpy as np

from detector.minhash import MinHasher, comparable_text
from detector.word_sets import WordSets, word_hashes, word_signatures
from ingest.synthetic import generate_corpus
from tests.detector.test_minhash import TRICKY


def _texts() -> list[str]:
    corpus = generate_corpus(seed=3, n_accounts=10)
    texts = [comparable_text(t) for t in TRICKY] + [comparable_text(p.text) for i in corpus for p in i.account.posts]
    # The edges of the kana and ideograph ranges that make a text CJK (its shingles then character trigrams).
    edges = [f"word {chr(point)}{chr(point)}{chr(point)} next" for point in (0x303F, 0x3040, 0x30FF, 0x3100, 0x33FF)]
    edges += [f"{chr(point)} alone" for point in (0x3400, 0x9FFF, 0xA000, 0x2FFF)]
    return [*texts, *edges, "", "lone", " ".join(["same words"] * 200), "中文 and latin", "ünïcödé wörds hère"]


def test_batch_word_sets_and_signatures_equal_the_per_text_definition() -> None:
    texts = _texts()

    signatures, sets = word_signatures(texts, 32)

    expected, counts = MinHasher(32).signatures([word_hashes(text) for text in texts])
    np.testing.assert_array_equal(signatures, expected)
    np.testing.assert_array_equal(sets.sizes(), counts)
    assert [tuple(sets.of(i).tolist()) for i in range(len(texts))] == [word_hashes(text) for text in texts]


def test_exact_jaccard_survives_take_and_concat() -> None:
    texts = _texts()
    sets = WordSets.concat([word_signatures(texts[:7], 32)[1], word_signatures(texts[7:], 32)[1]])
    rng = np.random.default_rng(5)
    first, second = rng.integers(len(texts), size=(2, 300))
    rows = rng.permutation(len(texts))
    taken = sets.take(rows)
    position = np.argsort(rows)

    similarity = taken.jaccard(position[first], position[second])

    python = [set(word_hashes(text)) for text in texts]
    expected = [
        len(python[i] & python[j]) / len(python[i] | python[j]) if python[i] or python[j] else 0.0
        for i, j in zip(first.tolist(), second.tolist(), strict=True)
    ]
    np.testing.assert_allclose(similarity, expected)
