"""Create the FastAPI application: middleware, problem handlers and routers; state is built in ``lifespan``."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from service.config import Settings
from service.problems import register_problem_handlers
from service.routes import health, models, page, scores
from service.state import build_state

__all__ = ["create_app"]

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings`` (read from the environment when omitted)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = build_state(settings)
        yield

    app = FastAPI(
        title="parrotwatch",
        version="0.1.0",
        summary="Scores accounts for amplifying state talking points like coordinated accounts do, with evidence.",
        lifespan=lifespan,
    )
    register_problem_handlers(app)

    @app.middleware("http")
    async def request_id(request: Request, call_next) -> Response:  # type: ignore[no-untyped-def]
        rid = request.headers.get("x-request-id") or uuid.uuid4().hex
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["x-request-id"] = rid
        logger.info(
            "request",
            extra={
                "request_id": rid,
                "method": request.method,
                "path": request.url.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response

    v1 = APIRouter(prefix="/v1")
    v1.include_router(scores.router)
    v1.include_router(models.router)
    app.include_router(v1)
    app.include_router(health.router)
    app.include_router(page.router)
    app.mount("/static", StaticFiles(directory=page.STATIC_DIR), name="static")
    return app
