"""Owners and teams: jobs keep their owner's name, keys may belong to a team, feedback may name the job it judged.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10

Jobs, feedback and training runs already kept the creating key's id (``jobs.created_by``, ``feedback.key_id``,
``training_runs.key_id``): that id is the owner ``service/scopes.py`` reads. Existing jobs get their owner's name
from ``api_keys``; a row whose owner id is NULL stays NULL and is visible to admins only. Existing keys have no team.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("api_keys", sa.Column("team", sa.String(64)))
    op.add_column("jobs", sa.Column("created_by_name", sa.String(128)))
    op.create_index("ix_jobs_created_by", "jobs", ["created_by"])
    op.add_column("feedback", sa.Column("job_id", sa.String(32)))
    op.execute(
        sa.text(
            "UPDATE jobs SET created_by_name = (SELECT api_keys.name FROM api_keys WHERE api_keys.id = jobs.created_by)"
            " WHERE created_by IS NOT NULL"
        )
    )


def downgrade() -> None:
    # In place (SQLite 3.35+), as in 0005: batch mode would copy tables that other rows point at.
    op.execute(sa.text("ALTER TABLE feedback DROP COLUMN job_id"))
    op.drop_index("ix_jobs_created_by", table_name="jobs")
    op.execute(sa.text("ALTER TABLE jobs DROP COLUMN created_by_name"))
    op.execute(sa.text("ALTER TABLE api_keys DROP COLUMN team"))
