"""The host-event crash test's child: records an opt-out, SIGKILLed before the event's delivery.

Run as ``python -m tests.host_events_child NOW`` with ``SMS_DATABASE_URL`` set to a database
holding account ``acme``. It records an opt-out for +12125550101 with a plugin listening, on a
manual clock set to ``NOW`` (ISO 8601), and kills itself with SIGKILL as the event's delivery
begins: after the change and its event were committed, before any plugin heard of it.
"""

from __future__ import annotations

import sys
from datetime import datetime

from sms_core import ManualClock, OptOutChanged, SmsAdmin, hookimpl
from sms_core.services.host_events import HostEventDelivery
from sms_core.testing.crash import Killer


class Listener:
    """A plugin implementing the hook, so the event is written; it must never be reached."""

    @hookimpl
    def sms_opt_out_changed(self, event: OptOutChanged) -> None:
        sys.stdout.write(f"delivered {event.id}\n")


def main(argv: list[str]) -> int:
    """Record the opt-out; returns 0 only if it was not killed (a failure of the test)."""
    [now] = argv
    Killer("delivering", 1).around(HostEventDelivery, "deliver", "delivering", None)
    clock = ManualClock(datetime.fromisoformat(now))
    with SmsAdmin.open(plugins=[Listener()], clock=clock) as admin:
        admin.account("acme").optouts.record(
            "+12125550101", source="host", keyword=None, at=clock.now()
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
