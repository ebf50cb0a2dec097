"""API keys under concurrent writers: two servers starting at once, a revocation during a lookup."""

from __future__ import annotations

import pytest

import service.db.api_keys as api_keys
from ingest.database import open_database
from service.db.api_keys import KeyCache, create_key, ensure_key, find_key, revoke_key


@pytest.fixture
def engine(head_database_url: str):  # type: ignore[no-untyped-def]
    engine = open_database(head_database_url)
    yield engine
    engine.dispose()


def test_a_bootstrap_key_another_server_stored_a_moment_ago_is_taken_not_an_error(engine, monkeypatch) -> None:
    secret = "pw_bootstrap_key_for_two_servers_0123"
    first = ensure_key(engine, secret, name="bootstrap", role="admin")  # the other server, first to insert
    real_find = api_keys.find_key
    looks: list[str] = []

    def before_the_insert_was_committed(*args, **kwargs):  # type: ignore[no-untyped-def]
        looks.append(args[1])
        return None if len(looks) == 1 else real_find(*args, **kwargs)  # the first look missed the other's row

    monkeypatch.setattr(api_keys, "find_key", before_the_insert_was_committed)

    assert ensure_key(engine, secret, name="bootstrap", role="admin") == first


def test_a_key_revoked_during_a_lookup_is_not_remembered_as_valid(engine, monkeypatch) -> None:
    key, secret = create_key(engine, name="analyst", role="analyst")
    cache = KeyCache(ttl_s=60)
    real_find = api_keys.find_key

    def revoked_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = real_find(*args, **kwargs)  # read while the key was still valid
        revoke_key(engine, key.id)
        cache.clear()  # as the revoking request does
        return found

    monkeypatch.setattr(api_keys, "find_key", revoked_meanwhile)
    cache.find(engine, secret)
    monkeypatch.setattr(api_keys, "find_key", real_find)

    assert cache.peek(secret) is None, "the next request asks the database"
    assert cache.find(engine, secret) is None and find_key(engine, secret) is None


def test_revoking_twice_keeps_the_first_time(engine) -> None:
    key, _ = create_key(engine, name="analyst", role="analyst")
    first = revoke_key(engine, key.id).revoked_at
    assert first is not None and revoke_key(engine, key.id).revoked_at == first
