"""Read a job's handles from an uploaded file: a CSV with a ``handle`` column, or one handle per line.

Line numbers are kept (1-based, as an editor shows them) so that a refused file names the lines to fix.
"""

from __future__ import annotations

import csv
import io

__all__ = ["HANDLE_COLUMNS", "read_handle_lines"]

# Column names taken for the handle, in order of preference (the IO archives call it user_screen_name).
HANDLE_COLUMNS = ("handle", "username", "screen_name", "user_screen_name")


def read_handle_lines(data: bytes) -> list[tuple[int, str]]:
    """``(line, raw handle)`` for each non-blank entry. Raises ``UnicodeDecodeError`` for bytes that are not UTF-8."""
    text = data.decode("utf-8-sig")
    csv.field_size_limit(1 << 20)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    column = next((header.index(name) for name in HANDLE_COLUMNS if name in header), None)
    if column is None:
        # No header we know: one handle per line (a lone column; anything after a comma is ignored).
        return [(n, row[0].strip()) for n, row in enumerate(rows, start=1) if row and row[0].strip()]
    return [
        (n, row[column].strip()) for n, row in enumerate(rows[1:], start=2) if len(row) > column and row[column].strip()
    ]
