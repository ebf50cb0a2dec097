"""Create the FastAPI application: middleware, problem handlers and routers; state is built in ``lifespan``.

Everything under ``/v1`` needs an API key, and so does ``/metrics`` (an admin's, unless the settings make it
public); ``/healthz``, ``/readyz``, the docs (``/docs``, ``/redoc``, ``/openapi.json``, ``/docs-assets``) and whatever
the analyst page serves (``/``, ``/static``, ``/ui``) are open. Every response carries the security headers.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from threadpoolctl import threadpool_limits

from service.config import Settings
from service.db.training_runs import recover_interrupted
from service.jobs.pruner import Pruner
from service.jobs.runner import JobRunner
from service.jobs.training_runs import TrainingLauncher
from service.middleware import BodySizeLimit, ObserveRequests
from service.openapi_links import install_links
from service.problems import register_problem_handlers
from service.routes import (
    accounts,
    audit,
    candidates,
    coordination,
    docs,
    feedback,
    health,
    jobs,
    keys,
    models,
    ops,
    page,
    scores,
    talking_points,
    training_runs,
)
from service.security_headers import SecurityHeaders
from service.state import build_state

__all__ = ["create_app"]

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings`` (read from the environment when omitted)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        threadpool_limits(settings.blas_threads)  # for the whole process, from here on
        state = build_state(settings)
        runner = JobRunner(
            state,
            workers=settings.job_workers,
            batch_size=settings.job_batch_size,
            record_retry_s=settings.job_record_retry_s,
        )
        app.state.service = state
        app.state.runner = runner
        app.state.training = TrainingLauncher(settings, state.engine)
        for run_id in recover_interrupted(state.engine):  # their process died with the previous server
            logger.warning("training run interrupted by a restart", extra={"run_id": run_id})
        pruner = Pruner(state.engine, settings.retention, interval_s=settings.prune_interval_s)
        app.state.pruner = pruner
        runner.start()  # picks up jobs a previous process left unfinished
        pruner.start()
        try:
            yield
        finally:
            pruner.stop()
            runner.stop()
            state.engine.dispose()

    app = FastAPI(
        title="parrotwatch",
        version="0.1.0",
        summary="Scores accounts for amplifying state talking points like coordinated accounts do, with evidence.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's pages load from a CDN; service/routes/docs.py serves them from package files
        redoc_url=None,
    )
    register_problem_handlers(app)
    app.add_middleware(ObserveRequests)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)  # outermost: also on the 413 that BodySizeLimit answers itself

    v1 = APIRouter(prefix="/v1")
    routers = (scores, accounts, feedback, jobs, models, candidates, talking_points, keys, audit, training_runs)
    for module in (*routers, coordination):
        v1.include_router(module.router)
    app.include_router(v1)
    app.include_router(health.router)
    app.include_router(ops.router)
    app.include_router(page.router)
    app.include_router(docs.router)
    app.mount("/static", StaticFiles(directory=page.STATIC_DIR), name="static")
    app.mount(docs.ASSETS_URL, StaticFiles(directory=docs.ASSETS_DIR), name="docs-assets")
    install_links(app)
    return app
