"""The top-level commands: demo-data, import, train, evaluate, score, serve."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.engine import make_url

from detector.catalog import load_catalog
from detector.coordination import CoordinationIndex
from detector.declared import DeclaredStateAccounts, load_declared_accounts
from detector.embeddings import load_embedder
from detector.registry import LoadedModel, ModelRegistry
from detector.schema import PLATFORMS, Account, normalize_platform
from detector.scoring import AccountScore, score_accounts
from ingest.database import make_engine, open_database
from ingest.errors import IngestError, UnknownHandleError
from ingest.formats import InputFormat
from ingest.store import AccountStore
from service.batch_scoring import BatchSpec, score_stored
from service.cli import app, exit_code_for
from service.cli.compute import DaskOpt, compute_backend, dask_address
from service.cli.console import err
from service.cli.inputs import import_inputs, staged_accounts
from service.cli.labeled import labeled_set, read_label_source, stored_labeled_set
from service.cli.models import models_app
from service.cli.progress import step_progress
from service.cli.run_record import RunRecord, recorded_run
from service.cli.tables import candidates_table, evaluation_tables, gate_table, report_tables
from service.config import Settings
from service.db.feedback import stored_feedback
from service.problems import problem_for
from service.state import build_resolver, warm_coordination_index
from training.dask_backend import score_on_dask
from training.errors import InsufficientDataError, PromotionRefusedError
from training.evaluate import evaluate_model, held_out_scores
from training.label_sources import StoredFeedback, gather_labels
from training.labels import LabelRow
from training.promotion import current_user, run_gate
from training.promotion import promote as promote_version
from training.report import build_report, write_evaluation_plots, write_report
from training.train import LabeledSet, train_model

app.add_typer(models_app, name="models")

InputOpt = Annotated[
    Path, typer.Option("--input", "-i", exists=True, help="Accounts file, or a folder of files in --format.")
]
FormatOpt = Annotated[InputFormat, typer.Option("--format", "-f", help="Format of --input.")]
LabelsOpt = Annotated[
    Path | None, typer.Option("--labels", "-l", exists=True, dir_okay=False, help="CSV with handle,label[,network].")
]
LabelColumnOpt = Annotated[
    str | None,
    typer.Option(
        "--label-column",
        help="Take labels from this column of io-archive input (1/0 or label names) instead of --labels.",
    ),
]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Stop at the first malformed row instead of skipping it.")]
OptionalInputOpt = Annotated[
    Path | None,
    typer.Option("--input", "-i", exists=True, help="Accounts file or folder in --format (or --from-store)."),
]
FromStoreOpt = Annotated[
    bool,
    typer.Option(
        "--from-store",
        help="Train on the accounts in the service's own store (imported, or fetched when scored) instead of --input.",
    ),
]
WithFeedbackOpt = Annotated[
    bool,
    typer.Option(
        "--with-feedback",
        help="Add the analysts' verdicts stored by the service (confirm/dispute of a band) as labels, newest last.",
    ),
]


def _settings(ctx: typer.Context) -> Settings:
    return ctx.obj["settings"]


def _store(settings: Settings) -> AccountStore:
    return AccountStore(make_engine(settings.resolved_database_url), limits=settings.store_limits)


@app.command("demo-data")
def demo_data(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option(help="Folder to write; default: $PARROTWATCH_DATA_DIR/demo.")] = None,
    seed: Annotated[int, typer.Option(help="Generator seed; the same seed gives byte-identical files.")] = 2023,
    accounts: Annotated[int, typer.Option(min=50, help="Number of accounts (~50 posts each).")] = 2000,
) -> None:
    """Write the SYNTHETIC demo corpus: accounts.jsonl, labels.csv and a README saying what it is."""
    from ingest.synthetic import generate_corpus, write_corpus

    out = out or _settings(ctx).demo_dir
    with err.status(f"generating {accounts} synthetic accounts (seed {seed})"):
        corpus = generate_corpus(seed=seed, n_accounts=accounts)
        paths = write_corpus(corpus, out)
    n_posts = sum(len(item.account.posts) for item in corpus)
    err.print(f"wrote {len(corpus)} accounts and {n_posts} posts to {paths['accounts']} (labels: {paths['labels']})")


@app.command("import")
def import_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(exists=True, help="File, or folder of files, to import.")],
    fmt: FormatOpt = InputFormat.JSONL,
    strict: StrictOpt = False,
    platform: Annotated[
        str | None,
        typer.Option(
            "--platform",
            help=f"Platform of the accounts whose rows name none: {', '.join(PLATFORMS)}. io-archive and twarc2 "
            "files are X's (x).",
        ),
    ] = None,
) -> None:
    """Import accounts and posts into the local store, so that scoring by handle finds them.

    Each file is imported in one transaction: all its readable rows, or nothing on a fatal error. Rows that cannot
    be read are skipped and listed as file:line (with --strict the first one stops the import, exit 3). Importing a
    file again adds nothing twice. An account keeps the platform it was stored with unless its rows or --platform
    name another.
    """
    try:
        platform = normalize_platform(platform)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--platform") from exc
    if platform is not None and fmt.platform is not None and platform != fmt.platform:
        raise typer.BadParameter(
            f"{fmt.value} files hold {fmt.platform} accounts only, not {platform}", param_hint="--platform"
        )
    reports = import_inputs(_store(_settings(ctx)), path, fmt, strict=strict, platform=platform)
    table = Table(title="import")
    for column in ("source", "rows", "accounts", "posts added", "posts already stored", "rows skipped"):
        table.add_column(column)
    for r in reports:
        table.add_row(
            r.source, str(r.n_rows), str(len(r.handles)), str(r.n_posts_added), str(r.n_posts_known), str(r.n_problems)
        )
    err.print(table)


PromoteOpt = Annotated[
    bool,
    typer.Option(
        "--promote",
        help="Make the new version active if the promotion gate passes (PR-AUC on the accounts neither version "
        "trained on); refused otherwise (exit 7).",
    ),
]
ToleranceOpt = Annotated[
    float | None,
    typer.Option(
        min=0.0, max=1.0, help="How far below the active PR-AUC a candidate may be; $PARROTWATCH_PROMOTION_TOLERANCE."
    ),
]


@app.command()
def train(
    ctx: typer.Context,
    input_file: OptionalInputOpt = None,
    labels: LabelsOpt = None,
    label_column: LabelColumnOpt = None,
    fmt: FormatOpt = InputFormat.JSONL,
    from_store: FromStoreOpt = False,
    with_feedback: WithFeedbackOpt = False,
    seed: Annotated[int, typer.Option(help="Seed for the split and cross-validation.")] = 0,
    min_posts: Annotated[
        int,
        typer.Option(
            min=1,
            help="Fewest posts for a confident band; thinner accounts are still trained on, and scored as provisional.",
        ),
    ] = 5,
    embeddings: Annotated[
        bool,
        typer.Option(
            "--embeddings",
            help="Add the multilingual sentence-embedding pass to narrative matching (needs the 'embeddings' extra).",
        ),
    ] = False,
    test_fraction: Annotated[float, typer.Option(min=0.05, max=0.5, help="Share of groups held out.")] = 0.25,
    activate: Annotated[
        bool,
        typer.Option(help="Make the new version active without the gate (always done when none is active yet)."),
    ] = False,
    promote: PromoteOpt = False,
    tolerance: ToleranceOpt = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Stop at the first malformed row, and make label warnings fatal (exit 3), before training."
        ),
    ] = False,
    report: Annotated[
        bool, typer.Option(help="Write report.html, report.json and PNG figures into the version (refits the head).")
    ] = True,
    dask: DaskOpt = None,
    recipe: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="Train from a recipe of labeled sources instead of --input (the shipped default: "
            "training/recipes/default.yaml, which `make model` uses). Evaluates every honest split first.",
        ),
    ] = None,
    data_root: Annotated[
        Path | None,
        typer.Option(help="Where a recipe's source paths start; default $PARROTWATCH_RECIPE_DATA, else the recipe's."),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(help="Name the version <NAME>-<sha256 prefix> instead of a time stamp (recipes only)."),
    ] = None,
) -> None:
    """Train a model on labeled accounts, hold out whole networks, and write a new registry version.

    Candidate heads (logistic regression, boosted trees) are compared by grouped cross-validation on the training
    side and one is chosen by PR-AUC (the linear one unless beaten by more than 0.01). With the report (default),
    the head is also refitted on a split by account, by time and one operation left out at a time, and without each
    feature family; figures and plots go into the version folder beside the model.
    """
    settings = _settings(ctx)
    if recipe is not None:
        if input_file is not None or from_store or labels is not None or label_column is not None:
            raise typer.BadParameter("--recipe names its own sources and labels: give it alone")
        from service.cli.recipe import train_from_recipe

        train_from_recipe(settings, recipe, root=data_root, activate=activate, name=name)
        return
    _one_account_source(input_file, from_store)
    if from_store and label_column is not None:
        raise typer.BadParameter("--label-column reads a column of --input: use --labels with --from-store")
    # Labels are refused before any work: a file, a column of the input, the stored feedback, or a file and feedback.
    if with_feedback and labels is None and label_column is None:
        label_rows: dict[str, LabelRow] = {}
    else:
        label_rows = read_label_source(labels, label_column, input_file, fmt)
    feedback = _stored_feedback(settings) if with_feedback else None
    if feedback is not None:
        label_rows = {**label_rows, **feedback.labels}  # an analyst's verdict is the newest word on an account
        err.print(f"{len(feedback.labels)} account(s) labeled by analysts' feedback", highlight=False)
    if not label_rows:
        raise InsufficientDataError("no labels: the service holds no feedback that gives a label")
    if embeddings:
        load_embedder("use-m3")  # a missing extra is refused before any work too (exit 6)
    data = _labeled(settings, input_file, fmt, label_rows, from_store=from_store, strict=strict)
    source = {
        **_input_source(settings, input_file, fmt, from_store),
        "labels": str(labels.resolve()) if labels is not None else None,
        "label_column": label_column,
        "feedback": len(feedback.labels) if feedback is not None else None,
    }
    options = TrainOptions(seed, min_posts, embeddings, test_fraction, report, dask)
    _train_and_publish(settings, data, options, source=source, activate=activate, promote=promote, tolerance=tolerance)


def _one_account_source(input_file: Path | None, from_store: bool) -> None:
    if (input_file is None) == (not from_store):
        raise typer.BadParameter("give exactly one of --input PATH or --from-store")


def _stored_feedback(settings: Settings) -> StoredFeedback:
    engine = open_database(settings.resolved_database_url, busy_timeout_s=settings.db_busy_timeout_s)
    try:
        return stored_feedback(engine)
    finally:
        engine.dispose()


def _labeled(
    settings: Settings,
    input_file: Path | None,
    fmt: InputFormat,
    label_rows: dict[str, LabelRow],
    *,
    from_store: bool,
    strict: bool,
) -> LabeledSet:
    if from_store:
        store = _store(settings)
        try:
            return stored_labeled_set(store, label_rows, strict=strict)
        finally:
            store.engine.dispose()
    assert input_file is not None
    return labeled_set(input_file, fmt, label_rows, strict=strict, limits=settings.store_limits)


def _input_source(settings: Settings, input_file: Path | None, fmt: InputFormat, from_store: bool) -> dict:
    """Where the accounts came from, for the card (``models promote`` reads them again from there)."""
    if from_store:
        url = make_url(settings.resolved_database_url).render_as_string(hide_password=True)
        return {"input": None, "format": "store", "database": url}
    assert input_file is not None
    return {"input": str(input_file.resolve()), "format": fmt.value}


@dataclass(frozen=True)
class TrainOptions:
    seed: int = 0
    min_posts: int = 5
    embeddings: bool = False
    test_fraction: float = 0.25
    report: bool = True
    dask: str | None = None


def _train_and_publish(
    settings: Settings,
    data: LabeledSet,
    options: TrainOptions,
    *,
    source: dict,
    activate: bool,
    promote: bool,
    tolerance: float | None,
    record: RunRecord | None = None,
) -> str:
    """Train, save a version (with its report), activate or promote it, and print the figures and a summary.

    ``record`` (a run started through the API) hears each step and the outcome."""
    started = time.perf_counter()
    summary = Table(title="labeled data", show_header=False)
    for name, value in data.summary.items():
        summary.add_row(name.removeprefix("n_").replace("_", " "), str(value))
    err.print(summary)
    catalog = load_catalog(settings.catalog_file)
    training_report = None
    on_step = record.step if record is not None else None
    with step_progress(on_step) as steps, compute_backend(options.dask, settings, steps) as (backend, _client):
        result = train_model(
            data,
            catalog=catalog,
            seed=options.seed,
            min_posts=options.min_posts,
            embedder="use-m3" if options.embeddings else None,
            test_fraction=options.test_fraction,
            progress=steps.say,
            backend=backend,
        )
        if options.report:
            steps.say("training report")
            training_report = build_report(data, result, progress=steps.say)
        steps.say("saving the version")
        result.card["source"] = source  # where `models promote` finds labeled accounts again
        registry = ModelRegistry(settings.models_dir)
        write = partial(write_report, training_report) if training_report else None  # into the staging folder
        version = registry.save(result.model, result.card, result.split, before_publish=write)
    if record is not None:  # should the gate fail on its own, the run still names the version it wrote
        record.published({"version": version, "promoted": False, "held_out": result.card["metrics"]["held_out"]})
    held_out = result.card["metrics"]["held_out"]
    _print_metrics(f"model {version}: held-out accounts (networks never seen in training)", held_out)
    report_path = None
    if training_report is not None:
        for table in report_tables(training_report.summary):
            err.print(table)
        report_path = str(registry.folder(version) / "report.html")
        err.print(f"report: {report_path}")
    err.print(candidates_table(result.card["candidates"], result.card["head"]["kind"]))
    err.print(f"head: {result.card['head']['reason']}", highlight=False)
    refused = None
    gate = None
    active = registry.active_version()
    if active is None:
        registry.activate(version, action="first", audit={"user": current_user()})
        err.print(f"activated {version} (no model was active)")
    elif promote:
        gate = run_gate(
            registry,
            registry.load(version),
            registry.load(active),
            data,
            tolerance=settings.promotion_tolerance if tolerance is None else tolerance,
        )
        err.print(gate_table(gate.figures()))
        try:
            promote_version(registry, version, gate=gate)
            err.print(f"promoted {version}")
        except PromotionRefusedError as exc:
            refused = exc
    elif activate:
        registry.activate(version, audit={"user": current_user()})
        err.print(f"activated {version}")
    err.print(
        f"[bold]done[/] in {time.perf_counter() - started:.0f} s: version {version}, head {result.card['head']['kind']}"
        f", held-out PR-AUC {held_out['pr_auc']}, active model {registry.active_version()}",
        highlight=False,
    )
    typer.echo(json.dumps({"version": version, "held_out": held_out, "report": report_path}))
    if record is not None:
        record.published(
            {
                "version": version,
                "promoted": registry.active_version() == version,
                "active_version": registry.active_version(),
                "head": result.card["head"]["kind"],
                "held_out": held_out,
                "gate": gate.figures() if gate is not None else None,
                "n_accounts": data.summary.get("n_accounts"),
            }
        )
    if refused is not None:
        raise refused
    return version


def _since(value: str, registry: ModelRegistry) -> datetime:
    """``LAST`` (when the newest version was trained; the beginning of time without one) or an ISO date."""
    if value.upper() == "LAST":
        versions = registry.versions()
        if not versions:
            return datetime.min.replace(tzinfo=UTC)
        return datetime.fromisoformat(registry.card(versions[-1])["created_at"])
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"--since takes LAST or an ISO date, got {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command()
def retrain(
    ctx: typer.Context,
    input_file: OptionalInputOpt = None,
    fmt: FormatOpt = InputFormat.JSONL,
    from_store: FromStoreOpt = False,
    since: Annotated[
        str, typer.Option(help="LAST (the newest version's training time) or an ISO date: retrain if labels changed.")
    ] = "LAST",
    labels_dir: Annotated[
        Path | None,
        typer.Option(
            file_okay=False, help="Folder of labels CSVs; default $PARROTWATCH_LABELS_DIR or data_dir/labels."
        ),
    ] = None,
    with_feedback: WithFeedbackOpt = False,
    feedback_file: Annotated[
        Path | None,
        typer.Option(
            "--feedback-file",
            exists=True,
            dir_okay=False,
            help="A feedback export (CSV handle,label,...; `parrotwatch feedback export`) instead of the database.",
        ),
    ] = None,
    promote: Annotated[bool, typer.Option(help="Promote through the gate (refused: exit 7, nothing changes).")] = True,
    tolerance: ToleranceOpt = None,
    seed: Annotated[int, typer.Option(help="Seed for the split and cross-validation.")] = 0,
    report: Annotated[bool, typer.Option(help="Write the training report into the version.")] = True,
    strict: Annotated[bool, typer.Option("--strict", help="Make label warnings fatal (exit 3).")] = False,
    dask: DaskOpt = None,
    run_id: Annotated[
        str | None, typer.Option(hidden=True, help="A training run started through the API: record into it.")
    ] = None,
) -> None:
    """Retrain on every label when some labels file or analysts' feedback changed since --since; for cron.

    All labels files of the folder are merged, oldest first, a newer file's label replacing an older one; feedback
    (--with-feedback from the service's database, or a --feedback-file export) comes last. Nothing changed: exit 0
    without training. The new version is promoted through the gate.
    """
    settings = _settings(ctx)
    engine = None
    if run_id is not None:
        engine = open_database(settings.resolved_database_url, busy_timeout_s=settings.db_busy_timeout_s)
    try:
        with recorded_run(engine, run_id) as record:
            _retrain(
                settings,
                input_file,
                fmt,
                from_store=from_store,
                since=since,
                labels_dir=labels_dir,
                with_feedback=with_feedback,
                feedback_file=feedback_file,
                promote=promote,
                tolerance=tolerance,
                options=TrainOptions(seed=seed, report=report, dask=dask),
                strict=strict,
                record=record,
            )
    finally:
        if engine is not None:
            engine.dispose()


def _retrain(
    settings: Settings,
    input_file: Path | None,
    fmt: InputFormat,
    *,
    from_store: bool,
    since: str,
    labels_dir: Path | None,
    with_feedback: bool,
    feedback_file: Path | None,
    promote: bool,
    tolerance: float | None,
    options: TrainOptions,
    strict: bool,
    record: RunRecord,
) -> None:
    _one_account_source(input_file, from_store)
    registry = ModelRegistry(settings.models_dir)
    moment = _since(since, registry)
    folder = labels_dir or settings.resolved_labels_dir
    record.step("reading labels")
    sources = gather_labels(
        folder if folder.is_dir() else None,
        since=moment,
        feedback=feedback_file,
        stored_feedback=_stored_feedback(settings) if with_feedback else None,
    )
    if sources.empty:
        raise InsufficientDataError(
            f"no labels: {folder} has no *.csv"
            + (" and the service holds no feedback that gives a label" if with_feedback else "")
            + ("" if with_feedback or feedback_file else " (add --with-feedback for the analysts' verdicts)")
        )
    if not sources.changed:
        err.print(f"nothing labeled since {moment.isoformat()} in {folder} or in feedback: no retraining")
        typer.echo(json.dumps({"version": None, "since": moment.isoformat(), "new_files": []}))
        record.published({"version": None, "trained": False, "since": moment.isoformat()})
        return
    err.print(
        f"{len(sources.new_files)} of {len(sources.files)} label file(s) changed since {moment.isoformat()}"
        + (f", new feedback on {sources.n_feedback} account(s)" if sources.new_feedback else "")
        + f": {len(sources.labels)} labeled accounts ({sources.n_replaced} relabeled by newer labels)",
        highlight=False,
    )
    record.step("reading the labeled accounts")
    data = _labeled(settings, input_file, fmt, sources.labels, from_store=from_store, strict=strict)
    source = {
        **_input_source(settings, input_file, fmt, from_store),
        "labels": None,
        "label_files": [str(p.resolve()) for p in sources.files],
        "label_column": None,
        "feedback": sources.n_feedback if with_feedback else None,
    }
    _train_and_publish(
        settings, data, options, source=source, activate=False, promote=promote, tolerance=tolerance, record=record
    )


def _print_metrics(title: str, metrics: dict) -> None:
    names = ("roc_auc", "pr_auc", "f1", "brier", "n_accounts", "n_positive")
    table = Table(title=title)
    for name in names:
        table.add_column(name)
    table.add_row(*(str(metrics[name]) for name in names))
    err.print(table)


@app.command()
def evaluate(
    ctx: typer.Context,
    input_file: OptionalInputOpt = None,
    labels: LabelsOpt = None,
    label_column: LabelColumnOpt = None,
    fmt: FormatOpt = InputFormat.JSONL,
    version: Annotated[str | None, typer.Option(help="Model version; the active one by default.")] = None,
    report_dir: Annotated[
        Path | None, typer.Option(file_okay=False, help="Write reliability, ROC, PR and confusion PNGs here.")
    ] = None,
    recipe: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="Evaluate a recipe instead: grouped by account, leave one source out, leave one operation out, "
            "each with and without profile fields, beside the word TF-IDF baseline (refits per split; writes nothing).",
        ),
    ] = None,
    data_root: Annotated[
        Path | None, typer.Option(help="Where a recipe's source paths start (see `train --recipe`).")
    ] = None,
) -> None:
    """Measure a model on the labeled accounts it did not train on, overall and per language; print JSON.

    With --recipe, measure the recipe's model-building instead, on every honest split, and say first where the plain
    TF-IDF baseline does better."""
    settings = _settings(ctx)
    if recipe is not None:
        from service.cli.recipe import evaluate_recipe_file

        evaluate_recipe_file(settings, recipe, root=data_root)
        return
    if input_file is None:
        raise typer.BadParameter("give --input (labeled accounts) or --recipe")
    registry = ModelRegistry(settings.models_dir)
    loaded = registry.load(version)
    label_rows = read_label_source(labels, label_column, input_file, fmt)
    data = labeled_set(input_file, fmt, label_rows, check=False, limits=settings.store_limits)
    trained_on = {h.lower() for h in registry.split(loaded.version)["train"]}
    scores = held_out_scores(loaded, data, trained_on=trained_on)
    figures = evaluate_model(loaded, data, trained_on=trained_on, scores=scores)
    if report_dir is not None:
        plots = write_evaluation_plots(
            scores.y, scores.proba, loaded.model.thresholds, report_dir, title=f"model {loaded.version}"
        )
        figures["figures"] = {name: str(path) for name, path in plots.items()}
    for table in evaluation_tables(figures):
        err.print(table)
    if report_dir is not None:
        err.print(f"reliability plot: {figures['figures']['reliability']}")
    typer.echo(json.dumps(figures, indent=2))


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        yield f


def _batches(accounts: Iterable[Account], size: int) -> Iterator[list[Account]]:
    batch: list[Account] = []
    for account in accounts:
        batch.append(account)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_scores(
    loaded: LoadedModel,
    accounts: Iterable[Account],
    total: int,
    out: TextIO,
    declared: DeclaredStateAccounts,
    index: CoordinationIndex,
) -> None:
    results = (
        result
        for batch in _batches(accounts, 256)
        for result in score_accounts(loaded.model, batch, model_version=loaded.version, declared=declared, index=index)
    )
    _write_results(lambda _prepared: results, total, out)


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


def _write_error(out: TextIO, handle: str, exc: IngestError) -> None:
    """An error object in the output, typed like the API's per-handle errors, and a line on stderr."""
    err.print(f"[yellow]@{handle}:[/] {exc}", highlight=False)
    _, slug, title = problem_for(exc)
    error = {"type": f"/problems/{slug}", "title": title, "detail": str(exc)}
    out.write(json.dumps({"handle": handle, "status": "error", "error": error}) + "\n")


@app.command()
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
    workers: Annotated[
        int, typer.Option(min=1, help="Processes scoring an --input (default 1; the CPU count uses every core).")
    ] = 1,
    strict: StrictOpt = False,
    dask: DaskOpt = None,
) -> None:
    """Score HANDLES, or the accounts in --input (all of them, or only HANDLES); one JSON object per account.

    Handles are looked up in the local store (`parrotwatch import`) and fetched from the X API when it lacks them
    (needs PARROTWATCH_X_BEARER_TOKEN). Handles that cannot be scored are reported on stderr and as error objects
    in the output; the exit code then says why (3 unknown, 4 X API or rate limit, 6 no token). With --input and
    --dask, chunks of accounts are prepared on Dask workers and coordination is joined here: the same scores.
    """
    settings = _settings(ctx)
    if not handles and input_file is None:
        raise typer.BadParameter("give handles to score, or --input FILE")
    if output is not None and output.is_dir():
        raise typer.BadParameter(f"--output {output} is a folder; give a file name")
    loaded = ModelRegistry(settings.models_dir).load(version)
    declared = load_declared_accounts(settings.declared_accounts_file)
    failures: list[IngestError] = []
    with _output(output) as out:
        if input_file is not None:
            with staged_accounts(input_file, fmt, strict=strict, limits=settings.store_limits) as (file_handles, store):
                known = {h.lower(): h for h in file_handles}
                targets = [h.removeprefix("@") for h in handles] if handles else file_handles
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
                        return (r for r in scores if r.handle in wanted)

                    _write_results(results, len(wanted), out, prepare_total=len(file_handles))
        else:
            engine = open_database(settings.resolved_database_url)  # the service's database, migrated
            store = AccountStore(engine, limits=settings.store_limits)
            resolutions = build_resolver(settings, store).resolve(
                [h.removeprefix("@") for h in handles], refresh=refresh
            )
            for resolution in resolutions:
                if resolution.error is not None:
                    failures.append(resolution.error)
                    _write_error(out, resolution.handle, resolution.error)
            found = [r.account for r in resolutions if r.account is not None]
            index = warm_coordination_index(engine, store, settings)
            _write_scores(loaded, found, len(found), out, declared, index)
    if failures:  # the results that could be made are written; the exit code says the gravest reason for the rest
        raise typer.Exit(max(exit_code_for(e) for e in failures))


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Default: $PARROTWATCH_HOST or 127.0.0.1.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: $PARROTWATCH_PORT or 8000.")] = None,
) -> None:
    """Serve the API (OpenAPI docs at /docs)."""
    import uvicorn

    from service.app import create_app

    settings = _settings(ctx)
    uvicorn.run(
        create_app(settings), host=host or settings.host, port=port or settings.port, log_config=None, access_log=False
    )
