"""Scores already computed from exactly the same inputs, so scoring a cached handle again costs a lookup.

A score depends on the model and its catalog, the account's profile and posts, and the coordination index (other
accounts' posts near this account's). The key holds the model and catalog versions, a digest of the account, and
the index's generation,
which changes whenever any post is added: a new post anywhere makes every remembered score stale, never wrong.
Every request is still recorded (``service.db.scores.record_score`` counts a repeat on the stored row); only the
computation is skipped. The store hands out the
same ``Account`` object for a handle until it changes (its account cache), so an account's digest is remembered
by object identity too, next to a reference that keeps the object (and so its id) alive.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from detector.schema import Account
from detector.scoring import AccountScore

__all__ = ["MemoKey", "ScoreJson", "ScoreMemo", "account_digest", "memo_key"]

MemoKey = tuple[str, str, str, str, int]


class ScoreJson:
    """A score and its two JSON forms, each made on first use and then shared by every request the memo serves it
    to: the history stores every field (``stored``), the API leaves ``None`` out (``public``). A cached score is
    otherwise serialized twice a request, a good part of what serving it costs."""

    __slots__ = ("_public", "_stored", "score")

    def __init__(self, score: AccountScore) -> None:
        self.score = score
        self._stored: str | None = None
        self._public: str | None = None

    @property
    def stored(self) -> str:
        if self._stored is None:
            self._stored = self.score.model_dump_json()
        return self._stored

    @property
    def public(self) -> str:
        if self._public is None:
            self._public = self.score.model_dump_json(exclude_none=True)
        return self._public


def account_digest(account: Account) -> str:
    return hashlib.blake2b(account.model_dump_json().encode("utf-8"), digest_size=16).hexdigest()


def memo_key(model_version: str, catalog_version: str, account: Account, coordination_generation: int) -> MemoKey:
    return model_version, catalog_version, account.handle, account_digest(account), coordination_generation


class ScoreMemo:
    """A thread-safe LRU of the ``max_entries`` most recent scores (0 disables it)."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[MemoKey, ScoreJson] = OrderedDict()
        self._digests: OrderedDict[int, tuple[Account, str]] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, model_version: str, catalog_version: str, account: Account, coordination_generation: int) -> MemoKey:
        """``memo_key``, with the account's digest computed once per account object (accounts are frozen)."""
        with self._lock:
            known = self._digests.get(id(account))
        if known is not None and known[0] is account:
            digest = known[1]
        else:
            digest = account_digest(account)
            if self.max_entries > 0:
                with self._lock:
                    self._digests[id(account)] = (account, digest)
                    while len(self._digests) > self.max_entries:
                        self._digests.popitem(last=False)
        return model_version, catalog_version, account.handle, digest, coordination_generation

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: MemoKey) -> ScoreJson | None:
        with self._lock:
            score = self._entries.get(key)
            if score is not None:
                self._entries.move_to_end(key)
            return score

    def put(self, key: MemoKey, score: ScoreJson) -> None:
        if self.max_entries <= 0:
            return
        with self._lock:
            self._entries[key] = score
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
