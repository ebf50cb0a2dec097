"""Errors raised while bringing accounts in.

IngestError
├── UnknownHandleError        the source has no account with this handle
├── AccountUnavailableError   the account exists but cannot be read (suspended, deactivated)
├── MalformedFileError        a file cannot be read as the format it claims to be (path, line)
├── XApiConfigurationError    no bearer token, or X refused it (401/403): an operator must act
├── RateLimitedError          X's rate limit is exhausted; retry after ``retry_after_s`` (when X said)
└── XApiError                 any other failure of the X API (unexpected payload, refused request)
    └── XApiUnavailableError  X did not answer (5xx, timeout, network), retried until ``attempts`` ran out
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AccountUnavailableError",
    "IngestError",
    "MalformedFileError",
    "RateLimitedError",
    "UnknownHandleError",
    "XApiConfigurationError",
    "XApiError",
    "XApiUnavailableError",
]

TOKEN_VARIABLE = "PARROTWATCH_X_BEARER_TOKEN"


class IngestError(Exception):
    """Base class for everything that goes wrong while reading accounts."""


class UnknownHandleError(IngestError):
    """The source has no account under this handle."""

    def __init__(self, handle: str, detail: str | None = None) -> None:
        super().__init__(detail or f"no account with handle @{handle} in the source")
        self.handle = handle


class AccountUnavailableError(IngestError):
    """The account exists (or existed) but its data cannot be read; ``reason`` is e.g. ``suspended``."""

    def __init__(self, handle: str, reason: str, detail: str | None = None) -> None:
        super().__init__(detail or f"@{handle} is unavailable: {reason}")
        self.handle = handle
        self.reason = reason


class MalformedFileError(IngestError):
    """A line of an input file is not valid in its declared format."""

    def __init__(self, path: Path | str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = Path(path)
        self.line = line
        self.reason = reason


class XApiConfigurationError(IngestError):
    """The X API cannot be used as configured: the token is missing, invalid, or lacks the access level needed."""


class RateLimitedError(IngestError):
    """X's rate limit is exhausted; ``retry_after_s`` says when to try again (seconds from now), or is ``None``
    when the source did not say: no caller invents a wait the source never gave."""

    def __init__(self, retry_after_s: float | None, detail: str | None = None) -> None:
        when = f"retry in {retry_after_s:.0f} s" if retry_after_s is not None else "retry later"
        super().__init__(detail or f"X API rate limit reached; {when}")
        self.retry_after_s = retry_after_s


class XApiError(IngestError):
    """The X API failed in a way that is neither the caller's nor the configuration's fault."""

    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.status = status


class XApiUnavailableError(XApiError):
    """X failed transiently (5xx, timeout, network) on every one of ``attempts`` tries; worth trying again later."""

    def __init__(self, detail: str, status: int | None = None, attempts: int = 1) -> None:
        super().__init__(detail, status)
        self.attempts = attempts
