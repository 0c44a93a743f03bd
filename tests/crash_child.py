"""The crash suite's child: one keyed ``smsadmin send-mass``, SIGKILLed at a chosen point.

Run as ``python -m tests.crash_child POINT NTH NOW KEY NUMBER...`` with ``SMS_DATABASE_URL``
and ``SMS_FAKE_STATE`` set. It runs the command in-process on a manual clock set to ``NOW``
(ISO 8601) and kills itself with SIGKILL the ``NTH`` time execution reaches ``POINT``:

- ``before_store``: a mass text's texts are about to be stored;
- ``after_store``: they are stored (``PENDING``), none handed over;
- ``after_mark``: a wave of texts was marked as handed over, before their carrier calls;
- ``carrier_before``: a carrier call, before the carrier took the text;
- ``carrier_after``: a carrier call, after the carrier took the text, before the answer;
- ``settling``: a batch of carrier answers is about to be stored.

Only this child is patched: the SDK under test is the real one, and nothing catches SIGKILL.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sms_core import ManualClock
from sms_core.cli.testing import SmsadminRunner
from sms_core.services.sending import Dispatcher
from sms_fake import SandboxCarrier

#: The body every crash run sends.
BODY = "Forklift shift Monday 7am at Northwind; reply YES to take it."


class Killer:
    """Counts arrivals at the chosen point and kills the process at the chosen one."""

    def __init__(self, point: str, nth: int) -> None:
        self._point, self._nth = point, nth
        self._arrivals = 0
        self._lock = threading.Lock()

    def reached(self, point: str) -> None:
        """Die here if this is the chosen arrival at the chosen point."""
        if point != self._point:
            return
        with self._lock:
            self._arrivals += 1
            if self._arrivals == self._nth:
                os.kill(os.getpid(), signal.SIGKILL)

    def around(self, owner: type, name: str, before: str | None, after: str | None) -> None:
        """Wrap ``owner.name`` so that ``before`` and ``after`` are reached around each call."""
        original: Callable[..., Any] = getattr(owner, name)

        @functools.wraps(original)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if before is not None:
                self.reached(before)
            result = original(*args, **kwargs)
            if after is not None:
                self.reached(after)
            return result

        setattr(owner, name, wrapped)


def main(argv: list[str]) -> int:
    """Run the mass text; returns its exit code (when it was not killed first)."""
    point, nth, now, key, *numbers = argv
    killer = Killer(point, int(nth))
    killer.around(Dispatcher, "store_many", "before_store", "after_store")
    killer.around(Dispatcher, "mark_handed", None, "after_mark")
    killer.around(SandboxCarrier, "send_message", "carrier_before", "carrier_after")
    killer.around(Dispatcher, "settle_many", "settling", None)
    runner = SmsadminRunner(clock=ManualClock(datetime.fromisoformat(now)))
    to = [f"--to={number}" for number in numbers]
    result = runner.run(
        "--account", "acme", "--as", "ann", "send-mass", "--body", BODY, "--key", key, *to
    )
    sys.stdout.write(result.output)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
