"""Timed runs and their medians, shared by the mass-text benchmarks (not a benchmark itself)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import attrs

__all__ = ["OVERHEAD_AIM_MS", "Figures", "Run", "median", "requests_alone", "timed"]

_T = TypeVar("_T")

#: Issue 14's aim for the SDK's own CPU per text on top of its carrier requests: half of the
#: 0.48 ms its table measured.
OVERHEAD_AIM_MS = 0.25


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


def requests_alone(
    send: Callable[[_T], object], texts: Sequence[_T], concurrency: int
) -> Callable[[], int]:
    """A run that sends ``texts`` through ``send`` alone, ``concurrency`` at once.

    The carrier requests the SDK's mass text makes, without the SDK, as a program would send
    them: on a thread pool started for the run. (The SDK keeps its threads between mass
    texts, so starting them is part of the overhead it no longer has; ``mass_send.py``'s
    docstring gives the overhead against threads kept between runs too.)
    """

    def send_all() -> int:
        with ThreadPoolExecutor(max(1, min(concurrency, len(texts)))) as pool:
            return sum(1 for _ in pool.map(send, texts))

    return send_all
