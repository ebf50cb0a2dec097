"""Labels are validated before any work, and every problem is reported with its line."""

from __future__ import annotations

import pytest

from training.errors import InvalidLabelsError
from training.labels import read_labels


def _write(tmp_path, text: str):
    path = tmp_path / "labels.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_labels_are_read_keyed_by_lower_cased_handle(tmp_path) -> None:
    rows = read_labels(_write(tmp_path, "handle,label,network\n@Amp_1,amplifier,net-1\nbob,ordinary,\n"))
    assert rows["amp_1"].label == "amplifier" and rows["amp_1"].network == "net-1"
    assert rows["bob"].network is None


def test_typo_and_conflicting_duplicate_are_both_refused_by_line(tmp_path) -> None:
    path = _write(tmp_path, "handle,label\nalice,ordinary\nbob,amplifer\nalice,amplifier\ncarol,ordinary\n")
    with pytest.raises(InvalidLabelsError) as caught:
        read_labels(path)
    lines = dict(caught.value.problems)
    assert set(lines) == {3, 4}
    assert "amplifer" in lines[3] and "line 2" in lines[4]


def test_identical_repeated_label_is_accepted(tmp_path) -> None:
    rows = read_labels(_write(tmp_path, "handle,label\nalice,ordinary\nALICE,ordinary\n"))
    assert list(rows) == ["alice"]


def test_file_without_a_label_column_is_refused(tmp_path) -> None:
    with pytest.raises(InvalidLabelsError, match="missing column"):
        read_labels(_write(tmp_path, "handle,class\nalice,bot\n"))
