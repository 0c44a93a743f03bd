"""``benchmarks/history_scale.py`` runs end to end at tiny sizes (its figures are not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "history_scale.py"

#: A row per measure the benchmark prints.
MEASURES = (
    "history(viewer, candidate)",
    "thread(viewer, line, candidate)",
    "history_page, first",
    "thread_page, first",
    "messages.page, halfway",
    "same page by OFFSET",
    "optouts.page, halfway",
    "audit.page, halfway",
)


class TestHistoryScaleBenchmark:
    """The benchmark loads, times and prints every measure at each size."""

    @pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
    def test_smoke(self, backend: str, request: pytest.FixtureRequest) -> None:
        """Two tiny sizes, a few samples: a table with every measure and a ratio."""
        arguments = ["--sizes", "100,300", "--samples", "3"]
        if backend == "postgresql":
            url: str = request.getfixturevalue("postgres_url")
            arguments += ["--postgres-url", url, "--no-sqlite"]
        done = subprocess.run(
            [sys.executable, str(SCRIPT), *arguments],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert 0 == done.returncode, done.stderr
        assert "300 texts" in done.stdout
        for measure in MEASURES:
            [line] = [line for line in done.stdout.splitlines() if measure in line]
            assert line.rstrip().endswith("x"), line
