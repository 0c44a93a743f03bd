"""The inbox concurrency test's child: reads random pages of one thread, each marking it read.

Run as ``python -m tests.inbox_child LINE CANDIDATE TEXTS SEED READY_DIR`` with
``SMS_DATABASE_URL`` set to a database where account ``acme``'s user ``ann`` has ``TEXTS``
unread replies from ``CANDIDATE`` on ``LINE``. It announces itself in ``READY_DIR`` and waits
for its sibling there, so the two read at the same time. Each round reads the thread's first
``k`` messages (``k`` random), which moves Ann's mark to the ``k``-th at least, then reads the
unread count. It prints JSON: the largest ``k`` it read, and every round whose count showed the
mark behind the place just read or further back than the count before.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sms_core import ManualClock, SmsAdmin

#: Rounds each child reads; enough to interleave with its sibling many times.
ROUNDS = 60
#: How long a child waits for its sibling before it starts alone.
WAIT_SECONDS = 60


def main(argv: list[str]) -> int:
    """Read the thread ``ROUNDS`` times; returns 0 (violations are printed, not raised)."""
    line, candidate, texts, seed, ready = argv
    total, rng, ready_dir = int(texts), random.Random(int(seed)), Path(ready)
    (ready_dir / f"child-{seed}").touch()
    deadline = time.monotonic() + WAIT_SECONDS
    while len(list(ready_dir.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    largest, previous, violations = 0, total, []
    clock = ManualClock(datetime(2026, 3, 10, 15, 0, tzinfo=UTC))
    with SmsAdmin.open(clock=clock) as admin:
        account = admin.account("acme")
        for _ in range(ROUNDS):
            read = rng.randint(1, total)
            account.messages.thread_page("ann", line, candidate, limit=read)
            largest = max(largest, read)
            unread = account.inbox.unread_count("ann")
            if unread > total - read or unread > previous:
                violations.append({"read": read, "unread": unread, "before": previous})
            previous = unread
    sys.stdout.write(json.dumps({"largest": largest, "violations": violations}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
