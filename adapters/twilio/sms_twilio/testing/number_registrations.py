"""The Twilio stand-in's number registrations, reported as Event Streams events.

Twilio registers each number of a Messaging Service with the mobile carriers once the
service's campaign is ``VERIFIED``; it takes time and can fail, and Twilio reports it only
through Event Streams (``com.twilio.messaging.compliance.number-registration.*``), never on a
REST resource. The stand-in does the same on its clock: registration starts when a number is
in the pool of a service whose campaign is verified (whichever came last), is reported
``pending`` then, and ``successful`` one :attr:`NumberRegistrationsMemory.number_registration_time`
later, or ``failed`` when a failure was arranged with :meth:`fail_next_number_registration`.
:meth:`complete_number_registration` ends one at once, as ``complete_review`` ends a review.

The events have the shape of Twilio's examples in
https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/event-streams-setup ("Number
registration pending / successful / failed"), with real SIDs and an E.164 number in place of
the examples' placeholders. The registration time is the stand-in's own choice: Twilio gives
no figure.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sms_twilio.testing.memory import Failure, new_sid
from sms_twilio.testing.registrations import RegistrationsMemory

__all__ = ["NumberRegistrationsMemory"]

_TYPE = "com.twilio.messaging.compliance.number-registration."
_SCHEMA = "https://events-schemas.twilio.com/A2P.NumberRegistration{}/1"
# The event type's last word, the schema's name part, and data.externalstatus, by outcome.
_WORDS = {
    "pending": ("pending", "Pending", "pending_registration"),
    "successful": ("successful", "Successful", "registered"),
    "failed": ("failed", "Failed", "failure"),
}


class NumberRegistrationsMemory(RegistrationsMemory):
    """Sender pools whose numbers get registered with the carriers, as Event Streams tells."""

    #: How long registering a number takes on the stand-in's clock.
    number_registration_time = timedelta(hours=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pooled_at: dict[str, datetime] = {}  # PN → when it joined a pool
        self._verified_at: dict[str, datetime] = {}  # MG → when its campaign was verified
        self._number_outcome: dict[str, Failure | None] = {}  # PN → outcome, once started
        self._number_done: dict[str, datetime] = {}  # PN → when its registration ends
        self._armed_numbers: dict[str, list[Failure]] = {}  # account → failures to come

    def add_to_pool(
        self, account_sid: str, service_sid: str, number_sid: str, path: str
    ) -> dict[str, Any]:
        """``Services/{sid}/PhoneNumbers`` create; the number's registration may start."""
        with self._lock:
            entry = super().add_to_pool(account_sid, service_sid, number_sid, path)
            self._pooled_at[number_sid] = self.clock.now()
            return entry

    def complete_review(self, account_sid: str, sid: str) -> None:
        """End a brand or campaign review; a verified campaign's numbers start registering."""
        with self._lock:
            super().complete_review(account_sid, sid)
            fields = self._resources[sid].fields
            if sid.startswith("QE") and fields["campaign_status"] == "VERIFIED":
                self._verified_at.setdefault(fields["messaging_service_sid"], self.clock.now())

    def fail_next_number_registration(self, account_sid: str, failure: Failure) -> None:
        """The registration of the account's next number to start will fail with ``failure``."""
        with self._lock:
            self._armed_numbers.setdefault(account_sid, []).append(failure)

    def complete_number_registration(self, account_sid: str, number_sid: str) -> None:
        """End a number's registration now (it must have started).

        Raises:
            ValueError: When the number is in no pool of a verified campaign's service.
        """
        with self._lock:
            if self._started(account_sid, number_sid) is None:
                raise ValueError(
                    f"{number_sid} is in no Messaging Service of a verified campaign: its "
                    "registration has not started"
                )
            self._number_done[number_sid] = min(self._number_done[number_sid], self.clock.now())

    def number_registration_events(self, account_sid: str, number_sid: str) -> list[dict[str, Any]]:
        """The Event Streams events about the number that are due on the stand-in's clock."""
        with self._lock:
            started = self._started(account_sid, number_sid)
            now = self.clock.now()
            if started is None or started > now:
                return []
            events = [self._event(account_sid, number_sid, "pending", started, None)]
            if self._number_done[number_sid] <= now:
                failure = self._number_outcome[number_sid]
                word = "failed" if failure else "successful"
                done = self._number_done[number_sid]
                events.append(self._event(account_sid, number_sid, word, done, failure))
            return events

    def _started(self, account_sid: str, number_sid: str) -> datetime | None:
        """When the number's registration started, starting it if it is due; ``None`` if not."""
        service_sid = self._service_of(account_sid, number_sid)
        if service_sid is None or service_sid not in self._verified_at:
            return None
        started = max(self._pooled_at[number_sid], self._verified_at[service_sid])
        if number_sid not in self._number_outcome:
            armed = self._armed_numbers.get(account_sid) or []
            self._number_outcome[number_sid] = armed.pop(0) if armed else None
            self._number_done[number_sid] = started + self.number_registration_time
        return started

    def _event(
        self,
        account_sid: str,
        number_sid: str,
        word: str,
        at: datetime,
        failure: Failure | None,
    ) -> dict[str, Any]:
        kind, schema, status = _WORDS[word]
        service_sid = self._service_of(account_sid, number_sid)
        campaign = next(
            c
            for c in self._of_kind(account_sid, "QE")
            if c.fields["messaging_service_sid"] == service_sid
        )
        millis = int(at.timestamp() * 1000)
        data: dict[str, Any] = {
            "accountsid": account_sid,
            "timestamp": millis,
            "id": str(uuid.uuid4()),
            "campaignsid": campaign.fields["sid"],
            "externalstatus": status,
            "phonenumbersid": number_sid,
            "updateddate": millis,
            "phonenumber": self._resources[number_sid].fields["phone_number"],
            "messagingservicesid": service_sid,
        }
        if failure is not None:
            data["failurereason"] = f"https://www.twilio.com/docs/api/errors/{failure.code}"
        return {
            "specversion": "1.0",
            "type": f"{_TYPE}{kind}",
            "source": new_sid("CA"),
            "id": new_sid("CE"),
            "dataschema": _SCHEMA.format(schema),
            "datacontenttype": "application/json",
            "time": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "data": data,
        }
