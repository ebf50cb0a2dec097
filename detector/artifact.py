"""Model artifacts that cannot run code when loaded: the skops format, read against an explicit list of trusted types.

A pickle (``joblib``) runs whatever its bytes say while it is read, before anything can check what it built, and a
sha256 kept beside it proves nothing: whoever can write the artifact can write the card. A skops file is a zip of a
JSON schema and arrays. ``load_artifact`` reads the schema, refuses it if it names any type outside
``TRUSTED_TYPES`` (and skops' own defaults: builtins, numpy arrays, scipy sparse matrices, scikit-learn estimators),
and only then builds the objects, with ``__new__`` and ``__setstate__`` of those types alone: no module outside the
list is imported and no function is called. Arrays are read with ``allow_pickle=False``.

The list is what the project's models hold: our feature families and head, and the scikit-learn, numpy and scipy
types skops does not trust by default. A model holding anything else fails when it is saved, not when it is activated.
Trust is per type: a trusted class's ``__setstate__`` receives the file's data, so one added here must rebuild itself
from plain data only (``CharTfidf``, ``NarrativeFeatures`` and the pydantic catalog do).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import skops.io
from skops.io.exceptions import UntrustedTypesFoundException

from detector.errors import UnsafeModelError
from detector.model import AmplifierModel

__all__ = ["TRUSTED_TYPES", "dump_artifact", "load_artifact", "untrusted_types"]

TRUSTED_TYPES: tuple[str, ...] = (
    # parrotwatch's own classes, as the fitted AmplifierModel holds them
    "detector.catalog.Source",
    "detector.catalog.TalkingPoint",
    "detector.catalog.TalkingPointCatalog",
    "detector.char_tfidf.CharTfidf",
    "detector.coordination.CoordinationParams",
    "detector.features.behaviour.BehaviourFeatures",
    "detector.features.content.ContentFeatures",
    "detector.features.content._TextModel",
    "detector.features.narrative.NarrativeFeatures",
    "detector.features.repetition.RepetitionFeatures",
    "detector.linear.SignConstrainedLogisticRegression",
    "detector.model.AmplifierModel",
    # library types skops does not trust by default (the calibration of every head, the trees of the tree heads)
    "numpy.dtype",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
)


def untrusted_types(data: bytes) -> list[str]:
    """The types named in a skops file that neither skops nor ``TRUSTED_TYPES`` trusts (nothing is built)."""
    return sorted(set(skops.io.get_untrusted_types(data=data)) - set(TRUSTED_TYPES))


def dump_artifact(model: AmplifierModel, path: Path) -> None:
    """Write ``model`` to ``path`` in the skops format (deflated), refusing a model that would not load again.

    Raises ``TypeError`` (and writes nothing) when the model holds a type outside ``TRUSTED_TYPES``: a model the
    registry could save but never load is found here, while training, not at activation.
    """
    data = skops.io.dumps(model, compression=zipfile.ZIP_DEFLATED, compresslevel=6)
    if extra := untrusted_types(data):
        raise TypeError(
            f"the model holds types outside detector.artifact.TRUSTED_TYPES: {', '.join(extra)} (add one there only "
            "if it rebuilds itself from plain data)"
        )
    with path.open("wb") as f:
        f.write(data)


def load_artifact(data: bytes, version: str) -> Any:
    """Build the object of a skops file's bytes after checking every type it names against the trusted list.

    skops reads the schema into a tree of nodes (no import, no call), audits every type in it, and only then builds
    objects. Raises ``UnsafeModelError`` naming the untrusted types; nothing in ``data`` is executed. Bytes that are
    not a skops file raise what reading them raises (``zipfile.BadZipFile``, ``KeyError``, ``ValueError``...).
    """
    try:
        return skops.io.loads(data, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException as exc:
        extra = untrusted_types(data)  # read once more, on refusal only, to name them
        reason = f"it declares types outside the trusted list: {', '.join(extra)}"
        raise UnsafeModelError(version, reason, extra) from exc
