"""Read and validate a labels file: ``handle,label[,network][,...]`` with a header row.

Every problem is collected with its line number before anything is refused, so the operator fixes the file once.
``network`` (optional) names the coordinated network an amplifier belongs to; evaluation keeps a network wholly on
one side of the split so that the model is tested on operations it never saw.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from training.errors import InvalidLabelsError

__all__ = ["LABEL_VALUES", "POSITIVE_LABEL", "LabelRow", "read_labels"]

LABEL_VALUES = ("amplifier", "ordinary", "state_affiliated")
POSITIVE_LABEL = "amplifier"


@dataclass(frozen=True)
class LabelRow:
    handle: str
    label: str
    network: str | None
    line: int


def read_labels(path: Path) -> dict[str, LabelRow]:
    """Return labels keyed by lower-cased handle; raise ``InvalidLabelsError`` listing every bad line.

    Refused: a missing ``handle`` or ``label`` column, an empty handle, a label outside ``LABEL_VALUES``, and a handle
    labeled twice with different labels (an identical repeat is accepted once).
    """
    path = Path(path)
    problems: list[tuple[int, str]] = []
    rows: dict[str, LabelRow] = {}
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"handle", "label"} - set(reader.fieldnames or ())
        if missing:
            raise InvalidLabelsError(str(path), [(1, f"missing column(s): {', '.join(sorted(missing))}")])
        for record in reader:
            line = reader.line_num
            handle = (record.get("handle") or "").strip().removeprefix("@")
            label = (record.get("label") or "").strip().lower()
            if not handle:
                problems.append((line, "empty handle"))
                continue
            if label not in LABEL_VALUES:
                problems.append(
                    (line, f"unknown label {label!r} for @{handle} (expected one of {', '.join(LABEL_VALUES)})")
                )
                continue
            key = handle.lower()
            previous = rows.get(key)
            if previous is not None and previous.label != label:
                problems.append(
                    (line, f"@{handle} labeled {label!r} here but {previous.label!r} on line {previous.line}")
                )
                continue
            rows.setdefault(key, LabelRow(handle, label, (record.get("network") or "").strip() or None, line))
    if problems:
        raise InvalidLabelsError(str(path), problems)
    return rows
