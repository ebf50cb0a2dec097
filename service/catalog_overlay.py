"""The catalog scoring uses: the active model's catalog with the accepted lines laid over it (``detector.overlay``).

The overlay lives in the database, so every API worker, the job runner and the CLI see the same one. A worker
checks the overlay's revision at most every ``refresh_s`` seconds (an accept in this worker refreshes at once) and
refits the narrative matcher once per model and revision; requests that already hold a model finish with it.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine

from detector.overlay import overlay_catalog, with_catalog
from detector.registry import LoadedModel
from service.db.discovery import overlay_entries, overlay_revision

__all__ = ["CatalogOverlay", "overlaid"]


def overlaid(engine: Engine, loaded: LoadedModel) -> LoadedModel:
    """``loaded`` with the stored overlay laid over its catalog (``loaded`` itself when the overlay is empty)."""
    revision, entries = overlay_entries(engine)
    catalog = overlay_catalog(loaded.model.catalog, entries, revision)
    if catalog is loaded.model.catalog:
        return loaded
    return LoadedModel(version=loaded.version, model=with_catalog(loaded.model, catalog), card=loaded.card)


class CatalogOverlay:
    """Overlaid models, kept per (loaded model, overlay revision).

    The loaded model is compared by identity and kept referenced: two versions can share one model object (the
    registry reuses an artifact it already loaded), and a freed object's id can come back for another."""

    def __init__(self, engine: Engine, *, refresh_s: float = 5.0) -> None:
        self.engine = engine
        self.refresh_s = refresh_s
        self._lock = threading.Lock()
        self._cached: tuple[LoadedModel, int, LoadedModel] | None = None  # base, revision, overlaid
        self._checked_at = float("-inf")
        self._revision = 0

    def fresh(self, loaded: LoadedModel) -> LoadedModel | None:
        """The overlaid ``loaded`` when known and checked recently, without touching the database; else ``None``."""
        cached = self._cached
        if cached is None or cached[0] is not loaded or time.monotonic() - self._checked_at > self.refresh_s:
            return None
        return cached[2]

    def apply(self, loaded: LoadedModel) -> LoadedModel:
        """The overlaid ``loaded``, checking the overlay's revision when the last check is older than ``refresh_s``."""
        if time.monotonic() - self._checked_at > self.refresh_s:
            self._revision = overlay_revision(self.engine)
            self._checked_at = time.monotonic()
        cached = self._cached
        if cached is not None and cached[0] is loaded and cached[1] == self._revision:
            return cached[2]
        with self._lock:
            cached = self._cached
            if cached is not None and cached[0] is loaded and cached[1] == self._revision:
                return cached[2]
            result = overlaid(self.engine, loaded)
            self._cached = (loaded, self._revision, result)
            return result

    def invalidate(self) -> None:
        """Check the overlay again on the next ``apply`` (this worker just changed it)."""
        self._checked_at = float("-inf")
