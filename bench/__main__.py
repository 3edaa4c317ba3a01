"""python -m bench [--size 5000] [--repeat 5] [--out bench/results.json] [--only NAME ...]

Builds the synthetic network in a throwaway database, times each case and
prints a table; the same figures go to --out as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import sys
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000, help="actions in the big roadmap")
    parser.add_argument("--table-rows", type=int, default=200, help="rows of the table case")
    parser.add_argument(
        "--table-rows-small", type=int, default=20, help="rows of the table's query-count twin"
    )
    parser.add_argument("--memory-factor", type=int, default=10, help="the memory case's scale")
    parser.add_argument(
        "--slope-sizes",
        type=int,
        nargs=2,
        default=[1000, 10000],
        metavar=("SMALL", "LARGE"),
        help="actions of the scale cases' two roadmaps (scale_slope, table_memory_10k_vs_1k)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each side")
    parser.add_argument("--out", default=str(BASE_DIR / "bench" / "results.json"))
    parser.add_argument("--only", nargs="*", default=None, help="run only these cases")
    return parser.parse_args(argv)


def _configure_environment() -> None:
    """Production-like settings (DEBUG off: no query log eating memory), for a test client."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "cities4csr.settings"
    os.environ["DEBUG"] = "false"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["LANGUAGE_CODE"] = "en"
    os.environ["LOG_LEVEL"] = "ERROR"
    # whitenoise looks for collected static files, which the benchmark does not need.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")


def _setup_django() -> None:
    import django
    from django.conf import settings

    django.setup()
    # No collectstatic here: plain static storage, as the tests use.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ROOT_URLCONF = "bench.urls"


def _print_table(results: dict[str, dict], out=sys.stdout) -> None:
    print(file=out)
    head = f"{'case':<26} {'ratio':>7} {'goal':>6}  {'met':<5} {'ours':>10} {'baseline':>10}"
    print(head, file=out)
    print("-" * len(head), file=out)
    for name, result in results.items():
        if "skipped" in result:
            print(f"{name:<26} skipped: {result['skipped']}", file=out)
            continue
        met = "yes" if result["met"] else "NO"
        if name == "table_queries_200_vs_20":
            ours, baseline = f"{result['ours_queries']} q", f"{result['baseline_queries']} q"
        elif name in ("export_memory_50k_vs_5k", "table_memory_10k_vs_1k"):
            ours, baseline = f"{result['ours_peak_mb']} MB", f"{result['baseline_peak_mb']} MB"
        else:
            ours, baseline = f"{result['ours_s']:.3f} s", f"{result['baseline_s']:.3f} s"
        print(
            f"{name:<26} {result['ratio']:>7.3f} {result['goal']:>6}  {met:<5} "
            f"{ours:>10} {baseline:>10}",
            file=out,
        )
        if result.get("baseline_cpu_s") and "slopes" not in result:
            cpu_ratio = result["ours_cpu_s"] / result["baseline_cpu_s"]
            print(
                f"  {'CPU seconds':<24} {cpu_ratio:>7.3f} {'':>6}  {'':<5} "
                f"{result['ours_cpu_s']:>8.3f} s {result['baseline_cpu_s']:>8.3f} s",
                file=out,
            )
        for page, slope in result.get("slopes", {}).items():
            seconds = result["seconds"][page]
            page_met = "yes" if result["met_per_page"][page] else "NO"
            cpu = ""
            if page in result.get("cpu_slopes", {}):
                cpu = (
                    f"  CPU: {result['cpu_slopes'][page]:.3f} "
                    f"({seconds['large_cpu_s']:.3f} s ÷ {seconds['small_cpu_s']:.3f} s)"
                )
            print(
                f"  {page:<24} {slope:>7.3f} {result['goals'][page]:>6}  {page_met:<5} "
                f"{seconds['large_s']:>8.3f} s {seconds['small_s']:>8.3f} s{cpu}",
                file=out,
            )
    missed = [name for name, r in results.items() if "met" in r and not r["met"]]
    if missed:
        print(f"\nGoal not met: {', '.join(missed)} (bench/README.md says why).", file=out)


def _exit_on_termination() -> None:
    """Turn SIGTERM and SIGHUP into SystemExit, and SIGINT into KeyboardInterrupt even
    where the shell started us ignoring it (a background job): the `finally` blocks
    then run, which remove the temporary directory or drop the PostgreSQL database
    (and stop the memory case's child process)."""

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    sys.path.insert(0, str(BASE_DIR))
    _configure_environment()
    _exit_on_termination()

    from .database import throwaway_database

    with throwaway_database() as description:
        _setup_django()
        from django.core.management import call_command
        from django.db import connections
        from django.utils import translation

        try:
            print(f"bench: database {description}", flush=True)
            began = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
            # The comparison admin is registered only now: the checks of migrate
            # would ask it for the autocomplete admins of another site.
            from . import cases, network

            translation.activate("en")
            built = network.build(
                size=args.size,
                table_rows=args.table_rows,
                table_rows_small=args.table_rows_small,
            )
            print(
                f"bench: migrated and built the network ({args.size} + {args.table_rows} + "
                f"{args.table_rows_small} actions) in {time.perf_counter() - began:.1f} s",
                flush=True,
            )
            results = _run(args, cases, built)
        finally:
            connections.close_all()

    _print_table(results)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nbench: wrote {args.out}")
    return 0


def _run(args, cases, built) -> dict[str, dict]:
    from .baselines import import_export_available

    context = cases.Context(
        network=built,
        size=args.size,
        repeat=args.repeat,
        memory_factor=args.memory_factor,
        slope_sizes=tuple(args.slope_sizes),
    )
    have_import_export = import_export_available()
    results: dict[str, dict] = {}
    for name, case in cases.CASES.items():
        if args.only and name not in args.only:
            continue
        if name in cases.NEEDS_IMPORT_EXPORT and not have_import_export:
            results[name] = {"skipped": "django-import-export not installed"}
            continue
        began = time.perf_counter()
        results[name] = case(context)
        print(
            f"bench: {name}: ratio {results[name]['ratio']} ({time.perf_counter() - began:.1f} s)",
            flush=True,
        )
    return results


if __name__ == "__main__":
    sys.exit(main())
