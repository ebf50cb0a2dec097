"""A batch's posts as columns: each account's posts in order, and what scoring reads off them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from detector.post_columns import PostColumns
from detector.schema import Account, Post

T0 = datetime(2023, 3, 1, 12, 0, tzinfo=UTC)


def _account(handle: str, *offsets_s: int) -> Account:
    posts = [Post(id=f"{handle}-{i}", created_at=T0 + timedelta(seconds=s), text="x") for i, s in enumerate(offsets_s)]
    return Account(handle=handle, posts=posts)


def test_first_and_last_post_of_each_account_as_min_and_max_give_them() -> None:
    accounts = [_account("a", 30, -5, 99), _account("silent"), _account("b", 7, 7), _account("c", 1)]
    columns = PostColumns(accounts)
    assert columns.first_post_at() == [min((p.created_at for p in a.posts), default=None) for a in accounts]
    assert columns.last_post_at() == [max((p.created_at for p in a.posts), default=None) for a in accounts]
    assert columns.first_post_at()[1] is None
    assert columns.account.tolist() == [0, 0, 0, 2, 2, 3]
