"""Issue 18: a model file cannot run code. Whoever writes ``models/`` can write an artifact and a card whose sha256
matches it; activating that version through the CLI or the API is refused before any byte of it is executed."""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import joblib
import pytest
import skops.io
from typer.testing import CliRunner

from detector.registry import ModelRegistry
from detector.scoring import score_accounts
from ingest.synthetic import generate_corpus
from service.cli import app


class _OpensAFileWhenUnpickled:
    """A pickle payload: unpickling calls ``open(marker, "w")``, which creates the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


class Evil:
    """A type no allow-list names: building it from a skops file would create the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __setstate__(self, state: dict) -> None:
        Path(state["marker"]).touch()
        self.__dict__.update(state)


def _plant(models_dir: Path, version: str, file: str, data: bytes) -> str:
    """A version folder whose card records the artifact's true sha256, as an attacker who can write models/ would."""
    folder = models_dir / version
    folder.mkdir()
    (folder / file).write_bytes(data)
    card = {"version": version, "catalog_version": "x", "artifact": {"file": file, "sha256": _sha(data)}}
    (folder / "card.json").write_text(json.dumps(card), encoding="utf-8")
    (folder / "split.json").write_text("{}", encoding="utf-8")
    return version


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _pickle_payload(marker: Path, tmp_path: Path) -> bytes:
    path = tmp_path / "payload.joblib"
    joblib.dump(_OpensAFileWhenUnpickled(marker), path)
    return path.read_bytes()


def _skops_payload(marker: Path) -> bytes:
    return skops.io.dumps(Evil(marker))


def test_the_payloads_are_live(tmp_path) -> None:
    """The control: loaded the unsafe way, each payload creates its marker, so a missing marker below means refusal."""
    pickled, built = tmp_path / "pickled", tmp_path / "built"
    pickle.loads(_pickle_payload(pickled, tmp_path))
    skops.io.loads(_skops_payload(built), trusted=[Evil])
    assert pickled.exists() and built.exists()


# (artifact file name, payload maker, what the refusal says, API problem type)
ATTACKS = {
    "pickle": ("model.joblib", "pickle", "is a pickle (model.joblib)", "model-unsafe"),
    "pickle named skops": ("model.skops", "pickle", "artifact cannot be loaded", "model-integrity"),
    "skops untrusted type": ("model.skops", "skops", "types outside the trusted list", "model-unsafe"),
}


def _planted(settings, tmp_path, attack: str) -> tuple[str, Path, str, str]:
    file, kind, says, problem = ATTACKS[attack]
    marker = tmp_path / "payload-ran"
    data = _pickle_payload(marker, tmp_path) if kind == "pickle" else _skops_payload(marker)
    version = _plant(settings.models_dir, "29990101T000000Z-planted0", file, data)
    return version, marker, says, problem


@pytest.mark.parametrize("attack", ATTACKS)
def test_cli_activate_refuses_a_planted_artifact_without_running_it(settings, cli_env, tmp_path, attack) -> None:
    version, marker, says, _ = _planted(settings, tmp_path, attack)
    active = ModelRegistry(settings.models_dir).active_version()
    result = CliRunner().invoke(app, ["models", "activate", version])
    assert result.exit_code == 5, result.output
    assert f"model {version} refused" in result.output and says in result.output
    assert not marker.exists()
    assert ModelRegistry(settings.models_dir).active_version() == active


@pytest.mark.parametrize("attack", ATTACKS)
def test_api_activate_refuses_a_planted_artifact_without_running_it(settings, make_client, tmp_path, attack) -> None:
    client = make_client(settings)
    version, marker, says, problem = _planted(settings, tmp_path, attack)
    active = client.get("/v1/models/active").json()["version"]
    response = client.post(f"/v1/models/{version}/activate")
    assert response.status_code == 503
    body = response.json()
    assert body["type"] == f"/problems/{problem}" and says in body["detail"] and body["version"] == version
    if attack == "skops untrusted type":
        assert body["untrusted_types"] == [f"{Evil.__module__}.Evil"]
    assert not marker.exists()
    assert client.get("/v1/models/active").json()["version"] == active
    assert ModelRegistry(settings.models_dir).active_version() == active


def _as_pickle_version(models_dir: Path) -> tuple[str, ModelRegistry]:
    """A copy of the active version as the registry wrote it before skops: ``model.joblib`` and its card."""
    registry = ModelRegistry(models_dir)
    loaded = registry.load()
    version = "20240101T000000Z-0pickled"
    folder = models_dir / version
    folder.mkdir()
    joblib.dump(loaded.model, folder / "model.joblib", compress=3)
    card = {**loaded.card, "version": version, "artifact": {"file": "model.joblib", "sha256": ""}}
    card["artifact"]["sha256"] = _sha((folder / "model.joblib").read_bytes())
    (folder / "card.json").write_text(json.dumps(card), encoding="utf-8")
    (folder / "split.json").write_text(json.dumps(registry.split(loaded.version)), encoding="utf-8")
    return version, registry


def test_an_old_pickle_version_is_refused_until_converted_knowingly_and_then_scores_the_same(settings, cli_env) -> None:
    version, registry = _as_pickle_version(settings.models_dir)
    runner = CliRunner()
    refused = runner.invoke(app, ["models", "activate", version])
    assert refused.exit_code == 5 and f"parrotwatch models convert {version}" in refused.output
    declined = runner.invoke(app, ["models", "convert", version], input="n\n")
    assert declined.exit_code == 1 and "runs any code" in declined.output
    assert (settings.models_dir / version / "model.joblib").is_file()

    pickled = joblib.load(settings.models_dir / version / "model.joblib")
    pickle_sha = registry.card(version)["artifact"]["sha256"]
    converted = runner.invoke(app, ["models", "convert", version], input="y\n")
    assert converted.exit_code == 0, converted.output
    assert sorted(p.name for p in (settings.models_dir / version).iterdir()) == [
        "card.json",
        "model.skops",
        "split.json",
    ]
    artifact = registry.card(version)["artifact"]
    assert artifact["file"] == "model.skops" and artifact["converted_from"]["sha256"] == pickle_sha
    assert runner.invoke(app, ["models", "activate", version]).exit_code == 0
    loaded = registry.load()
    assert loaded.version == version
    accounts = [a.account for a in generate_corpus(seed=77, n_accounts=60)]
    before = score_accounts(pickled, accounts, model_version=version)
    after = score_accounts(loaded.model, accounts, model_version=version)
    assert [s.model_dump() for s in after] == [s.model_dump() for s in before]
