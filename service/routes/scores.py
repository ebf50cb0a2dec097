"""Score handles synchronously: a per-handle outcome for each, never a failed batch for one bad handle."""

from __future__ import annotations

import logging
import time

from fastapi import APIRouter, Depends

from detector.scoring import score_accounts
from service.auth import require_analyst
from service.db.scores import add_score
from service.deps import (
    CoordinationDep,
    DeclaredDep,
    EngineDep,
    MetricsDep,
    ModelDep,
    ResolverDep,
    ScoreMemoDep,
    SettingsDep,
)
from service.errors import InvalidHandleError, TooManyHandlesError
from service.problems import problem_for
from service.schemas import HandleProblem, ScoreRequest, ScoreResponse, ScoreResult, normalize_handle

router = APIRouter(prefix="/scores", tags=["scores"], dependencies=[Depends(require_analyst)])
logger = logging.getLogger(__name__)


def _failed(handle: str, exc: Exception) -> ScoreResult:
    _, slug, title = problem_for(exc)
    retry_after = getattr(exc, "retry_after_s", None)
    return ScoreResult(
        handle=handle,
        status="error",
        error=HandleProblem(type=f"/problems/{slug}", title=title, detail=str(exc), retry_after_s=retry_after),
    )


@router.post("", response_model=ScoreResponse, response_model_exclude_none=True)
def create_scores(
    request: ScoreRequest,
    settings: SettingsDep,
    loaded: ModelDep,
    resolver: ResolverDep,
    declared: DeclaredDep,
    coordination: CoordinationDep,
    engine: EngineDep,
    metrics: MetricsDep,
    memo: ScoreMemoDep,
) -> ScoreResponse:
    """Score up to 100 handles now, from the local store or live from X, and store every score.

    Unknown, suspended, rate-limited or invalid handles get an error entry; the others are scored. Protected
    accounts come back with their profile only, so their band is ``insufficient_data``. More than 100 handles is a
    413 problem: submit them as a job (``POST /v1/jobs``).
    """
    limit = settings.max_handles_per_request
    if len(request.handles) > limit:
        raise TooManyHandlesError(len(request.handles), limit)
    started = time.perf_counter()
    outcomes: list[ScoreResult | None] = [None] * len(request.handles)
    valid: list[tuple[int, str]] = []
    for position, raw in enumerate(request.handles):
        handle = normalize_handle(raw)
        if handle is None:
            outcomes[position] = _failed(raw, InvalidHandleError(raw))
        else:
            valid.append((position, handle))
    resolutions = resolver.resolve([handle for _, handle in valid], refresh=request.refresh)
    to_score = []
    for (position, handle), resolution in zip(valid, resolutions, strict=True):
        if resolution.account is None:
            outcomes[position] = _failed(handle, resolution.error)
        else:
            to_score.append((position, resolution))
    accounts = [r.account for _, r in to_score]
    coordination.add(accounts)  # from now on, later requests link to these posts too
    keys = [memo.key(loaded.version, account, coordination.generation) for account in accounts]
    remembered = [memo.get(key) for key in keys]
    fresh = iter(
        score_accounts(
            loaded.model,
            [account for account, score in zip(accounts, remembered, strict=True) if score is None],
            model_version=loaded.version,
            declared=declared,
            index=coordination,
        )
    )
    scores = [score if score is not None else next(fresh) for score in remembered]
    for key, score, was in zip(keys, scores, remembered, strict=True):
        if was is None:
            memo.put(key, score)
    with engine.begin() as conn:
        for score in scores:
            add_score(conn, score)
    metrics.count_scores([score.band for score in scores])
    for (position, resolution), score in zip(to_score, scores, strict=True):
        outcomes[position] = ScoreResult(
            handle=resolution.account.handle, status="scored", source_status=resolution.status, result=score
        )
    logger.info(
        "scored handles",
        extra={
            "n_requested": len(request.handles),
            "n_scored": len(scores),
            "n_remembered": sum(score is not None for score in remembered),
            "model_version": loaded.version,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return ScoreResponse(results=[o for o in outcomes if o is not None])
