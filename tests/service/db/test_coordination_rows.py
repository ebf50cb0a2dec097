"""The coordination index's stored rows keep what links posts: signatures, hashtag, link and repost keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from detector.coordination import CoordinationIndex, CoordinationParams, post_table
from detector.schema import Account, Post
from ingest.database import open_database
from service.db.coordination import load_table, save_table

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
