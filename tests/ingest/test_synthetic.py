"""Behaviour of the synthetic demo corpus: deterministic, labeled, coordinated where it should be, marked synthetic."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from ingest.jsonl import read_accounts
from ingest.synthetic import LABELS, ROLES, SPAN_END, SPAN_START, LabeledAccount, generate_corpus, write_corpus

SMALL = 200  # every role is present from 100 accounts up; small keeps the suite fast

_ATTRIBUTION_EN = re.compile(
    r"\b(says|said|claims?|according to|told|insists?|statement|response|reply|line today)\b", re.IGNORECASE
)
_ATTRIBUTION_ZH = re.compile(r"称|表示|声明|回应")


@pytest.fixture(scope="module")
def corpus() -> list[LabeledAccount]:
    return generate_corpus(seed=11, n_accounts=SMALL)


def _words(text: str) -> list[str]:
    """Lower-cased words with hashtags, mentions, URLs and the retweet prefix removed."""
    text = re.sub(r"^RT @\w+:|https?://\S+|[#@]\S+", " ", text)
    return re.findall(r"[\w']+", text.lower())


def _shingles(text: str, size: int) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_generator_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    first = write_corpus(generate_corpus(seed=5, n_accounts=150), tmp_path / "a")
    again = write_corpus(generate_corpus(seed=5, n_accounts=150), tmp_path / "b")
    other = write_corpus(generate_corpus(seed=6, n_accounts=150), tmp_path / "c")

    for name in ("accounts", "labels", "readme"):
        assert first[name].read_bytes() == again[name].read_bytes(), name
    assert first["accounts"].read_bytes() != other["accounts"].read_bytes()


def test_corpus_contains_every_role_and_label(corpus: list[LabeledAccount]) -> None:
    assert len(corpus) == SMALL
    assert sorted({item.role for item in corpus}) == sorted(ROLES)
    assert sorted({item.label for item in corpus}) == sorted(LABELS)
    for item in corpus:
        expected = {"amplifier": "amplifier", "state": "state_affiliated"}.get(item.role, "ordinary")
        assert item.label == expected, (item.account.handle, item.role, item.label)
    assert sum(item.role == "state" for item in corpus) >= 3


def test_corpus_scales_with_the_number_of_accounts() -> None:
    small = generate_corpus(seed=3, n_accounts=150)
    posts = [len(item.account.posts) for item in small]

    assert len(small) == 150
    assert min(posts) >= 3 and max(posts) <= 200
    assert 30 * 150 <= sum(posts) <= 80 * 150


def test_networks_belong_only_to_amplifiers(corpus: list[LabeledAccount]) -> None:
    members: dict[str, list[LabeledAccount]] = defaultdict(list)
    for item in corpus:
        assert (item.network is not None) == (item.role == "amplifier"), item.account.handle
        if item.network is not None:
            assert re.fullmatch(r"net-\d{2}", item.network)
            members[item.network].append(item)
    assert members
    assert all(len(group) >= 2 for group in members.values())


def test_amplifier_networks_post_in_coordinated_bursts(corpus: list[LabeledAccount]) -> None:
    posts_by_network: dict[str, list[tuple[float, str, set[str]]]] = defaultdict(list)
    for item in corpus:
        if item.network is None:
            continue
        for post in item.account.posts:
            words = set(_words(post.text))
            if not post.is_retweet and len(words) >= 4:
                posts_by_network[item.network].append((post.created_at.timestamp(), item.account.handle, words))

    def has_burst(posts: list[tuple[float, str, set[str]]]) -> bool:
        posts.sort(key=lambda p: p[0])
        for i, (at, handle, words) in enumerate(posts):
            for later_at, other, other_words in posts[i + 1 :]:
                if later_at - at > 600:
                    break
                if other != handle and len(words & other_words) / len(words | other_words) >= 0.8:
                    return True
        return False

    assert posts_by_network
    assert all(has_burst(posts) for posts in posts_by_network.values())


def test_journalists_attribute_the_lines_they_report(corpus: list[LabeledAccount]) -> None:
    # A journalist post "repeats" a line when it shares five words in a row (English) or the first eight characters
    # of a claim (Chinese) with what a state account posted; every such post must say who said it.
    state_shingles: set[tuple[str, ...]] = set()
    state_claims_zh: set[str] = set()
    for item in corpus:
        if item.role != "state":
            continue
        for post in item.account.posts:
            if post.is_retweet:
                continue
            state_shingles |= _shingles(post.text, 5)
            if post.lang == "zh":
                claim = re.sub(r"https?://\S+|#\S+", "", post.text).split("：", 1)[-1].strip()
                state_claims_zh.add(claim[:8])

    reported = 0
    for item in corpus:
        if item.role != "journalist":
            continue
        for post in item.account.posts:
            if post.is_retweet or post.is_reply or post.is_quote:
                continue
            if post.lang == "zh":
                repeats = any(claim in post.text for claim in sorted(state_claims_zh) if len(claim) == 8)
                attributed = _ATTRIBUTION_ZH.search(post.text) is not None
            else:
                repeats = bool(_shingles(post.text, 5) & state_shingles)
                attributed = _ATTRIBUTION_EN.search(post.text) is not None
            if repeats:
                reported += 1
                assert attributed, post.text
    assert reported >= 5


def test_handles_are_unique_valid_x_handles() -> None:
    corpus = generate_corpus(seed=21, n_accounts=300)
    handles = [item.account.handle for item in corpus]

    assert all(re.fullmatch(r"[A-Za-z0-9_]{1,15}", handle) for handle in handles)
    assert len({handle.lower() for handle in handles}) == len(handles)
    user_ids = [item.account.user_id for item in corpus]
    assert all(uid is not None and uid.isdigit() for uid in user_ids)
    assert len(set(user_ids)) == len(user_ids)


def test_posts_have_unique_ids_and_fall_in_the_first_half_of_2023(corpus: list[LabeledAccount]) -> None:
    posts = [post for item in corpus for post in item.account.posts]
    assert len({post.id for post in posts}) == len(posts)
    assert all(post.id.isdigit() for post in posts)
    assert all(SPAN_START <= post.created_at <= SPAN_END for post in posts)
    for post in posts:
        assert post.hashtags == re.findall(r"#(\S+)", post.text), post.text
        assert all(url in post.text for url in post.urls)
        assert post.is_retweet == post.text.startswith("RT @")


def test_labels_file_lists_every_account(tmp_path: Path, corpus: list[LabeledAccount]) -> None:
    paths = write_corpus(corpus, tmp_path)

    with paths["labels"].open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["handle", "label", "network", "role"]
        rows = list(reader)
    written = [account.handle for account in read_accounts(paths["accounts"])]

    assert [row["handle"] for row in rows] == written
    assert {row["label"] for row in rows} <= set(LABELS)
    for row in rows:
        assert (row["network"] != "") == (row["label"] == "amplifier"), row


def test_corpus_is_marked_synthetic(tmp_path: Path, corpus: list[LabeledAccount]) -> None:
    readme = write_corpus(corpus, tmp_path)["readme"].read_text(encoding="utf-8")

    assert "synthetic" in readme.lower()
    assert "not real accounts" in readme.lower()
    assert "seed: 11" in readme
    journalists = sum(item.role == "journalist" for item in corpus)
    assert f"journalist (ordinary): {journalists}" in readme


def test_generate_corpus_refuses_an_empty_corpus() -> None:
    with pytest.raises(ValueError, match="n_accounts"):
        generate_corpus(n_accounts=0)


def _corpus_digest(corpus: list[LabeledAccount]) -> str:
    rows = [
        {"label": c.label, "role": c.role, "network": c.network, "account": c.account.model_dump(mode="json")}
        for c in corpus
    ]
    blob = json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def test_generator_output_is_unchanged_for_a_pinned_seed() -> None:
    # The shipped model is trained on this generator's output (seed 2023, 2000 accounts). Any change to the code or
    # to ingest/synthetic_data/*.yaml that alters the corpus must be deliberate: update this digest and retrain.
    # (Updated when the schema gained Telegram's views/forwards and Reddit's karma, always empty here: without those
    # four keys the corpus hashes to the earlier f606f301..., so the generator's output is the same.)
    corpus = generate_corpus(seed=11, n_accounts=160)

    assert _corpus_digest(corpus) == "62381ba5871cf50659ed54222c13acabef4843b836be75b3e0055ba9897c681e"
