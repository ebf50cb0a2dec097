"""Who sees which rows: the one visibility rule for jobs (and their results), feedback and training runs.

An admin sees every row. An analyst sees the rows its own key created and, when the key belongs to a team, the
rows of every key of that team. A row with no owner key (none is made through the API; a database from before
owners were shown could hold some) is seen by admins only. A row outside the caller's scope is answered exactly
like a row that does not exist (404 with the same problem), so an id never reveals that someone else's job exists;
the refusal is marked on the error (``ServiceError.out_of_scope``) for the audit log, never for the response.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Row, Table, select, true
from sqlalchemy.engine import Connection

from service.db.tables import api_keys
from service.errors import ServiceError

__all__ = ["UNRESTRICTED", "Scope", "find_visible", "owned"]


@dataclass(frozen=True)
class Scope:
    """Whose rows a caller sees: all (``everything``), or those of ``key_id`` and of its ``team``'s keys."""

    key_id: str | None
    team: str | None = None
    everything: bool = False

    @classmethod
    def of(cls, *, key_id: str, role: str, team: str | None) -> Scope:
        return cls(key_id=key_id, team=team, everything=role == "admin")


UNRESTRICTED = Scope(key_id=None, everything=True)  # the job runner, the CLI, training: not a caller's view


def owned(scope: Scope, owner: ColumnElement[str | None]) -> ColumnElement[bool]:
    """The SQL condition "``owner`` (a row's creating key id) is within ``scope``"; NULL owners only for admins."""
    if scope.everything:
        return true()
    if scope.team is not None:
        return owner.in_(select(api_keys.c.id).where(api_keys.c.team == scope.team))
    return owner == scope.key_id


def find_visible(
    conn: Connection,
    table: Table,
    row_id: str,
    owner: ColumnElement[str | None],
    scope: Scope,
    not_found: Callable[[], ServiceError],
) -> Row:
    """The row of ``table`` with primary key ``row_id`` if ``scope`` sees it; else ``not_found()`` is raised, and
    when the row exists but belongs to someone else the error says so to the audit log (``out_of_scope``)."""
    (key,) = table.primary_key.columns
    row = conn.execute(select(table).where(key == row_id, owned(scope, owner))).one_or_none()
    if row is not None:
        return row
    error = not_found()
    hidden = conn.execute(select(owner).where(key == row_id)).one_or_none()
    if hidden is not None:
        error.out_of_scope = f"{table.name} {row_id} of key {hidden[0] or '(none)'}: outside the caller's scope"
    raise error
