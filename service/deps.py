"""FastAPI dependencies: routes declare what they need by type and never build it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from detector.coordination import CoordinationIndex
from detector.declared import DeclaredStateAccounts
from detector.registry import LoadedModel
from ingest.resolve import AccountResolver
from service.config import Settings
from service.state import ServiceState

__all__ = ["CoordinationDep", "DeclaredDep", "ModelDep", "ResolverDep", "SettingsDep", "StateDep"]


def get_state(request: Request) -> ServiceState:
    return request.app.state.service


def get_settings(state: Annotated[ServiceState, Depends(get_state)]) -> Settings:
    return state.settings


def get_model(state: Annotated[ServiceState, Depends(get_state)]) -> LoadedModel:
    return state.require_model()


def get_declared(state: Annotated[ServiceState, Depends(get_state)]) -> DeclaredStateAccounts:
    return state.declared


def get_coordination(state: Annotated[ServiceState, Depends(get_state)]) -> CoordinationIndex:
    return state.coordination


def get_resolver(state: Annotated[ServiceState, Depends(get_state)]) -> AccountResolver:
    return state.resolver


StateDep = Annotated[ServiceState, Depends(get_state)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ModelDep = Annotated[LoadedModel, Depends(get_model)]
ResolverDep = Annotated[AccountResolver, Depends(get_resolver)]
DeclaredDep = Annotated[DeclaredStateAccounts, Depends(get_declared)]
CoordinationDep = Annotated[CoordinationIndex, Depends(get_coordination)]
