"""Coordination rows keep the keys of the kinds that are not about wording: the link a post shares, whom it reposts.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

Both are the uint64 keys' bits as int64 (``detector/link_keys.py``), 0 for none: rows stored before read as posts
without a link or a repost, so they link as they did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


_COLUMNS = ("link_key", "repost_key")


def upgrade() -> None:
    for name in _COLUMNS:
        op.add_column("coordination_posts", sa.Column(name, sa.BigInteger, nullable=False, server_default="0"))


def downgrade() -> None:
    for name in reversed(_COLUMNS):  # in place (SQLite 3.35+), as in 0005
        op.execute(sa.text(f"ALTER TABLE coordination_posts DROP COLUMN {name}"))
