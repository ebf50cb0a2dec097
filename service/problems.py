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
from starlette.exceptions import HTTPException as StarletteHTTPException

from detector.errors import (
    CatalogError,
    DetectorError,
    EmbedderUnavailableError,
    ModelIntegrityError,
    ModelNotFoundError,
    UnsafeModelError,
)
from ingest.errors import (
    AccountUnavailableError,
    BudgetExceededError,
    CreditsExhaustedError,
    IngestError,
    MalformedFileError,
    RateLimitedError,
    SourceError,
    SourceUnavailableError,
    UnknownHandleError,
    XApiConfigurationError,
    XApiError,
    XApiUnavailableError,
)
from service.errors import (
    ApiKeyNotFoundError,
    AuthenticationError,
    CandidateDecidedError,
    CandidateNotFoundError,
    EmptyJobError,
    InvalidCatalogEditError,
    InvalidHandleError,
    InvalidHandlesError,
    InvalidWindowError,
    JobFinishedError,
    JobNotFoundError,
    KeyRateLimitedError,
    NoHandleColumnError,
    NoLabelsError,
    NotReadyError,
    NotScoredError,
    PermissionDeniedError,
    RequestTooLargeError,
    ServiceError,
    TalkingPointExistsError,
    TalkingPointNotFoundError,
    TooManyHandlesError,
    TrainingRunFinishedError,
    TrainingRunInProgressError,
    TrainingRunNotFoundError,
    UnknownGraphFormatError,
    UnknownModelVersionError,
)
from service.security_headers import CONTENT_SECURITY_POLICY, SECURITY_HEADERS
from training.errors import InvalidLabelsError, TrainingError

__all__ = ["PROBLEMS", "problem_for", "register_problem_handlers"]

logger = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"

# error class -> (HTTP status, stable type slug, title)
PROBLEMS: dict[type[Exception], tuple[int, str, str]] = {
    UnknownHandleError: (404, "unknown-handle", "No such account"),
    AccountUnavailableError: (410, "account-unavailable", "Account unavailable"),
    RateLimitedError: (429, "rate-limited", "Source rate limit reached"),
    XApiConfigurationError: (503, "x-api-configuration", "X API not usable as configured"),
    XApiUnavailableError: (503, "x-api-unavailable", "X API unavailable (retried)"),
    XApiError: (502, "x-api-error", "X API failed"),
    BudgetExceededError: (402, "x-budget-exhausted", "X budget cap reached"),
    CreditsExhaustedError: (402, "x-credits-exhausted", "X API credits exhausted"),
    SourceUnavailableError: (503, "source-unavailable", "Live source unavailable"),
    SourceError: (502, "source-error", "Live source failed"),
    InvalidHandleError: (422, "invalid-handle", "Not a handle"),
    MalformedFileError: (422, "malformed-file", "Malformed input file"),
    InvalidLabelsError: (422, "invalid-labels", "Invalid labels"),
    TooManyHandlesError: (413, "too-many-handles", "Too many handles for one request"),
    InvalidHandlesError: (422, "invalid-handles", "Not handles"),
    NoHandleColumnError: (422, "no-handle-column", "No handle column in the CSV"),
    EmptyJobError: (422, "empty-job", "No handle to score"),
    RequestTooLargeError: (413, "request-too-large", "Request body too large"),
    NotReadyError: (503, "not-ready", "Not ready"),
    NotScoredError: (404, "not-scored", "Account never scored"),
    JobNotFoundError: (404, "job-not-found", "No such job"),
    JobFinishedError: (409, "job-finished", "Job already finished"),
    TrainingRunNotFoundError: (404, "training-run-not-found", "No such training run"),
    TrainingRunInProgressError: (409, "training-run-in-progress", "A training run is already in progress"),
    TrainingRunFinishedError: (409, "training-run-finished", "Training run already ended"),
    NoLabelsError: (422, "no-labels", "Nothing labeled to train on"),
    UnknownGraphFormatError: (422, "unknown-graph-format", "Unknown network format"),
    UnknownModelVersionError: (404, "model-version-not-found", "No such model version"),
    TalkingPointNotFoundError: (404, "talking-point-not-found", "No such talking point"),
    TalkingPointExistsError: (409, "talking-point-exists", "Talking point exists"),
    InvalidCatalogEditError: (422, "invalid-catalog-edit", "Catalog edit refused"),
    CandidateNotFoundError: (404, "candidate-not-found", "No such talking-point candidate"),
    CandidateDecidedError: (409, "candidate-decided", "Talking-point candidate already decided"),
    InvalidWindowError: (422, "invalid-window", "Discovery window out of range"),
    ApiKeyNotFoundError: (404, "api-key-not-found", "No such API key"),
    AuthenticationError: (401, "unauthenticated", "API key missing or invalid"),
    PermissionDeniedError: (403, "forbidden", "Role not allowed"),
    KeyRateLimitedError: (429, "key-rate-limited", "Too many requests for this API key"),
    ModelNotFoundError: (503, "model-unavailable", "No model to score with"),
    UnsafeModelError: (503, "model-unsafe", "Model artifact refused: it could run code when loaded"),
    ModelIntegrityError: (503, "model-integrity", "Model artifact refused"),
    CatalogError: (503, "catalog-invalid", "Talking-point catalog invalid"),
    EmbedderUnavailableError: (503, "embedder-unavailable", "Sentence encoder unavailable"),
    IngestError: (502, "ingest-error", "Could not read accounts"),
    DetectorError: (500, "detector-error", "Scoring failed"),
    TrainingError: (422, "training-error", "Training refused"),
    ServiceError: (500, "service-error", "Service error"),
}


_HTTP_SLUGS = {404: "not-found", 405: "method-not-allowed", 406: "not-acceptable", 415: "unsupported-media-type"}
_HTTP_TITLES = {404: "Not found", 405: "Method not allowed", 406: "Not acceptable", 415: "Unsupported media type"}


def problem_for(exc: Exception) -> tuple[int, str, str]:
    """The table entry of the nearest class in ``exc``'s MRO."""
    for cls in type(exc).__mro__:
        if cls in PROBLEMS:
            return PROBLEMS[cls]
    return 500, "internal-error", "Internal server error"


def _extensions(exc: Exception) -> dict[str, Any]:
    fields = (
        "handle",
        "handles",
        "columns",
        "count",
        "limit",
        "version",
        "line",
        "retry_after_s",
        "job_id",
        "run_id",
        "state",
        "talking_point_id",
        "key_id",
        "role",
        "needed",
        "untrusted_types",
        "format",
        "formats",
    )
    return {name: getattr(exc, name) for name in fields if getattr(exc, name, None) is not None}


def problem_response(status: int, slug: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def register_problem_handlers(app: FastAPI) -> None:
    async def domain_error(request: Request, exc: Exception) -> JSONResponse:
        status, slug, title = problem_for(exc)
        if getattr(exc, "out_of_scope", None):  # rendered as a plain not-found; the audit log learns what it was
            request.state.out_of_scope = exc.out_of_scope
        if status >= 500:
            logger.warning("request failed", extra={"path": request.url.path, "problem": slug, "error": str(exc)})
        response = problem_response(status, slug, title, str(exc), **_extensions(exc))
        if isinstance(exc, RateLimitedError | KeyRateLimitedError) and exc.retry_after_s is not None:
            response.headers["Retry-After"] = str(exc.retry_after_s)  # whole seconds, as the detail says
        if isinstance(exc, AuthenticationError):
            response.headers["WWW-Authenticate"] = 'Bearer realm="parrotwatch"'
        return response

    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        """Framework errors (no such route, method not allowed) as problems too."""
        slug = _HTTP_SLUGS.get(exc.status_code, f"http-{exc.status_code}")
        title = _HTTP_TITLES.get(exc.status_code, "HTTP error")
        response = problem_response(exc.status_code, slug, title, str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
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
        response = problem_response(500, "internal-error", "Internal server error", "an unexpected error occurred")
        # Rendered outside every middleware (by Starlette's outermost one), so the security headers are added here.
        response.headers.update({**SECURITY_HEADERS, "Content-Security-Policy": CONTENT_SECURITY_POLICY})
        return response

    for cls in (IngestError, DetectorError, TrainingError, ServiceError):
        app.add_exception_handler(cls, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
