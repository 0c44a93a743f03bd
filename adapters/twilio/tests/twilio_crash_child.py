"""The Twilio crash test's child: one keyed mass text on Twilio, SIGKILLed at a chosen point.

Run as ``python twilio_crash_child.py DATABASE_URL BASE_URLS_JSON POINT NTH NOW KEY NUMBER...``:
it opens the SDK with the Twilio adapter talking to the parent's stand-in (so what Twilio took
survives the child), sends the keyed mass text from user ``rec`` on a manual clock set to
``NOW``, and kills itself with SIGKILL the ``NTH`` time execution reaches ``POINT``:
``after_store``, ``after_mark``, ``twilio_before``/``twilio_after`` (a message create, before
it is sent or after its answer came back) or ``settling``. Only this child is patched.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

from sms_core import ManualClock, Recipient, SmsAdmin
from sms_core.services.send_settlement import SendSettlement
from sms_core.services.send_storage import SendStorage
from sms_core.testing.crash import Killer
from sms_twilio import PooledHttpClient, TwilioAdapter, delivery
from sms_twilio.testing import AUTH_TOKEN

#: The stand-in account the parent registered.
ACCOUNT_SID = "AC" + "c7" * 16
#: The body of every text.
BODY = "Forklift shift Monday 7am at Northwind; reply YES to take it."
#: Where the SDK tells Twilio to report (never called: the stand-in posts nothing here).
HOOKS_URL = "https://crash.invalid/webhooks"


def open_sdk(
    database_url: str, base_urls: dict[str, str], http: PooledHttpClient, now: datetime
) -> SmsAdmin:
    """The SDK on the Twilio adapter, talking to the stand-in at ``base_urls``."""
    environ = {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
    return SmsAdmin.open(
        database_url,
        plugins=[TwilioAdapter(http=http, environ=environ)],
        load_entry_points=False,
        clock=ManualClock(now),
        webhook_base_url=HOOKS_URL,
    )


def main(argv: list[str]) -> int:
    """Send the mass text; 0 when it was not killed first."""
    database_url, base_urls, point, nth, now, key, *numbers = argv
    killer = Killer(point, int(nth))
    killer.around(SendStorage, "store_many", None, "after_store")
    killer.around(SendStorage, "mark_handed", None, "after_mark")
    killer.around(delivery, "send_message", "twilio_before", "twilio_after")
    killer.around(SendSettlement, "settle_many", "settling", None)
    urls = json.loads(base_urls)
    with (
        PooledHttpClient(base_urls=urls) as http,
        open_sdk(database_url, urls, http, datetime.fromisoformat(now)) as admin,
    ):
        recipients = [Recipient(candidate_id=None, number=number) for number in numbers]
        admin.account("acme").messages.send_mass("rec", recipients, BODY, idempotency_key=key)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
