"""Scores already computed from exactly the same inputs, so scoring a cached handle again costs a lookup.

A score depends on the model, the account's profile and posts, and the coordination index (other accounts' posts
near this account's). The key holds the model version, a digest of the account, and the index's generation,
which changes whenever any post is added: a new post anywhere makes every remembered score stale, never wrong.
Every request still stores its score in the history; only the computation is skipped.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from detector.schema import Account
from detector.scoring import AccountScore

__all__ = ["MemoKey", "ScoreMemo", "memo_key"]

MemoKey = tuple[str, str, str, int]


def memo_key(model_version: str, account: Account, coordination_generation: int) -> MemoKey:
    digest = hashlib.blake2b(account.model_dump_json().encode("utf-8"), digest_size=16).hexdigest()
    return model_version, account.handle, digest, coordination_generation


class ScoreMemo:
    """A thread-safe LRU of the ``max_entries`` most recent scores (0 disables it)."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[MemoKey, AccountScore] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: MemoKey) -> AccountScore | None:
        with self._lock:
            score = self._entries.get(key)
            if score is not None:
                self._entries.move_to_end(key)
            return score

    def put(self, key: MemoKey, score: AccountScore) -> None:
        if self.max_entries <= 0:
            return
        with self._lock:
            self._entries[key] = score
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
