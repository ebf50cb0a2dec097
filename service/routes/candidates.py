"""Proposed talking points (discovery over declared state accounts' posts) and the admin's decisions about them.

Listing runs discovery over the store for the window asked (``since``, default 14 days before ``until``, default
now) and returns the open candidates found, by spread. Accepting or merging adds an entry to the catalog overlay:
the service lays it over the active model's catalog at once, so the scoring catalog's version moves and the next
scores match the new line (``service/catalog_overlay.py``); no retraining is needed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from detector.catalog import TalkingPointCatalog, load_catalog
from detector.errors import DetectorError
from service.auth import AdminDep, Principal, require_analyst
from service.candidate_schemas import (
    CandidateAccept,
    CandidateDecisionPublic,
    CandidateMerge,
    CandidatePublic,
    CandidatesPublic,
)
from service.db.discovery import StoredCandidate, list_candidates
from service.deps import StateDep
from service.errors import InvalidWindowError
from service.state import ServiceState
from service.talking_point_discovery import (
    DEFAULT_WINDOW,
    accept_candidate,
    merge_candidate,
    parse_window,
    reject_candidate,
    run_discovery,
    with_overlay,
)

router = APIRouter(
    prefix="/talking-points/candidates", tags=["talking points"], dependencies=[Depends(require_analyst)]
)


def scoring_catalog(state: ServiceState) -> TalkingPointCatalog:
    """The catalog scores use now: the active model's with the overlay, or the configured file's with it."""
    try:
        return state.require_model().model.catalog
    except DetectorError:
        return with_overlay(state.engine, load_catalog(state.settings.catalog_file))


@router.get("", response_model=CandidatesPublic)
def list_talking_point_candidates(
    state: StateDep,
    since: Annotated[
        str, Query(pattern=r"^[1-9][0-9]{0,4}[dhm]$", description="The window before `until`: 14d, 36h, 90m.")
    ] = DEFAULT_WINDOW,
    until: Annotated[datetime | None, Query(description="End of the window (default: now).")] = None,
    refresh: Annotated[bool, Query(description="Run discovery now (false: the stored open candidates).")] = True,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> CandidatesPublic:
    """Candidate talking points from declared state accounts' posts, by spread (422 for a malformed window)."""
    try:
        end = (until if until is not None else datetime.now(UTC)).astimezone(UTC)
        start = end - parse_window(since)
    except (OverflowError, ValueError) as exc:
        raise InvalidWindowError(f"the window {since} before {until} is outside the calendar") from exc
    catalog = scoring_catalog(state)
    found: list[StoredCandidate]
    if refresh:
        found = run_discovery(state.engine, state.store, state.declared, catalog, since=start, until=end)[:limit]
    else:
        found = list_candidates(state.engine, limit=limit)
    return CandidatesPublic(
        since=start,
        until=end,
        catalog_version=catalog.catalog_version,
        candidates=[CandidatePublic.of(s) for s in found],
    )


def _decided(state: ServiceState, stored: StoredCandidate, request: Request) -> CandidateDecisionPublic:
    request.state.audit_target = f"talking-point candidate {stored.id}"
    if state.overlay is not None:
        state.overlay.invalidate()
    return CandidateDecisionPublic(
        candidate=CandidatePublic.of(stored), catalog_version=scoring_catalog(state).catalog_version
    )


def _decide(
    state: ServiceState, request: Request, principal: Principal, decide: Any, candidate_id: int, **fields: Any
) -> CandidateDecisionPublic:
    """Run an accept or merge against the scoring catalog, as ``principal``."""
    stored = decide(state.engine, scoring_catalog(state), candidate_id, decided_by=principal.key_id, **fields)
    return _decided(state, stored, request)


CandidateId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The candidate's id, as listed.")]
"""A database row id: a number past 64 bits is a 422, never an overflow in the driver."""


@router.post("/{candidate_id}/accept", response_model=CandidateDecisionPublic)
def accept(
    candidate_id: CandidateId, body: CandidateAccept, state: StateDep, principal: AdminDep, request: Request
) -> CandidateDecisionPublic:
    """Accept a candidate as a new line (404 unknown candidate, 409 id taken or already decided, 422 bad edit)."""
    edit = {"talking_point_id": body.id, "phrasing": body.phrasing, "languages": body.languages, "title": body.title}
    return _decide(state, request, principal, accept_candidate, candidate_id, **edit)


@router.post("/{candidate_id}/merge", response_model=CandidateDecisionPublic)
def merge(
    candidate_id: CandidateId, body: CandidateMerge, state: StateDep, principal: AdminDep, request: Request
) -> CandidateDecisionPublic:
    """Merge a candidate's wordings into an existing line (404 unknown candidate or line, 409 already decided)."""
    return _decide(state, request, principal, merge_candidate, candidate_id, talking_point_id=body.talking_point_id)


@router.post("/{candidate_id}/reject", response_model=CandidateDecisionPublic)
def reject(
    candidate_id: CandidateId, state: StateDep, principal: AdminDep, request: Request
) -> CandidateDecisionPublic:
    """Reject a candidate: it does not come back (404 unknown candidate, 409 already decided)."""
    return _decided(state, reject_candidate(state.engine, candidate_id, decided_by=principal.key_id), request)
