"""Analysts' verdicts on an account's score, kept with who gave them and when (labels for a later training run).

A verdict belongs to the key that gave it: an analyst lists its own and its team's, an admin all. Naming a job
judges the score that job gave the account; another owner's job is a 404 ``job-not-found`` (``service/scopes.py``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from service.auth import AnalystDep, ScopeDep, require_analyst
from service.db.feedback import FeedbackEntry, add_feedback, feedback_for
from service.db.jobs import get_job
from service.db.scores import job_score, latest_score
from service.deps import HANDLE_PATH, EngineDep, HandleDep
from service.errors import NotScoredError
from service.schemas import FeedbackCreate, FeedbackPublic

router = APIRouter(prefix="/accounts", tags=["feedback"], dependencies=[Depends(require_analyst)])


def _public(entry: FeedbackEntry) -> FeedbackPublic:
    return FeedbackPublic(**vars(entry))


@router.post(f"{HANDLE_PATH}/feedback", response_model=FeedbackPublic, status_code=201)
def create_feedback(
    handle: HandleDep,
    body: FeedbackCreate,
    engine: EngineDep,
    principal: AnalystDep,
    scope: ScopeDep,
    request: Request,
) -> FeedbackPublic:
    """Confirm or dispute the account's latest score, or the score of the job named by ``job_id``
    (404 ``not-scored`` when there is none to judge, ``job-not-found`` for a job the caller may not see)."""
    if body.job_id is None:
        stored = latest_score(engine, handle)
    else:
        request.state.audit_target = f"@{handle} feedback on job {body.job_id}"
        get_job(engine, body.job_id, max_errors=0, scope=scope)
        stored = job_score(engine, body.job_id, handle)
    if stored is None:
        raise NotScoredError(handle, body.job_id)
    entry = add_feedback(
        engine,
        handle=stored.result.handle,
        verdict=body.verdict,
        note=body.note,
        score_id=stored.id,
        band=stored.result.band,
        key_id=principal.key_id,
        key_name=principal.name,
        job_id=body.job_id,
    )
    request.state.audit_target = f"@{stored.result.handle} feedback {entry.id}"
    return _public(entry)


@router.get(f"{HANDLE_PATH}/feedback", response_model=list[FeedbackPublic])
def list_feedback(handle: HandleDep, engine: EngineDep, scope: ScopeDep) -> list[FeedbackPublic]:
    """The verdicts on the account the caller may see (its key's and its team's; an admin all), oldest first."""
    return [_public(entry) for entry in feedback_for(engine, handle, scope=scope)]
