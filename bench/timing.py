"""Timing several runs of two things in turn, so that a slow moment of a noisy
machine falls on both rather than on one."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Runs:
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def summary(self, prefix: str) -> dict[str, float]:
        return {
            f"{prefix}_s": round(self.median, 6),
            f"{prefix}_min_s": round(min(self.seconds), 6),
            f"{prefix}_max_s": round(max(self.seconds), 6),
        }


def timed(function: Callable[[], object]) -> float:
    began = time.perf_counter()
    function()
    return time.perf_counter() - began


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
    ours_runs, baseline_runs = [], []
    for round_ in range(repeat):
        if round_ % 2:
            baseline_runs.append(timed(baseline))
            ours_runs.append(timed(ours))
        else:
            ours_runs.append(timed(ours))
            baseline_runs.append(timed(baseline))
    return Runs(ours_runs), Runs(baseline_runs)
