"""The input formats the CLI and training accept, each read as a stream of rows for the store to import."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

from ingest import io_archive, x_v2
from ingest.io_archive import IoArchiveReader
from ingest.jsonl import read_account_rows
from ingest.records import AccountRow, RowProblem

__all__ = ["InputFormat", "RowSource"]


class InputFormat(StrEnum):
    JSONL = "jsonl"
    TWARC2 = "twarc2"
    IO_ARCHIVE = "io-archive"
    IRA_CSV = "ira-csv"  # FiveThirtyEight's IRA tweets, per author (handle, tweet_time, tweet_text, ...)
    REDDIT_CSV = "reddit-csv"  # Reddit posts (handle, created, title, text, ...)

    @property
    def platform(self) -> str | None:
        """The platform every account in this format is on (its rows say so), or ``None`` when the rows tell."""
        return _PLATFORMS.get(self)


# X's Information Operations releases and twarc2's X API collections hold X accounts only; JSONL names its own.
_PLATFORMS = {
    InputFormat.IO_ARCHIVE: io_archive.PLATFORM,
    InputFormat.TWARC2: x_v2.PLATFORM,
    InputFormat.IRA_CSV: io_archive.PLATFORM,
    InputFormat.REDDIT_CSV: "reddit",
}


class RowSource:
    """A file read as ``fmt``: iterate it for rows; ``notices`` says what the format could not provide."""

    def __init__(self, path: Path, fmt: InputFormat) -> None:
        self.path = Path(path)
        self.format = InputFormat(fmt)
        self._archive = IoArchiveReader(self.path) if self.format is InputFormat.IO_ARCHIVE else None

    def __iter__(self) -> Iterator[AccountRow | RowProblem]:
        if self._archive is not None:
            return iter(self._archive)
        if self.format is InputFormat.TWARC2:
            from ingest.twarc2 import read_twarc2_rows

            return read_twarc2_rows(self.path)
        if self.format is InputFormat.IRA_CSV:
            from ingest.ira_csv import read_ira_rows

            return read_ira_rows(self.path)
        if self.format is InputFormat.REDDIT_CSV:
            from ingest.reddit_csv import read_reddit_rows

            return read_reddit_rows(self.path)
        return read_account_rows(self.path)

    @property
    def notices(self) -> list[str]:
        if self._archive is not None and self._archive.missing_columns:
            return [
                f"{self.path.name}: optional columns absent, their features are missing: "
                f"{', '.join(self._archive.missing_columns)}"
            ]
        return []
