"""Read and write the account JSONL format (one ``Account`` per line, see ``detector/account.schema.json``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from detector.schema import Account
from ingest.errors import MalformedFileError, UnknownHandleError
from ingest.records import AccountRow, RowProblem

__all__ = ["JsonlAccountSource", "read_account_rows", "read_accounts", "write_accounts"]


def write_accounts(path: Path, accounts: Iterable[Account]) -> int:
    """Write accounts one per line; return how many were written. Writes to a temp file, then renames."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    n = 0
    with tmp.open("w", encoding="utf-8") as out:
        for account in accounts:
            out.write(account.model_dump_json(exclude_none=True))
            out.write("\n")
            n += 1
    tmp.replace(path)
    return n


def _parse_line(path: Path, lineno: int, line: str) -> Account:
    try:
        return Account.model_validate_json(line)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "line"
        raise MalformedFileError(path, lineno, f"{where}: {first['msg']}") from exc
    except OverflowError as exc:  # a timestamp whose UTC conversion leaves datetime's range (year 1 or 9999)
        raise MalformedFileError(path, lineno, f"a timestamp is out of range: {exc}") from exc


def _lines(path: Path) -> Iterator[tuple[int, str | None]]:
    """Yield (line number, text) for non-blank lines; text is ``None`` when the line is not valid UTF-8.

    Lines are decoded one at a time, so one bad byte costs one line, not the file; a byte-order mark is dropped.
    """
    with Path(path).open("rb") as raw:
        for lineno, data in enumerate(raw, start=1):
            if lineno == 1:
                data = data.removeprefix(b"\xef\xbb\xbf")
            try:
                line = data.decode("utf-8")
            except UnicodeDecodeError:
                yield lineno, None
                continue
            if line.strip():
                yield lineno, line


def read_accounts(path: Path) -> Iterator[Account]:
    """Yield the accounts of a JSONL file in file order; blank lines are skipped.

    Raises ``MalformedFileError`` naming the line of the first invalid record.
    """
    for lineno, line in _lines(path):
        if line is None:
            raise MalformedFileError(path, lineno, "not valid UTF-8")
        yield _parse_line(Path(path), lineno, line)


def read_account_rows(path: Path) -> Iterator[AccountRow | RowProblem]:
    """Yield each account as rows for the store (its profile, then one row per post); bad lines become problems."""
    for lineno, line in _lines(path):
        if line is None:
            yield RowProblem(lineno, "not valid UTF-8")
            continue
        try:
            account = _parse_line(Path(path), lineno, line)
        except MalformedFileError as exc:
            yield RowProblem(lineno, exc.reason)
            continue
        yield AccountRow(lineno, account.handle, account.user_id, account.profile, None, account.platform)
        for post in account.posts:
            yield AccountRow(lineno, account.handle, account.user_id, None, post, account.platform)


class JsonlAccountSource:
    """Look accounts up by handle in a JSONL file without holding every post in memory.

    The constructor reads the file once to index each handle's byte offset; ``get`` parses one line.
    Handles compare case-insensitively, as on X.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._offsets: dict[str, tuple[int, int]] = {}
        with self.path.open("rb") as raw:
            offset = 0
            for lineno, line in enumerate(raw, start=1):
                if line.strip():
                    try:
                        handle = json.loads(line.removeprefix(b"\xef\xbb\xbf"))["handle"]
                    except (ValueError, KeyError, TypeError, RecursionError) as exc:
                        raise MalformedFileError(self.path, lineno, "not a JSON object with a 'handle'") from exc
                    self._offsets[str(handle).removeprefix("@").lower()] = (offset, lineno)
                offset += len(line)

    def __len__(self) -> int:
        return len(self._offsets)

    def __contains__(self, handle: str) -> bool:
        return handle.removeprefix("@").lower() in self._offsets

    def get(self, handle: str) -> Account:
        """Return the account, or raise ``UnknownHandleError``."""
        key = handle.removeprefix("@").lower()
        if key not in self._offsets:
            raise UnknownHandleError(handle.removeprefix("@"))
        offset, lineno = self._offsets[key]
        with self.path.open("rb") as raw:
            raw.seek(offset)
            line = raw.readline().removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
        return _parse_line(self.path, lineno, line)
