"""``--dask``: where training and batch scoring run, from the option and ``PARROTWATCH_DASK_SCHEDULER``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from service.cli.console import err
from service.cli.progress import StepProgress
from service.config import Settings
from training.backend import ComputeBackend, LocalBackend
from training.dask_backend import LOCAL_CLUSTER, DaskBackend, dask_client

__all__ = ["DaskOpt", "compute_backend", "dask_address"]

DaskOpt = Annotated[
    str | None,
    typer.Option(
        "--dask",
        metavar="local|ADDRESS",
        help="Run on Dask: 'local' starts a LocalCluster here ($PARROTWATCH_DASK_WORKERS processes), tcp://host:8786 "
        "uses that scheduler. $PARROTWATCH_DASK_SCHEDULER set means Dask without this option.",
    ),
]


def dask_address(option: str | None, settings: Settings) -> str | None:
    """The scheduler to use (``local`` for a LocalCluster), or ``None`` for this process only.

    An address given with ``--dask`` wins; ``--dask local`` uses the configured scheduler if there is one, else a
    LocalCluster; and a configured scheduler is used even without ``--dask``, as DESIGN.md's Scale section says.
    (Typer has no option that works both as a flag and with a value, hence ``local``.)
    """
    if option not in (None, LOCAL_CLUSTER):
        return option
    if settings.dask_scheduler:
        return settings.dask_scheduler
    return option


@contextmanager
def compute_backend(
    option: str | None, settings: Settings, steps: StepProgress | None = None
) -> Iterator[tuple[ComputeBackend, Any]]:
    """Yield ``(backend, dask client or None)`` for the command's duration."""
    address = dask_address(option, settings)
    tick = steps.tick if steps is not None else None
    if address is None:
        yield LocalBackend(progress=tick), None
        return
    where = f"a LocalCluster of {settings.dask_workers} workers" if address == LOCAL_CLUSTER else address
    err.print(f"running on Dask: {where}")
    with dask_client(address, n_workers=settings.dask_workers) as client:
        yield DaskBackend(client, progress=tick), client
