"""Analysts' verdicts on an account's score, kept with who gave them and when (labels for a later training run)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from service.auth import AnalystDep, require_analyst
from service.db.feedback import FeedbackEntry, add_feedback, feedback_for
from service.db.scores import latest_score
from service.deps import EngineDep, HandleDep
from service.errors import NotScoredError
from service.schemas import FeedbackCreate, FeedbackPublic

router = APIRouter(prefix="/accounts", tags=["feedback"], dependencies=[Depends(require_analyst)])


def _public(entry: FeedbackEntry) -> FeedbackPublic:
    return FeedbackPublic(**vars(entry))


@router.post("/{handle}/feedback", response_model=FeedbackPublic, status_code=201)
def create_feedback(
    handle: HandleDep, body: FeedbackCreate, engine: EngineDep, principal: AnalystDep, request: Request
) -> FeedbackPublic:
    """Confirm or dispute the account's latest score (404 ``not-scored`` when there is none to judge)."""
    stored = latest_score(engine, handle)
    if stored is None:
        raise NotScoredError(handle)
    entry = add_feedback(
        engine,
        handle=stored.result.handle,
        verdict=body.verdict,
        note=body.note,
        score_id=stored.id,
        band=stored.result.band,
        key_id=principal.key_id,
        key_name=principal.name,
    )
    request.state.audit_target = f"@{stored.result.handle} feedback {entry.id}"
    return _public(entry)


@router.get("/{handle}/feedback", response_model=list[FeedbackPublic])
def list_feedback(handle: HandleDep, engine: EngineDep) -> list[FeedbackPublic]:
    """Every verdict on the account, oldest first."""
    return [_public(entry) for entry in feedback_for(engine, handle)]
