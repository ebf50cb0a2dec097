"""``parrotwatch demo-data`` and ``parrotwatch import``: getting accounts in, synthetic or real."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from detector.schema import PLATFORMS, normalize_platform
from ingest.formats import InputFormat
from service.cli.console import err
from service.cli.inputs import import_inputs
from service.cli.options import FormatOpt, StrictOpt, account_store, settings_of

__all__ = ["demo_data", "import_command"]


def demo_data(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option(help="Folder to write; default: $PARROTWATCH_DATA_DIR/demo.")] = None,
    seed: Annotated[int, typer.Option(help="Generator seed; the same seed gives byte-identical files.")] = 2023,
    accounts: Annotated[int, typer.Option(min=50, help="Number of accounts (~50 posts each).")] = 2000,
) -> None:
    """Write the SYNTHETIC demo corpus: accounts.jsonl, labels.csv and a README saying what it is."""
    from ingest.synthetic import generate_corpus, write_corpus

    out = out or settings_of(ctx).demo_dir
    with err.status(f"generating {accounts} synthetic accounts (seed {seed})"):
        corpus = generate_corpus(seed=seed, n_accounts=accounts)
        paths = write_corpus(corpus, out)
    n_posts = sum(len(item.account.posts) for item in corpus)
    err.print(f"wrote {len(corpus)} accounts and {n_posts} posts to {paths['accounts']} (labels: {paths['labels']})")


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
    reports = import_inputs(account_store(settings_of(ctx)), path, fmt, strict=strict, platform=platform)
    table = Table(title="import")
    for column in ("source", "rows", "accounts", "posts added", "posts already stored", "rows skipped"):
        table.add_column(column)
    for r in reports:
        table.add_row(
            r.source, str(r.n_rows), str(len(r.handles)), str(r.n_posts_added), str(r.n_posts_known), str(r.n_problems)
        )
    err.print(table)
