"""Read the model registry: which version serves, and what its card says."""

from __future__ import annotations

from fastapi import APIRouter

from detector.errors import DetectorError
from service.deps import ModelDep, StateDep
from service.schemas import ModelCardPublic

router = APIRouter(prefix="/models", tags=["models"])


@router.get("", response_model=list[ModelCardPublic])
def list_models(state: StateDep) -> list[ModelCardPublic]:
    try:
        active: str | None = state.require_model().version
    except DetectorError:
        active = None
    return [
        ModelCardPublic(version=v, active=v == active, card=state.registry.card(v)) for v in state.registry.versions()
    ]


@router.get("/active", response_model=ModelCardPublic)
def active_model(loaded: ModelDep) -> ModelCardPublic:
    return ModelCardPublic(version=loaded.version, active=True, card=loaded.card)
