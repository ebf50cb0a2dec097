"""Every score the service makes is kept: the latest answers ``GET /v1/accounts/{handle}``, all of them its history."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select
from sqlalchemy.engine import Connection

from detector.scoring import AccountScore
from service.db.tables import scores
from service.db.timeutil import as_utc, utcnow

__all__ = ["StoredScore", "add_score", "latest_score", "score_history"]


@dataclass(frozen=True)
class StoredScore:
    id: int
    result: AccountScore
    scored_at: datetime
    job_id: str | None


_INSERT_SCORE = insert(scores)


def add_score(conn: Connection, result: AccountScore, *, job_id: str | None = None) -> int:
    """Insert one score inside the caller's transaction and return its id."""
    evidence = result.evidence
    row = {
        "handle": result.handle,
        "handle_key": result.handle.lower(),
        "score": result.score,
        "band": result.band,
        "components": json.dumps(result.components),
        "result": result.model_dump_json(),
        "model_version": result.model_version,
        "catalog_version": result.catalog_version,
        "first_post_at": evidence.first_post_at,
        "last_post_at": evidence.last_post_at,
        "scored_at": utcnow(),
        "job_id": job_id,
    }
    # One constant statement with the values as parameters: compiled once, not rebuilt for every score.
    return conn.execute(_INSERT_SCORE, row).inserted_primary_key[0]


def _stored(row) -> StoredScore:  # type: ignore[no-untyped-def]
    return StoredScore(
        id=row.id,
        result=AccountScore.model_validate_json(row.result),
        scored_at=as_utc(row.scored_at),
        job_id=row.job_id,
    )


def latest_score(engine: Engine, handle: str) -> StoredScore | None:
    """The newest score of ``handle`` (case-insensitive), or ``None`` if it was never scored."""
    with engine.connect() as conn:
        row = conn.execute(
            select(scores).where(scores.c.handle_key == handle.lower()).order_by(scores.c.id.desc()).limit(1)
        ).one_or_none()
    return _stored(row) if row is not None else None


def score_history(engine: Engine, handle: str) -> list[StoredScore]:
    """Every score of ``handle``, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(scores).where(scores.c.handle_key == handle.lower()).order_by(scores.c.id)).all()
    return [_stored(row) for row in rows]
