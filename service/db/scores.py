"""Every score the service makes is kept: the latest answers ``GET /v1/accounts/{handle}``, all of them its history,
until the retention prune (``service.db.retention``) deletes those superseded long enough ago.

A score equal to the account's latest one (same account, model and catalog, so the same result) is not stored
twice: ``record_score`` counts it on that row (``served_count``, ``last_served_at``).

Scores are keyed by the account's platform and name (``ingest.platform_handles.account_key``): an X ``name`` and a
Reddit ``name`` have two histories. A handle without a prefix finds the history its shape guesses, else the same
name's on another platform (``lookup_keys``), as the store finds accounts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, bindparam, func, insert, select, update
from sqlalchemy.engine import Connection

from detector.scoring import AccountScore
from ingest.platform_handles import account_key, lookup_keys
from service.db.tables import job_items, scores
from service.db.timeutil import as_utc, utcnow

__all__ = [
    "StoredScore",
    "add_score",
    "job_score",
    "latest_bands",
    "latest_score",
    "record_score",
    "score_history",
]


@dataclass(frozen=True)
class StoredScore:
    id: int
    result: AccountScore
    scored_at: datetime
    job_id: str | None
    served_count: int = 1
    last_served_at: datetime | None = None


_INSERT_SCORE = insert(scores)


def add_score(
    conn: Connection, result: AccountScore, *, job_id: str | None = None, serialized: str | None = None
) -> int:
    """Insert one score inside the caller's transaction and return its id (``serialized``: its JSON, when made)."""
    evidence = result.evidence
    row = {
        "handle": result.handle,
        "handle_key": account_key(result.platform, result.handle),
        "score": result.score,
        "band": result.band,
        "components": json.dumps(result.components),
        "result": serialized if serialized is not None else result.model_dump_json(),
        "model_version": result.model_version,
        "catalog_version": result.catalog_version,
        "first_post_at": evidence.first_post_at,
        "last_post_at": evidence.last_post_at,
        "scored_at": utcnow(),
        "job_id": job_id,
    }
    # One constant statement with the values as parameters: compiled once, not rebuilt for every score.
    return conn.execute(_INSERT_SCORE, row).inserted_primary_key[0]


# One statement: the handle's latest row counts the score served again when it holds the same result. The comparison
# runs in the database (the stored result, the score with its evidence, is not read back to compare).
_SERVED_AGAIN = (
    update(scores)
    .where(
        scores.c.id == select(func.max(scores.c.id)).where(scores.c.handle_key == bindparam("key")).scalar_subquery(),
        scores.c.result == bindparam("serialized"),
    )
    .values(served_count=scores.c.served_count + 1, last_served_at=bindparam("now", type_=scores.c.last_served_at.type))
    .returning(scores.c.id)
)


def record_score(
    conn: Connection, result: AccountScore, *, job_id: str | None = None, serialized: str | None = None
) -> int:
    """Store ``result`` inside the caller's transaction, or, when it equals the handle's latest stored score, count
    that row served again; return the id of the row that holds it (``serialized``: its JSON, when already made).

    Equal results mean equal inputs (the result names its model and catalog versions and rests only on the account
    and its coordination context), so a repeat adds a count, not a copy."""
    serialized = serialized if serialized is not None else result.model_dump_json()
    key = account_key(result.platform, result.handle)
    again = conn.execute(_SERVED_AGAIN, {"key": key, "serialized": serialized, "now": utcnow()}).scalar_one_or_none()
    if again is not None:
        return again
    return add_score(conn, result, job_id=job_id, serialized=serialized)


def _stored(row) -> StoredScore:  # type: ignore[no-untyped-def]
    return StoredScore(
        id=row.id,
        result=AccountScore.model_validate_json(row.result),
        scored_at=as_utc(row.scored_at),
        job_id=row.job_id,
        served_count=row.served_count,
        last_served_at=as_utc(row.last_served_at),
    )


def _scored_key(conn: Connection, handle: str) -> str | None:
    """The key of the account ``handle`` names that has scores (``lookup_keys``: the likeliest first), or ``None``."""
    keys = lookup_keys(handle)
    scored = set(conn.execute(select(scores.c.handle_key).where(scores.c.handle_key.in_(keys)).distinct()).scalars())
    return next((key for key in keys if key in scored), None)


def latest_score(engine: Engine, handle: str) -> StoredScore | None:
    """The newest score of ``handle`` (case-insensitive), or ``None`` if it was never scored."""
    with engine.connect() as conn:
        key = _scored_key(conn, handle)
        row = (
            None
            if key is None
            else conn.execute(
                select(scores).where(scores.c.handle_key == key).order_by(scores.c.id.desc()).limit(1)
            ).one_or_none()
        )
    return _stored(row) if row is not None else None


def score_history(engine: Engine, handle: str) -> list[StoredScore]:
    """Every score of ``handle``, oldest first."""
    with engine.connect() as conn:
        key = _scored_key(conn, handle)
        rows = (
            [] if key is None else conn.execute(select(scores).where(scores.c.handle_key == key).order_by(scores.c.id))
        )
        return [_stored(row) for row in rows]


def job_score(engine: Engine, job_id: str, handle: str) -> StoredScore | None:
    """The score job ``job_id`` recorded for ``handle``, or ``None`` (not in the job, failed, or still pending)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(scores)
            .join(job_items, job_items.c.score_id == scores.c.id)
            .where(job_items.c.job_id == job_id, job_items.c.handle_key == handle.lower())
        ).one_or_none()
    return _stored(row) if row is not None else None


def latest_bands(engine: Engine, handles: Iterable[str]) -> dict[str, tuple[float | None, str]]:
    """Per lower-cased handle of ``handles`` ever scored, its latest ``(score, band)``, in one query per 500 handles
    (the stored results, with their evidence, are not read)."""
    keys = sorted({handle.lower() for handle in handles})
    found: dict[str, tuple[float | None, str]] = {}
    with engine.connect() as conn:
        for start in range(0, len(keys), 500):
            newest = (
                select(func.max(scores.c.id))
                .where(scores.c.handle_key.in_(keys[start : start + 500]))
                .group_by(scores.c.handle_key)
            )
            rows = conn.execute(
                select(scores.c.handle_key, scores.c.score, scores.c.band).where(scores.c.id.in_(newest))
            )
            found.update({row.handle_key: (row.score, row.band) for row in rows})
    return found
