"""Errors raised by the detector core.

DetectorError
├── CatalogError            the talking-point catalog file is invalid
├── ModelNotFoundError      no such model version, or no active one
├── ModelIntegrityError     a model artifact does not match its card (tampered, truncated or corrupt)
│   └── UnsafeModelError    a model artifact could run code when loaded (a pickle, or a type outside the trusted list)
└── EmbedderUnavailableError  the sentence encoder is asked for but cannot be imported
    └── EmbedderIntegrityError  the encoder's files do not match their pinned sha256
"""

from __future__ import annotations

__all__ = [
    "CatalogError",
    "DetectorError",
    "EmbedderIntegrityError",
    "EmbedderUnavailableError",
    "ModelIntegrityError",
    "ModelNotFoundError",
    "UnsafeModelError",
]


class DetectorError(Exception):
    """Base class for detector failures."""


class CatalogError(DetectorError):
    """The talking-point catalog cannot be used as given."""


class ModelNotFoundError(DetectorError):
    """The registry has no model under this version, or no active model."""

    def __init__(self, version: str | None, detail: str | None = None) -> None:
        what = f"model version {version!r}" if version else "an active model"
        super().__init__(detail or f"the registry has no {what}")
        self.version = version


class ModelIntegrityError(DetectorError):
    """A model artifact's bytes do not match the sha256 recorded in its card, so it is not loaded."""

    def __init__(self, version: str, expected_sha256: str | None, actual_sha256: str | None, detail: str = "") -> None:
        super().__init__(
            detail
            or f"model {version} refused: artifact sha256 {actual_sha256} does not match its card ({expected_sha256})"
        )
        self.version = version
        self.expected_sha256 = expected_sha256
        self.actual_sha256 = actual_sha256


class UnsafeModelError(ModelIntegrityError):
    """A model artifact is refused before anything in it is read as code: it is a pickle (``model.joblib``), or a
    skops file naming types outside ``detector.artifact.TRUSTED_TYPES`` (listed in ``untrusted_types``)."""

    def __init__(self, version: str, reason: str, untrusted_types: list[str] | None = None) -> None:
        super().__init__(version, None, None, f"model {version} refused, it could run code when loaded: {reason}")
        self.reason = reason
        self.untrusted_types = untrusted_types or []


class EmbedderUnavailableError(DetectorError):
    """The sentence-embedding pass was asked for (by a flag or by a model trained with it) but cannot be loaded."""


class EmbedderIntegrityError(EmbedderUnavailableError):
    """The sentence encoder's files differ from the pinned ones (another wheel, or a corrupt install)."""
