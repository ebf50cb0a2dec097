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
        is_flag=False,
        flag_value=LOCAL_CLUSTER,
        metavar="[ADDRESS]",
        help="Run on Dask: alone, $PARROTWATCH_DASK_SCHEDULER or else a LocalCluster started here; "
        "with tcp://host:8786, that scheduler.",
    ),
]


def dask_address(option: str | None, settings: Settings) -> str | None:
    """The scheduler to use (``local`` for a LocalCluster), or ``None`` for this process only.

    An address given with ``--dask`` wins; ``--dask`` alone uses the configured scheduler, else a LocalCluster; and
    a configured scheduler is used even without ``--dask``, as DESIGN.md's Scale section says.
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
