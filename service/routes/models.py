"""The model registry: which version serves, what its card says, and (admins) which version should serve."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Request

from detector.errors import DetectorError
from service.auth import AdminDep, require_analyst
from service.deps import ModelDep, StateDep
from service.errors import UnknownModelVersionError
from service.schemas import ModelCardPublic

router = APIRouter(prefix="/models", tags=["models"], dependencies=[Depends(require_analyst)])
logger = logging.getLogger(__name__)


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


@router.post("/{version}/activate", response_model=ModelCardPublic)
def activate_model(version: str, state: StateDep, principal: AdminDep, request: Request) -> ModelCardPublic:
    """Make ``version`` the serving model (also to roll back), after checking its artifact against its card.

    The swap is one assignment: requests that already hold the previous model finish with it, the next ones use
    the new one. The registry's ACTIVE pointer moves too, so a restart and other processes follow.
    """
    if version not in state.registry.versions():
        raise UnknownModelVersionError(version)
    state.registry.load(version)  # refuses a tampered or unreadable artifact before the pointer moves
    # The registry's AUDIT.jsonl names who: ``api:<key name>`` and the key id (CLI activations name the OS user).
    state.registry.activate(version, audit={"user": f"api:{principal.name}", "key_id": principal.key_id})
    loaded = state.require_model()
    request.state.audit_target = f"model {version}"
    logger.info("model activated through the API", extra={"model_version": version, "key_id": principal.key_id})
    return ModelCardPublic(version=loaded.version, active=True, card=loaded.card)
