"""``parrotwatch score``: handles (the store, else the X API) or the accounts of a file, as JSON lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from detector.declared import DeclaredStateAccounts, load_declared_accounts
from detector.registry import LoadedModel, ModelRegistry
from detector.schema import Account
from detector.scoring import AccountScore
from ingest.database import open_database
from ingest.errors import UnknownHandleError
from ingest.formats import InputFormat
from ingest.handles import normalize_handle
from ingest.platform_handles import canonical_handle, parse_handle
from ingest.store import AccountStore
from service.batch_scoring import BatchSpec, score_stored
from service.cli.compute import DaskOpt, compute_backend, dask_address
from service.cli.console import err
from service.cli.errors import exit_code_for
from service.cli.inputs import staged_accounts
from service.cli.options import FormatOpt, StrictOpt, settings_of
from service.cli.progress import step_progress
from service.config import Settings
from service.score_memo import ScoreMemo
from service.scoring.handle_scorer import HandleScorer, ScoringProblem, record_in_history
from service.scoring.x_estimate import estimate_reads
from service.state import build_resolver, warm_coordination_index
from service.x_budget import XSpendLedger
from training.dask_backend import score_on_dask

__all__ = ["score"]


def score(
    ctx: typer.Context,
    handles: Annotated[list[str] | None, typer.Argument(help="Handles to score (with or without @).")] = None,
    input_file: Annotated[
        Path | None, typer.Option("--input", "-i", exists=True, help="Score the accounts of this file or folder.")
    ] = None,
    fmt: FormatOpt = InputFormat.JSONL,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write JSONL here instead of stdout.")] = None,
    version: Annotated[str | None, typer.Option(help="Model version; the active one by default.")] = None,
    refresh: Annotated[bool, typer.Option(help="Refetch handles from X even when the store has them.")] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Only say how many users and posts scoring HANDLES would read from X and what it costs."
        ),
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes scoring an --input (default 1; the CPU count uses every core).")
    ] = 1,
    strict: StrictOpt = False,
    dask: DaskOpt = None,
) -> None:
    """Score HANDLES, or the accounts in --input (all of them, or only HANDLES); one JSON object per account.

    Handles are looked up in the local store (`parrotwatch import`) and fetched from the X API when it lacks them
    (needs PARROTWATCH_X_BEARER_TOKEN), and every score is recorded in the service's history, as the API does.
    Handles that cannot be scored are reported on stderr and as error objects in the output; the exit code then
    says why (3 not a handle or unknown, also when the store lacks it and no token turns live fetch on; 4 X API or
    rate limit or X budget; 6 X refused the token). --dry-run prints one JSON object, the users and posts HANDLES
    would read from X at most and their cost from the store's cache, and reads nothing. With --input and --dask,
    chunks of accounts are prepared on Dask workers and coordination is joined here: the same scores.
    """
    settings = settings_of(ctx)
    if not handles and input_file is None:
        raise typer.BadParameter("give handles to score, or --input FILE")
    if dry_run:
        if input_file is not None or not handles:
            raise typer.BadParameter("--dry-run takes HANDLES, not --input (a file's accounts are not read from X)")
        engine = open_database(settings.resolved_database_url)
        resolver = build_resolver(settings, AccountStore(engine, limits=settings.store_limits))
        estimate = estimate_reads(resolver, handles, settings.x_prices, refresh=refresh)
        typer.echo(json.dumps(estimate.as_dict(settings.x_prices)))
        return
    if output is not None and output.is_dir():
        raise typer.BadParameter(f"--output {output} is a folder; give a file name")
    loaded = ModelRegistry(settings.models_dir).load(version)
    declared = load_declared_accounts(settings.declared_accounts_file)
    failures: list[Exception] = []
    with _output(output) as out:
        if input_file is not None:
            with staged_accounts(input_file, fmt, strict=strict, limits=settings.store_limits) as (file_handles, store):
                known = {h.lower(): h for h in file_handles}
                for h in file_handles:  # a bare name also names a file's account on another platform
                    known.setdefault(parse_handle(h).name.lower(), h)
                targets = [normalize_handle(h) or h.removeprefix("@") for h in handles] if handles else file_handles
                for handle in targets:
                    if handle.lower() not in known:
                        failures.append(UnknownHandleError(handle, f"@{handle} is not in {input_file}"))
                        _write_error(out, handle, failures[-1])
                if dask_address(dask, settings) is not None:
                    _write_scores_on_dask(loaded, list(store.iter_accounts(targets)), out, declared, dask, settings)
                else:
                    # The whole input is the coordination context, joined once, whatever is scored.
                    spec = BatchSpec(
                        store.engine.url.render_as_string(hide_password=False),
                        settings.models_dir,
                        loaded.version,
                        settings.store_limits,
                    )
                    wanted = {known[h.lower()] for h in targets if h.lower() in known}

                    def results(prepared: Callable[[int], None]) -> Iterator[AccountScore]:
                        scores = score_stored(
                            file_handles,
                            spec=spec,
                            loaded=loaded,
                            workers=workers,
                            declared=declared,
                            progress=prepared,
                        )
                        return (r for r in scores if canonical_handle(r.platform, r.handle) in wanted)

                    _write_results(results, len(wanted), out, prepare_total=len(file_handles))
        else:
            for outcome in _handle_scorer(settings, loaded, declared).score(handles, refresh=refresh):
                if outcome.problem is not None:
                    failures.append(outcome.problem.error)
                    _write_problem(out, outcome.handle, outcome.problem, platform=outcome.platform)
                elif outcome.score is not None:
                    out.write(outcome.score.model_dump_json() + "\n")
    if failures:  # the results that could be made are written; the exit code says the gravest reason for the rest
        raise typer.Exit(max(exit_code_for(e) for e in failures))


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        yield f


def _handle_scorer(settings: Settings, loaded: LoadedModel, declared: DeclaredStateAccounts) -> HandleScorer:
    """The service's scoring use case on its database: the store and X, its coordination index and history (no
    memo: a run scores each handle once)."""
    engine = open_database(settings.resolved_database_url)  # the service's database, migrated
    store = AccountStore(engine, limits=settings.store_limits)
    ledger = XSpendLedger(engine, settings.x_prices, monthly_cap_usd=settings.x_monthly_budget_usd)
    return HandleScorer(
        loaded=loaded,
        resolver=build_resolver(settings, store),
        declared=declared,
        coordination=warm_coordination_index(engine, store, settings),
        memo=ScoreMemo(0),
        record=record_in_history(engine),
        new_meter=ledger.month,
    )


def _write_results(
    results: Callable[[Callable[[int], None]], Iterable[AccountScore]],
    total: int,
    out: TextIO,
    *,
    prepare_total: int | None = None,
) -> None:
    """Write ``total`` scores as JSON lines under a progress bar. ``results`` makes them when given a callback for
    accounts prepared; with ``prepare_total``, a bar of its own follows that step (stored batches prepare every
    account in workers before the first score comes out, which would leave the scoring bar at 0 for minutes)."""
    if total == 0:
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    ) as progress:
        preparing = progress.add_task("preparing", total=prepare_total) if prepare_total is not None else None
        task = progress.add_task("scoring", total=total)
        for result in results(lambda n: progress.advance(preparing, n) if preparing is not None else None):
            out.write(result.model_dump_json())
            out.write("\n")
            progress.advance(task)


def _write_scores_on_dask(
    loaded: LoadedModel,
    accounts: list[Account],
    out: TextIO,
    declared: DeclaredStateAccounts,
    dask: str | None,
    settings: Settings,
) -> None:
    """Score on Dask; coordination within the input, as the single-process path's index of the input gives."""
    with step_progress() as steps, compute_backend(dask, settings, steps) as (_backend, client):
        steps.say(f"scoring {len(accounts)} accounts on Dask")
        results = score_on_dask(
            client, loaded.model, accounts, model_version=loaded.version, declared=declared, progress=steps.tick
        )
    for result in results:
        out.write(result.model_dump_json())
        out.write("\n")


def _write_error(out: TextIO, handle: str, exc: Exception) -> None:
    _write_problem(out, handle, ScoringProblem.of(exc))


def _write_problem(out: TextIO, handle: str, problem: ScoringProblem, *, platform: str | None = None) -> None:
    """An error object in the output, typed like the API's per-handle errors, and a line on stderr."""
    err.print(f"[yellow]@{handle}:[/] {problem.detail}", highlight=False)
    error = {"type": problem.type, "title": problem.title, "detail": problem.detail}
    if problem.retry_after_s is not None:
        error["retry_after_s"] = problem.retry_after_s
    entry: dict[str, object] = {"handle": handle, "status": "error", "error": error}
    if platform is not None:
        entry["platform"] = platform
    out.write(json.dumps(entry) + "\n")
