"""The row every benchmark's ``smoke()`` returns, for ``benchmarks/run.py``'s one table.

The convention (read by ``run.py``): a benchmark module in this folder that defines
``def smoke() -> list[Row]`` takes part; ``smoke()`` measures with small sizes (a few seconds,
nothing to install beyond the repository's test environment) and returns one :class:`Row` per
figure: the SDK's value beside what a user would otherwise have (a plain loop, ``python -c
pass``, a hello-world app). A module without ``smoke()`` is listed as skipped.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Row"]


class Row(NamedTuple):
    """One figure of a benchmark, the SDK beside its baseline.

    Attributes:
        measure: What is measured, with its unit (``"smsadmin --help, CPU s"``).
        sdk: The SDK's figure.
        baseline: The figure of what one would otherwise run, in the same unit.
        baseline_name: What the baseline is (``"python -c pass"``).
    """

    measure: str
    sdk: float
    baseline: float
    baseline_name: str

    @property
    def ratio(self) -> float:
        """``sdk / baseline`` (infinite when the baseline is zero)."""
        return self.sdk / self.baseline if self.baseline else float("inf")
