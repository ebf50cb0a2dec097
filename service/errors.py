"""Errors the service itself raises (the layers below have their own trees).

ServiceError
├── TooManyHandlesError        a synchronous request named more handles than allowed
└── InvalidHandleError         not an X handle (1-15 letters, digits or underscores)
"""

from __future__ import annotations

__all__ = ["InvalidHandleError", "ServiceError", "TooManyHandlesError"]


class ServiceError(Exception):
    """Base class for service failures."""


class TooManyHandlesError(ServiceError):
    def __init__(self, count: int, limit: int) -> None:
        super().__init__(
            f"{count} handles in one request; at most {limit} are scored synchronously. "
            "Split the list, or score a file with `parrotwatch score --input FILE`."
        )
        self.count = count
        self.limit = limit


class InvalidHandleError(ServiceError):
    def __init__(self, handle: str) -> None:
        super().__init__(f"{handle!r} is not an X handle: 1-15 letters, digits or underscores, optional leading @")
        self.handle = handle
