"""Score handles synchronously: a per-handle outcome for each, never a failed batch for one bad handle."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from service.auth import require_analyst
from service.deps import HandleScorerDep, SettingsDep
from service.errors import TooManyHandlesError
from service.schemas import HandleProblem, ScoreRequest, ScoreResponse, ScoreResult
from service.scoring.handle_scorer import HandleOutcome

router = APIRouter(prefix="/scores", tags=["scores"], dependencies=[Depends(require_analyst)])


def _result(outcome: HandleOutcome) -> ScoreResult:
    problem = outcome.problem
    if problem is None:
        return ScoreResult(
            handle=outcome.handle,
            platform=outcome.platform,
            status="scored",
            source_status=outcome.source_status,
            result=outcome.score,
        )
    error = HandleProblem(
        type=problem.type, title=problem.title, detail=problem.detail, retry_after_s=problem.retry_after_s
    )
    return ScoreResult(handle=outcome.handle, platform=outcome.platform, status="error", error=error)


@router.post("", response_model=ScoreResponse, response_model_exclude_none=True)
def create_scores(request: ScoreRequest, settings: SettingsDep, scorer: HandleScorerDep) -> Response:
    """Score up to 100 handles now, from the local store or live from X, and store every score.

    Unknown, suspended, rate-limited or invalid handles get an error entry; the others are scored. Protected
    accounts come back with their profile only, so their band is ``insufficient_data``. More than 100 handles is a
    413 problem: submit them as a job (``POST /v1/jobs``).
    """
    limit = settings.max_handles_per_request
    if len(request.handles) > limit:
        raise TooManyHandlesError(len(request.handles), limit)
    outcomes = scorer.score(request.handles, refresh=request.refresh)
    # Serialized here, in the thread pool, as ``response_model_exclude_none`` would: returning the model would have
    # FastAPI validate the whole response (every score's evidence) again before serializing it.
    body = ScoreResponse(results=[_result(outcome) for outcome in outcomes]).model_dump_json(exclude_none=True)
    return Response(body, media_type="application/json")
