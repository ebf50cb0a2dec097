"""Errors raised while bringing accounts in.

IngestError
├── UnknownHandleError        the source has no account with this handle
├── AccountUnavailableError   the account exists but cannot be read (suspended, deactivated)
├── MalformedFileError        a file cannot be read as the format it claims to be (path, line)
├── NothingImportedError      an import whose files gave no row to import (all skipped, empty, or no file)
├── XApiConfigurationError    no bearer token, or X refused it (401/403): an operator must act
├── RateLimitedError          X's rate limit is exhausted; retry after ``retry_after_s`` (when X said)
├── XApiError                 any other failure of the X API (unexpected payload, refused request)
│   └── XApiUnavailableError  X did not answer (5xx, timeout, network), retried until ``attempts`` ran out
├── XSpendStoppedError        a paid X read was not made: the job pauses rather than fails (``reason``)
│   ├── BudgetExceededError   the next read would take the spend past a budget cap (job or month)
│   └── CreditsExhaustedError X answered 402: the account has no credits left
└── SourceError               another platform's live source failed (Bluesky, Mastodon): ``platform`` names it
    └── SourceUnavailableError  it did not answer (5xx, timeout, network)
"""

from __future__ import annotations

import math
from pathlib import Path

__all__ = [
    "AccountUnavailableError",
    "BudgetExceededError",
    "CreditsExhaustedError",
    "IngestError",
    "MalformedFileError",
    "NothingImportedError",
    "RateLimitedError",
    "SourceError",
    "SourceUnavailableError",
    "UnknownHandleError",
    "XApiConfigurationError",
    "XApiError",
    "XApiUnavailableError",
    "XSpendStoppedError",
    "retry_after_seconds",
]

TOKEN_VARIABLE = "PARROTWATCH_X_BEARER_TOKEN"


def retry_after_seconds(wait_s: float) -> int:
    """The wait a client is told: whole seconds, rounded up, at least 1 (``Retry-After`` takes whole seconds, and 0
    would say "now" while the limit still holds). Every message and header of a 429 states this one number."""
    return max(1, math.ceil(wait_s))


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


class NothingImportedError(IngestError):
    """An import read its files and imported no row: every row was skipped, the files held none, or the path held no
    file of the format. ``n_skipped`` rows were skipped; ``first_problem`` is the first as ``file:line: reason``."""

    def __init__(self, path: Path | str, fmt: str, n_files: int, n_skipped: int, first_problem: str | None) -> None:
        if n_files == 0:
            what = f"{path} holds no {fmt} file"
        elif n_skipped == 0:
            what = f"{path} holds no row"
        else:
            files = "the file" if n_files == 1 else f"the {n_files} files"
            what = (
                f"all {n_skipped:,} rows of {files} were skipped (the first: {first_problem}); "
                f"is {path} in the {fmt} format?"
            )
        super().__init__(f"nothing imported, 0 rows: {what}")
        self.path = Path(path)
        self.format = fmt
        self.n_files = n_files
        self.n_skipped = n_skipped
        self.first_problem = first_problem


class XApiConfigurationError(IngestError):
    """The X API cannot be used as configured: the token is missing, invalid, or lacks the access level needed."""


class RateLimitedError(IngestError):
    """X's rate limit is exhausted; ``retry_after_s`` says when to try again (seconds from now), or is ``None``
    when the source did not say: no caller invents a wait the source never gave."""

    def __init__(self, retry_after_s: float | None, detail: str | None = None) -> None:
        wait_s = retry_after_seconds(retry_after_s) if retry_after_s is not None else None
        when = f"retry in {wait_s} s" if wait_s is not None else "retry later"
        super().__init__(detail or f"X API rate limit reached; {when}")
        self.retry_after_s = wait_s


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


class XSpendStoppedError(IngestError):
    """A paid X read was not made; ``reason`` is what a paused job shows (``budget`` or ``credits exhausted``)."""

    reason = "budget"


class BudgetExceededError(XSpendStoppedError):
    """The next read (``needed_usd`` at most) would take ``scope``'s spend (``spent_usd``) past its ``cap_usd``."""

    reason = "budget"

    def __init__(self, scope: str, cap_usd: float, spent_usd: float, needed_usd: float) -> None:
        super().__init__(
            f"X {scope} budget of ${cap_usd:.2f} reached: ${spent_usd:.3f} spent, the next read costs up to "
            f"${needed_usd:.3f}; raise the cap to continue"
        )
        self.scope = scope
        self.cap_usd = cap_usd
        self.spent_usd = spent_usd
        self.needed_usd = needed_usd


class CreditsExhaustedError(XSpendStoppedError):
    """X answered 402 (``CreditsDepleted``): nothing more can be read until credits are bought."""

    reason = "credits exhausted"

    def __init__(self, detail: str) -> None:
        super().__init__(f"X API credits exhausted (HTTP 402): {detail}")


class SourceError(IngestError):
    """A live source other than X failed in a way that concerns neither the caller nor one account."""

    def __init__(self, platform: str, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.platform = platform
        self.status = status


class SourceUnavailableError(SourceError):
    """A live source other than X did not answer (5xx, timeout, network): worth trying again later."""
