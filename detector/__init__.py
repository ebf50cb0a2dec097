"""The detector: account schema, catalog, feature families, coordination, model, scoring and explanations.

Importing the package points numba's kernel cache at the data directory (``detector/kernel_cache.py``) before any
module with a compiled kernel is imported: numba fixes a kernel's cache folder when the kernel is defined.
"""

from detector.kernel_cache import use_cache_dir

use_cache_dir()
