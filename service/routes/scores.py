"""Score handles synchronously: a per-handle outcome for each, never a failed batch for one bad handle."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from service.auth import require_analyst
from service.deps import HandleScorerDep, StateDep
from service.errors import TooManyHandlesError
from service.schemas import HandleProblem, ScoreRequest, ScoreResponse, ScoreResult
from service.scoring.handle_scorer import HandleOutcome

router = APIRouter(prefix="/scores", tags=["scores"], dependencies=[Depends(require_analyst)])


def _entry_json(outcome: HandleOutcome) -> str:
    """One response entry as JSON, as ``ScoreResult.model_dump_json(exclude_none=True)`` writes it; a score's own
    JSON is the one its ``ScoreJson`` made once, spliced in rather than serialized again for every request."""
    problem, serialized = outcome.problem, outcome.serialized
    if problem is not None or serialized is None:
        error = None
        if problem is not None:
            error = HandleProblem(
                type=problem.type, title=problem.title, detail=problem.detail, retry_after_s=problem.retry_after_s
            )
        return ScoreResult(
            handle=outcome.handle, platform=outcome.platform, status="error", error=error
        ).model_dump_json(exclude_none=True)
    head = ScoreResult(
        handle=outcome.handle, platform=outcome.platform, status="scored", source_status=outcome.source_status
    ).model_dump_json(exclude_none=True)
    return f'{head[:-1]},"result":{serialized.public}}}'


@router.post("", response_model=ScoreResponse, response_model_exclude_none=True)
def create_scores(request: ScoreRequest, state: StateDep, scorer: HandleScorerDep) -> Response:
    """Score up to 100 handles now, from the local store or live from X, and store every score.

    Unknown, suspended, rate-limited or invalid handles get an error entry; the others are scored. Protected
    accounts come back with their profile only, so their band is ``insufficient_data``. More than 100 handles is a
    413 problem: submit them as a job (``POST /v1/jobs``).
    """
    limit = state.settings.max_handles_per_request
    if len(request.handles) > limit:
        raise TooManyHandlesError(len(request.handles), limit)
    outcomes = scorer.score(request.handles, refresh=request.refresh)
    # Serialized here, as ``response_model_exclude_none`` would: returning the model would have FastAPI validate the
    # whole response (every score's evidence) again before serializing it. The OpenAPI schema still names it.
    body = '{"results":[' + ",".join(_entry_json(outcome) for outcome in outcomes) + "]}"
    return Response(body, media_type="application/json")
