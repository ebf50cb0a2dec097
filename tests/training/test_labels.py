"""Labels are validated before any work, and every problem is reported with its line."""

from __future__ import annotations

import pytest

from training.errors import InvalidLabelsError
from training.labels import read_label_column, read_labels


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


def _archive(
    tmp_path, name: str, rows: list[str], header: str = "tweetid,user_screen_name,tweet_text,tweet_time,bot_or_not"
):
    path = tmp_path / name
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_label_column_labels_accounts_and_names_operations_by_file(tmp_path) -> None:
    ops = _archive(tmp_path, "russia_op.csv", ["1,troll_a,x,2020-01-01 10:00,1", "2,reporter,y,2020-01-01 11:00,0"])
    extra = _archive(
        tmp_path, "more.csv", ["3,reporter,z,2020-01-02 10:00"], header="tweetid,user_screen_name,tweet_text,tweet_time"
    )
    rows = read_label_column([ops, extra], "bot_or_not")
    assert rows["troll_a"].label == "amplifier" and rows["troll_a"].network == "russia_op"
    assert rows["reporter"].label == "ordinary" and rows["reporter"].network is None


def test_label_column_refuses_unknown_values_and_accounts_labeled_both_ways(tmp_path) -> None:
    path = _archive(
        tmp_path, "op.csv", ["1,a,x,2020-01-01 10:00,1", "2,a,y,2020-01-01 11:00,0", "3,b,z,2020-01-01 12:00,maybe"]
    )
    with pytest.raises(InvalidLabelsError) as caught:
        read_label_column([path], "bot_or_not")
    lines = dict(caught.value.problems)
    assert set(lines) == {3, 4} and "maybe" in lines[4]


def test_label_column_absent_everywhere_is_refused(tmp_path) -> None:
    path = _archive(
        tmp_path, "op.csv", ["1,a,x,2020-01-01 10:00"], header="tweetid,user_screen_name,tweet_text,tweet_time"
    )
    with pytest.raises(InvalidLabelsError, match="no file has"):
        read_label_column([path], "bot_or_not")


def test_labels_file_with_byte_order_mark_and_crlf_is_read(tmp_path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfHandle,Label\r\nalice,ordinary\r\nbob,amplifier\r\n")
    rows = read_labels(path)
    assert rows["alice"].label == "ordinary" and rows["bob"].label == "amplifier"
