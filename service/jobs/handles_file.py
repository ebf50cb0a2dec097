"""Read a job's handles from an uploaded file: a CSV with a ``handle`` column, or one handle per line.

A file is read one of two ways, never guessed between: when its first line names a handle column (``HANDLE_COLUMNS``)
the handles are that column's cells below it; otherwise every line must hold a single handle (no header), and a file
with several columns but no handle column is refused naming the columns it has, rather than scoring its first
column's header as a handle. Line numbers are kept (1-based, as an editor shows them) so that a refused file names
the lines to fix.
"""

from __future__ import annotations

import csv
import io

from service.errors import NoHandleColumnError

__all__ = ["HANDLE_COLUMNS", "read_handle_lines"]

# Column names taken for the handle, in order of preference (the IO archives call it user_screen_name).
HANDLE_COLUMNS = ("handle", "username", "screen_name", "user_screen_name")


def read_handle_lines(data: bytes) -> list[tuple[int, str]]:
    """``(line, raw handle)`` for each non-blank entry.

    Raises ``UnicodeDecodeError`` for bytes that are not UTF-8, and ``NoHandleColumnError`` for a CSV with more than
    one column and none named as a handle column.
    """
    text = data.decode("utf-8-sig")
    csv.field_size_limit(1 << 20)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    column = next((header.index(name) for name in HANDLE_COLUMNS if name in header), None)
    if column is not None:
        return [
            (n, row[column].strip())
            for n, row in enumerate(rows[1:], start=2)
            if len(row) > column and row[column].strip()
        ]
    wide = next((n for n, row in enumerate(rows, start=1) if any(cell.strip() for cell in row[1:])), None)
    if wide is not None:
        raise NoHandleColumnError([cell.strip() for cell in rows[0]], HANDLE_COLUMNS, line=wide)
    return [(n, row[0].strip()) for n, row in enumerate(rows, start=1) if row and row[0].strip()]
