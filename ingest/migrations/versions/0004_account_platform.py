"""The platform of each stored account (x, reddit, bluesky, mastodon, telegram); NULL for the accounts already stored.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

``AccountStore`` used to add the same column itself to a database made before the migrations owned the schema, so
such a database may have it already: it is added here only when missing, as 0001 does for the tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _account_columns() -> set[str]:
    return {column["name"] for column in sa.inspect(op.get_bind()).get_columns("accounts")}


def upgrade() -> None:
    if "platform" not in _account_columns():
        op.add_column("accounts", sa.Column("platform", sa.String(32)))


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place. Batch mode would copy the table and drop the old one, and with foreign
    # keys on, dropping ``accounts`` deletes every post through ON DELETE CASCADE.
    op.execute(sa.text("ALTER TABLE accounts DROP COLUMN platform"))
