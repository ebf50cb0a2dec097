"""The service's coordination index with the semantic pass: the setting, and vectors that outlive a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from detector.schema import Account, Post
from ingest.database import open_database
from ingest.store import AccountStore
from service.config import Settings
from service.state import warm_coordination_index

T0 = datetime(2023, 3, 1, 12, 0, tzinfo=UTC)
EN = "The reports of forced labour in the cotton fields are lies invented by Western politicians."
ZH = "所谓棉花田强迫劳动的报道是西方政客编造的谎言。"
RU = "Сообщения о принудительном труде на хлопковых полях — ложь, придуманная западными политиками."


def _account(handle: str, *texts: tuple[str, float]) -> Account:
    posts = [
        Post(id=f"{handle}-{i}", created_at=T0 + timedelta(minutes=minutes), text=text)
        for i, (text, minutes) in enumerate(texts)
    ]
    return Account(handle=handle, posts=posts)


STATEMENT = "Official statement: " + EN[:-1] + ", says the spokesperson today."
ACCOUNTS = [
    _account("en_amp", (EN, 0), (STATEMENT, 60)),
    _account("zh_amp", (ZH, 4), (STATEMENT, 61)),
    _account("ru_amp", (RU, 5)),  # a meaning link needs a third account saying it
]


def _settings(tmp_path: Path, url: str, *, semantic: bool) -> Settings:
    return Settings(data_dir=tmp_path / "var", database_url=url, log_json=False, coordination_semantic=semantic)


def _kinds(links: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return sorted((link.peer_handle, link.kind) for link in links)


def test_a_restarted_index_loads_stored_vectors_without_embedding_again(tmp_path: Path, head_database_url: str) -> None:
    settings = _settings(tmp_path, head_database_url, semantic=True)
    engine = open_database(head_database_url)
    first = warm_coordination_index(engine, AccountStore(engine), settings)
    first.add(ACCOUNTS)
    assert first.semantic is not None and first.semantic.n_embedded == 4  # the repeated statement's text once

    restarted = warm_coordination_index(engine, AccountStore(engine), settings)
    links = restarted.links_many(ACCOUNTS)
    assert restarted.semantic is not None and restarted.semantic.calls == 0
    assert _kinds(links[0]) == [("ru_amp", "translation"), ("zh_amp", "near_duplicate"), ("zh_amp", "translation")]
    engine.dispose()


@pytest.mark.parametrize("semantic", [True, False])
def test_with_the_setting_off_only_lexical_links_appear(tmp_path: Path, head_database_url: str, semantic: bool) -> None:
    engine = open_database(head_database_url)
    index = warm_coordination_index(
        engine, AccountStore(engine), _settings(tmp_path, head_database_url, semantic=semantic)
    )
    index.add(ACCOUNTS)
    lexical = [("zh_amp", "near_duplicate")]
    expected = [("ru_amp", "translation"), *lexical, ("zh_amp", "translation")] if semantic else lexical
    assert _kinds(index.links(ACCOUNTS[0])) == expected
    assert (index.semantic is not None) == semantic
    engine.dispose()
