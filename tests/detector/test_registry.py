"""The model registry: versions, the active pointer, and refusal of artifacts that do not match their card."""

from __future__ import annotations

import json

import pytest

from detector.errors import ModelIntegrityError, ModelNotFoundError
from detector.model import AmplifierModel
from detector.registry import ModelRegistry


def test_registry_loads_the_active_version_after_checking_it(models_dir) -> None:
    registry = ModelRegistry(models_dir)
    loaded = registry.load()
    assert loaded.version == registry.active_version() == registry.versions()[-1]
    assert isinstance(loaded.model, AmplifierModel)
    assert loaded.card["artifact"]["sha256"] and loaded.card["catalog_version"] == loaded.model.catalog_version


def test_registry_refuses_model_whose_sha256_differs(models_dir) -> None:
    registry = ModelRegistry(models_dir)
    version = registry.active_version()
    artifact = models_dir / version / "model.joblib"
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 0xFF
    artifact.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError) as caught:
        registry.load()
    assert caught.value.version == version
    assert "does not match its card" in str(caught.value)


def test_registry_refuses_a_card_whose_recorded_hash_was_edited(models_dir) -> None:
    registry = ModelRegistry(models_dir)
    version = registry.active_version()
    card_path = models_dir / version / "card.json"
    card = json.loads(card_path.read_text())
    card["artifact"]["sha256"] = "0" * 64
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelIntegrityError):
        registry.load()


def test_registry_refuses_a_missing_artifact(models_dir) -> None:
    registry = ModelRegistry(models_dir)
    (models_dir / registry.active_version() / "model.joblib").unlink()
    with pytest.raises(ModelIntegrityError):
        registry.load()


def test_empty_registry_says_there_is_no_active_model(tmp_path) -> None:
    with pytest.raises(ModelNotFoundError, match="no active model"):
        ModelRegistry(tmp_path / "models").load()


def test_activating_an_unknown_version_is_refused_and_keeps_the_pointer(models_dir) -> None:
    registry = ModelRegistry(models_dir)
    before = registry.active_version()
    with pytest.raises(ModelNotFoundError):
        registry.activate("no-such-version")
    assert registry.active_version() == before
