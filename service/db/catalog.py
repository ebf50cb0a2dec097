"""Talking-point catalog versions edited through the API: every change stores a whole new version.

Scoring never reads these: a model scores with the catalog it was trained with (its features were fitted on it), so
an edit takes effect when a model is trained on it (``latest_catalog`` is what a training run should use).
Until the first edit the current catalog is the one the serving model carries, or the bundled one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select

from detector.catalog import TalkingPointCatalog
from service.db.tables import catalog_versions
from service.db.timeutil import as_utc, utcnow

__all__ = ["CatalogVersion", "latest_catalog", "save_catalog"]


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
        row = conn.execute(select(catalog_versions).order_by(catalog_versions.c.id.desc()).limit(1)).one_or_none()
    if row is None:
        return CatalogVersion(None, fallback, "initial", None, None)
    return CatalogVersion(
        row.id, TalkingPointCatalog.model_validate_json(row.content), row.change, row.created_by, as_utc(row.created_at)
    )


def save_catalog(
    engine: Engine, catalog: TalkingPointCatalog, *, change: str, created_by: str | None
) -> CatalogVersion:
    now = utcnow()
    with engine.begin() as conn:
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
