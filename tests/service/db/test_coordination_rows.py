"""The coordination index's stored rows keep what links posts: signatures, hashtag, link and repost keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from detector.coordination import CoordinationIndex, CoordinationParams, post_table
from detector.minhash import comparable_text, minhash_signatures
from detector.schema import Account, Post
from ingest.database import make_engine, open_database, upgrade
from ingest.store import AccountStore
from service.config import Settings
from service.db.coordination import load_table, save_table
from service.state import warm_coordination_index
from tests.detector.test_coordination import AT_THRESHOLD

T0 = datetime(2023, 3, 1, 12, tzinfo=UTC)


def test_an_index_restored_from_stored_rows_still_finds_shared_links_and_co_reposts(empty_database_url: str) -> None:
    repost = "RT @newsbot: Canada's media keeps smearing the Chinese community with baseless interference stories"
    accounts = [
        Account(
            handle=handle,
            posts=[
                Post(id=f"{handle}-link", created_at=T0, text=text, urls=["https://news.example/a/story"]),
                Post(id=f"{handle}-rt", created_at=T0 + timedelta(hours=1), text=repost),
            ],
        )
        for handle, text in (("first", "Read this before the vote"), ("second", "Unbelievable, share it"))
    ]
    engine = open_database(empty_database_url)
    params = CoordinationParams()
    table = post_table(accounts[:1], params)
    save_table(engine, table)

    stored = load_table(engine, params, max_posts=10)
    rows = [stored.post_ids.index(post_id) for post_id in table.post_ids]  # stored newest first
    np.testing.assert_array_equal(stored.link_keys[rows], table.link_keys)
    np.testing.assert_array_equal(stored.repost_keys[rows], table.repost_keys)
    assert table.link_keys.any() and table.repost_keys.any()
    index = CoordinationIndex(params)
    index.add_table(stored)
    kinds = {link.peer_post_id: link.kind for link in index.links(accounts[1])}
    assert kinds == {"first-link": "shared_link", "first-rt": "co_repost"}
    engine.dispose()


def test_an_index_stored_before_word_sets_is_re_signed_from_the_stored_posts_and_still_links(
    empty_database_url: str, tmp_path: Path
) -> None:
    stored_line, later_line = AT_THRESHOLD  # word Jaccard 0.8, which the old bigram estimate put at 0.78
    earlier = Account(handle="stored", posts=[Post(id="stored-0", created_at=T0, text=stored_line)])
    engine = make_engine(empty_database_url)
    upgrade(engine, "0012")
    texts = [comparable_text(stored_line), comparable_text("a post whose account is no longer stored at all")]
    signatures, counts = minhash_signatures(texts, 32)  # what the index stored before 0013: word-bigram MinHash
    with engine.begin() as conn:
        for post_id, handle, signature, count in zip(
            ("stored-0", "gone-0"), ("stored", "gone"), signatures, counts, strict=True
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO coordination_posts (post_id, handle, created_at, n_shingles, signature, hashtag_key) "
                    "VALUES (:p, :h, :t, :n, :s, 0)"
                ),
                {
                    "p": post_id,
                    "h": handle,
                    "t": T0.timestamp(),
                    "n": int(count),
                    "s": signature.astype("<u4").tobytes(),
                },
            )
    store = AccountStore(engine)  # opening the store migrates to head, as a service start does
    store.put(earlier, source="test")
    settings = Settings(data_dir=tmp_path / "var", database_url=empty_database_url, log_json=False)

    index = warm_coordination_index(engine, store, settings)

    later = Account(handle="later", posts=[Post(id="later-0", created_at=T0 + timedelta(minutes=2), text=later_line)])
    assert [(link.peer_post_id, link.kind, link.similarity) for link in index.links(later)] == [
        ("stored-0", "near_duplicate", 0.8)
    ]
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT post_id, words IS NOT NULL FROM coordination_posts")).all()
    assert rows == [("stored-0", 1)], "re-signed in place once; the row whose post is gone is dropped"
    assert len(warm_coordination_index(engine, store, settings)) == 1, "a second start loads it as it is"
    engine.dispose()


def test_rows_another_writer_stored_since_the_check_are_skipped_not_an_error(empty_database_url: str) -> None:
    accounts = [Account(handle="writer", posts=[Post(id=f"w-{i}", created_at=T0, text=f"post {i}") for i in range(3)])]
    engine = open_database(empty_database_url)
    table = post_table(accounts, CoordinationParams())
    elsewhere = post_table([accounts[0].model_copy(update={"posts": accounts[0].posts[:1]})], CoordinationParams())

    def interleave(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO COORDINATION_POSTS") and not fired:
            fired.append(True)  # the server's check found nothing; a CLI run stores the first post just now
            save_table(other, elsewhere)

    fired: list[bool] = []
    if engine.dialect.name == "sqlite":  # a stale read cannot be followed by a write there: interleave before it
        save_table(engine, elsewhere)
    else:
        other = sa.create_engine(engine.url, poolclass=sa.pool.NullPool)
        sa.event.listen(engine, "before_cursor_execute", interleave)

    save_table(engine, table)

    stored = load_table(engine, CoordinationParams(), max_posts=10)
    assert sorted(stored.post_ids) == ["w-0", "w-1", "w-2"]
    engine.dispose()
