"""Timed runs and their medians, shared by the mass-text benchmarks (not a benchmark itself)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import attrs

__all__ = ["Figures", "Run", "median", "timed"]


@attrs.frozen
class Run:
    """One timed run: wall and CPU seconds, and how many texts went out."""

    wall: float
    cpu: float
    sent: int


@attrs.frozen
class Figures:
    """Medians over the runs of one side: wall seconds, CPU seconds per text, texts sent."""

    wall: float
    cpu: float
    sent: int


def timed(work: Callable[[], int]) -> Run:
    """Run ``work`` (which answers how many texts went out), timing its wall and CPU."""
    cpu, wall = time.process_time(), time.perf_counter()
    sent = work()
    return Run(wall=time.perf_counter() - wall, cpu=time.process_time() - cpu, sent=sent)


def median(runs: list[Run], texts: int) -> Figures:
    """The median wall time and CPU per text of ``runs`` of ``texts`` texts each."""
    return Figures(
        wall=statistics.median(run.wall for run in runs),
        cpu=statistics.median(run.cpu for run in runs) / texts,
        sent=min(run.sent for run in runs),
    )
