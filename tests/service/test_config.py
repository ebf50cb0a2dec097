"""Settings the detector cannot read (it imports no configuration) are worked out by it the same way."""

from __future__ import annotations

import os

import pytest

from detector.kernel_cache import cache_dir
from service.config import Settings


@pytest.mark.parametrize(
    "environ",
    [{}, {"PARROTWATCH_DATA_DIR": "/srv/pw"}, {"PARROTWATCH_DATA_DIR": "/srv/pw", "PARROTWATCH_CACHE_DIR": "/fast"}],
    ids=["default", "under-the-data-dir", "own-cache-dir"],
)
def test_settings_and_the_detector_resolve_the_cache_dir_alike(environ: dict[str, str], monkeypatch) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert Settings().resolved_cache_dir == cache_dir(os.environ)
