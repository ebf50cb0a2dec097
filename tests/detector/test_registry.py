"""The model registry: versions, the active pointer, and refusal of artifacts that do not match their card."""

from __future__ import annotations

import copy
import errno
import json

import pytest
import skops.io

from detector.artifact import untrusted_types
from detector.errors import ModelIntegrityError, ModelNotFoundError, UnsafeModelError
from detector.model import AmplifierModel
from detector.registry import ModelRegistry, sha256_file


def test_registry_loads_the_active_version_after_checking_it(models_dir) -> None:
    registry = ModelRegistry(models_dir)
    loaded = registry.load()
    assert loaded.version == registry.active_version() == registry.versions()[-1]
    assert isinstance(loaded.model, AmplifierModel)
    assert loaded.card["artifact"]["sha256"] and loaded.card["catalog_version"] == loaded.model.catalog_version


def test_registry_refuses_model_whose_sha256_differs(models_dir) -> None:
    registry = ModelRegistry(models_dir)
    version = registry.active_version()
    artifact = models_dir / version / "model.skops"
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
    (models_dir / registry.active_version() / "model.skops").unlink()
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


@pytest.mark.parametrize("name", ["../models", "..", "a/b", "/etc/passwd", "x\\..\\y", ".staging-1"])
def test_version_names_that_leave_the_registry_folder_are_refused(models_dir, name) -> None:
    registry = ModelRegistry(models_dir)
    for read in (registry.card, registry.split, registry.load):
        with pytest.raises(ModelNotFoundError, match="not a model version name"):
            read(name)
    with pytest.raises(ModelNotFoundError):
        registry.activate(name)


def test_an_active_pointer_edited_to_leave_the_registry_is_refused(models_dir) -> None:
    (models_dir / "ACTIVE").write_text("../../somewhere-else\n")
    with pytest.raises(ModelNotFoundError, match="not a model version name"):
        ModelRegistry(models_dir).load()


def test_a_truncated_artifact_whose_card_was_rehashed_is_refused_as_unloadable(models_dir) -> None:
    """Even with a matching hash (an operator re-signed a half-copied file), loading fails with a model error."""
    registry = ModelRegistry(models_dir)
    version = registry.active_version()
    artifact = models_dir / version / "model.skops"
    artifact.write_bytes(artifact.read_bytes()[: artifact.stat().st_size // 3])
    card_path = models_dir / version / "card.json"
    card = json.loads(card_path.read_text())
    card["artifact"]["sha256"] = sha256_file(artifact)
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelIntegrityError, match="cannot be loaded"):
        registry.load()


def test_disk_full_while_saving_leaves_the_registry_as_it_was(models_dir, monkeypatch) -> None:
    import detector.registry

    registry = ModelRegistry(models_dir)
    loaded = registry.load()
    before = sorted(p.name for p in models_dir.iterdir())
    real_dump = detector.registry.dump_artifact

    def dump_until_the_disk_fills(model, path):
        real_dump(model, path)  # a partial file is on disk when the write fails
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(detector.registry, "dump_artifact", dump_until_the_disk_fills)
    with pytest.raises(OSError, match="No space left"):
        registry.save(loaded.model, {"catalog_version": "x"}, {})
    assert sorted(p.name for p in models_dir.iterdir()) == before
    assert registry.active_version() == loaded.version
    assert registry.load().version == loaded.version


def test_a_trained_model_is_saved_in_the_skops_format_and_loads_the_same(models_dir) -> None:
    registry = ModelRegistry(models_dir)
    loaded = registry.load()
    folder = models_dir / loaded.version
    assert sorted(p.name for p in folder.iterdir()) == ["card.json", "model.skops", "split.json"]
    assert loaded.card["artifact"] == {"file": "model.skops", "sha256": sha256_file(folder / "model.skops")}
    assert not untrusted_types((folder / "model.skops").read_bytes())


def test_saving_a_model_that_holds_an_untrusted_type_publishes_nothing(models_dir) -> None:
    registry = ModelRegistry(models_dir)
    loaded = registry.load()
    before = sorted(p.name for p in models_dir.iterdir())
    model = copy.deepcopy(loaded.model)
    model.extra_ = ModelRegistry(models_dir)  # any type outside the allow-list
    with pytest.raises(TypeError, match=r"outside detector.artifact.TRUSTED_TYPES: detector.registry.ModelRegistry"):
        registry.save(model, {"catalog_version": "x"}, {})
    assert sorted(p.name for p in models_dir.iterdir()) == before


def test_a_skops_artifact_naming_an_untrusted_type_is_refused_by_name(models_dir) -> None:
    registry = ModelRegistry(models_dir)
    version = registry.active_version()
    artifact = models_dir / version / "model.skops"
    artifact.write_bytes(skops.io.dumps({"model": ModelRegistry(models_dir)}))
    card_path = models_dir / version / "card.json"
    card = json.loads(card_path.read_text())
    card["artifact"]["sha256"] = sha256_file(artifact)
    card_path.write_text(json.dumps(card))
    with pytest.raises(UnsafeModelError, match="could run code when loaded") as caught:
        registry.load()
    assert "detector.registry.ModelRegistry" in caught.value.untrusted_types
