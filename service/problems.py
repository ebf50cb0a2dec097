"""Map every known error to one HTTP problem (RFC 9457, ``application/problem+json``), in one table.

Routes raise domain errors and never build ``HTTPException`` for them; the handler registered by ``create_app``
renders them. The most specific class in the table wins; anything else is a logged 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from detector.errors import (
    CatalogError,
    DetectorError,
    EmbedderUnavailableError,
    ModelIntegrityError,
    ModelNotFoundError,
)
from ingest.errors import (
    AccountUnavailableError,
    IngestError,
    MalformedFileError,
    RateLimitedError,
    UnknownHandleError,
    XApiConfigurationError,
    XApiError,
)
from service.errors import InvalidHandleError, ServiceError, TooManyHandlesError
from training.errors import InvalidLabelsError, TrainingError

__all__ = ["PROBLEMS", "problem_for", "register_problem_handlers"]

logger = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"

# error class -> (HTTP status, stable type slug, title)
PROBLEMS: dict[type[Exception], tuple[int, str, str]] = {
    UnknownHandleError: (404, "unknown-handle", "No such account"),
    AccountUnavailableError: (410, "account-unavailable", "Account unavailable"),
    RateLimitedError: (429, "rate-limited", "X API rate limit reached"),
    XApiConfigurationError: (503, "x-api-configuration", "X API not usable as configured"),
    XApiError: (502, "x-api-error", "X API failed"),
    InvalidHandleError: (422, "invalid-handle", "Not an X handle"),
    MalformedFileError: (422, "malformed-file", "Malformed input file"),
    InvalidLabelsError: (422, "invalid-labels", "Invalid labels"),
    TooManyHandlesError: (413, "too-many-handles", "Too many handles for one request"),
    ModelNotFoundError: (503, "model-unavailable", "No model to score with"),
    ModelIntegrityError: (503, "model-integrity", "Model artifact refused"),
    CatalogError: (503, "catalog-invalid", "Talking-point catalog invalid"),
    EmbedderUnavailableError: (503, "embedder-unavailable", "Sentence-embedding extra not installed"),
    IngestError: (502, "ingest-error", "Could not read accounts"),
    DetectorError: (500, "detector-error", "Scoring failed"),
    TrainingError: (422, "training-error", "Training refused"),
    ServiceError: (500, "service-error", "Service error"),
}


def problem_for(exc: Exception) -> tuple[int, str, str]:
    """The table entry of the nearest class in ``exc``'s MRO."""
    for cls in type(exc).__mro__:
        if cls in PROBLEMS:
            return PROBLEMS[cls]
    return 500, "internal-error", "Internal server error"


def _extensions(exc: Exception) -> dict[str, Any]:
    fields = ("handle", "count", "limit", "version", "line", "retry_after_s")
    return {name: getattr(exc, name) for name in fields if getattr(exc, name, None) is not None}


def problem_response(status: int, slug: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def register_problem_handlers(app: FastAPI) -> None:
    async def domain_error(request: Request, exc: Exception) -> JSONResponse:
        status, slug, title = problem_for(exc)
        if status >= 500:
            logger.warning("request failed", extra={"path": request.url.path, "problem": slug, "error": str(exc)})
        response = problem_response(status, slug, title, str(exc), **_extensions(exc))
        if isinstance(exc, RateLimitedError):
            response.headers["Retry-After"] = str(max(1, round(exc.retry_after_s)))
        return response

    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
        ]
        return problem_response(
            422, "request-validation", "Invalid request", "the request body is not valid", errors=errors
        )

    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", extra={"path": request.url.path})
        return problem_response(500, "internal-error", "Internal server error", "an unexpected error occurred")

    for cls in (IngestError, DetectorError, TrainingError, ServiceError):
        app.add_exception_handler(cls, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected_error)
