"""Semantic coordination: each indexed post keeps its sentence vector, so a restarted service does not re-embed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

``vector`` holds the int8 sentence vector (512 bytes) and ``lang_code`` the number of the post's language; both are
NULL for a post that was not embedded (too short, a repost, or indexed while the semantic pass was off).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("coordination_posts", sa.Column("vector", sa.LargeBinary))
    op.add_column("coordination_posts", sa.Column("lang_code", sa.BigInteger))


def downgrade() -> None:
    # In place (SQLite 3.35+), as in 0005 and 0008.
    op.execute(sa.text("ALTER TABLE coordination_posts DROP COLUMN lang_code"))
    op.execute(sa.text("ALTER TABLE coordination_posts DROP COLUMN vector"))
