"""FastAPI dependencies: routes declare what they need by type and never build it.

The ones that only hand out what ``app.state`` holds are ``async``: FastAPI runs a plain ``def`` dependency in its
thread pool, and a dozen thread hand-offs per request cost more than the request's own work when it is cached.
``get_model`` reads the ACTIVE pointer on the loop and goes to the thread pool only when it changed: following it
loads a model from disk, never on the event loop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.convertors import StringConvertor, register_url_convertor

from detector.coordination import CoordinationIndex
from detector.declared import DeclaredStateAccounts
from detector.registry import LoadedModel
from ingest.resolve import AccountResolver
from service.config import Settings
from service.errors import InvalidHandleError
from service.jobs.runner import JobRunner
from service.jobs.training_runs import TrainingLauncher
from service.metrics import Metrics
from service.middleware import AuditInTransaction
from service.schemas import normalize_handle
from service.score_memo import ScoreMemo
from service.scoring.handle_scorer import HandleScorer, record_in_history, scorer_for
from service.state import ServiceState

__all__ = [
    "HANDLE_PATH",
    "CoordinationDep",
    "DeclaredDep",
    "EngineDep",
    "HandleDep",
    "HandleScorerDep",
    "MetricsDep",
    "ModelDep",
    "ResolverDep",
    "RunnerDep",
    "ScoreMemoDep",
    "SettingsDep",
    "StateDep",
    "TrainingLauncherDep",
]


async def get_state(request: Request) -> ServiceState:
    return request.app.state.service


async def get_settings(state: Annotated[ServiceState, Depends(get_state)]) -> Settings:
    return state.settings


async def get_model(state: Annotated[ServiceState, Depends(get_state)]) -> LoadedModel:
    """The active model, overlay included; following a changed ACTIVE pointer (a load from disk) or checking the
    catalog overlay (a query, every few seconds) leaves the event loop."""
    return state.current_model() or await run_in_threadpool(state.require_model)


async def get_declared(state: Annotated[ServiceState, Depends(get_state)]) -> DeclaredStateAccounts:
    return state.declared


async def get_coordination(state: Annotated[ServiceState, Depends(get_state)]) -> CoordinationIndex:
    return state.coordination


async def get_score_memo(state: Annotated[ServiceState, Depends(get_state)]) -> ScoreMemo:
    return state.score_memo


async def get_resolver(state: Annotated[ServiceState, Depends(get_state)]) -> AccountResolver:
    return state.resolver


async def get_engine(state: Annotated[ServiceState, Depends(get_state)]) -> Engine:
    return state.engine


async def get_metrics(state: Annotated[ServiceState, Depends(get_state)]) -> Metrics:
    return state.metrics


async def get_scorer(request: Request, state: Annotated[ServiceState, Depends(get_state)]) -> HandleScorer:
    """The scoring use case with the active model, the history as its record; the request's audit row is written
    with its scores, in one transaction. (``get_model`` is called, not declared: each declared dependency costs
    FastAPI's solver more than a cached score's own work in the memo.)"""
    loaded = await get_model(state)
    return scorer_for(state, loaded, record_in_history(state.engine, also=AuditInTransaction(request.scope)))


async def get_runner(request: Request) -> JobRunner:
    return request.app.state.runner


async def get_training_launcher(request: Request) -> TrainingLauncher:
    return request.app.state.training


class _HandleSegment(StringConvertor):
    """A handle in a URL path: one segment, or Reddit's ``reddit:u/name``, whose slash belongs to the handle."""

    regex = r"(?i:reddit:/?u(?:ser)?/)?[^/]+"


register_url_convertor("handle", _HandleSegment())
HANDLE_PATH = "/{handle:handle}"
"""The path parameter of routes about one account (``/v1/accounts/reddit:u/name`` too); ``HandleDep`` reads it."""


async def get_handle(
    handle: Annotated[str, Path(description="A handle on any platform; a leading @ is accepted and dropped.")],
) -> str:
    """The path's handle without its @; 422 naming it when it is not a handle (``ingest.handles``)."""
    normalized = normalize_handle(handle)
    if normalized is None:
        raise InvalidHandleError(handle)
    return normalized


StateDep = Annotated[ServiceState, Depends(get_state)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ModelDep = Annotated[LoadedModel, Depends(get_model)]
ResolverDep = Annotated[AccountResolver, Depends(get_resolver)]
DeclaredDep = Annotated[DeclaredStateAccounts, Depends(get_declared)]
CoordinationDep = Annotated[CoordinationIndex, Depends(get_coordination)]
ScoreMemoDep = Annotated[ScoreMemo, Depends(get_score_memo)]
EngineDep = Annotated[Engine, Depends(get_engine)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
HandleDep = Annotated[str, Depends(get_handle)]
HandleScorerDep = Annotated[HandleScorer, Depends(get_scorer)]
RunnerDep = Annotated[JobRunner, Depends(get_runner)]
TrainingLauncherDep = Annotated[TrainingLauncher, Depends(get_training_launcher)]
