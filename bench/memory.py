"""python -m bench.memory ROADMAP_ID WARMUP_ROADMAP_ID [--tracemalloc] [--table USER_ID]: the
peak of one export (or, with --table, of one GET of the roadmap's table page as USER_ID), as JSON.

Run by the memory case in a fresh interpreter, inside the benchmark's throwaway
database (its DATABASE_URL and settings come from the parent's environment), so
that what the parent process already holds (other cases' caches, the 50,000 rows
it built) is not in the figure. A small roadmap is exported first, untimed and
unmeasured: imports and caches are not the export's memory.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import tempfile
import time
import tracemalloc


def _timed(function, *args) -> float:
    began = time.perf_counter()
    function(*args)
    return time.perf_counter() - began


def _status_bytes(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024  # "VmHWM:   40960 kB"
    raise OSError(f"no {field} in /proc/self/status")


def _start_peak() -> int:
    """Reset the peak resident memory where Linux allows it; return the memory now."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")  # resets VmHWM, the peak, to the current size
        return _status_bytes("VmRSS")
    except OSError:
        # Elsewhere the peak since start is what there is: an upper bound.
        return _peak_since_start()


def _peak_bytes() -> int:
    try:
        return _status_bytes("VmHWM")
    except OSError:
        return _peak_since_start()


def _peak_since_start() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux counts in KiB


def _table_page(user_id: int):
    """One GET of a roadmap's table page through the test client, as ``user_id``: the
    request and its response (the HTML is part of what the worker holds)."""
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(pk=user_id))

    def get(roadmap):
        response = client.get(roadmap.get_absolute_url())
        if response.status_code != 200:
            raise RuntimeError(f"the table page answered {response.status_code}")

    return get


def main(argv: list[str]) -> int:
    roadmap_id, warmup_id = int(argv[0]), int(argv[1])
    from .__main__ import _setup_django

    _setup_django()
    from django.db import connections
    from django.utils import translation

    from actions.models import Roadmap
    from actions.workbook.export import export_queryset, registered_sheets, write_workbook

    translation.activate("en")

    def export(roadmap):
        # A file on disk, as the download view spools a large workbook: the bytes
        # of the result are then not part of what the export holds in memory.
        with tempfile.TemporaryFile() as out:
            write_workbook(
                roadmap,
                export_queryset(roadmap.actions.all()),
                out,
                extra_sheets=registered_sheets(),
            )

    if "--table" in argv:
        export = _table_page(int(argv[argv.index("--table") + 1]))

    try:
        export(Roadmap.objects.get(pk=warmup_id))
        roadmap = Roadmap.objects.get(pk=roadmap_id)
        gc.collect()
        if "--tracemalloc" in argv:
            tracemalloc.start()
            try:
                seconds = _timed(export, roadmap)
                _current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
        else:
            before = _start_peak()
            seconds = _timed(export, roadmap)
            peak = _peak_bytes() - before
    finally:
        connections.close_all()
    print(json.dumps({"peak_bytes": peak, "seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
