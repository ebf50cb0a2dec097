"""Errors the service itself raises (the layers below have their own trees).

ServiceError
├── TooManyHandlesError        a synchronous request named more handles than allowed
├── InvalidHandleError         not a handle on any platform (empty, whitespace, control characters, a slash...)
├── InvalidHandlesError        a job's list holds entries that are not handles (the first 20 named)
├── NoHandleColumnError        a job's CSV has several columns and none of them is the handle column
├── EmptyJobError              a job with no handle
├── NotReadyError              the database or the model is not there (readiness)
├── RequestTooLargeError       the request body is over the configured limit
├── NotScoredError             an account that was never scored (or not by the job named)
├── JobNotFoundError           no job with that id
├── JobFinishedError           cancelling a job that already finished
├── TrainingRunNotFoundError   no training run with that id
├── TrainingRunInProgressError starting a training run while another one is unfinished (409)
├── TrainingRunFinishedError   cancelling a training run that already ended (409)
├── NoLabelsError              starting a training run with no labels file and no feedback to learn from
├── UnknownModelVersionError   activating a version the registry does not hold
├── TalkingPointNotFoundError  no talking point with that id in the current catalog
├── TalkingPointExistsError    creating a talking point whose id is taken
├── InvalidCatalogEditError    an edit that would leave an invalid catalog (e.g. the last talking point deleted)
├── CandidateNotFoundError     no proposed talking point (discovery candidate) with that id
├── CandidateDecidedError      accepting, merging or rejecting a candidate already decided (409)
├── InvalidWindowError         a discovery window that reaches outside the calendar (year 1 minus 14 days)
├── ApiKeyNotFoundError        revoking a key id that does not exist
├── AuthenticationError        no API key, or not a valid one (401)
├── PermissionDeniedError      a valid key whose role does not allow the operation (403)
├── KeyRateLimitedError        a key spent its request budget (429)
├── UnknownGraphFormatError    a coordination network asked for in a format it is not exported in
└── AddressUnavailableError    `serve` cannot listen on its host and port (in use, or not this machine's); CLI only
"""

from __future__ import annotations

from ingest.errors import retry_after_seconds
from ingest.handles import HANDLE_RULE, handle_refusal

__all__ = [
    "AddressUnavailableError",
    "ApiKeyNotFoundError",
    "AuthenticationError",
    "CandidateDecidedError",
    "CandidateNotFoundError",
    "EmptyJobError",
    "InvalidCatalogEditError",
    "InvalidHandleError",
    "InvalidHandlesError",
    "InvalidWindowError",
    "JobFinishedError",
    "JobNotFoundError",
    "KeyRateLimitedError",
    "NoHandleColumnError",
    "NoLabelsError",
    "NotReadyError",
    "NotScoredError",
    "PermissionDeniedError",
    "RequestTooLargeError",
    "ServiceError",
    "TalkingPointExistsError",
    "TalkingPointNotFoundError",
    "TooManyHandlesError",
    "TrainingRunFinishedError",
    "TrainingRunInProgressError",
    "TrainingRunNotFoundError",
    "UnknownGraphFormatError",
    "UnknownModelVersionError",
]


class ServiceError(Exception):
    """Base class for service failures.

    ``out_of_scope`` is set on a not-found error whose row exists but belongs to an owner the caller may not see
    (``service.scopes``): what was refused, for the audit log; the response is the plain not-found one.
    """

    out_of_scope: str | None = None


class TooManyHandlesError(ServiceError):
    def __init__(self, count: int, limit: int, hint: str | None = None) -> None:
        super().__init__(
            f"{count} handles in one request; at most {limit} are scored synchronously. "
            + (hint or "Submit a batch job with POST /v1/jobs, or score a file with `parrotwatch score --input FILE`.")
        )
        self.count = count
        self.limit = limit


class InvalidHandleError(ServiceError):
    """``handle`` is not a handle on any platform (``ingest.handles``); the message says why."""

    def __init__(self, handle: str) -> None:
        refusal = handle_refusal(handle) or f"{handle!r} is not a handle"
        super().__init__(f"{refusal} (a handle is {HANDLE_RULE})")
        self.handle = handle


class InvalidHandlesError(ServiceError):
    """The first invalid handles of a job's list, with their line numbers (1-based) in the list or file."""

    def __init__(self, invalid: list[tuple[int, str]], total: int) -> None:
        shown = ", ".join(f"line {line}: {handle!r}" for line, handle in invalid[:20])
        more = f" and {total - 20} more" if total > 20 else ""
        super().__init__(f"{total} entries are not handles ({HANDLE_RULE}): {shown}{more}")
        self.handles = [handle for _, handle in invalid[:20]]
        self.count = total


class NoHandleColumnError(ServiceError):
    """A job's CSV whose first line names none of ``expected`` and whose ``line`` holds a second column: which column
    holds the handles is not guessed. ``columns`` are the first line's cells, as found."""

    def __init__(self, columns: list[str], expected: tuple[str, ...], line: int) -> None:
        found = ", ".join(repr(column) for column in columns)
        wide = "" if line == 1 else f", and line {line} has more than one"
        super().__init__(
            f"the CSV has no handle column: its first line has the columns {found}{wide}. Name the column of handles "
            f"{expected[0]!r} (or {', '.join(map(repr, expected[1:]))}), or upload one handle per line without a header"
        )
        self.columns = columns
        self.line = line


class EmptyJobError(ServiceError):
    def __init__(self) -> None:
        super().__init__("the job names no handle: send {'handles': [...]} or a CSV file with a handle column")


class RequestTooLargeError(ServiceError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body over {limit} bytes")
        self.limit = limit


class NotReadyError(ServiceError):
    """Readiness failed: the detail says what is missing."""


class NotScoredError(ServiceError):
    def __init__(self, handle: str, job_id: str | None = None) -> None:
        if job_id is None:
            super().__init__(f"@{handle} has never been scored: score it with POST /v1/scores or a job")
        else:
            super().__init__(f"job {job_id} has no score of @{handle} (not in the job, failed, or not scored yet)")
        self.handle = handle
        self.job_id = job_id


class JobNotFoundError(ServiceError):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"no job {job_id!r}")
        self.job_id = job_id


class JobFinishedError(ServiceError):
    def __init__(self, job_id: str, state: str, action: str = "cancelled") -> None:
        super().__init__(f"job {job_id} is {state}: only queued, running or paused jobs can be {action}")
        self.job_id = job_id
        self.state = state


class TrainingRunNotFoundError(ServiceError):
    def __init__(self, run_id: str) -> None:
        super().__init__(f"no training run {run_id!r}")
        self.run_id = run_id


class TrainingRunInProgressError(ServiceError):
    def __init__(self, run_id: str) -> None:
        super().__init__(f"training run {run_id} is still unfinished: one run at a time (watch it, then start another)")
        self.run_id = run_id


class TrainingRunFinishedError(ServiceError):
    def __init__(self, run_id: str, status: str) -> None:
        super().__init__(f"training run {run_id} is {status}: only a queued or running run can be cancelled")
        self.run_id = run_id
        self.state = status


class NoLabelsError(ServiceError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)


class UnknownModelVersionError(ServiceError):
    def __init__(self, version: str) -> None:
        super().__init__(f"no model version {version!r} in the registry")
        self.version = version


class TalkingPointNotFoundError(ServiceError):
    def __init__(self, talking_point_id: str) -> None:
        super().__init__(f"no talking point {talking_point_id!r} in the current catalog")
        self.talking_point_id = talking_point_id


class TalkingPointExistsError(ServiceError):
    def __init__(self, talking_point_id: str) -> None:
        super().__init__(f"talking point {talking_point_id!r} exists: change it with PUT")
        self.talking_point_id = talking_point_id


class InvalidCatalogEditError(ServiceError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)


class CandidateNotFoundError(ServiceError):
    def __init__(self, candidate_id: int) -> None:
        super().__init__(f"no talking-point candidate {candidate_id}")
        self.candidate_id = candidate_id


class CandidateDecidedError(ServiceError):
    def __init__(self, candidate_id: int, status: str) -> None:
        super().__init__(f"talking-point candidate {candidate_id} is already {status}")
        self.candidate_id = candidate_id
        self.status = status


class InvalidWindowError(ServiceError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)


class ApiKeyNotFoundError(ServiceError):
    def __init__(self, key_id: str) -> None:
        super().__init__(f"no API key {key_id!r}")
        self.key_id = key_id


class AuthenticationError(ServiceError):
    """Rendered with ``WWW-Authenticate: Bearer``."""


class PermissionDeniedError(ServiceError):
    def __init__(self, role: str, needed: str) -> None:
        super().__init__(f"this operation needs the {needed} role; the key has {role}")
        self.role = role
        self.needed = needed


class KeyRateLimitedError(ServiceError):
    """``retry_after_s`` is the wait in whole seconds, rounded up (at least 1): the body and ``Retry-After`` agree."""

    def __init__(self, retry_after_s: float, limit_per_minute: int) -> None:
        wait_s = retry_after_seconds(retry_after_s)
        super().__init__(f"more than {limit_per_minute} requests per minute with this key; retry in {wait_s} s")
        self.retry_after_s = wait_s
        self.limit = limit_per_minute


class AddressUnavailableError(ServiceError):
    """Raised by ``serve`` before the app starts, so a second server on a busy port starts no background work."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(
            f"cannot listen on {host}:{port}: {reason}. Is another `parrotwatch serve` running there? Nothing was "
            "started; choose another --port (PARROTWATCH_PORT) or stop the other server"
        )
        self.host = host
        self.port = port


class UnknownGraphFormatError(ServiceError):
    """The coordination network was asked for in ``format``, which is not one of ``formats``."""

    def __init__(self, format: str, formats: tuple[str, ...]) -> None:
        super().__init__(f"unknown format {format!r}: the coordination network is exported as {', '.join(formats)}")
        self.format = format
        self.formats = list(formats)
