"""The audit log: who changed what, when, and on which target. Written for every write request and key operation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select

from service.db.tables import audit_log
from service.db.timeutil import as_utc, utcnow

__all__ = ["AuditEntry", "list_audit", "record_audit"]


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


def record_audit(
    engine: Engine,
    *,
    action: str,
    target: str | None,
    key_id: str | None,
    key_name: str | None,
    status: int | None = None,
    request_id: str | None = None,
) -> None:
    row = {
        "at": utcnow(),
        "key_id": key_id,
        "key_name": key_name,
        "action": action[:128],
        "target": target[:512] if target else None,
        "status": status,
        "request_id": request_id,
    }
    with engine.begin() as conn:
        conn.execute(_INSERT_AUDIT, row)


def list_audit(engine: Engine, *, limit: int = 100) -> list[AuditEntry]:
    """The newest entries first."""
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)).all()
    return [
        AuditEntry(r.id, as_utc(r.at), r.key_id, r.key_name, r.action, r.target, r.status, r.request_id) for r in rows
    ]
