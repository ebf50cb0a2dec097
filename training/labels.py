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

__all__ = ["LABEL_VALUES", "POSITIVE_LABEL", "LabelRow", "read_label_column", "read_labels"]

LABEL_VALUES = ("amplifier", "ordinary", "state_affiliated")
POSITIVE_LABEL = "amplifier"
# Archive label columns (``bot_or_not``) say 1/0; the label names themselves are accepted too.
_COLUMN_VALUES = {"1": "amplifier", "true": "amplifier", "0": "ordinary", "false": "ordinary"} | {
    label: label for label in LABEL_VALUES
}


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
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
        reader = csv.DictReader(f)
        reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or ()]
        missing = {"handle", "label"} - set(reader.fieldnames)
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


def read_label_column(files: list[Path], column: str) -> dict[str, LabelRow]:
    """Labels from a column of archive CSVs (e.g. ``bot_or_not``), one per account, keyed by lower-cased handle.

    The account key is ``user_screen_name``, else ``userid``, as the archive reader uses. Files without the column
    add no labels (their posts may still belong to accounts labeled elsewhere); blank values are skipped. Positive
    accounts get their file's name as ``network``: an archive file is one operation, so a grouped split holds out
    whole operations. Unknown values and accounts labeled both ways are refused with file and line.
    """
    problems: list[tuple[int, str]] = []
    rows: dict[str, LabelRow] = {}
    for path in files:
        with Path(path).open(encoding="utf-8-sig", errors="replace", newline="") as f:
            reader = csv.DictReader(f)
            fields = [name.strip().lower() for name in reader.fieldnames or ()]
            reader.fieldnames = fields
            if column.lower() not in fields:
                continue
            for record in reader:
                line = reader.line_num
                raw = (record.get(column.lower()) or "").strip().lower()
                handle = (record.get("user_screen_name") or record.get("userid") or "").strip()
                if not raw or not handle or None in record:  # malformed rows are the reader's to report
                    continue
                label = _COLUMN_VALUES.get(raw)
                if label is None:
                    problems.append((line, f"{path.name}: unknown {column} value {raw!r} for @{handle}"))
                    continue
                key = handle.lower()
                previous = rows.get(key)
                if previous is not None and previous.label != label:
                    problems.append((line, f"{path.name}: @{handle} labeled {label!r} here, {previous.label!r} before"))
                    continue
                network = path.stem if label == POSITIVE_LABEL else None
                rows.setdefault(key, LabelRow(handle, label, network, line))
    if problems:
        raise InvalidLabelsError(", ".join(str(p) for p in files), problems)
    if not rows:
        raise InvalidLabelsError(
            ", ".join(str(p) for p in files), [(1, f"no file has a {column!r} column with labels")]
        )
    return rows
