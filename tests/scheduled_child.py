"""The scheduled-send tests' child: one ``run_due`` pass in a process of its own.

Run as ``python -m tests.scheduled_child NOW GO [POINT]`` with ``SMS_DATABASE_URL`` and
``SMS_FAKE_STATE`` set to a database holding account ``acme`` and its sandbox carrier. It opens
the SDK on a manual clock set to ``NOW`` (ISO 8601), waits until the file ``GO`` exists (so
several children start their passes together), runs ``acme``'s ``scheduled.run_due()`` and
prints the id of each row it took (``taken ID``) and of each it sent (``sent ID``). With
``POINT`` ``carrier_after`` it kills itself with SIGKILL right after the sandbox carrier took
the first text, before the answer is stored.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from sms_core import ManualClock, ScheduledSend, SmsAdmin
from sms_core.store import scheduled as scheduled_store
from sms_core.testing.crash import Killer
from sms_fake import SandboxCarrier

#: The longest a child waits for the go file (seconds).
WAIT = 60.0


def _recording_claims() -> None:
    """Print each row this process takes, as it takes it."""
    claim_due = scheduled_store.claim_due

    def recorded(*args: Any, **kwargs: Any) -> ScheduledSend | None:
        taken = claim_due(*args, **kwargs)
        if taken is not None:
            sys.stdout.write(f"taken {taken.id}\n")
        return taken

    scheduled_store.claim_due = recorded


def main(argv: list[str]) -> int:
    """Run one pass; returns 0 (when it was not killed first)."""
    now, go, *point = argv
    _recording_claims()
    if point:
        Killer(point[0], 1).around(SandboxCarrier, "send_message", None, "carrier_after")
    with SmsAdmin.open(clock=ManualClock(datetime.fromisoformat(now))) as admin:
        account = admin.account("acme")
        deadline = time.monotonic() + WAIT
        while not Path(go).exists():
            if time.monotonic() > deadline:
                return 2
            time.sleep(0.005)
        report = account.scheduled.run_due(limit=1000)
    sys.stdout.writelines(f"sent {scheduled.id}\n" for scheduled in report.sent)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
