"""Initial schema: the ingest cache (accounts, posts) and the service's tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

``accounts`` and ``posts`` may exist already in a database made before the migrations owned the schema:
``AccountStore`` used to create them with ``create_all`` (a data folder made by ``parrotwatch import`` before the
server ever ran). They are created here only when missing, with the same columns, so such a database is adopted as
it is (``ingest/database.py``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _ingest_cache() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "accounts" not in existing:
        op.create_table(
            "accounts",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("handle_key", sa.String(255), nullable=False, unique=True),
            sa.Column("handle", sa.String(255), nullable=False),
            sa.Column("user_id", sa.String(64)),
            sa.Column("profile", sa.Text, nullable=False),
            sa.Column("source", sa.String(512), nullable=False),
            sa.Column("fetched_at", TZ, nullable=False),
        )
        op.create_index("ix_accounts_user_id", "accounts", ["user_id"])
    if "posts" not in existing:
        op.create_table(
            "posts",
            sa.Column("post_id", sa.String(64), primary_key=True),
            sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
            sa.Column("created_at", TZ, nullable=False),
            sa.Column("payload", sa.Text, nullable=False),
        )
        op.create_index("ix_posts_account_id", "posts", ["account_id"])


def upgrade() -> None:
    _ingest_cache()
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("refresh", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(64)),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("finished_at", TZ),
    )
    op.create_index("ix_jobs_state", "jobs", ["state"])
    op.create_table(
        "scores",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("handle", sa.String(64), nullable=False),
        sa.Column("handle_key", sa.String(64), nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("band", sa.String(32), nullable=False),
        sa.Column("components", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("model_version", sa.String(128), nullable=False),
        sa.Column("catalog_version", sa.String(128), nullable=False),
        sa.Column("first_post_at", TZ),
        sa.Column("last_post_at", TZ),
        sa.Column("scored_at", TZ, nullable=False),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="SET NULL")),
        sa.UniqueConstraint("job_id", "handle_key", name="uq_scores_job_handle"),
    )
    op.create_index("ix_scores_handle_key_id", "scores", ["handle_key", "id"])
    op.create_table(
        "job_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("handle", sa.String(64), nullable=False),
        sa.Column("handle_key", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("score_id", sa.Integer, sa.ForeignKey("scores.id", ondelete="SET NULL")),
        sa.Column("error_type", sa.String(128)),
        sa.Column("error_detail", sa.Text),
        sa.Column("finished_at", TZ),
        sa.UniqueConstraint("job_id", "handle_key", name="uq_job_items_job_handle"),
    )
    op.create_index("ix_job_items_job_state_position", "job_items", ["job_id", "state", "position"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ),
    )
    op.create_table(
        "catalog_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("catalog_version", sa.String(128), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("change", sa.String(256), nullable=False),
        sa.Column("created_by", sa.String(64)),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("handle", sa.String(64), nullable=False),
        sa.Column("handle_key", sa.String(64), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("score_id", sa.Integer, sa.ForeignKey("scores.id", ondelete="SET NULL")),
        sa.Column("band", sa.String(32)),
        sa.Column("key_id", sa.String(32)),
        sa.Column("key_name", sa.String(128)),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_feedback_handle_key", "feedback", ["handle_key"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("key_id", sa.String(32)),
        sa.Column("key_name", sa.String(128)),
        sa.Column("action", sa.String(128), nullable=False),
        sa.Column("target", sa.String(512)),
        sa.Column("status", sa.Integer),
        sa.Column("request_id", sa.String(64)),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    for table in ("audit_log", "feedback", "catalog_versions", "api_keys", "job_items", "scores", "jobs"):
        op.drop_table(table)
