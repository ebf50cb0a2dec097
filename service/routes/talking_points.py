"""The talking-point catalog (reading: analysts; editing: admins). Every change stores a new catalog version.

Scoring uses the catalog the active model was trained with, since the model's narrative features were fitted on
it: an edit here takes effect when a model is trained on the current catalog (``parrotwatch catalog export``
writes it out for ``train``) and activated. Responses say both versions.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError

from detector.catalog import TalkingPoint, TalkingPointCatalog, load_catalog
from detector.errors import DetectorError
from service.auth import AdminDep, require_analyst
from service.db.catalog import CatalogVersion, edit_catalog, latest_catalog
from service.deps import StateDep
from service.errors import InvalidCatalogEditError, TalkingPointExistsError, TalkingPointNotFoundError
from service.schemas import CatalogPublic
from service.state import ServiceState

router = APIRouter(prefix="/talking-points", tags=["talking points"], dependencies=[Depends(require_analyst)])


def _scoring_catalog(state: ServiceState) -> TalkingPointCatalog | None:
    try:
        return state.require_model().model.catalog
    except DetectorError:
        return None


def _fallback(state: ServiceState) -> TalkingPointCatalog:
    """Before any edit: the serving model's catalog, or the configured file."""
    return _scoring_catalog(state) or load_catalog(state.settings.catalog_file)


def _current(state: ServiceState) -> CatalogVersion:
    """The latest stored version (``_fallback`` before any edit)."""
    return latest_catalog(state.engine, _fallback(state))


def _public(state: ServiceState, current: CatalogVersion) -> CatalogPublic:
    scoring = _scoring_catalog(state)
    return CatalogPublic(
        catalog_version=current.catalog.catalog_version,
        stored_version_id=current.id,
        change=current.change,
        created_at=current.created_at,
        created_by=current.created_by,
        scoring_catalog_version=scoring.catalog_version if scoring is not None else None,
        talking_points=list(current.catalog.talking_points),
    )


def _bump(version: str) -> str:
    """``2026.11.1`` -> ``2026.11.1-edit.1`` -> ``2026.11.1-edit.2``: an API edit is told apart from a release."""
    base, _, n = version.partition("-edit.")
    return f"{base}-edit.{int(n) + 1 if n.isdigit() else 1}"


def _save(
    state: ServiceState, points: Callable[[TalkingPointCatalog], list[TalkingPoint]], change: str, who: str
) -> CatalogPublic:
    """Store the catalog with the talking points ``points`` makes from the newest version's (which may refuse)."""

    def edit(current: CatalogVersion) -> tuple[TalkingPointCatalog, str]:
        edited = points(current.catalog)
        try:
            catalog = TalkingPointCatalog.model_validate(
                {**current.catalog.model_dump(), "version": _bump(current.catalog.version), "talking_points": edited}
            )
        except ValidationError as exc:
            raise InvalidCatalogEditError(f"the edit would leave an invalid catalog: {exc.errors()[0]['msg']}") from exc
        return catalog, change

    return _public(state, edit_catalog(state.engine, _fallback(state), edit, created_by=who))


@router.get("", response_model=CatalogPublic)
def get_catalog(state: StateDep) -> CatalogPublic:
    """The current catalog and its version, and the version scoring uses (the active model's)."""
    return _public(state, _current(state))


@router.get("/{talking_point_id}", response_model=TalkingPoint)
def get_talking_point(talking_point_id: str, state: StateDep) -> TalkingPoint:
    try:
        return _current(state).catalog.get(talking_point_id)
    except KeyError:
        raise TalkingPointNotFoundError(talking_point_id) from None


@router.post("", response_model=CatalogPublic, status_code=201)
def add_talking_point(body: TalkingPoint, state: StateDep, principal: AdminDep, request: Request) -> CatalogPublic:
    """Add a talking point (409 when the id exists); returns the new catalog version."""

    def added(catalog: TalkingPointCatalog) -> list[TalkingPoint]:
        if any(tp.id == body.id for tp in catalog.talking_points):
            raise TalkingPointExistsError(body.id)
        return [*catalog.talking_points, body]

    request.state.audit_target = f"talking point {body.id}"
    return _save(state, added, f"add {body.id}", principal.key_id)


@router.put("/{talking_point_id}", response_model=CatalogPublic)
def replace_talking_point(
    talking_point_id: str, body: TalkingPoint, state: StateDep, principal: AdminDep, request: Request
) -> CatalogPublic:
    """Replace a talking point; the body's id must be the path's."""
    if body.id != talking_point_id:
        raise InvalidCatalogEditError(f"the body's id {body.id!r} differs from the path's {talking_point_id!r}")

    def replaced(catalog: TalkingPointCatalog) -> list[TalkingPoint]:
        if not any(tp.id == talking_point_id for tp in catalog.talking_points):
            raise TalkingPointNotFoundError(talking_point_id)
        return [body if tp.id == talking_point_id else tp for tp in catalog.talking_points]

    request.state.audit_target = f"talking point {talking_point_id}"
    return _save(state, replaced, f"replace {talking_point_id}", principal.key_id)


@router.delete("/{talking_point_id}", response_model=CatalogPublic)
def delete_talking_point(
    talking_point_id: str, state: StateDep, principal: AdminDep, request: Request
) -> CatalogPublic:
    """Remove a talking point (the catalog keeps at least one)."""

    def deleted(catalog: TalkingPointCatalog) -> list[TalkingPoint]:
        points = [tp for tp in catalog.talking_points if tp.id != talking_point_id]
        if len(points) == len(catalog.talking_points):
            raise TalkingPointNotFoundError(talking_point_id)
        return points

    request.state.audit_target = f"talking point {talking_point_id}"
    return _save(state, deleted, f"delete {talking_point_id}", principal.key_id)
