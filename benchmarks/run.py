"""Every benchmark in this folder at small sizes, as one table.

Run it from the repository root, in the test environment (every distribution installed)::

    python benchmarks/run.py                  # all of them, under two minutes in all
    python benchmarks/run.py startup mass_send

Each benchmark's full run, with its own options, is ``python benchmarks/<name>.py --help``.

The convention a benchmark follows to take part (written down in ``figures.py`` too): a module
``benchmarks/<name>.py`` defines ``def smoke() -> list[Row]`` (``Row`` from ``figures.py``)
that measures with small sizes, in seconds, and returns one row per figure: what is measured,
the SDK's value, and in the same unit the value of what a user would otherwise have, named.
``run.py`` finds the modules by that name, runs each ``smoke()`` in a fresh interpreter of its
own (a benchmark's imports, threads and processes never meet another's), reads the rows it
prints as JSON, and prints the table: benchmark, measure, SDK, baseline, ratio (SDK /
baseline; for a rate, above 1 is better, for a time or CPU cost, below 1). A module without
``smoke()`` is listed as skipped; one whose ``smoke()`` fails is listed with its error and the
others still run. Small sizes are for a quick look and for CI; the figures the issues quote
come from the full runs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from figures import Row  # noqa: E402 - the folder is put on the path just above

#: Modules in this folder that are not benchmarks.
NOT_BENCHMARKS = frozenset({"run", "figures"})
#: Marks the line of a child's output that carries its rows.
ROWS_MARK = "BENCHMARK-ROWS "
#: A benchmark's smoke run longer than this is stopped and reported as failed.
TIMEOUT_SECONDS = 100


def benchmarks() -> list[str]:
    """The benchmark modules in this folder, by name."""
    return sorted(
        path.stem
        for path in HERE.glob("*.py")
        if path.stem not in NOT_BENCHMARKS and not path.stem.startswith("_")
    )


def smoke_in_this_process(name: str) -> None:
    """Run ``benchmarks/<name>.py``'s ``smoke()`` and print its rows as one JSON line."""
    module = importlib.import_module(name)
    smoke = getattr(module, "smoke", None)
    rows = [] if smoke is None else [list(row) for row in smoke()]
    print(ROWS_MARK + json.dumps({"smoke": smoke is not None, "rows": rows}), flush=True)


def smoke(name: str) -> tuple[list[Row] | None, str]:
    """Run one benchmark's ``smoke()`` in a fresh interpreter.

    Returns:
        Its rows (``None`` when it has no ``smoke()`` or failed) and a note: how long it took,
        that it was skipped, or why it failed.
    """
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(Path(__file__)), "--child", name],
            capture_output=True,
            text=True,
            check=False,
            timeout=TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        return None, f"failed: no answer in {TIMEOUT_SECONDS} s"
    took = time.perf_counter() - started
    marked = [line for line in done.stdout.splitlines() if line.startswith(ROWS_MARK)]
    if done.returncode != 0 or not marked:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"failed (exit {done.returncode}): {last}"
    answer = json.loads(marked[-1].removeprefix(ROWS_MARK))
    if not answer["smoke"]:
        return None, "skipped: it has no smoke()"
    return [Row(*row) for row in answer["rows"]], f"{took:.1f} s"


def _number(value: float) -> str:
    if value == 0 or 0.001 <= abs(value) < 100_000:
        return f"{value:,.3f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return f"{value:.3g}"


def table(results: dict[str, tuple[list[Row] | None, str]]) -> str:
    """The results as one Markdown table (it reads as plain text too)."""
    lines = [
        "| benchmark | measure | SDK | baseline | ratio |",
        "| --- | --- | ---: | --- | ---: |",
    ]
    for name, (rows, note) in results.items():
        if rows is None:
            lines.append(f"| {name} | {note} | | | |")
            continue
        lines.extend(
            f"| {name} | {row.measure} | {_number(row.sdk)} | "
            f"{_number(row.baseline)} ({row.baseline_name}) | {row.ratio:.2f} |"
            for row in rows
        )
    return "\n".join(lines)


def main() -> None:
    """Run the benchmarks' smoke runs and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--child", metavar="NAME", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        smoke_in_this_process(args.child)
        return
    names = args.names or benchmarks()
    unknown = sorted(set(names) - set(benchmarks()))
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)}; there are {benchmarks()}")
    started = time.perf_counter()
    results = {}
    for name in names:
        print(f"{name} …", file=sys.stderr, flush=True)
        results[name] = smoke(name)
        print(f"{name}: {results[name][1]}", file=sys.stderr, flush=True)
    print(table(results))
    print(f"\n{len(names)} benchmarks in {time.perf_counter() - started:.0f} s (small sizes)")


if __name__ == "__main__":
    main()
