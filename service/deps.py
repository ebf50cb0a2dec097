"""FastAPI dependencies: routes declare what they need by type and never build it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from detector.registry import LoadedModel
from ingest.jsonl import JsonlAccountSource
from service.config import Settings
from service.state import ServiceState

__all__ = ["ModelDep", "SettingsDep", "SourceDep", "StateDep"]


def get_state(request: Request) -> ServiceState:
    return request.app.state.service


def get_settings(state: Annotated[ServiceState, Depends(get_state)]) -> Settings:
    return state.settings


def get_model(state: Annotated[ServiceState, Depends(get_state)]) -> LoadedModel:
    return state.require_model()


def get_source(state: Annotated[ServiceState, Depends(get_state)]) -> JsonlAccountSource:
    return state.require_source()


StateDep = Annotated[ServiceState, Depends(get_state)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ModelDep = Annotated[LoadedModel, Depends(get_model)]
SourceDep = Annotated[JsonlAccountSource, Depends(get_source)]
