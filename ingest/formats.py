"""The input formats the CLI and training accept, and one function that reads any of them."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

from detector.schema import Account
from ingest.jsonl import read_accounts

__all__ = ["InputFormat", "read_input"]


class InputFormat(StrEnum):
    JSONL = "jsonl"


_READERS = {InputFormat.JSONL: read_accounts}


def read_input(path: Path, fmt: InputFormat = InputFormat.JSONL) -> Iterator[Account]:
    """Yield accounts from ``path`` read as ``fmt``."""
    return _READERS[InputFormat(fmt)](Path(path))
