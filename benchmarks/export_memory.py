"""Export of an account's messages at 10k and 1M stored texts: does memory stay flat?

Run it from the repository root (with ``sms-core`` and ``sms-core-fake`` installed)::

    python benchmarks/export_memory.py                     # 10k and 1M, SQLite
    python benchmarks/export_memory.py --sizes 2000,50000  # a quick look
    python benchmarks/export_memory.py --postgres-url postgresql://postgres@127.0.0.1/smsadmin

For each size it makes a fresh database (a SQLite file; with ``--postgres-url``, also a new
database on that server, dropped afterwards) and bulk-loads one account's texts with
``history_scale.py``'s loader. Then each way of writing every message as CSV runs in a fresh
interpreter, so one's memory never counts toward the other's:

* ``export``: ``AccountAdmin.export.write(admin, "messages", file)``, streamed;
* ``load all, then write``: what one writes without it: every page of ``messages.page`` into a
  list, then each message written with :mod:`csv`.

Each prints its wall time and how far its peak resident memory (``VmHWM``, Linux) rose above
where it stood once the SDK was open: the memory the export itself needed. The file goes to
``os.devnull`` in both. It asserts nothing.

Measured with the defaults on the 2-core development machine while seven other engineers'
work shared it (one run each; peak memory rise in MB, then seconds)::

                        export            load all, then write
    SQLite,     10k      5.7 MB    1.4 s     11.6 MB     0.9 s
    SQLite,     1M       4.2 MB  110.0 s   1013.8 MB   249.9 s
    PostgreSQL, 10k      2.1 MB    0.6 s     10.1 MB     1.3 s
    PostgreSQL, 1M       2.1 MB  139.3 s   1012.3 MB   186.8 s

The export's memory stays flat from 10k to 1M texts (a chunk of 1,000 rows); the list grows
with the texts, about 1 KB each. Loading took 86 s (SQLite) and 194 s (PostgreSQL) for 1M.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from figures import Row  # the folder's shared row type (see run.py)
from history_scale import ACCOUNT, PER_CANDIDATE, START, VIEWER, _load, _postgres, _sqlite

#: The account's admin, who may export.
ADMIN = "boss"
WAYS = ("export", "load all, then write")


def main() -> None:
    """Load, measure and print, for each backend and size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="10000,1000000", help="stored texts, comma-separated (default 10k,1M)"
    )
    parser.add_argument("--postgres-url", help="a PostgreSQL server to measure on as well")
    parser.add_argument("--no-sqlite", action="store_true", help="measure PostgreSQL only")
    parser.add_argument("--child", nargs=2, metavar=("WAY", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_run_one(*args.child)))
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    backends: list[tuple[str, contextlib.AbstractContextManager[str]]] = []
    for size in sizes:
        if not args.no_sqlite:
            backends.append((f"SQLite, {size:,} texts", _loaded(_sqlite(), size)))
        if args.postgres_url:
            backends.append(
                (f"PostgreSQL, {size:,} texts", _loaded(_postgres(args.postgres_url), size))
            )
    print(f"{'':32} {'peak MB above start':>20} {'seconds':>9}")
    for name, database in backends:
        with database as url:
            for way in WAYS:
                figures = measure(way, url)
                print(
                    f"{name + ', ' + way:32} {figures['peak_mb']:20.1f} {figures['seconds']:9.2f}"
                )


@contextlib.contextmanager
def _loaded(database: contextlib.AbstractContextManager[str], size: int) -> Iterator[str]:
    with database as url:
        _load_account(url, size)
        yield url


def _load_account(url: str, size: int) -> None:
    """Create the account with a recruiter and an admin, and bulk-load ``size`` texts."""
    from sms_core import ManualClock, SmsAdmin  # noqa: PLC0415 - kept out of the children's count
    from sms_core.plugins.defaults import ADMIN_PERMISSION  # noqa: PLC0415

    with SmsAdmin.open(url, clock=ManualClock(START)) as admin:
        account = admin.create_account(
            ACCOUNT,
            name="Bench Staffing",
            provider="fake",
            provider_settings={"state_path": str(Path(tempfile.gettempdir()) / "bench.sqlite3")},
        )
        account.users.upsert(VIEWER, first_name="Re", last_name="Cruiter")
        account.users.upsert(
            ADMIN, first_name="Ad", last_name="Min", permissions=[ADMIN_PERMISSION]
        )
        began = time.perf_counter()
        _load(admin.database.engine, size, max(size // PER_CANDIDATE, 1))
        print(f"loaded {size:,} texts in {time.perf_counter() - began:.0f} s", flush=True)


def measure(way: str, url: str) -> dict[str, float]:
    """Run one way of writing every message in a fresh interpreter; its figures."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", way, url],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return figures


def _run_one(way: str, url: str) -> dict[str, float]:
    """In the child: open the SDK, then time one way and how far its peak memory rose."""
    from sms_core import SmsAdmin  # noqa: PLC0415

    with SmsAdmin.open(url) as admin, open(os.devnull, "w", newline="") as out:
        account = admin.account(ACCOUNT)
        account.messages.page(VIEWER, limit=1)  # every module loaded, every pool connection open
        start = _peak_kb()
        began = time.perf_counter()
        if way == "export":
            account.export.write(ADMIN, "messages", out)
        else:
            _load_all_then_write(account, out)
        seconds = time.perf_counter() - began
        return {"peak_mb": (_peak_kb() - start) / 1024, "seconds": seconds}


def _load_all_then_write(account: object, out: object) -> None:
    """What one writes without an export: every page into a list, then the CSV."""
    from sms_core import AccountAdmin, Message  # noqa: PLC0415

    assert isinstance(account, AccountAdmin)
    everything: list[Message] = []
    cursor = None
    while True:
        page = account.messages.page(VIEWER, limit=500, cursor=cursor)
        everything.extend(page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    writer = csv.writer(out)  # type: ignore[arg-type]
    writer.writerow(["id", "created_at", "direction", "from", "to", "body", "status"])
    for m in everything:
        writer.writerow(
            [m.id, m.created_at.isoformat(), m.direction, m.sender, m.recipient, m.body, m.status]
        )


def _peak_kb() -> int:
    """The process's peak resident memory so far (``VmHWM``), in kB."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status: this measure needs Linux")


def smoke() -> list[Row]:
    """2,000 and 40,000 stored texts on SQLite (for ``benchmarks/run.py``).

    The export's peak memory rise at each size beside loading everything first: the export's
    stays about the same, the list's grows with the texts.
    """
    rows: list[Row] = []
    for size in (2_000, 40_000):
        with _loaded(_sqlite(), size) as url:
            sdk, baseline = (measure(way, url) for way in WAYS)
        rows.append(
            Row(
                measure=f"export of {size // 1000}k texts as CSV, peak MB above start",
                sdk=sdk["peak_mb"],
                baseline=baseline["peak_mb"],
                baseline_name="page all into a list, then write",
            )
        )
    return rows


if __name__ == "__main__":
    main()
