"""Lines accepted after a model was trained, laid over the catalog the model carries, without retraining.

A model artifact carries the catalog it was trained with, and its narrative matcher was fitted on that catalog. What
the model *learned* from narrative matching does not name lines: its columns are shares of posts that assert, report
or counter *some* line, and how close the best assertion came (``NarrativeFeatures``). So a line added later needs
no new head: the matcher is refitted on the catalog plus the overlay (a TF-IDF over some hundreds of phrases, about
a second), the other fitted families and the head are kept as they are, and the model's catalog becomes the merged
one, so that every score records the merged ``catalog_version``. Refitting moves the IDF of the old lines' n-grams a
little (a few phrases among hundreds); the thresholds tuned on the match set hold.

An overlay entry either adds a line or extends an existing line with more phrases (a candidate merged into it).
An added line whose id the model's catalog already has is skipped: a model trained after the line was accepted
carries it already.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sklearn.base import clone
from sklearn.pipeline import FeatureUnion

from detector.catalog import TalkingPoint, TalkingPointCatalog
from detector.model import AmplifierModel

__all__ = ["OverlayEntry", "overlay_catalog", "with_catalog"]


class OverlayEntry(BaseModel):
    """One accepted change: ``add`` a whole line, or ``extend`` line ``talking_point.id`` with its phrases."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["add", "extend"]
    talking_point: TalkingPoint


def overlay_catalog(base: TalkingPointCatalog, entries: Sequence[OverlayEntry], revision: int) -> TalkingPointCatalog:
    """``base`` with ``entries`` applied in order, versioned ``<base version>-overlay.<revision>``; ``base`` itself
    when no entry changes it (so the catalog version does not move for nothing)."""
    points = list(base.talking_points)
    changed = False
    for entry in entries:
        line = entry.talking_point
        at = next((i for i, tp in enumerate(points) if tp.id == line.id), None)
        if entry.kind == "add" and at is None:
            points.append(line)
            changed = True
        elif entry.kind == "extend" and at is not None:
            extended = _extended(points[at], line.phrases)
            changed = changed or extended != points[at]
            points[at] = extended
    if not changed:
        return base
    return base.model_copy(update={"version": f"{base.version}-overlay.{revision}", "talking_points": tuple(points)})


def _extended(line: TalkingPoint, phrases: dict[str, tuple[str, ...]]) -> TalkingPoint:
    merged = {lang: tuple(found) for lang, found in line.phrases.items()}
    for lang, extra in phrases.items():
        merged[lang] = tuple(dict.fromkeys((*merged.get(lang, ()), *extra)))
    return line.model_copy(update={"phrases": merged})


def with_catalog(model: AmplifierModel, catalog: TalkingPointCatalog) -> AmplifierModel:
    """A copy of ``model`` that matches and records ``catalog``: its narrative matcher refitted on it, every other
    fitted part shared with ``model`` (which is left as it was)."""
    if catalog is model.catalog:
        return model
    narrative = model.family("narrative")
    if narrative is None:
        return replace(model, catalog=catalog)
    refitted = clone(narrative).set_params(catalog=catalog).fit([])
    union = model.features
    params = {k: v for k, v in union.get_params(deep=False).items() if k != "transformer_list"}
    steps = [(name, refitted if name == "narrative" else step) for name, step in union.transformer_list]
    return replace(model, features=FeatureUnion(steps, **params), catalog=catalog)
