"""Timing several runs of two things in turn, so that a slow moment of a noisy
machine falls on both rather than on one."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Runs:
    seconds: list[float]
    # This process's CPU seconds of the same runs (``time.process_time``), where
    # measured: on a shared machine they move less than the wall clock. They count
    # SQLite's work (in this process), not PostgreSQL's server.
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None

    def summary(self, prefix: str) -> dict[str, float]:
        summary = {
            f"{prefix}_s": round(self.median, 6),
            f"{prefix}_min_s": round(min(self.seconds), 6),
            f"{prefix}_max_s": round(max(self.seconds), 6),
        }
        if self.cpu:
            summary[f"{prefix}_cpu_s"] = round(self.cpu_median, 6)
        return summary


def timed(function: Callable[[], object]) -> float:
    began = time.perf_counter()
    function()
    return time.perf_counter() - began


def timed_both(function: Callable[[], object]) -> tuple[float, float]:
    """The wall-clock and CPU seconds of one run."""
    began, began_cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - began, time.process_time() - began_cpu


def compare(
    ours: Callable[[], object], baseline: Callable[[], object], *, repeat: int, warmup: bool = True
) -> tuple[Runs, Runs]:
    """Run each ``repeat`` times, alternating, after one untimed run of each (caches, imports).

    The side that goes first changes every round (ours first, then theirs first...),
    so that neither always runs on caches the other warmed, or always second.
    """
    if warmup:
        ours()
        baseline()
    ours_runs, baseline_runs = Runs([]), Runs([])

    def run(function, runs: Runs) -> None:
        wall, cpu = timed_both(function)
        runs.seconds.append(wall)
        runs.cpu.append(cpu)

    for round_ in range(repeat):
        if round_ % 2:
            run(baseline, baseline_runs)
            run(ours, ours_runs)
        else:
            run(ours, ours_runs)
            run(baseline, baseline_runs)
    return ours_runs, baseline_runs
