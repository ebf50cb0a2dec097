"""Tombstones: an account the platform suspended (or took down) is marked so, with the date it was first seen so.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

Its posts and scores stay; ``status`` is NULL while the account can be read.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("status", sa.String(32)))
    op.add_column("accounts", sa.Column("status_since", sa.DateTime(timezone=True)))


def downgrade() -> None:
    # In place (SQLite 3.35+), as in 0005: batch mode would copy a table that posts point at.
    op.execute(sa.text("ALTER TABLE accounts DROP COLUMN status_since"))
    op.execute(sa.text("ALTER TABLE accounts DROP COLUMN status"))
