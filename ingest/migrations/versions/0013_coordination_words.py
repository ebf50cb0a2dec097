"""Coordination by exact word sets: each indexed post keeps the sorted hashes of its distinct words.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

Near-duplicates are now decided by the exact Jaccard similarity of two posts' word sets, and the MinHash signature
that proposes candidates is taken over words rather than word bigrams. Rows stored before this revision have NULL
``words`` and a signature of the old kind: the service re-signs them from the stored posts when it next starts
(``service.db.coordination.resign_stored_rows``), and drops those whose post is no longer stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("coordination_posts", sa.Column("words", sa.LargeBinary))


def downgrade() -> None:
    # In place (SQLite 3.35+), as in 0012. Signatures written since are over words: a downgraded service links
    # those rows by the wrong definition until they are indexed again.
    op.execute(sa.text("ALTER TABLE coordination_posts DROP COLUMN words"))
