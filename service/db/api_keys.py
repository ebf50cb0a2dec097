"""API keys: a random secret shown once, stored only as its sha256.

A key looks like ``pw_<id>_<secret>``; the id is public (it names the key in lists and the audit log), the hash
of the whole string is what is stored. Keys given from outside (``PARROTWATCH_ADMIN_KEY``) can be any string.
A key may belong to a ``team``, whose keys see each other's jobs and feedback (``service/scopes.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from service.db.tables import api_keys
from service.db.timeutil import as_utc, utcnow
from service.errors import ApiKeyNotFoundError

__all__ = ["ApiKey", "KeyCache", "Role", "create_key", "ensure_key", "find_key", "hash_key", "list_keys", "revoke_key"]

Role = Literal["analyst", "admin"]


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None
    team: str | None = None

    @property
    def label(self) -> str:
        """How the audit log names the key (never its secret)."""
        team = f", team {self.team}" if self.team else ""
        return f"key {self.id} ({self.role}, {self.name}{team})"


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _key(row) -> ApiKey:  # type: ignore[no-untyped-def]
    return ApiKey(row.id, row.name, row.role, as_utc(row.created_at), as_utc(row.revoked_at), row.team)


def create_key(engine: Engine, *, name: str, role: Role, team: str | None = None) -> tuple[ApiKey, str]:
    """Create a key and return it with its secret, which is not stored and cannot be shown again."""
    key_id = secrets.token_hex(6)
    secret = f"pw_{key_id}_{secrets.token_urlsafe(32)}"
    return _insert_key(engine, key_id, secret, name=name, role=role, team=team), secret


def _insert_key(engine: Engine, key_id: str, secret: str, *, name: str, role: Role, team: str | None = None) -> ApiKey:
    created_at = utcnow()
    row = {"id": key_id, "name": name, "role": role, "team": team, "key_hash": hash_key(secret)}
    with engine.begin() as conn:
        conn.execute(insert(api_keys).values(**row, created_at=created_at, revoked_at=None))
    return ApiKey(key_id, name, role, created_at, None, team)


def ensure_key(engine: Engine, secret: str, *, name: str, role: Role) -> ApiKey:
    """Store ``secret`` with ``role`` unless it is stored already (a revoked one stays revoked).

    Two servers starting at once on one database both find no row: the second insert meets the first's row (the hash
    is unique) and takes it, rather than failing the start."""
    existing = find_key(engine, secret, include_revoked=True)
    if existing is not None:
        return existing
    try:
        return _insert_key(engine, secrets.token_hex(6), secret, name=name, role=role)
    except IntegrityError:
        stored = find_key(engine, secret, include_revoked=True)
        if stored is None:
            raise
        return stored


def find_key(engine: Engine, secret: str, *, include_revoked: bool = False) -> ApiKey | None:
    """The key whose hash matches ``secret``, or ``None``."""
    digest = hash_key(secret)
    with engine.connect() as conn:
        row = conn.execute(select(api_keys).where(api_keys.c.key_hash == digest)).one_or_none()
    # The lookup found the row by hash; compare again in constant time so no code path compares secrets naively.
    if row is None or not hmac.compare_digest(row.key_hash, digest):
        return None
    if row.revoked_at is not None and not include_revoked:
        return None
    return _key(row)


def list_keys(engine: Engine) -> list[ApiKey]:
    with engine.connect() as conn:
        return [_key(row) for row in conn.execute(select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id))]


def revoke_key(engine: Engine, key_id: str) -> ApiKey:
    """Mark a key revoked (kept for the audit trail); revoking twice keeps the first time."""
    with engine.begin() as conn:
        row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).one_or_none()
        if row is None:
            raise ApiKeyNotFoundError(key_id)
        if row.revoked_at is None:  # conditional too: a revocation committed since the read keeps its time
            conn.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
        row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).one()
    return _key(row)


class KeyCache:
    """Keys verified in the last ``ttl_s`` seconds, so a busy client's requests skip the database lookup.

    Only valid keys are remembered, by their sha256 (never the secret), and the hash is compared again in constant
    time. ``clear`` (a revocation through this process's API) ends them at once; a key revoked by another process
    (``parrotwatch keys revoke``) stops working within ``ttl_s``. ``ttl_s`` 0 turns the cache off. A lookup that
    was under way when ``clear`` ran is not remembered: it may have read the key just before it was revoked.
    """

    def __init__(self, ttl_s: float, *, clock: Callable[[], float] = time.monotonic, max_entries: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._max_entries = max_entries
        self._entries: dict[str, tuple[float, str, ApiKey]] = {}
        self._lock = threading.Lock()
        self._generation = 0  # bumped by ``clear``

    def peek(self, secret: str) -> ApiKey | None:
        """The key if it was verified less than ``ttl_s`` ago; ``None`` means ask the database (``find``)."""
        digest = hash_key(secret)
        with self._lock:
            hit = self._entries.get(digest)
        if hit is not None and self._clock() - hit[0] < self.ttl_s and hmac.compare_digest(hit[1], digest):
            return hit[2]
        return None

    def find(self, engine: Engine, secret: str) -> ApiKey | None:
        known = self.peek(secret)
        if known is not None:
            return known
        digest = hash_key(secret)
        now = self._clock()
        with self._lock:
            generation = self._generation
        key = find_key(engine, secret)
        if key is not None and self.ttl_s > 0:
            with self._lock:
                if generation != self._generation:  # cleared during the lookup: the row read may be revoked now
                    return key
                if len(self._entries) >= self._max_entries:
                    self._entries.clear()
                self._entries[digest] = (now, digest, key)
        return key

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation += 1
