"""Talking-point catalog versions edited through the API: every change stores a whole new version.

Scoring never reads these: a model scores with the catalog it was trained with (its features were fitted on it), so
an edit takes effect when a model is trained on it (``latest_catalog`` is what a training run should use).
Until the first edit the current catalog is the one the serving model carries, or the bundled one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select

from detector.catalog import TalkingPointCatalog
from ingest.database import one_at_a_time, writing
from service.db.tables import catalog_versions
from service.db.timeutil import as_utc, utcnow

__all__ = ["CatalogEdit", "CatalogVersion", "edit_catalog", "latest_catalog"]

_EDIT_LOCK = 0x70776374  # any constant: the PostgreSQL advisory lock id of a catalog edit


@dataclass(frozen=True)
class CatalogVersion:
    id: int | None  # None: not stored yet (the model's or the bundled catalog)
    catalog: TalkingPointCatalog
    change: str
    created_by: str | None
    created_at: datetime | None


def latest_catalog(engine: Engine, fallback: TalkingPointCatalog) -> CatalogVersion:
    """The newest stored version, or ``fallback`` when none was stored yet."""
    with engine.connect() as conn:
        return _latest(conn, fallback)


def _latest(conn: Connection, fallback: TalkingPointCatalog) -> CatalogVersion:
    row = conn.execute(select(catalog_versions).order_by(catalog_versions.c.id.desc()).limit(1)).one_or_none()
    if row is None:
        return CatalogVersion(None, fallback, "initial", None, None)
    return CatalogVersion(
        row.id, TalkingPointCatalog.model_validate_json(row.content), row.change, row.created_by, as_utc(row.created_at)
    )


CatalogEdit = Callable[[CatalogVersion], tuple[TalkingPointCatalog, str]]
"""Makes the next catalog (and the change's description) from the newest version; raises to refuse the edit."""


def edit_catalog(
    engine: Engine, fallback: TalkingPointCatalog, edit: CatalogEdit, *, created_by: str | None
) -> CatalogVersion:
    """Store ``edit`` applied to the newest version, with no other edit stored in between.

    Read, edit and insert are one transaction that one editor runs at a time (this process's threads in turn on
    SQLite; a transaction-scoped advisory lock on PostgreSQL): two admins editing at once each build on the other's
    version, where the second used to drop the first's change and both got the same version name."""
    with writing(engine), engine.begin() as conn:
        one_at_a_time(conn, _EDIT_LOCK)
        catalog, change = edit(_latest(conn, fallback))
        now = utcnow()
        new_id = conn.execute(
            insert(catalog_versions).values(
                catalog_version=catalog.catalog_version,
                content=catalog.model_dump_json(),
                change=change[:256],
                created_by=created_by,
                created_at=now,
            )
        ).inserted_primary_key[0]
    return CatalogVersion(new_id, catalog, change, created_by, now)
