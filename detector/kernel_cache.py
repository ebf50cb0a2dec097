"""Where numba keeps the compiled kernels: under the data directory, never inside the installed package.

numba chooses a kernel's cache folder when the kernel's module is imported (``@njit(cache=True)``), from
``NUMBA_CACHE_DIR``; without it the machine code goes to ``__pycache__`` beside the module, that is into the installed
package, which may be read-only (numba then falls back to the user's home) and is shared by every data directory.
So ``detector/__init__.py`` calls ``use_cache_dir`` before any kernel module can be imported.

The detector reads no configuration object (DESIGN.md), so the folder is worked out here from the same
``PARROTWATCH_*`` variables ``service.config.Settings`` reads, with the same defaults (``Settings.resolved_cache_dir``;
a test checks that the two agree): ``$PARROTWATCH_CACHE_DIR``, else ``$PARROTWATCH_DATA_DIR/cache``, else
``var/cache``, made absolute. A ``NUMBA_CACHE_DIR`` set by hand wins.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, MutableMapping
from pathlib import Path

__all__ = ["cache_dir", "use_cache_dir"]


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """The folder for files that can be rebuilt (compiled kernels), as the settings resolve it."""
    explicit = environ.get("PARROTWATCH_CACHE_DIR")
    if explicit is not None:
        return Path(explicit)
    return Path(environ.get("PARROTWATCH_DATA_DIR", "var")) / "cache"


def use_cache_dir(environ: MutableMapping[str, str] = os.environ) -> Path:
    """Point numba's cache at ``cache_dir()/numba`` unless ``NUMBA_CACHE_DIR`` is set; return the folder in use.

    The path is made absolute so that child processes (batch scoring, training runs) started from another working
    directory share it. numba's configuration is reloaded when numba was imported already, since it reads the
    environment once; kernels decorated before this call keep the folder they were given.
    """
    folder = environ.setdefault("NUMBA_CACHE_DIR", os.path.abspath(cache_dir(environ) / "numba"))
    numba_config = sys.modules.get("numba.core.config")
    if numba_config is not None:
        numba_config.reload_config()
    return Path(folder)
