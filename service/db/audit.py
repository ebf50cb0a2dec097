"""The audit log: who changed what, when, and on which target. Written for every write request and key operation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.engine import Connection

from ingest.database import writing
from service.db.tables import audit_log
from service.db.timeutil import as_utc, utcnow

__all__ = ["AuditEntry", "audit_row", "insert_audit", "list_audit", "record_audit"]


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    key_id: str | None
    key_name: str | None
    action: str
    target: str | None
    status: int | None
    request_id: str | None


_INSERT_AUDIT = insert(audit_log)  # one constant statement, compiled once


def audit_row(
    *,
    action: str,
    target: str | None,
    key_id: str | None,
    key_name: str | None,
    status: int | None = None,
    request_id: str | None = None,
) -> dict[str, object]:
    return {
        "at": utcnow(),
        "key_id": key_id,
        "key_name": key_name,
        "action": action[:128],
        "target": target[:512] if target else None,
        "status": status,
        "request_id": request_id,
    }


def insert_audit(conn: Connection, row: dict[str, object]) -> None:
    """Write an ``audit_row`` inside the caller's transaction."""
    conn.execute(_INSERT_AUDIT, row)


def record_audit(engine: Engine, **fields: Any) -> None:
    """Write one ``audit_row(**fields)`` in a transaction of its own."""
    with writing(engine), engine.begin() as conn:
        insert_audit(conn, audit_row(**fields))


def list_audit(engine: Engine, *, limit: int = 100) -> list[AuditEntry]:
    """The newest entries first."""
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)).all()
    return [
        AuditEntry(r.id, as_utc(r.at), r.key_id, r.key_name, r.action, r.target, r.status, r.request_id) for r in rows
    ]
