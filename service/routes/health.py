"""Liveness and what the service can do right now."""

from __future__ import annotations

from fastapi import APIRouter

from detector.errors import DetectorError
from service.deps import StateDep
from service.schemas import Health

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health)
def healthz(state: StateDep) -> Health:
    """Always 200 while the process serves; ``status`` is ``degraded`` when scoring cannot work as asked, with why."""
    problems = []
    try:
        loaded = state.require_model()
    except DetectorError:
        loaded = None
    if state.model_error is not None:  # no model at all, or a newer active version that was refused
        problems.append(str(state.model_error))
    if state.semantic_problem is not None:  # the settings ask for meaning links, the encoder cannot be loaded
        problems.append(state.semantic_problem)
    return Health(
        status="degraded" if problems else "ok",
        model_version=loaded.version if loaded else None,
        catalog_version=loaded.model.catalog_version if loaded else None,
        n_stored_accounts=state.store.count()[0],
        x_api=state.resolver.x_source is not None,
        problems=problems,
    )
