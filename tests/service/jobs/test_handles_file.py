"""A job's uploaded file: a handle column or one handle per line, and nothing guessed in between."""

from __future__ import annotations

import pytest

from service.errors import NoHandleColumnError
from service.jobs.handles_file import read_handle_lines


@pytest.mark.parametrize(
    ("data", "lines"),
    [(b"name,handle\nAlice,@alice_a\nBob,\nCarl,carl_c\n", [(2, "@alice_a"), (4, "carl_c")]),
     (b"\xef\xbb\xbfUser_Screen_Name ,tweetid\nsome_one,1\n", [(2, "some_one")]),
     (b"alice_a\n\n  bob_b  \n", [(1, "alice_a"), (3, "bob_b")]),
     (b"alice_a,\nbob_b,,\n", [(1, "alice_a"), (2, "bob_b")]),
     (b'"probe bad!!"\n', [(1, "probe bad!!")]),
     (b"", [])],
    ids=["handle-column", "archive-column-with-bom", "one-per-line", "empty-trailing-cells", "quoted-cell", "empty"],
)  # fmt: skip
def test_handles_come_from_the_handle_column_or_one_per_line(data, lines) -> None:
    assert read_handle_lines(data) == lines


@pytest.mark.parametrize(
    ("data", "columns", "line", "found"),
    [(b"name,followers\nalice_a,10\n", ["name", "followers"], 1, "'name', 'followers'. Name"),
     (b"alice_a\nbob_b,carl_c\n", ["alice_a"], 2, "'alice_a', and line 2 has more than one. Name")],
    ids=["header-without-handle", "second-column-later"],
)  # fmt: skip
def test_a_file_with_several_columns_and_no_handle_column_is_refused_naming_them(data, columns, line, found) -> None:
    with pytest.raises(NoHandleColumnError) as refused:
        read_handle_lines(data)
    assert (refused.value.columns, refused.value.line) == (columns, line)
    assert str(refused.value).startswith(f"the CSV has no handle column: its first line has the columns {found}")
