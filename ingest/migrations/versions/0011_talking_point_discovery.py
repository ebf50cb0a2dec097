"""Talking-point discovery: proposed lines with the decisions about them, and the catalog overlay accepted lines form.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

A candidate is kept by the fingerprint of its first state post, so a rejected line found again stays rejected.
``catalog_overlay`` holds the accepted lines (``add``) and the phrases merged into existing lines (``extend``); the
service lays them over the catalog the active model carries (``detector/overlay.py``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "talking_point_candidates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("fingerprint", sa.String(32), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("spread", sa.Integer, nullable=False),
        sa.Column("first_seen_at", TZ, nullable=False),
        sa.Column("discovered_at", TZ, nullable=False),
        sa.Column("decided_at", TZ),
        sa.Column("decided_by", sa.String(64)),
        sa.Column("talking_point_id", sa.String(128)),
    )
    op.create_table(
        "catalog_overlay",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("talking_point_id", sa.String(128), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column(
            "candidate_id", sa.Integer, sa.ForeignKey("talking_point_candidates.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("created_by", sa.String(64)),
        sa.Column("created_at", TZ, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("catalog_overlay")
    op.drop_table("talking_point_candidates")
