"""The row-level stream that file readers produce and the store imports.

Archives hold one post per row, with the account's profile repeated on every row, and rows of one account need not
be adjacent. Readers therefore yield ``AccountRow``s (profile fields plus at most one post) and ``RowProblem``s
(a line that could not be read), and the store assembles accounts. Keeping readers this small keeps memory bounded:
nothing is grouped in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from detector.schema import Post, Profile

__all__ = ["AccountRow", "RowProblem"]


@dataclass(frozen=True)
class AccountRow:
    """One input row: an account (by handle), its profile as of this row, and the post the row carries, if any.

    ``profile`` is ``None`` when the row says nothing about the profile (a later row's profile is kept then).
    ``platform`` is the account's platform (``detector.schema.PLATFORMS``) when the row or its format says it, else
    ``None``: the store then keeps what it knew, or the platform the import was given.
    """

    line: int
    handle: str
    user_id: str | None
    profile: Profile | None
    post: Post | None
    platform: str | None = None


@dataclass(frozen=True)
class RowProblem:
    """A line that was skipped, and why (``fatal`` problems stop the import even without ``--strict``)."""

    line: int
    reason: str
    fatal: bool = False
