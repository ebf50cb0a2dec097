"""The on-disk model registry: one folder per version and a pointer to the active one.

    models/
    ├── ACTIVE                    the active version's name (replaced by rename, so readers never see half a name)
    ├── AUDIT.jsonl               append-only: every activation (who, when, from, to, action, gate figures)
    └── <version>/
        ├── model.skops           the fitted AmplifierModel in the skops format (detector/artifact.py): no code runs
        ├── card.json             metrics, data hash, library versions, thresholds, sha256 of model.skops
        ├── split.json            which accounts trained and which were held out
        └── report.html, ...      the training report, when one was written (training/report.py); not hashed

``load`` reads the card, refuses an artifact whose bytes differ from its sha256, then builds the model from the skops
file against an explicit list of trusted types: loading never runs code from the file. The hash catches corruption
and half-copied files, not an attacker (whoever writes the artifact can write the card); the format is the defence.

Versions saved before the skops format hold ``model.joblib``, a pickle, which runs whatever code it holds as it is
read. ``load`` refuses them, always (``UnsafeModelError``). ``convert_pickle`` (``parrotwatch models convert``) turns
one into ``model.skops`` in place, and unpickles it to do so: an operator runs it knowingly, on a file they trust.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import sklearn

from detector.artifact import dump_artifact, load_artifact
from detector.errors import ModelIntegrityError, ModelNotFoundError, UnsafeModelError
from detector.model import AmplifierModel

__all__ = ["AUDIT", "LoadedModel", "ModelRegistry", "sha256_file"]

logger = logging.getLogger(__name__)

# Built models by their artifact's sha256: the same verified bytes give the same (never mutated) model, so a
# restart of the app in one process, a rollback or a second registry over the same files skips the skops build.
_BUILT: OrderedDict[str, AmplifierModel] = OrderedDict()
_BUILT_MAX = 4
_BUILT_LOCK = threading.Lock()

ARTIFACT = "model.skops"
PICKLE_ARTIFACT = "model.joblib"  # the format before skops: refused by ``load``, converted only on request
CARD = "card.json"
SPLIT = "split.json"
ACTIVE = "ACTIVE"
AUDIT = "AUDIT.jsonl"
# What ``save`` names versions (and what an operator may name one by hand): a plain folder name, so a version
# taken from a URL, the CLI or the ACTIVE file can never point outside the registry.
_VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` by rename after the bytes are on disk, so a crash leaves the old or the new content."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


@dataclass(frozen=True)
class LoadedModel:
    version: str
    model: AmplifierModel
    card: dict[str, Any]


class ModelRegistry:
    """Save, list, verify, load and activate model versions under one folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._pointer: tuple[tuple[int, int, int], str | None] | None = None  # (inode, mtime, size) -> its name

    def folder(self, version: str) -> Path:
        """The folder of ``version``, refusing names that are not plain folder names (``..``, ``/``, ``\\``...)."""
        if not _VERSION_NAME.fullmatch(version) or ".." in version:
            raise ModelNotFoundError(version, f"{version!r} is not a model version name")
        return self.root / version

    def versions(self) -> list[str]:
        """Versions with a card, oldest first (names sort by creation time)."""
        if not self.root.is_dir():
            return []
        # Dot-folders are staging areas of saves that never finished.
        return sorted(
            p.name
            for p in self.root.iterdir()
            if _VERSION_NAME.fullmatch(p.name) and ".." not in p.name and (p / CARD).is_file()
        )

    def active_version(self) -> str | None:
        """The name in ACTIVE, read again only when the file changed: the service asks on every request, and a
        ``stat`` costs a fraction of a read. ACTIVE is only ever replaced by rename, so a new name is a new inode."""
        pointer = self.root / ACTIVE
        try:
            stat = pointer.stat()
        except FileNotFoundError:
            return None
        identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        known = self._pointer
        if known is not None and known[0] == identity:
            return known[1]
        name = pointer.read_text(encoding="utf-8").strip() or None if pointer.is_file() else None
        self._pointer = (identity, name)
        return name

    def save(
        self,
        model: AmplifierModel,
        card: dict[str, Any],
        split: dict[str, Any],
        *,
        before_publish: Callable[[Path, str], object] | None = None,
        name: str | None = None,
    ) -> str:
        """Write a new version and return its name. The folder appears complete or not at all.

        ``before_publish(folder, version)`` may add files (a report) to the version's staging folder; if it raises,
        the version is discarded. Only ``model.skops`` is checked against the card's sha256 on loading. With
        ``name`` the version is ``<name>-<sha256 prefix>`` (the shipped default's, committed), not a time stamp. skops
        names arrays inside the file by object id, so a rebuild of equal scores gives other bytes and a new version.
        Raises ``TypeError`` before anything is published if the model holds a type the loader would not trust.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=".staging-"))
        try:
            dump_artifact(model, staging / ARTIFACT)
            sha = sha256_file(staging / ARTIFACT)
            stamp = name if name is not None else f"{datetime.now(UTC):%Y%m%dT%H%M%S}Z"
            version = f"{stamp}-{sha[:8]}"
            full_card = {"version": version, **card, "artifact": {"file": ARTIFACT, "sha256": sha}}
            (staging / CARD).write_text(json.dumps(full_card, indent=2, sort_keys=False), encoding="utf-8")
            (staging / SPLIT).write_text(json.dumps(split), encoding="utf-8")
            if before_publish is not None:
                before_publish(staging, version)
            if name is not None and (self.root / version).is_dir():
                shutil.rmtree(self.root / version)
            os.replace(staging, self.root / version)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _fsync_dir(self.root)
        return version

    def card(self, version: str) -> dict[str, Any]:
        path = self.folder(version) / CARD
        if not path.is_file():
            raise ModelNotFoundError(version)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ModelIntegrityError(version, None, None, f"model {version} refused: card.json is not JSON") from exc

    def split(self, version: str) -> dict[str, Any]:
        """Which handles trained the version and which were held out."""
        path = self.folder(version) / SPLIT
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelIntegrityError(version, None, None, f"model {version}: split.json unreadable ({exc})") from exc

    def load(self, version: str | None = None) -> LoadedModel:
        """Load a version (the active one by default): its sha256 checked against the card, then its skops file
        built against the trusted types. A pickle (``model.joblib``) is refused before it is opened."""
        version = version or self.active_version()
        if version is None:
            raise ModelNotFoundError(None, f"no active model in {self.root}: train one with `parrotwatch train`")
        card = self.card(version)
        folder = self.folder(version)
        recorded = card.get("artifact", {})
        if recorded.get("file") == PICKLE_ARTIFACT or (
            not (folder / ARTIFACT).is_file() and (folder / PICKLE_ARTIFACT).is_file()
        ):
            raise UnsafeModelError(
                version,
                f"its artifact is a pickle ({PICKLE_ARTIFACT}), which runs any code it holds as it is read; convert a "
                f"version you trust with `parrotwatch models convert {version}`",
            )
        expected = recorded.get("sha256")
        artifact = folder / ARTIFACT
        data = artifact.read_bytes() if artifact.is_file() else None  # hashed and loaded from the same bytes
        actual = hashlib.sha256(data).hexdigest() if data is not None else None
        if actual is None or actual != expected:
            raise ModelIntegrityError(version, expected, actual)
        with _BUILT_LOCK:
            model = _BUILT.get(actual)
        if model is None:
            try:
                model = load_artifact(data, version)
            except (zipfile.BadZipFile, EOFError, KeyError, ValueError, TypeError, AttributeError, ImportError) as exc:
                raise ModelIntegrityError(
                    version, expected, actual, f"model {version} refused: artifact cannot be loaded ({exc})"
                ) from exc
        trained_with = card.get("libraries", {}).get("scikit-learn")
        if trained_with and trained_with != sklearn.__version__:
            # A model of one scikit-learn release may load but behave differently in another: say so, loudly.
            logger.warning(
                "model trained with another scikit-learn",
                extra={"model_version": version, "trained_with": trained_with, "installed": sklearn.__version__},
            )
        if not isinstance(model, AmplifierModel):
            raise ModelIntegrityError(version, expected, actual, f"model {version} refused: not an AmplifierModel")
        with _BUILT_LOCK:
            _BUILT[actual] = model
            _BUILT.move_to_end(actual)
            while len(_BUILT) > _BUILT_MAX:
                _BUILT.popitem(last=False)
        return LoadedModel(version=version, model=model, card=card)

    def convert_pickle(self, version: str) -> str:
        """Rewrite ``version``'s ``model.joblib`` as ``model.skops`` in the same folder and return the new sha256.

        This unpickles the file, which runs any code it holds: only for a version the operator made or trusts (the
        card's sha256 is checked first, which proves no more than that the two files agree). The version keeps its
        name, so ACTIVE and the audit trail still name it; its card's artifact records the pickle it came from.
        Crash-safe in this order: the skops file, then the card (by rename), then the pickle is removed.
        """
        card = self.card(version)
        folder = self.folder(version)
        pickled = folder / PICKLE_ARTIFACT
        if not pickled.is_file():
            raise ModelNotFoundError(version, f"model {version} has no {PICKLE_ARTIFACT} to convert")
        expected = card.get("artifact", {}).get("sha256")
        actual = sha256_file(pickled)
        if actual != expected:
            raise ModelIntegrityError(version, expected, actual)
        model = joblib.load(pickled)
        if not isinstance(model, AmplifierModel):
            raise ModelIntegrityError(version, expected, actual, f"model {version} refused: not an AmplifierModel")
        staged = folder / f".{ARTIFACT}.converting"
        dump_artifact(model, staged)
        sha = sha256_file(staged)
        os.replace(staged, folder / ARTIFACT)
        converted = {"file": ARTIFACT, "sha256": sha, "converted_from": {"file": PICKLE_ARTIFACT, "sha256": actual}}
        mode = (folder / CARD).stat().st_mode & 0o777
        _write_atomic(folder / CARD, json.dumps({**card, "artifact": converted}, indent=2, sort_keys=False))
        os.chmod(folder / CARD, mode)  # the staged copy is 0600; the card stays as readable as it was
        pickled.unlink()
        _fsync_dir(folder)
        self.load(version)  # the converted version loads the safe way, or this says why
        return sha

    def activate(
        self, version: str, *, action: str = "activate", audit: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Point ACTIVE at a version (atomic: by rename), then append the change to ``AUDIT.jsonl`` and return it.

        ``audit`` adds fields to the entry (who, figures, ...). The pointer is the truth and changes first: a crash
        between the two loses an audit line, never leaves ACTIVE naming half a version.
        """
        if version not in self.versions():
            raise ModelNotFoundError(version)
        previous = self.active_version()
        _write_atomic(self.root / ACTIVE, version + "\n")
        entry = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "action": action,
            "from": previous,
            "to": version,
            **(audit or {}),
        }
        with (self.root / AUDIT).open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())
        return entry

    def audit_trail(self) -> list[dict[str, Any]]:
        """Every activation recorded, oldest first (lines that are not JSON, e.g. a torn last line, are skipped)."""
        path = self.root / AUDIT
        if not path.is_file():
            return []
        entries = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entries.append(json.loads(line))
            except ValueError:
                logger.warning("unreadable audit line skipped", extra={"path": str(path)})
        return entries

    def previous_active(self) -> str | None:
        """The version active before the current one, replaying the audit trail as a stack: each activation pushes
        the version it replaced and each rollback pops, so rolling back twice goes two versions back."""
        stack: list[str] = []
        for entry in self.audit_trail():
            if entry.get("action") == "rollback":
                if stack:
                    stack.pop()
            elif entry.get("from") and entry.get("from") != entry.get("to"):
                stack.append(entry["from"])
        return stack[-1] if stack else None
