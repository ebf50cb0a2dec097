"""The coordination index's persisted rows: written as posts are indexed, read back at start.

Reading signatures back costs a query, where rebuilding them costs normalizing and hashing every stored post: the
difference between seconds and minutes at a few million posts. Only the newest ``max_posts`` (by post time) are
loaded, since coordination is about posts close in time and the index lives in memory. Sentence vectors (the
semantic pass) are stored beside the signatures for the same reason: embedding is the costliest step of indexing.
Each row also keeps its post's word set (``detector/word_sets.py``), which decides near-duplicates exactly; rows
stored before those existed (migration 0013) are re-signed from the stored posts once (``resign_stored_rows``).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Iterable

import numpy as np
from sqlalchemy import Engine, bindparam, delete, func, select, update
from sqlalchemy.exc import OperationalError

from detector.coordination import CoordinationParams, PostTable
from detector.post_columns import PostColumns
from detector.semantic_links import VECTOR_DIM, SemanticColumns
from detector.word_sets import WordSets
from ingest.database import insert_skipping_existing
from ingest.store import AccountStore
from service.db.tables import coordination_posts

__all__ = ["RowPersister", "count_rows", "load_table", "resign_stored_rows", "save_table"]

logger = logging.getLogger(__name__)
_CHUNK = 5_000


def save_table(engine: Engine, table: PostTable) -> int:
    """Store the rows of ``table`` not stored yet; return how many were written."""
    if not len(table):
        return 0
    keys = table.hashtag_keys.astype(np.uint64).view(np.int64)
    links, reposts = (table.keys(name).astype(np.uint64).view(np.int64) for name in ("link_keys", "repost_keys"))
    semantic, words = table.semantic, table.words
    written = 0
    with engine.begin() as conn:
        for start in range(0, len(table), _CHUNK):
            ids = table.post_ids[start : start + _CHUNK]
            known = set(
                conn.execute(select(coordination_posts.c.post_id).where(coordination_posts.c.post_id.in_(ids)))
                .scalars()
                .all()
            )
            rows = [
                {
                    "post_id": post_id,
                    "handle": table.handles[int(table.account[i])],
                    "created_at": float(table.times[i]),
                    "n_shingles": int(table.n_shingles[i]),
                    "signature": table.signatures[i].astype("<u4").tobytes(),
                    "hashtag_key": int(keys[i]),
                    "link_key": int(links[i]),
                    "repost_key": int(reposts[i]),
                    "words": _words_of(words, i),
                    **_vector_of(semantic, i),
                }
                for i, post_id in enumerate(ids, start=start)
                if post_id not in known
            ]
            if rows:  # skipping rows another writer stored since the check (the server and a CLI run, say)
                conn.execute(insert_skipping_existing(conn, coordination_posts), rows)
                written += len(rows)
    return written


def _words_of(words: WordSets | None, row: int) -> bytes | None:
    return words.of(row).astype("<u4").tobytes() if words is not None else None


def _vector_of(semantic: SemanticColumns | None, row: int) -> dict[str, object]:
    if semantic is None or not semantic.languages[row]:
        return {"vector": None, "lang_code": None}
    vector = semantic.vectors[semantic.vector_of[row]]
    return {"vector": vector.tobytes(), "lang_code": int(semantic.languages[row])}


def _semantic_of(rows: list) -> SemanticColumns | None:  # type: ignore[type-arg]
    """The stored vectors of ``rows``, or ``None`` when none has one."""
    if not any(row.vector is not None for row in rows):
        return None
    kept = [i for i, row in enumerate(rows) if row.vector is not None and len(row.vector) == VECTOR_DIM]
    languages = np.zeros(len(rows), np.uint32)
    languages[kept] = [rows[i].lang_code for i in kept]
    vector_of = np.full(len(rows), -1, np.int64)
    vector_of[kept] = np.arange(len(kept))
    vectors = np.frombuffer(b"".join(rows[i].vector for i in kept), dtype=np.int8).reshape(len(kept), VECTOR_DIM)
    return SemanticColumns(languages, vector_of, vectors.copy())


def load_table(engine: Engine, params: CoordinationParams, *, max_posts: int) -> PostTable:
    """The newest ``max_posts`` stored rows, as a table the index takes with ``add_table``."""
    query = (
        select(coordination_posts)
        .where(func.length(coordination_posts.c.signature) == 4 * params.num_perm)  # rows of another num_perm: skip
        .where(coordination_posts.c.words.is_not(None))  # rows from before 0013: re-signed first, else skipped
        .order_by(coordination_posts.c.created_at.desc())
        .limit(max_posts)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    handles = sorted({row.handle for row in rows})
    position = {handle: i for i, handle in enumerate(handles)}
    signatures = np.frombuffer(b"".join(row.signature for row in rows), dtype="<u4").astype(np.uint32)
    return PostTable(
        handles=handles,
        account=np.fromiter((position[row.handle] for row in rows), dtype=np.int64, count=len(rows)),
        post_ids=[row.post_id for row in rows],
        times=np.fromiter((row.created_at for row in rows), dtype=np.float64, count=len(rows)),
        signatures=signatures.reshape(len(rows), params.num_perm),
        n_shingles=np.fromiter((row.n_shingles for row in rows), dtype=np.int64, count=len(rows)),
        hashtag_keys=_keys(row.hashtag_key for row in rows),
        link_keys=_keys(row.link_key for row in rows),
        repost_keys=_keys(row.repost_key for row in rows),
        semantic=_semantic_of(rows),
        words=_word_sets(rows),
    )


def _word_sets(rows: list) -> WordSets:  # type: ignore[type-arg]
    sizes = np.fromiter((len(row.words) // 4 for row in rows), dtype=np.int64, count=len(rows))
    hashes = np.frombuffer(b"".join(row.words for row in rows), dtype="<u4").astype(np.uint32)
    return WordSets(hashes, np.r_[0, np.cumsum(sizes)].astype(np.int64))


def resign_stored_rows(engine: Engine, store: AccountStore, params: CoordinationParams) -> tuple[int, int]:
    """Sign the rows stored before migration 0013 again, from their posts in ``store``; return how many were re-signed
    and how many were dropped because their post is no longer stored.

    Their signatures are over word bigrams and they have no word set, so they could not be compared with new rows.
    Only the signature, the word count and the word set change: keys and sentence vectors (the costly part) stay.
    """
    column = coordination_posts.c
    with engine.connect() as conn:
        legacy = conn.execute(select(column.post_id, column.handle).where(column.words.is_(None))).all()
    if not legacy:
        return 0, 0
    waiting = {row.post_id for row in legacy}
    resigned = 0
    statement = (
        update(coordination_posts)
        .where(column.post_id == bindparam("row_id"))
        .values(
            signature=bindparam("row_signature"), n_shingles=bindparam("row_shingles"), words=bindparam("row_words")
        )
    )
    accounts = store.iter_accounts(sorted({row.handle for row in legacy}))
    while batch := list(itertools.islice(accounts, 200)):  # streamed: a store can hold millions of posts
        columns = PostColumns(batch)
        found = [i for i, post in enumerate(columns.posts) if post.id in waiting]
        if not found:
            continue
        signatures, words = columns.word_signatures(params.num_perm)
        sizes = words.sizes()
        rows = [
            {
                "row_id": columns.posts[i].id,
                "row_signature": signatures[i].astype("<u4").tobytes(),
                "row_shingles": int(sizes[i]),
                "row_words": _words_of(words, i),
            }
            for i in found
        ]
        with engine.begin() as conn:
            conn.execute(statement, rows)
        waiting.difference_update(row["row_id"] for row in rows)
        resigned += len(rows)
    gone = sorted(waiting)
    with engine.begin() as conn:
        for start in range(0, len(gone), _CHUNK):
            conn.execute(delete(coordination_posts).where(column.post_id.in_(gone[start : start + _CHUNK])))
    return resigned, len(gone)


def _keys(values: Iterable[int]) -> np.ndarray:
    """Stored int64 bits back as the uint64 keys."""
    return np.fromiter(values, dtype=np.int64).view(np.uint64)


def count_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(coordination_posts)).scalar_one())


def _is_busy(exc: OperationalError) -> bool:
    message = str(exc.orig).lower()
    return "locked" in message or "busy" in message


class RowPersister:
    """The index's ``on_add``: write new rows, and keep those the database was too busy to take for the next add.

    The index holds a row in memory before it is written, and adds a post only once, so a write that failed used to
    be lost from the persisted index for good (and failed the job batch that added it). Now, when the database stays
    locked past its busy timeout, the rows wait in memory and go with the next batch of rows (``save_table`` skips
    what is stored already), and scoring goes on meanwhile. Other database errors propagate.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._pending: list[PostTable] = []
        self._lock = threading.Lock()

    @property
    def n_pending(self) -> int:
        with self._lock:
            return sum(len(table) for table in self._pending)

    def __call__(self, table: PostTable) -> None:
        with self._lock:
            self._pending.append(table)
            rows = PostTable.concat(self._pending) if len(self._pending) > 1 else table
            try:
                save_table(self.engine, rows)
            except OperationalError as exc:
                if not _is_busy(exc):
                    raise
                logger.warning("database busy: coordination rows kept for the next write", extra={"n_rows": len(rows)})
                return
            self._pending.clear()
