"""What ``smsadmin --help`` and each ``smsadmin <group> --help`` cost in CPU time at start-up.

Run it from the repository root (with ``sms-core`` installed)::

    python benchmarks/startup.py               # 10 runs of each, medians
    python benchmarks/startup.py --runs 25

Each command runs in a fresh interpreter exactly as the ``smsadmin`` console script starts it
(``from sms_core.cli import main; main()``), and its CPU time (user + system, read from the
finished child's resource usage) is printed beside ``python -c pass``, the floor any Python
command pays. The median of ``--runs`` runs is shown. It asserts nothing.

The command line imports a command's module only when that command runs or shows its own help
(see :mod:`sms_core.cli`), so ``--help`` loads Typer and Rich but no SQLAlchemy, Alembic,
services or plugins.

Measured on the 2 shared cores this was written on, medians, CPU seconds:

======================== ====================== ================================
command                  before (issue 14)      after
======================== ====================== ================================
``smsadmin --help``      0.81 (1.04 loaded)     0.17 (0.23 loaded)
``smsadmin numbers``     (1.16 loaded)          0.25 to 0.28 (0.38 loaded)
``--help``, each group
``smsadmin sandbox``     (1.34 loaded)          (0.61 loaded): the sandbox
``--help``                                      carrier's own package is eager
``python -c pass``       0.01                   0.01
======================== ====================== ================================

"Loaded" figures come from runs taking turns between the tree before this change and after
it while the machine ran at a load average of 8 on its 2 cores; the others from quieter
moments. Most of what remains is Typer and Rich (about 0.1 s before any of the SDK) and the
domain's value types, which the groups' options are typed with.

Then a group's ``--help`` stopped building the group's commands, and Typer's coercion of
options nobody gave (it imports pydantic to build it, about 0.08 s), and the sandbox carrier
stopped importing httpx at import time (about 0.1 s; see :mod:`sms_core.cli.lazy` and
``tests/cli/test_cli_startup.py``). Instructions counted with ``valgrind --tool=callgrind``,
which the machine's load does not move (``python -c pass``: 40 million):

======================== ================ ================
command                  before           after
======================== ================ ================
``smsadmin numbers``     1,687 million    1,280 million
``--help``
``smsadmin sandbox``     2,140 million    1,647 million
``--help``
======================== ================ ================

In CPU seconds, medians of 7 runs taking turns at a load average of 10: each group 0.23 to
0.30 after (0.25 to 0.31 before), ``sandbox`` 0.35 to 0.36 (0.38 to 0.42); in earlier runs
not taking turns, ``numbers`` 0.37 before and 0.28 after, ``campaign`` 0.39 and 0.30,
``sandbox`` 0.49 and 0.37. That left ``sandbox`` over the 0.3 s aim: the package ``sms_fake``
imported its adapter, carrier and store for ``sms_fake.cli``, and the CLI module imported
``sms_core.domain`` (about 0.1 s) for the types of two arguments.

Then ``sms_fake`` imported its public names on first use, ``sms_fake.cli`` the carrier when a
command runs, and it names the domain's types through ``sms_core``'s lazy exports, which Typer
resolves when it builds a command (``tests/cli/test_cli_startup.py`` checks that ``sandbox
--help`` imports none of them; its help reads byte for byte as before). Instructions, same
tree otherwise (``python -c pass``: 42 million):

======================== ================ ================
command                  before           after
======================== ================ ================
``smsadmin --help``      921 million      (imports no sms_fake)
``smsadmin numbers``     1,349 million    (imports no sms_fake)
``--help``
``smsadmin sandbox``     1,717 million    891 million
``--help``
======================== ================ ================

CPU seconds, ``sandbox --help`` taking turns between the two trees, medians of 9 runs at a
load average of 6 to 7: 0.415 before, 0.244 after. ``python benchmarks/startup.py --runs 7``
at the same load, after: ``python -c pass`` 0.012; ``--help`` 0.22; the groups ``web`` 0.18,
``users`` 0.26, ``numbers`` 0.26, ``seats`` 0.27, ``accounts`` 0.27, ``inbox`` 0.27,
``optouts`` 0.28, ``policy`` 0.28, ``consent`` 0.29, ``campaign`` 0.30, ``scheduled`` 0.30,
``templates`` 0.31; ``sandbox`` 0.25.

Then no group's ``--help`` loaded the domain any more (``sms_core.domain`` with
``phonenumbers``: about 90 modules of 430). Every group had reached it: ``cli.params`` took the
page sizes from ``sms_core.inputs``, which imported ``PhoneNumber`` at the top; ``cli.render``
and ``cli.message_tables`` imported the domain for their cue tables; the command modules for
their options' types. Now the cues take their enums from ``sms_core.vocabulary`` or are keyed
by value, and the options name the domain's types through ``sms_core``'s lazy exports
(``tests/cli/test_cli_startup.py`` checks every group). Taking turns between the tree before
and after, medians of 5 runs, CPU seconds at a load average of 8 to 10 on the 2 cores, and the
modules each run leaves loaded (which load does not move):

=================  ==================  ==================
``--help`` of      before              after
=================  ==================  ==================
(top level)        0.228 (374 mod.)    0.217 (374 mod.)
``scheduled``      0.291 (429)         0.207 (339)
``inbox``          0.313 (430)         0.199 (341)
``web``            0.186 (336)         0.188 (336)
``accounts``       0.287 (428)         0.207 (340)
``users``          0.286 (428)         0.199 (340)
``numbers``        0.285 (430)         0.206 (342)
``seats``          0.302 (431)         0.217 (343)
``policy``         0.294 (427)         0.198 (339)
``campaign``       0.337 (456)         0.221 (351)
``optouts``        0.323 (430)         0.205 (341)
``consent``        0.308 (429)         0.206 (339)
``templates``      0.311 (445)         0.201 (346)
``sandbox``        0.219 (379)         0.220 (379)
=================  ==================  ==================

The worst group went from 0.337 s (``campaign``) to 0.221 s under that load; every group now
loads within 15 modules of ``web``, the group that never loaded the domain. ``main()`` prints
the worst group after the table.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from figures import Row  # the folder's shared row type (see run.py)

#: The console script's own body.
SMSADMIN = "from sms_core.cli import main; main()"
#: What every Python command pays.
FLOOR = "pass"


def groups() -> list[str]:
    """The command groups ``smsadmin --help`` lists: built-in ones and the plugins'."""
    from sms_core.cli.app import COMMANDS, plugin_commands  # noqa: PLC0415

    built_in = [command.name for command in COMMANDS if command.target.endswith(":app")]
    return built_in + [command.name for command in plugin_commands()]


def cpu_seconds(code: str, *args: str) -> float:
    """The CPU time a fresh interpreter takes to run ``code`` with ``args``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-c", code, *args],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": "100"},
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_cpu(code: str, *args: str, runs: int) -> float:
    """The median over ``runs`` runs of :func:`cpu_seconds`."""
    return statistics.median(cpu_seconds(code, *args) for _ in range(runs))


def measure(runs: int, commands: list[list[str]]) -> list[Row]:
    """One row per command line: its median CPU time beside ``python -c pass``'s."""
    floor = median_cpu(FLOOR, runs=runs)
    return [
        Row(
            measure=f"smsadmin {' '.join(words)} --help, CPU s".replace("  ", " "),
            sdk=median_cpu(SMSADMIN, *words, "--help", runs=runs),
            baseline=floor,
            baseline_name="python -c pass",
        )
        for words in commands
    ]


def smoke() -> list[Row]:
    """The top level and the worst group, three runs each (for ``benchmarks/run.py``).

    Every group runs once to find the worst, then it and the top level three times more.
    """
    once = measure(1, [[group] for group in groups()])
    worst = max(once, key=lambda row: row.sdk)
    group = worst.measure.removeprefix("smsadmin ").split(" --help")[0]
    return measure(3, [[], [group]])


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each command (median)")
    runs = parser.parse_args().runs
    rows = measure(runs, [[], *([group] for group in groups())])
    print(f"CPU time at start-up, median of {runs} runs; python -c pass: {rows[0].baseline:.3f} s")
    width = max(len(row.measure) for row in rows)
    for row in rows:
        print(f"{row.measure:{width}}  {row.sdk:6.3f} s  ({row.ratio:5.1f} x python -c pass)")
    worst = max(rows[1:], key=lambda row: row.sdk)
    print(f"worst group: {worst.measure.removesuffix(', CPU s')}, {worst.sdk:.3f} s (aim: 0.3 s)")


if __name__ == "__main__":
    main()
