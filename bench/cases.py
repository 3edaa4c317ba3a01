"""The benchmark's cases, in the order they run. Each returns {"ratio", "ours_s",
"baseline_s", ...}: our figure divided by the baseline's, measured in the same process
(common.py). By what they time: page_cases.py (the table page, bad uploads),
export_cases.py, import_cases.py, scale.py (the pages at two sizes of roadmap)."""

from __future__ import annotations

from collections.abc import Callable

from . import export_cases, import_cases, page_cases, scale
from .common import GOALS, NEEDS_IMPORT_EXPORT, Context

# In the order they run: the memory cases last, as they add roadmaps of their own.
CASES: dict[str, Callable[[Context], dict]] = {
    "table_queries_200_vs_20": page_cases.table_queries,
    "table_vs_admin": page_cases.table_vs_admin,
    "table_5000_vs_admin": scale.table_big_vs_admin,
    "bad_upload_vs_good_upload": page_cases.bad_upload_vs_good_upload,
    "export_vs_limit": export_cases.export_vs_limit,
    "export_vs_import_export": export_cases.export_vs_import_export,
    "import_vs_import_export": import_cases.import_vs_import_export,
    "import_5000_vs_limit": import_cases.import_vs_limit,
    "scale_slope": scale.scale_slope,
    "table_memory_10k_vs_1k": scale.table_memory,
    "export_memory_50k_vs_5k": export_cases.export_memory,
}

__all__ = ["CASES", "GOALS", "NEEDS_IMPORT_EXPORT", "Context"]
