"""Readiness, open without a key for load balancers; metrics for Prometheus, with an admin key unless made public."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from detector.errors import DetectorError
from service.auth import MetricsReaderDep
from service.deps import StateDep
from service.errors import NotReadyError
from service.metrics import CONTENT_TYPE_LATEST
from service.schemas import Readiness

router = APIRouter(tags=["operations"])


@router.get("/readyz", response_model=Readiness, responses={503: {"description": "Not ready (problem+json)."}})
def readyz(state: StateDep) -> Readiness:
    """200 when the database answers and a model is loaded; a 503 ``not-ready`` problem saying why otherwise."""
    try:
        with state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise NotReadyError(f"database unreachable: {type(exc).__name__}") from exc
    try:
        loaded = state.require_model()
    except DetectorError as exc:
        raise NotReadyError(f"no model loaded: {exc}") from exc
    return Readiness(status="ready", model_version=loaded.version, database="ok")


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}},
        401: {"description": "No valid key (problem+json)."},
        403: {"description": "Not an admin key (problem+json)."},
    },
)
def metrics(state: StateDep, _: MetricsReaderDep) -> Response:
    """Prometheus text format. Needs an admin key unless ``PARROTWATCH_METRICS_PUBLIC`` is set."""
    return Response(state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
