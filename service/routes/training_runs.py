"""Training runs (admins): start a retraining on what the service holds and has been told, and watch it.

A run trains on the stored accounts labeled by the labels folder (``PARROTWATCH_LABELS_DIR``) and, by default, the
analysts' feedback; it promotes the new version through the same gate as ``parrotwatch models promote``. It runs
in a child process (``parrotwatch retrain --run-id``), one at a time; poll the run, or read its log as it goes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import PlainTextResponse

from service.auth import AdminDep, ScopeDep, require_admin
from service.db.feedback import stored_feedback
from service.db.training_runs import TrainingRun, cancel_run, create_run, get_run, list_runs
from service.deps import EngineDep, SettingsDep, TrainingLauncherDep
from service.errors import NoLabelsError
from service.schemas import TrainingRunCreate, TrainingRunPublic

router = APIRouter(prefix="/training-runs", tags=["training"], dependencies=[Depends(require_admin)])
LOG_TAIL_BYTES = 64 * 1024


def _public(run: TrainingRun) -> TrainingRunPublic:
    return TrainingRunPublic(
        id=run.id,
        status=run.status,  # type: ignore[arg-type]
        options=TrainingRunCreate.model_validate(run.options),
        requested_by=run.requested_by,
        progress=run.progress,
        version=run.version,
        promoted=run.promoted,
        result=run.result,
        error=run.error,
        exit_code=run.exit_code,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        log_url=f"/v1/training-runs/{run.id}/log",
    )


@router.post("", status_code=202, response_model=TrainingRunPublic)
def start_training_run(
    body: TrainingRunCreate,
    engine: EngineDep,
    settings: SettingsDep,
    launcher: TrainingLauncherDep,
    principal: AdminDep,
    request: Request,
    response: Response,
) -> TrainingRunPublic:
    """Start a run (202); 409 while another run is unfinished; 422 when there is nothing labeled to learn from."""
    labels_dir = settings.resolved_labels_dir
    has_files = labels_dir.is_dir() and any(labels_dir.glob("*.csv"))
    if not has_files and not (body.with_feedback and stored_feedback(engine).labels):
        raise NoLabelsError(
            f"nothing labeled to train on: no labels CSV in {labels_dir}"
            + (" and no analyst feedback that gives a label" if body.with_feedback else " (with_feedback is off)")
        )
    run = create_run(engine, body.model_dump(), requested_by=principal.name, key_id=principal.key_id)
    launcher.start(run)
    response.headers["Location"] = f"/v1/training-runs/{run.id}"
    request.state.audit_target = f"training run {run.id}"
    return _public(get_run(engine, run.id))


@router.get("", response_model=list[TrainingRunPublic])
def list_training_runs(
    engine: EngineDep, scope: ScopeDep, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[TrainingRunPublic]:
    """Newest first (the caller's scope: admins see every run)."""
    return [_public(run) for run in list_runs(engine, limit=limit, scope=scope)]


@router.get("/{run_id}", response_model=TrainingRunPublic)
def get_training_run(run_id: str, engine: EngineDep, scope: ScopeDep) -> TrainingRunPublic:
    return _public(get_run(engine, run_id, scope=scope))


@router.delete("/{run_id}", response_model=TrainingRunPublic)
def cancel_training_run(
    run_id: str, engine: EngineDep, principal: AdminDep, scope: ScopeDep, request: Request
) -> TrainingRunPublic:
    """Stop a queued or running run (its process is terminated; a version it already saved stays in the registry,
    inactive unless it was promoted); 409 once it has ended."""
    request.state.audit_target = f"training run {run_id}"
    return _public(cancel_run(engine, run_id, by=principal.name, scope=scope))


@router.get("/{run_id}/log", response_class=PlainTextResponse)
def training_run_log(
    run_id: str, engine: EngineDep, scope: ScopeDep, launcher: TrainingLauncherDep
) -> PlainTextResponse:
    """The run's output so far (its last 64 KiB): the steps, the figures tables and the summary line."""
    run = get_run(engine, run_id, scope=scope)  # 404 for an unknown id, before any file is looked at
    path = launcher.log_path(run.id)
    if not path.exists():
        return PlainTextResponse("")
    with path.open("rb") as f:
        size = f.seek(0, 2)
        f.seek(max(0, size - LOG_TAIL_BYTES))
        return PlainTextResponse(f.read().decode("utf-8", errors="replace"))
