"""``benchmarks/run.py`` finds every benchmark by its ``smoke()`` and prints one table.

Nothing here is timed: the figures are printed by the benchmarks, never asserted.
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


@pytest.fixture
def run() -> Iterator[ModuleType]:
    """``benchmarks/run.py`` imported as a module, its folder on the path while the test runs."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield importlib.import_module("run")
    finally:
        sys.path.remove(str(BENCHMARKS))


class TestConvention:
    """Every benchmark module defines ``smoke()``, so ``run.py`` runs it."""

    def test_every_benchmark_defines_smoke(self, run: ModuleType) -> None:
        missing = []
        for name in run.benchmarks():
            tree = ast.parse((BENCHMARKS / f"{name}.py").read_text(encoding="utf-8"))
            defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
            if "smoke" not in defined:
                missing.append(name)
        assert [] == missing

    def test_run_and_figures_are_not_benchmarks(self, run: ModuleType) -> None:
        names = run.benchmarks()
        assert "startup" in names
        assert not {"run", "figures"} & set(names)


class TestTable:
    """The table has one line per row, and says which benchmark was skipped or failed."""

    def test_rows_skips_and_failures(self, run: ModuleType) -> None:
        row = run.Row
        table = run.table(
            {
                "startup": ([row("smsadmin --help, CPU s", 0.2, 0.01, "python -c pass")], "3 s"),
                "later": (None, "skipped: it has no smoke()"),
            }
        )
        assert [
            "| benchmark | measure | SDK | baseline | ratio |",
            "| --- | --- | ---: | --- | ---: |",
            "| startup | smsadmin --help, CPU s | 0.2 | 0.01 (python -c pass) | 20.00 |",
            "| later | skipped: it has no smoke() | | | |",
        ] == table.splitlines()

    def test_a_benchmark_runs_in_a_child_and_its_rows_come_back(self, run: ModuleType) -> None:
        rows, note = run.smoke("webhook_bodies")
        assert rows is not None, note
        assert ["json.loads"] * 3 == [row.baseline_name for row in rows]
