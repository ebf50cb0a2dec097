"""Stored scores of one account: the latest with its evidence, and its whole history.

An account's scores are shared by every key (anyone may score any handle); the job a score came from is named only
to a caller who may see that job (``service/scopes.py``), so a score never reveals someone else's job.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from detector.scoring import AccountScore
from ingest.errors import UnknownHandleError
from service.auth import ScopeDep, require_analyst
from service.db.jobs import visible_job_ids
from service.db.scores import latest_score, score_history
from service.deps import HANDLE_PATH, EngineDep, HandleDep, StateDep
from service.errors import NotScoredError
from service.schemas import AccountHistory, AccountPosts, AccountScorePublic, HistoryEntry, PostPublic
from service.state import ServiceState

router = APIRouter(prefix="/accounts", tags=["accounts"], dependencies=[Depends(require_analyst)])


def _tombstone(state: ServiceState, result: AccountScore) -> tuple[str | None, datetime | None]:
    """What the platform now says of the scored account (``suspended``) and since when; ``(None, None)``: readable."""
    return state.store.account_status(result.handle, platform=result.platform or "x")


@router.get(HANDLE_PATH, response_model=AccountScorePublic)
def get_account(handle: HandleDep, engine: EngineDep, scope: ScopeDep, state: StateDep) -> AccountScorePublic:
    """The account's latest stored score with its evidence (404 ``not-scored`` if it was never scored). The handle
    names the platform (``reddit:u/name``; a bare ``name`` or ``@name`` is X's when X's is scored)."""
    stored = latest_score(engine, handle)
    if stored is None:
        raise NotScoredError(handle)
    status, since = _tombstone(state, stored.result)
    return AccountScorePublic(
        **stored.result.model_dump(),
        scored_at=stored.scored_at,
        job_id=stored.job_id if visible_job_ids(engine, [stored.job_id], scope=scope) else None,
        served_count=stored.served_count,
        last_served_at=stored.last_served_at,
        account_status=status,
        account_status_since=since,
    )


@router.get(f"{HANDLE_PATH}/history", response_model=AccountHistory)
def get_account_history(handle: HandleDep, engine: EngineDep, scope: ScopeDep, state: StateDep) -> AccountHistory:
    """Every stored score of the account, oldest first, each with the model and catalog versions that made it; a
    score served again unchanged is one entry with its ``served_count``. Superseded scores older than
    ``PARROTWATCH_SCORE_RETENTION_DAYS`` are pruned; each model version's newest score of the account stays."""
    history = score_history(engine, handle)
    if not history:
        raise NotScoredError(handle)
    shown = visible_job_ids(engine, (s.job_id for s in history), scope=scope)
    status, since = _tombstone(state, history[-1].result)
    return AccountHistory(
        handle=history[-1].result.handle,
        account_status=status,
        account_status_since=since,
        scores=[
            HistoryEntry(
                score=s.result.score,
                band=s.result.band,
                components=s.result.components,
                model_version=s.result.model_version,
                catalog_version=s.result.catalog_version,
                scored_at=s.scored_at,
                job_id=s.job_id if s.job_id in shown else None,
                served_count=s.served_count,
                last_served_at=s.last_served_at,
            )
            for s in history
        ],
    )


@router.get(f"{HANDLE_PATH}/posts", response_model=AccountPosts)
def get_account_posts(
    handle: HandleDep,
    state: StateDep,
    limit: Annotated[int, Query(ge=1, le=5_000, description="Most posts returned, the newest kept.")] = 1_000,
) -> AccountPosts:
    """The account's stored posts (id, time, text), oldest first: the page draws its timeline from them. 404
    ``unknown-handle`` when the store lacks the account."""
    stored = state.store.get(handle)
    if stored is None:
        raise UnknownHandleError(handle)
    posts = sorted(stored.account.posts, key=lambda p: (p.created_at, p.id))
    return AccountPosts(
        handle=stored.account.handle,
        n_posts=len(posts),
        posts=[PostPublic(id=p.id, created_at=p.created_at, text=p.text) for p in posts[-limit:]],
    )
