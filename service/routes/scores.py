"""Score handles synchronously: a per-handle outcome for each, never a failed batch for one bad handle."""

from __future__ import annotations

import logging
import time

from fastapi import APIRouter

from detector.scoring import score_accounts
from ingest.errors import UnknownHandleError
from service.deps import ModelDep, SettingsDep, SourceDep
from service.errors import InvalidHandleError, TooManyHandlesError
from service.problems import problem_for
from service.schemas import HandleProblem, ScoreRequest, ScoreResponse, ScoreResult, normalize_handle

router = APIRouter(prefix="/scores", tags=["scores"])
logger = logging.getLogger(__name__)


def _failed(handle: str, exc: Exception) -> ScoreResult:
    _, slug, title = problem_for(exc)
    return ScoreResult(
        handle=handle, status="error", error=HandleProblem(type=f"/problems/{slug}", title=title, detail=str(exc))
    )


@router.post("", response_model=ScoreResponse, response_model_exclude_none=True)
def create_scores(request: ScoreRequest, settings: SettingsDep, loaded: ModelDep, source: SourceDep) -> ScoreResponse:
    """Score up to 100 handles now. Unknown or invalid handles get an error entry; the others are scored."""
    limit = settings.max_handles_per_request
    if len(request.handles) > limit:
        raise TooManyHandlesError(len(request.handles), limit)
    started = time.perf_counter()
    outcomes: list[ScoreResult | None] = []
    to_score = []
    for raw in request.handles:
        handle = normalize_handle(raw)
        if handle is None:
            outcomes.append(_failed(raw, InvalidHandleError(raw)))
            continue
        try:
            to_score.append((len(outcomes), source.get(handle)))
            outcomes.append(None)
        except UnknownHandleError as exc:
            outcomes.append(_failed(handle, exc))
    scores = score_accounts(loaded.model, [account for _, account in to_score], model_version=loaded.version)
    for (position, account), score in zip(to_score, scores, strict=True):
        outcomes[position] = ScoreResult(handle=account.handle, status="scored", result=score)
    logger.info(
        "scored handles",
        extra={
            "n_requested": len(request.handles),
            "n_scored": len(scores),
            "model_version": loaded.version,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return ScoreResponse(results=[o for o in outcomes if o is not None])
