"""Proposed talking points and what admins decided about them, and the catalog overlay accepted lines form.

A candidate is stored by its fingerprint (``detector.discovery.line_fingerprint``): a later discovery run that finds
the same line updates an open candidate (its spread grows) and leaves a decided one alone, so a rejected line does
not come back. Deciding is one transaction that moves the candidate out of ``open`` (only if it still is: two admins
deciding at once get one ``CandidateDecidedError``) and, for accept and merge, appends an overlay entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import TypeAdapter
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.engine import Connection

from detector.catalog import TalkingPoint
from detector.discovery import Candidate
from detector.overlay import OverlayEntry
from ingest.database import insert_skipping_existing, one_at_a_time
from service.db.tables import catalog_overlay, talking_point_candidates
from service.db.timeutil import as_utc, utcnow
from service.errors import CandidateDecidedError, CandidateNotFoundError, TalkingPointExistsError

__all__ = [
    "StoredCandidate",
    "decide_candidate",
    "get_candidate",
    "list_candidates",
    "overlay_entries",
    "overlay_revision",
    "rejected_lines",
    "save_candidates",
]

_CANDIDATE = TypeAdapter(Candidate)
_OVERLAY_LOCK = 0x70776F76  # any constant: the PostgreSQL advisory lock id of adding to the overlay
OPEN = "open"


@dataclass(frozen=True)
class StoredCandidate:
    id: int
    status: str  # open | accepted | merged | rejected
    candidate: Candidate
    discovered_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    talking_point_id: str | None


def _stored(row) -> StoredCandidate:  # type: ignore[no-untyped-def]
    return StoredCandidate(
        id=row.id,
        status=row.status,
        candidate=_CANDIDATE.validate_json(row.content),
        discovered_at=as_utc(row.discovered_at),
        decided_at=as_utc(row.decided_at),
        decided_by=row.decided_by,
        talking_point_id=row.talking_point_id,
    )


def save_candidates(engine: Engine, candidates: Sequence[Candidate]) -> None:
    """Store new candidates as open and refresh the open ones found again; decided ones stay as decided."""
    now = utcnow()
    table = talking_point_candidates
    with engine.begin() as conn:
        known = dict(conn.execute(select(table.c.fingerprint, table.c.status)).all())
        for candidate in candidates:
            values = {
                "content": _CANDIDATE.dump_json(candidate).decode("utf-8"),
                "spread": candidate.spread,
                "first_seen_at": candidate.first_seen_at,
                "discovered_at": now,
            }
            status = known.get(candidate.fingerprint)
            if status is None:  # skipped if another discovery run stored it since the read
                row = {"fingerprint": candidate.fingerprint, "status": OPEN, **values}
                conn.execute(insert_skipping_existing(conn, table).values(**row))
            elif status == OPEN:  # and still open: an admin may have decided it since the read
                conn.execute(
                    update(table)
                    .where(table.c.fingerprint == candidate.fingerprint, table.c.status == OPEN)
                    .values(**values)
                )


def list_candidates(engine: Engine, *, status: str | None = OPEN, limit: int = 100) -> list[StoredCandidate]:
    """Candidates (``status`` only, or all with ``None``), by spread, then the earliest first seen."""
    table = talking_point_candidates
    query = select(table).order_by(table.c.spread.desc(), table.c.first_seen_at, table.c.id).limit(limit)
    if status is not None:
        query = query.where(table.c.status == status)
    with engine.connect() as conn:
        return [_stored(row) for row in conn.execute(query)]


def get_candidate(engine: Engine, candidate_id: int) -> StoredCandidate:
    """The candidate, or ``CandidateNotFoundError``."""
    with engine.connect() as conn:
        row = conn.execute(
            select(talking_point_candidates).where(talking_point_candidates.c.id == candidate_id)
        ).one_or_none()
    if row is None:
        raise CandidateNotFoundError(candidate_id)
    return _stored(row)


def decide_candidate(
    engine: Engine,
    candidate_id: int,
    *,
    status: str,
    decided_by: str | None,
    entry: OverlayEntry | None = None,
) -> StoredCandidate:
    """Close an open candidate as ``status``, adding ``entry`` to the overlay in the same transaction; an ``add``
    whose id another accept added since the caller checked raises ``TalkingPointExistsError`` and decides nothing."""
    table = talking_point_candidates
    now = utcnow()
    with engine.begin() as conn:
        row = conn.execute(select(table.c.status).where(table.c.id == candidate_id)).one_or_none()
        if row is None:
            raise CandidateNotFoundError(candidate_id)
        moved = conn.execute(
            update(table)
            .where(table.c.id == candidate_id, table.c.status == OPEN)
            .values(
                status=status,
                decided_at=now,
                decided_by=decided_by,
                talking_point_id=entry.talking_point.id if entry is not None else None,
            )
        ).rowcount
        if not moved:
            raise CandidateDecidedError(candidate_id, row.status)
        if entry is not None:
            # Overlay ids then commit in the order they are drawn, so the newest id (the overlay's revision) never
            # stands for an overlay that lacks an entry committed after it with a lower id.
            one_at_a_time(conn, _OVERLAY_LOCK)
            if entry.kind == "add" and _added(conn, entry.talking_point.id):
                # Another accept added this id since the caller checked the catalog: refused, nothing decided.
                raise TalkingPointExistsError(entry.talking_point.id)
            conn.execute(
                insert(catalog_overlay).values(
                    kind=entry.kind,
                    talking_point_id=entry.talking_point.id,
                    content=entry.talking_point.model_dump_json(),
                    candidate_id=candidate_id,
                    created_by=decided_by,
                    created_at=now,
                )
            )
    return get_candidate(engine, candidate_id)


def _added(conn: Connection, talking_point_id: str) -> bool:
    table = catalog_overlay
    found = select(table.c.id).where(table.c.kind == "add", table.c.talking_point_id == talking_point_id).limit(1)
    return conn.execute(found).first() is not None


def rejected_lines(engine: Engine) -> list[TalkingPoint]:
    """The rejected candidates as lines, for discovery not to propose them again in other words."""
    return [
        TalkingPoint(
            id=f"rejected-{stored.id}",
            title=next(iter(stored.candidate.phrasings.values())),
            narrative="A proposed line an admin rejected.",
            phrases=stored.candidate.phrases,
            sources=({"who": "discovery", "where": "rejected candidate", "when": str(stored.decided_at)},),
        )
        for stored in list_candidates(engine, status="rejected", limit=10_000)
    ]


def overlay_revision(engine: Engine) -> int:
    """The id of the newest overlay entry (0 without any): it changes whenever the overlay does."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(catalog_overlay.c.id), 0))).scalar_one())


def overlay_entries(engine: Engine) -> tuple[int, list[OverlayEntry]]:
    """The overlay's revision and its entries, oldest first (read together)."""
    with engine.connect() as conn:
        rows = conn.execute(select(catalog_overlay).order_by(catalog_overlay.c.id)).all()
    entries = [OverlayEntry(kind=row.kind, talking_point=TalkingPoint.model_validate_json(row.content)) for row in rows]
    return (rows[-1].id if rows else 0), entries
