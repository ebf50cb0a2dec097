"""Accounts are keyed by platform and name: an X ``name`` and a Reddit ``name`` are two accounts, with two histories.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

Every account gets a platform: ``x`` where none was recorded (the accounts stored before platforms were kept came
from X or its archives). Its key (``accounts.handle_key``) and the key of its scores (``scores.handle_key``, the
platform read from the stored result) become ``ingest.platform_handles.account_key``: the canonical spelling,
lowercased. X accounts keep theirs (``name``); others are prefixed where their name's shape would not say the platform
(``reddit:name``, ``telegram:channel``, an X name with a dot ``x:a.b``). The rule is written out here rather than
imported, so this revision means the same thing whatever the code becomes. Job items and feedback keep the handle as
it was requested. A key already taken (the store held a handle spelled with its prefix) is left as it was.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

logger = logging.getLogger(__name__)

# Rows whose key may change: a platform other than X, or a name whose shape guesses another platform.
_MAY_CHANGE = "(platform <> 'x' OR handle LIKE '%.%' OR handle LIKE '%@%')"


def _key(platform: str, name: str) -> str:
    """``ingest.platform_handles.account_key`` as of this revision."""
    guess = "mastodon" if "@" in name else "bluesky" if "." in name else "x"
    return name.lower() if guess == platform else f"{platform}:{name.lower()}"


def _rekey(table: str, rows: list[sa.Row], taken: set[str]) -> None:
    bind = op.get_bind()
    update = sa.text(f"UPDATE {table} SET handle_key = :key WHERE id = :id")
    for row in rows:
        key = _key(row.platform, row.handle)
        if key == row.handle_key:
            continue
        if key in taken:
            logger.warning("key kept: the new one is taken", extra={"table": table, "id": row.id, "key": key})
            continue
        bind.execute(update, {"key": key, "id": row.id})
        taken.discard(row.handle_key)
        taken.add(key)


def _score_platform() -> str:
    """The stored result's platform, in SQL (``x`` when it names none)."""
    if op.get_bind().dialect.name == "postgresql":
        return "COALESCE(CAST(result AS json) ->> 'platform', 'x')"
    return "COALESCE(json_extract(result, '$.platform'), 'x')"


def upgrade() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE accounts SET platform = 'x' WHERE platform IS NULL"))
    accounts = bind.execute(sa.text(f"SELECT id, handle, handle_key, platform FROM accounts WHERE {_MAY_CHANGE}"))
    taken = set(bind.execute(sa.text("SELECT handle_key FROM accounts")).scalars())
    _rekey("accounts", list(accounts), taken)
    scores = bind.execute(
        sa.text(
            f"SELECT id, handle, handle_key, platform FROM (SELECT id, handle, handle_key, {_score_platform()} AS "
            f"platform FROM scores) AS s WHERE {_MAY_CHANGE}"
        )
    )
    _rekey("scores", list(scores), set())  # scores repeat a key freely (one row per score)


def downgrade() -> None:
    # Back to the name alone; an account whose name another platform's account also has keeps its key (the old
    # schema cannot hold both), and platforms stay recorded.
    bind = op.get_bind()
    rows = list(bind.execute(sa.text("SELECT id, handle, handle_key FROM accounts WHERE handle_key <> lower(handle)")))
    taken = set(bind.execute(sa.text("SELECT handle_key FROM accounts")).scalars())
    for row in rows:
        if row.handle.lower() not in taken:
            bind.execute(sa.text("UPDATE accounts SET handle_key = lower(handle) WHERE id = :id"), {"id": row.id})
            taken.add(row.handle.lower())
    bind.execute(sa.text("UPDATE scores SET handle_key = lower(handle) WHERE handle_key <> lower(handle)"))
