"""Errors raised while bringing accounts in.

IngestError
├── UnknownHandleError        the source has no account with this handle
└── MalformedFileError        a file cannot be read as the format it claims to be (path, line)
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["IngestError", "MalformedFileError", "UnknownHandleError"]


class IngestError(Exception):
    """Base class for everything that goes wrong while reading accounts."""


class UnknownHandleError(IngestError):
    """The source has no account under this handle."""

    def __init__(self, handle: str) -> None:
        super().__init__(f"no account with handle @{handle} in the source")
        self.handle = handle


class MalformedFileError(IngestError):
    """A line of an input file is not valid in its declared format."""

    def __init__(self, path: Path | str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = Path(path)
        self.line = line
        self.reason = reason
