"""python -m bench.memory ROADMAP_ID WARMUP_ROADMAP_ID: the peak of one export, as JSON.

Run by the memory case in a fresh interpreter, inside the benchmark's throwaway
database (its DATABASE_URL and settings come from the parent's environment), so
that what the parent process already holds (other cases' caches, the 50,000 rows
it built) is not in the figure. A small roadmap is exported first, untimed and
unmeasured: imports and caches are not the export's memory.
"""

from __future__ import annotations

import gc
import json
import sys
import tempfile
import time
import tracemalloc


def main(argv: list[str]) -> int:
    roadmap_id, warmup_id = int(argv[0]), int(argv[1])
    from .__main__ import _setup_django

    _setup_django()
    from django.db import connections
    from django.utils import translation

    from actions.models import Roadmap
    from actions.workbook.export import export_queryset, write_workbook

    translation.activate("en")

    def export(roadmap):
        # A file on disk, as the download view spools a large workbook: the bytes
        # of the result are then not part of what the export holds in memory.
        with tempfile.TemporaryFile() as out:
            write_workbook(roadmap, export_queryset(roadmap.actions.all()), out)

    try:
        export(Roadmap.objects.get(pk=warmup_id))
        roadmap = Roadmap.objects.get(pk=roadmap_id)
        gc.collect()
        tracemalloc.start()
        try:
            began = time.perf_counter()
            export(roadmap)
            seconds = time.perf_counter() - began
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    finally:
        connections.close_all()
    print(json.dumps({"peak_bytes": peak, "seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
