"""X credit budget: jobs keep their cap, their spend and why they are paused; spend per calendar month.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Existing jobs spent nothing that was counted, so their spend starts at 0; ``x_budget_usd`` NULL means the
``x_job_budget_usd`` setting applies. A job in the new state ``paused`` keeps its pending items for a resume.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_JOB_COLUMNS = ("paused_detail", "paused_reason", "x_posts_read", "x_users_read", "x_spend_usd", "x_budget_usd")


def upgrade() -> None:
    op.add_column("jobs", sa.Column("x_budget_usd", sa.Float()))
    op.add_column("jobs", sa.Column("x_spend_usd", sa.Float(), nullable=False, server_default="0"))
    op.add_column("jobs", sa.Column("x_users_read", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("jobs", sa.Column("x_posts_read", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("jobs", sa.Column("paused_reason", sa.String(32)))
    op.add_column("jobs", sa.Column("paused_detail", sa.Text()))
    op.create_table(
        "x_spend_months",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("spend_usd", sa.Float(), nullable=False),
        sa.Column("users_read", sa.Integer(), nullable=False),
        sa.Column("posts_read", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("x_spend_months")
    # In place (SQLite 3.35+), as in 0005 and 0006: batch mode would copy tables that other rows point at.
    for column in _JOB_COLUMNS:
        op.execute(sa.text(f"ALTER TABLE jobs DROP COLUMN {column}"))
