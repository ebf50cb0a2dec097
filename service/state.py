"""What the running service holds: settings, the model registry, the active model and the account source.

Built in ``lifespan`` and kept on ``app.state``; swapping the model is one assignment, so a request that already
took the old model finishes with it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from detector.errors import DetectorError, ModelNotFoundError
from detector.registry import LoadedModel, ModelRegistry
from ingest.errors import IngestError
from ingest.jsonl import JsonlAccountSource
from service.config import Settings
from service.errors import SourceUnavailableError

__all__ = ["ServiceState", "build_state"]

logger = logging.getLogger(__name__)


@dataclass
class ServiceState:
    settings: Settings
    registry: ModelRegistry
    model: LoadedModel | None
    model_error: DetectorError | None
    source: JsonlAccountSource | None
    source_error: str | None

    def require_model(self) -> LoadedModel:
        if self.model is None:
            raise self.model_error or ModelNotFoundError(None)
        return self.model

    def require_source(self) -> JsonlAccountSource:
        if self.source is None:
            raise SourceUnavailableError(self.source_error or "no account source configured")
        return self.source


def build_state(settings: Settings) -> ServiceState:
    """Load what can be loaded; a missing model or source is reported by health checks, not a crash at start."""
    registry = ModelRegistry(settings.models_dir)
    model = model_error = None
    try:
        model = registry.load()
        logger.info("model loaded", extra={"model_version": model.version})
    except DetectorError as exc:
        model_error = exc
        logger.warning("no usable model", extra={"error": str(exc)})
    source = source_error = None
    path = settings.resolved_accounts_file
    if path.is_file():
        try:
            source = JsonlAccountSource(path)
            logger.info("account source indexed", extra={"path": str(path), "n_accounts": len(source)})
        except IngestError as exc:
            source_error = str(exc)
    else:
        source_error = (
            f"accounts file {path} does not exist: run `parrotwatch demo-data` or set PARROTWATCH_ACCOUNTS_FILE"
        )
    return ServiceState(settings, registry, model, model_error, source, source_error)
