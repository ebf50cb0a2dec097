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

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("coordination_posts", sa.Column("link_key", sa.BigInteger, nullable=False, server_default="0"))
    op.add_column("coordination_posts", sa.Column("repost_key", sa.BigInteger, nullable=False, server_default="0"))


def downgrade() -> None:
    # In place (SQLite 3.35+), as in 0005.
    op.execute(sa.text("ALTER TABLE coordination_posts DROP COLUMN repost_key"))
    op.execute(sa.text("ALTER TABLE coordination_posts DROP COLUMN link_key"))
