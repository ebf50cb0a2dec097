"""Liveness and what the service can do right now."""

from __future__ import annotations

from fastapi import APIRouter

from service.deps import StateDep
from service.schemas import Health

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health)
def healthz(state: StateDep) -> Health:
    """Always 200 while the process serves; ``status`` is ``degraded`` when scoring cannot work, with reasons."""
    problems = []
    if state.model is None:
        problems.append(str(state.model_error or "no model loaded"))
    return Health(
        status="degraded" if problems else "ok",
        model_version=state.model.version if state.model else None,
        catalog_version=state.model.model.catalog_version if state.model else None,
        n_stored_accounts=state.store.count()[0],
        x_api=state.resolver.x_source is not None,
        problems=problems,
    )
