"""The coordination index, persisted: one row per indexed post.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coordination_posts",
        sa.Column("post_id", sa.String(64), primary_key=True),
        sa.Column("handle", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("n_shingles", sa.Integer, nullable=False),
        sa.Column("signature", sa.LargeBinary, nullable=False),
        sa.Column("hashtag_key", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_coordination_posts_created_at", "coordination_posts", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_coordination_posts_created_at", table_name="coordination_posts")
    op.drop_table("coordination_posts")
