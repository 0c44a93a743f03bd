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

import sys
from datetime import datetime

from sms_core import ManualClock
from sms_core.cli.testing import SmsadminRunner
from sms_core.services.send_settlement import SendSettlement
from sms_core.services.send_storage import SendStorage
from sms_core.testing.crash import Killer
from sms_fake import SandboxCarrier

#: The body every crash run sends.
BODY = "Forklift shift Monday 7am at Northwind; reply YES to take it."


def main(argv: list[str]) -> int:
    """Run the mass text; returns its exit code (when it was not killed first)."""
    point, nth, now, key, *numbers = argv
    killer = Killer(point, int(nth))
    killer.around(SendStorage, "store_many", "before_store", "after_store")
    killer.around(SendStorage, "mark_handed", None, "after_mark")
    killer.around(SandboxCarrier, "send_message", "carrier_before", "carrier_after")
    killer.around(SendSettlement, "settle_many", "settling", None)
    runner = SmsadminRunner(clock=ManualClock(datetime.fromisoformat(now)))
    to = [f"--to={number}" for number in numbers]
    result = runner.run(
        "--account", "acme", "--as", "ann", "send-mass", "--body", BODY, "--key", key, *to
    )
    sys.stdout.write(result.output)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
