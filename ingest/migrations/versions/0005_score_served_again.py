"""Scores served again: a repeated score of an unchanged account counts on its row instead of adding a copy.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

``served_count`` is how many requests, jobs or CLI runs received the row's score (1 for every row already stored),
``last_served_at`` the latest of them (NULL until a second one).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("scores", sa.Column("served_count", sa.Integer, nullable=False, server_default="1"))
    op.add_column("scores", sa.Column("last_served_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    # In place (SQLite 3.35+): batch mode would copy ``scores``, and feedback and job items point at its rows.
    op.execute(sa.text("ALTER TABLE scores DROP COLUMN last_served_at"))
    op.execute(sa.text("ALTER TABLE scores DROP COLUMN served_count"))
