"""Featurization, cross-validation and batch scoring on Dask give exactly what one process gives."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from detector.scoring import score_accounts
from ingest.jsonl import read_accounts
from service.cli import app
from training.dask_backend import DaskBackend, dask_client, score_on_dask
from training.train import train_model

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client():
    with dask_client("local", n_workers=2) as client:
        yield client


def test_training_on_dask_gives_the_single_process_features_candidates_and_figures(
    client, small_labeled, small_training, catalog
) -> None:
    on_dask = train_model(small_labeled, catalog=catalog, seed=0, backend=DaskBackend(client, chunk_size=50))

    np.testing.assert_array_equal(on_dask.matrix, small_training.matrix)
    assert on_dask.card["candidates"] == small_training.card["candidates"]
    assert on_dask.card["head"] == small_training.card["head"]
    assert on_dask.card["metrics"] == small_training.card["metrics"]


def test_scoring_on_dask_equals_score_accounts_on_the_same_batch(client, demo_training, demo_labeled) -> None:
    accounts = demo_labeled.accounts[:240]
    expected = score_accounts(demo_training.model, accounts, model_version="v")

    scores = score_on_dask(client, demo_training.model, accounts, model_version="v", chunk_size=50)

    assert [s.model_dump() for s in scores] == [s.model_dump() for s in expected]


def test_score_command_on_a_dask_scheduler_writes_what_one_process_writes(client, cli_env, demo_dir, tmp_path) -> None:
    subset = tmp_path / "subset.jsonl"
    with subset.open("w", encoding="utf-8") as f:
        for account in list(read_accounts(demo_dir / "accounts.jsonl"))[:150]:
            f.write(account.model_dump_json() + "\n")
    runner = CliRunner()

    def scores(*extra: str) -> list[dict]:
        result = runner.invoke(app, ["score", "--input", str(subset), *extra])
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]

    one_process = scores()
    on_dask = scores("--dask", client.scheduler.address)

    assert len(one_process) == 150
    assert on_dask == one_process
