"""Batch jobs: submit up to 100,000 handles (JSON or a CSV upload), follow progress, stream results, cancel.

A job is its creator's: an analyst lists, reads and cancels its own and its team's, an admin all; another owner's
job id is a 404 ``job-not-found`` like an unknown one (``service/scopes.py``), audited as a refusal.

X reads cost money: ``?dry_run=true`` says what a job would read and cost, from the store's cache, creating
nothing; a job over its budget (``budget_usd``, else the setting) or the month's, or stopped by X's 402, is
``paused``, and ``POST /v1/jobs/{id}/resume`` (with a new ``budget_usd`` if need be) continues it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from ingest.platform_handles import parse_handle
from service.auth import AnalystDep, ScopeDep, require_analyst
from service.db.jobs import (
    JobResult,
    JobStatus,
    cancel_job,
    create_job,
    get_job,
    iter_results,
    list_jobs,
    resume_job,
)
from service.deps import EngineDep, ResolverDep, RunnerDep, SettingsDep
from service.errors import EmptyJobError, InvalidHandlesError, TooManyHandlesError
from service.jobs.handles_file import read_handle_lines
from service.schemas import JobCreate, JobErrorPublic, JobPublic, JobResume, XReadEstimatePublic, normalize_handle
from service.scoring.x_estimate import estimate_reads
from service.spreadsheet import spreadsheet_safe

router = APIRouter(prefix="/jobs", tags=["jobs"], dependencies=[Depends(require_analyst)])

CSV_COLUMNS = (
    "handle",
    "platform",
    "status",
    "score",
    "band",
    "narrative",
    "repetition",
    "coordination",
    "behaviour",
    "state_affiliated",
    "n_posts",
    "model_version",
    "catalog_version",
    "error_type",
    "error",
)
_MULTIPART_SCHEMA = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "CSV with a handle column, or one handle per line without a header.",
        },
        "refresh": {"type": "boolean", "default": False},
        "budget_usd": {"type": "number", "minimum": 0, "description": "Most the job may spend on X reads."},
    },
}


async def read_job_request(request: Request) -> JobCreate:
    """The job's handles from a JSON body or from a multipart upload's ``file`` field (line numbers kept)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise RequestValidationError(
                [{"loc": ("body", "file"), "msg": "a multipart job needs a file field", "type": "missing"}]
            )
        data = await upload.read()
        try:
            lines = read_handle_lines(data)
        except UnicodeDecodeError as exc:
            raise RequestValidationError(
                [{"loc": ("body", "file"), "msg": f"the file is not UTF-8 text ({exc.reason})", "type": "value_error"}]
            ) from exc
        refresh = str(form.get("refresh", "false")).lower() in ("1", "true", "on", "yes")
        budget_usd = _budget_field(form.get("budget_usd"))
    else:
        try:
            job = JobCreate.model_validate_json(await request.body())
        except ValidationError as exc:
            raise RequestValidationError(
                [{**e, "loc": ("body", *e.get("loc", ()))} for e in exc.errors(include_url=False)]
            ) from exc
        lines = list(enumerate(job.handles, start=1))
        refresh, budget_usd = job.refresh, job.budget_usd
    return JobCreate.model_construct(handles=_valid_handles(lines), refresh=refresh, budget_usd=budget_usd)


def _budget_field(value: object) -> float | None:
    """A multipart ``budget_usd``: a number >= 0, or absent."""
    if value is None or value == "":
        return None
    try:
        budget = float(str(value))
    except ValueError:
        budget = -1.0
    if not 0 <= budget < float("inf"):
        raise RequestValidationError(
            [{"loc": ("body", "budget_usd"), "msg": "budget_usd must be a number >= 0", "type": "value_error"}]
        )
    return budget


def _valid_handles(lines: list[tuple[int, str]]) -> list[str]:
    invalid = [(line, raw) for line, raw in lines if normalize_handle(raw) is None]
    if invalid:
        raise InvalidHandlesError(invalid, len(invalid))
    if not lines:
        raise EmptyJobError()
    return [normalize_handle(raw) or raw for _, raw in lines]


def _public(status: JobStatus) -> JobPublic:
    return JobPublic(
        **{**vars(status), "errors": [JobErrorPublic(**vars(e)) for e in status.errors]},
        pending=max(0, status.total - status.done - status.failed),
        results_url=f"/v1/jobs/{status.id}/results",
    )


@router.post(
    "",
    response_model=JobPublic,
    status_code=202,
    responses={200: {"model": XReadEstimatePublic, "description": "dry_run=true: the estimate; no job is made."}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": JobCreate.model_json_schema()},
                "multipart/form-data": {"schema": _MULTIPART_SCHEMA},
            },
        }
    },
)
def submit_job(
    job: Annotated[JobCreate, Depends(read_job_request)],
    settings: SettingsDep,
    engine: EngineDep,
    runner: RunnerDep,
    principal: AnalystDep,
    request: Request,
    resolver: ResolverDep,
    dry_run: Annotated[bool, Query(description="Only say what the job would read from X and cost.")] = False,
) -> JobPublic | JSONResponse:
    """Queue a job scoring up to 100,000 handles (duplicates counted once); 202 with its id and progress.

    Send ``{"handles": [...]}`` as JSON, or a multipart upload whose ``file`` is a CSV with a ``handle`` column
    (also ``username``, ``screen_name``, ``user_screen_name``) or one handle per line without a header. A CSV with
    several columns and no handle column is refused (422 ``no-handle-column``, naming the columns found), and an
    invalid handle refuses the whole job (422 ``invalid-handles``, naming the lines). The job runs in the background
    and survives restarts.

    With ``dry_run=true`` the answer is 200 with the users and posts the job would read from X at most and their
    cost, from the store's cache (a fresh stored account is free), and no job is made.
    """
    if len(job.handles) > settings.max_handles_per_job:
        raise TooManyHandlesError(
            len(job.handles), settings.max_handles_per_job, hint="Split the list into several jobs."
        )
    if dry_run:
        estimate = estimate_reads(resolver, job.handles, settings.x_prices, refresh=job.refresh)
        return JSONResponse(XReadEstimatePublic.model_validate(estimate.as_dict(settings.x_prices)).model_dump())
    job_id = create_job(
        engine,
        job.handles,
        refresh=job.refresh,
        created_by=principal.key_id,
        created_by_name=principal.name,
        x_budget_usd=job.budget_usd,
    )
    request.state.audit_target = f"job {job_id} ({len(job.handles)} handles)"
    runner.wake()
    return _public(get_job(engine, job_id))


@router.get("", response_model=list[JobPublic])
def get_jobs(engine: EngineDep, scope: ScopeDep, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[JobPublic]:
    """The newest jobs the caller may see first, with their progress (per-handle errors: ``GET /v1/jobs/{id}``)."""
    return [_public(status) for status in list_jobs(engine, limit=limit, scope=scope)]


@router.get("/{job_id}", response_model=JobPublic)
def get_job_status(job_id: str, engine: EngineDep, scope: ScopeDep) -> JobPublic:
    """State (queued, running, paused, done, cancelled), progress counts, X spend and per-handle errors."""
    return _public(get_job(engine, job_id, scope=scope))


@router.post("/{job_id}/resume", response_model=JobPublic)
def resume(
    job_id: str,
    engine: EngineDep,
    scope: ScopeDep,
    runner: RunnerDep,
    request: Request,
    body: JobResume | None = None,
) -> JobPublic:
    """Continue a paused job, with a new ``budget_usd`` if given (409 when it is done or cancelled).

    Nothing read before is read again: accounts read whole are in the store, and one a pause cut short is read on
    from its oldest post. A job still over a cap pauses again at once, spending nothing.
    """
    request.state.audit_target = f"job {job_id}"
    status = resume_job(engine, job_id, budget_usd=body.budget_usd if body else None, scope=scope)
    runner.wake()
    return _public(status)


@router.delete("/{job_id}", response_model=JobPublic)
def cancel(job_id: str, engine: EngineDep, scope: ScopeDep, request: Request) -> JobPublic:
    """Cancel a queued or running job (409 when it is done); results recorded so far stay readable."""
    request.state.audit_target = f"job {job_id}"
    return _public(cancel_job(engine, job_id, scope=scope))


def _platform(r: JobResult) -> str:
    """The scored account's platform, else the one the handle names."""
    return (r.result.platform if r.result is not None else None) or parse_handle(r.handle).platform


def _jsonl(results: Iterator[JobResult]) -> Iterator[str]:
    """One line per handle with its platform."""
    for r in results:
        if r.result is not None:
            entry = {
                "handle": r.handle,
                "platform": _platform(r),
                "status": "scored",
                "result": r.result.model_dump(mode="json"),
            }
        else:
            entry = {
                "handle": r.handle,
                "platform": _platform(r),
                "status": "error",
                "error": {"type": r.error_type, "detail": r.error_detail},
            }
        yield json.dumps(entry, ensure_ascii=False) + "\n"


def _csv(results: Iterator[JobResult]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for r in results:
        score = r.result
        components = score.components if score is not None else {}
        row = [
            r.handle,
            _platform(r),
            "scored" if score is not None else "error",
            "" if score is None or score.score is None else score.score,
            score.band if score else "",
            *("" if components.get(c) is None else components[c] for c in CSV_COLUMNS[5:9]),
            str(score.state_affiliated).lower() if score else "",
            score.n_posts if score else "",
            score.model_version if score else "",
            score.catalog_version if score else "",
            r.error_type or "",
            r.error_detail or "",
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        yield flush()


@router.get(
    "/{job_id}/results",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}, "description": "One row per handle."}},
)
def job_results(
    job_id: str,
    engine: EngineDep,
    scope: ScopeDep,
    fmt: Annotated[Literal["jsonl", "csv"], Query(alias="format")] = "jsonl",
) -> StreamingResponse:
    """Stream the results recorded so far, in submission order: all of them once the job is done.

    While a job runs this returns what is finished at the time of the request; ``X-Job-State`` says whether more
    will come. JSONL lines look like ``POST /v1/scores`` results; CSV has one flat row per handle.
    """
    status = get_job(engine, job_id, scope=scope)
    results = iter_results(engine, job_id)
    headers = {"X-Job-State": status.state, "Content-Disposition": f'attachment; filename="job-{job_id}.{fmt}"'}
    if fmt == "csv":
        return StreamingResponse(_csv(results), media_type="text/csv; charset=utf-8", headers=headers)
    return StreamingResponse(_jsonl(results), media_type="application/x-ndjson", headers=headers)
