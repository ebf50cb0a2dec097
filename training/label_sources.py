"""Labels gathered for scheduled retraining: every labels CSV of a folder, plus analysts' feedback.

Files are read oldest first (by modification time) and a later file's label for a handle replaces an earlier one:
a correction is a newer file, not an edit of history. Each file is still validated on its own, with line numbers.
Feedback comes last, as the newest: a feedback export file (``handle,label,...``), then the verdicts the service
stored (``StoredFeedback``, read by the caller: this layer does not know the service's database). Retraining is
worth doing only when something is newer than ``since``; ``LabelSources.changed`` says whether anything is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from training.labels import LabelRow, read_labels

__all__ = ["LabelSources", "StoredFeedback", "gather_labels", "merge_label_files"]


@dataclass(frozen=True)
class StoredFeedback:
    """Labels from the analysts' verdicts the service stored, and when the newest verdict was given."""

    labels: dict[str, LabelRow]
    newest: datetime | None


@dataclass(frozen=True)
class LabelSources:
    labels: dict[str, LabelRow]
    files: list[Path]  # every file read, oldest first
    new_files: list[Path]  # those modified after ``since``
    n_replaced: int  # handles whose label a later file (or feedback) replaced
    n_feedback: int = 0  # accounts labeled by stored feedback
    new_feedback: bool = False  # a verdict was given after ``since``

    @property
    def changed(self) -> bool:
        return bool(self.new_files) or self.new_feedback

    @property
    def empty(self) -> bool:
        return not self.labels


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def gather_labels(
    labels_dir: Path | None,
    *,
    since: datetime,
    feedback: Path | None = None,
    stored_feedback: StoredFeedback | None = None,
) -> LabelSources:
    """Read every ``*.csv`` of ``labels_dir`` (oldest first), then the ``feedback`` export, then ``stored_feedback``;
    raise ``InvalidLabelsError`` for a bad file. ``since`` only decides what counts as new."""
    files = sorted(Path(labels_dir).glob("*.csv"), key=lambda p: (_modified(p), p.name)) if labels_dir else []
    if feedback is not None:
        files.append(Path(feedback))
    merged, replaced = merge_label_files(files)
    new_feedback = False
    if stored_feedback is not None:
        for key, row in stored_feedback.labels.items():
            if key in merged and merged[key].label != row.label:
                replaced += 1
            merged[key] = row
        new_feedback = stored_feedback.newest is not None and stored_feedback.newest > since
    return LabelSources(
        labels=merged,
        files=files,
        new_files=[p for p in files if _modified(p) > since],
        n_replaced=replaced,
        n_feedback=len(stored_feedback.labels) if stored_feedback is not None else 0,
        new_feedback=new_feedback,
    )


def merge_label_files(files: list[Path]) -> tuple[dict[str, LabelRow], int]:
    """Labels of ``files`` read in the order given, a later file's label replacing an earlier one; and how many
    handles were relabeled that way. Each file is validated on its own (``InvalidLabelsError`` by line)."""
    merged: dict[str, LabelRow] = {}
    replaced = 0
    for path in files:
        for key, row in read_labels(Path(path)).items():
            if key in merged and merged[key].label != row.label:
                replaced += 1
            merged[key] = row
    return merged, replaced
