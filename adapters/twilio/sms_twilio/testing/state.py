# Over 400 lines: one state machine for the stand-in's numbers and texts, whose transitions depend
# on each other (a bought number is no longer offered, an opt-out refuses the next text).
"""The Twilio stand-in's state machine: numbers and texts, over services and registrations.

It keeps what Prism cannot: numbers bought (and so no longer offered), texts and opt-outs, on
top of the Messaging Services, brands and campaigns of :mod:`~sms_twilio.testing.registrations`
and the Trust Hub bundles of :mod:`~sms_twilio.testing.bundles`. Every method takes the
account SID the request was made for and answers with the JSON Twilio would send, or raises
:class:`TwilioError` with Twilio's code.

Reviews never finish on their own: :meth:`TwilioState.complete_review` (the driver) finishes
them, approving or failing as arranged with :meth:`TwilioState.fail_next`.

Texts behave as Twilio documents them where the adapter relies on it:

* a created text is ``queued`` (``accepted`` through a Messaging Service) and stamped
  ``date_sent`` at once, as every immediate create example of Twilio's description is
  (``twilio_api_v2010.json``, ``CreateMessage`` examples ``create``,
  ``createWithQueuedStatus``; only the scheduled ones answer ``date_sent: null``);
* the message list lags behind creation by ``list_lag`` on the stand-in's clock: a text Twilio
  created is fetched by its SID at once but listed only later, so a lookup that does not find it
  proves only that it is not listed *yet*;
* a gateway in front of Twilio can spoil a create's answer (:meth:`TwilioState.spoil_creates`):
  a 502/504 after the text was created, a 503 before, or a dropped connection.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sms_core.clock import Clock
from sms_twilio.keywords import default_keyword
from sms_twilio.testing import inventory
from sms_twilio.testing.memory import (
    API_VERSION,
    CreateFault,
    CreateFaults,
    Failure,
    GatewayError,
    TwilioError,
    new_sid,
    not_found,
)
from sms_twilio.testing.number_registrations import NumberRegistrationsMemory
from sms_twilio.testing.shapes import (
    available,
    dated_rfc,
    first,
    national,
    number_settings,
    offered,
    public,
    snake,
    valid_number,
)

__all__ = [
    "API_VERSION",
    "CreateFault",
    "Failure",
    "GatewayError",
    "TwilioError",
    "TwilioState",
    "new_sid",
]

# How a call a line took ends, in the status callback Twilio posts to the number's
# StatusCallback (https://www.twilio.com/docs/usage/webhooks/voice-webhooks).
_CALL_DURATION_SECONDS = "12"


class TwilioState(NumberRegistrationsMemory):
    """Numbers, texts, opt-outs, services, bundles, brands and campaigns of every account.

    Args:
        clock: The stand-in's time; the wall clock by default.
        list_lag: How long after its creation a text first shows in the message list.
    """

    def __init__(self, clock: Clock | None = None, *, list_lag: timedelta = timedelta(0)) -> None:
        super().__init__(clock)
        self.list_lag = list_lag
        self._create_faults: CreateFaults | None = None

    def spoil_creates(self, faults: CreateFaults | None) -> None:
        """Have a gateway spoil the answers to message creates, as ``faults`` decides per form.

        ``None`` stops it. The callable is asked once per create request (retries included).
        """
        with self._lock:
            self._create_faults = faults

    # -- numbers ----------------------------------------------------------------------------

    def search_numbers(
        self, account_sid: str, country: str, kind: str, query: Mapping[str, str]
    ) -> list[dict[str, Any]]:
        """``AvailablePhoneNumbers/{country}/{kind}``: the stock, less the numbers bought."""
        if kind == "Mobile" or country not in {"US", "CA"}:
            path = f"/{API_VERSION}/Accounts/{account_sid}/AvailablePhoneNumbers/{country}"
            raise not_found(f"{path}/{kind}.json")
        if query.get("VoiceEnabled", "").lower() == "false":
            return []  # every number the stand-in sells takes calls
        with self._lock:
            taken = frozenset(self._owned)
        offers = inventory.search(
            country=country,
            toll_free=kind == "TollFree",
            area_code=query.get("AreaCode"),
            region=query.get("InRegion"),
            locality=query.get("InLocality"),
            postal_code=query.get("InPostalCode"),
            contains=query.get("Contains"),
            taken=taken,
            limit=int(query.get("PageSize") or 50),
        )
        return [available(offer) for offer in offers]

    def buy_number(self, account_sid: str, form: Mapping[str, list[str]]) -> dict[str, Any]:
        """``IncomingPhoneNumbers`` create: the number, if still offered."""
        wanted = first(form, "PhoneNumber")
        area_code = first(form, "AreaCode")
        with self._lock:
            taken = frozenset(self._owned)
            if wanted is None and area_code is not None:
                offers = inventory.search(
                    country="US", toll_free=False, area_code=area_code, taken=taken, limit=1
                )
                wanted = offers[0].e164 if offers else None
            if wanted is None or wanted in taken or not offered(wanted, taken):
                raise TwilioError(400, 21422, f"PhoneNumber {wanted or area_code} is not available")
            sid = new_sid("PN")
            self._owned[wanted] = sid
            fields = {
                "phone_number": wanted,
                "friendly_name": first(form, "FriendlyName") or national(wanted),
                "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False},
                # Unset webhooks as Twilio answers them: an empty SmsUrl and StatusCallback, a
                # null VoiceUrl (twilio-python's tests/integration/api/v2010/account/
                # test_incoming_phone_number.py, test_read_full_response).
                "sms_url": "",
                "sms_method": "POST",
                "status_callback": "",
                "voice_url": None,
                "voice_method": "POST",
                "status": "in-use",
                "origin": "twilio",
                "api_version": API_VERSION,
                "uri": f"/{API_VERSION}/Accounts/{account_sid}/IncomingPhoneNumbers/{sid}.json",
            }
            fields.update(number_settings(form))
            return dated_rfc(self._add(account_sid, sid, fields), self._resources[sid])

    def number(self, account_sid: str, sid: str, path: str) -> dict[str, Any]:
        """``IncomingPhoneNumbers/{sid}`` fetch."""
        with self._lock:
            resource = self._get(account_sid, sid, path)
            return dated_rfc(resource.fields, resource)

    def numbers(self, account_sid: str, query: Mapping[str, str]) -> list[dict[str, Any]]:
        """``IncomingPhoneNumbers`` list, oldest first; ``PhoneNumber`` filters (exact E.164).

        Filters and page fields are those of ListIncomingPhoneNumber in twilio-oai's
        twilio_api_v2010.json (``Beta``, ``FriendlyName``, ``PhoneNumber``, ``Origin``).
        """
        wanted = query.get("PhoneNumber")
        with self._lock:
            return [
                dated_rfc(resource.fields, resource)
                for resource in self._of_kind(account_sid, "PN")
                if wanted in (None, resource.fields["phone_number"])
            ]

    def update_number(
        self, account_sid: str, sid: str, form: Mapping[str, list[str]], path: str
    ) -> dict[str, Any]:
        """``IncomingPhoneNumbers/{sid}`` update: the fields given replace the stored ones."""
        with self._lock:
            resource = self._get(account_sid, sid, path)
            resource.fields.update(number_settings(form))
            if (name := first(form, "FriendlyName")) is not None:
                resource.fields["friendly_name"] = name or national(resource.fields["phone_number"])
            return dated_rfc(resource.fields, resource)

    def release_number(self, account_sid: str, sid: str, path: str) -> None:
        """``IncomingPhoneNumbers/{sid}`` delete: the number is offered again."""
        with self._lock:
            resource = self._get(account_sid, sid, path)
            del self._resources[sid]
            self._owned.pop(resource.fields["phone_number"], None)
            for service in self._of_kind(account_sid, "MG"):
                service.fields["_numbers"].discard(sid)

    # -- addresses --------------------------------------------------------------------------

    def create_address(self, account_sid: str, form: Mapping[str, list[str]]) -> dict[str, Any]:
        """``Addresses`` create."""
        with self._lock:
            sid = new_sid("AD")
            fields = {snake(key): values[0] for key, values in form.items() if values}
            fields["uri"] = f"/{API_VERSION}/Accounts/{account_sid}/Addresses/{sid}.json"
            return dated_rfc(self._add(account_sid, sid, fields), self._resources[sid])

    def update_address(
        self, account_sid: str, sid: str, form: Mapping[str, list[str]], path: str
    ) -> dict[str, Any]:
        """``Addresses/{sid}`` update."""
        with self._lock:
            resource = self._get(account_sid, sid, path)
            resource.fields.update({snake(k): v[0] for k, v in form.items() if v})
            return dated_rfc(resource.fields, resource)

    # -- messages ---------------------------------------------------------------------------

    def create_message(self, account_sid: str, form: Mapping[str, list[str]]) -> dict[str, Any]:
        """``Messages`` create: refused as Twilio refuses, else queued.

        A text from a number outside a service with a verified campaign is accepted and then
        failed with 30034, as Twilio does.
        """
        with self._lock:
            fault = self._create_faults(form) if self._create_faults else None
        if fault is not None and not fault.created:
            raise GatewayError(fault.status)
        created = self._create_message(account_sid, form)
        if fault is not None:
            raise GatewayError(fault.status)
        return created

    def _create_message(self, account_sid: str, form: Mapping[str, list[str]]) -> dict[str, Any]:
        to, sender = first(form, "To") or "", first(form, "From")
        service_sid = first(form, "MessagingServiceSid")
        body = first(form, "Body") or ""
        if not valid_number(to):
            raise TwilioError(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if not body and not form.get("MediaUrl"):
            raise TwilioError(400, 21602, "Message body is required.")
        if len(body) > 1600:
            raise TwilioError(400, 21617, "The concatenated message body exceeds the 1600 limit")
        with self._lock:
            number = self._owned.get(sender or "")
            if (
                sender is None
                or number is None
                or self._resources[number].account_sid != account_sid
            ):
                raise TwilioError(
                    400,
                    21606,
                    f"The 'From' phone number provided ({sender}) is not a valid message-capable "
                    "Twilio phone number for this destination.",
                )
            pool = self._service_of(account_sid, number)
            blocked = {(account_sid, sender, to)}
            if pool is not None:
                blocked.add((account_sid, pool, to))
            if blocked & self._opted_out:
                raise TwilioError(400, 21610, "Attempt to send to unsubscribed recipient")
            sid = new_sid("SM")
            registered = pool is not None and self._verified(account_sid, pool)
            fields: dict[str, Any] = {
                "to": to,
                "from": sender,
                "body": body,
                "messaging_service_sid": service_sid,
                "direction": "outbound-api",
                "status": "accepted" if service_sid else "queued",
                "error_code": None,
                "error_message": None,
                "num_segments": "1",
                "num_media": "0",
                "price": None,
                "price_unit": "USD",
                "api_version": API_VERSION,
                "uri": f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}.json",
                "subresource_uris": {},
                "_status_callback": first(form, "StatusCallback"),
            }
            stored = self._add(account_sid, sid, fields)
            # Twilio stamps a text it takes (not a scheduled one) as sent at once.
            fields["_sent"] = self._resources[sid].created
            created = public(dated_rfc(stored, self._resources[sid]))
            if not registered:
                # Twilio accepts the text, then fails it: US A2P 10DLC, unregistered number.
                fields.update(status="failed", error_code=30034, _updated=self.clock.now())
            return created

    def message(self, account_sid: str, sid: str, path: str) -> dict[str, Any]:
        """``Messages/{sid}`` fetch."""
        with self._lock:
            resource = self._get(account_sid, sid, path)
            return public(dated_rfc(resource.fields, resource))

    def messages(self, account_sid: str, query: Mapping[str, str]) -> list[dict[str, Any]]:
        """``Messages`` list, newest first, filtered by ``To``, ``From`` and ``DateSent``.

        ``DateSent``, ``DateSent<`` and ``DateSent>`` compare days (on, on or before, on or
        after), as Twilio's do; a text without ``date_sent`` (a scheduled one) passes none of
        them. A text shows only ``list_lag`` after its creation.
        """
        with self._lock:
            listed_before = self.clock.now() - self.list_lag
            found = [
                resource
                for resource in self._of_kind(account_sid, "SM")
                if resource.created <= listed_before
                and all(
                    query.get(name) in {None, resource.fields[field]}
                    for name, field in (("To", "to"), ("From", "from"))
                )
                and _sent_on(resource.fields.get("_sent"), query)
            ]
            found.sort(key=lambda resource: resource.created, reverse=True)
            return [public(dated_rfc(resource.fields, resource)) for resource in found]

    def status_callback_of(self, account_sid: str, sid: str) -> str | None:
        """The status callback URL a message was created with."""
        with self._lock:
            url = self._get(account_sid, sid, sid).fields.get("_status_callback")
            return str(url) if url else None

    def inbound_text(
        self, account_sid: str, sender: str, to: str, body: str
    ) -> tuple[dict[str, str], str | None]:
        """A candidate texts a line: the webhook parameters and the line's ``SmsUrl``.

        Twilio's default keywords act as on Twilio: a STOP word blocks the sender for the line
        (and its whole service), START lifts it. The webhook names the keyword in
        ``OptOutType`` only when the line's Messaging Service has Advanced Opt-Out
        (:meth:`set_advanced_opt_out`); otherwise it carries the plain body, as Twilio's does.
        """
        with self._lock:
            number = self._owned.get(to)
            if number is None or self._resources[number].account_sid != account_sid:
                raise ValueError(f"{to} is not a number of account {account_sid}")
            line = self._resources[number].fields
            pool = self._service_of(account_sid, number)
            keyword = default_keyword(body)
            advanced = pool is not None and bool(
                self._resources[pool].fields.get("_advanced_opt_out")
            )
            for blocked in {line["phone_number"], pool} - {None}:
                key = (account_sid, str(blocked), sender)
                if keyword == "STOP":
                    self._opted_out.add(key)
                elif keyword == "START":
                    self._opted_out.discard(key)
            sid = new_sid("SM")
            fields = {
                "MessageSid": sid,
                "SmsSid": sid,
                "SmsMessageSid": sid,
                "AccountSid": account_sid,
                "From": sender,
                "To": to,
                "Body": body,
                "NumMedia": "0",
                "NumSegments": "1",
                "SmsStatus": "received",
                "ApiVersion": API_VERSION,
            }
            if pool is not None:
                fields["MessagingServiceSid"] = pool
            if keyword is not None and advanced:
                fields["OptOutType"] = keyword
            return fields, line.get("sms_url") or None

    def inbound_call(
        self, account_sid: str, caller: str, to: str
    ) -> tuple[dict[str, str], str | None]:
        """A candidate calls a line: the webhook parameters and the line's ``VoiceUrl``."""
        with self._lock:
            number = self._owned.get(to)
            if number is None or self._resources[number].account_sid != account_sid:
                raise ValueError(f"{to} is not a number of account {account_sid}")
            fields = {
                "CallSid": new_sid("CA"),
                "AccountSid": account_sid,
                "From": caller,
                "To": to,
                "Caller": caller,
                "Called": to,
                "CallStatus": "ringing",
                "Direction": "inbound",
                "ApiVersion": API_VERSION,
            }
            return fields, self._resources[number].fields.get("voice_url") or None

    def call_ended(
        self, account_sid: str, call: Mapping[str, str]
    ) -> tuple[dict[str, str], str | None]:
        """A call a line took has ended: the status callback and the number's ``StatusCallback``.

        Twilio posts it only when the number has a ``StatusCallback`` (``None`` otherwise).
        """
        with self._lock:
            number = self._owned.get(call["To"])
            if number is None or self._resources[number].account_sid != account_sid:
                raise ValueError(f"{call['To']} is not a number of account {account_sid}")
            url = self._resources[number].fields.get("status_callback") or None
        fields = dict(call)
        fields.update(CallStatus="completed", CallDuration=_CALL_DURATION_SECONDS, Duration="1")
        return fields, url

    def set_advanced_opt_out(
        self, account_sid: str, service_sid: str, *, enabled: bool = True
    ) -> None:
        """Turn Advanced Opt-Out on or off for a Messaging Service (a Console setting only)."""
        with self._lock:
            service = self._get(account_sid, service_sid, service_sid)
            service.fields["_advanced_opt_out"] = enabled

    def opt_out(self, account_sid: str, sender: str, recipient: str) -> None:
        """Block texts from ``sender`` (and its service) to ``recipient``, as a STOP would."""
        with self._lock:
            self._opted_out.add((account_sid, sender, recipient))
            number = self._owned.get(sender)
            if number is not None and (pool := self._service_of(account_sid, number)):
                self._opted_out.add((account_sid, pool, recipient))

    def provision_sender(self, account_sid: str, area_code: str = "415") -> tuple[str, str, str]:
        """A number of the account in a Messaging Service with a verified campaign.

        Returns:
            The number (E.164), its ``PN…`` SID and the service's ``MG…`` SID.
        """
        with self._lock:
            number = self.buy_number(account_sid, {"AreaCode": [area_code]})
            service = self.create_service(account_sid, {"FriendlyName": ["stand-in sender"]})
            profile = self.primary_profile(account_sid)
            brand = self.create_brand(
                account_sid,
                {"CustomerProfileBundleSid": [profile], "A2PProfileBundleSid": [profile]},
            )
            self.complete_review(account_sid, brand["sid"])
            campaign = self.create_campaign(
                account_sid,
                service["sid"],
                {"BrandRegistrationSid": [brand["sid"]], "UsAppToPersonUsecase": ["MIXED"]},
                "",
            )
            self.complete_review(account_sid, campaign["sid"])
            self.add_to_pool(account_sid, service["sid"], number["sid"], "")
            return number["phone_number"], number["sid"], service["sid"]


def _sent_on(sent: datetime | None, query: Mapping[str, str]) -> bool:
    """Whether a text's send day passes the list's ``DateSent`` filters."""
    day = sent.date() if sent is not None else None
    on, until, since = (query.get(f"DateSent{op}") for op in ("", "<", ">"))
    if on is None and until is None and since is None:
        return True
    if day is None:
        return False
    return (
        (on is None or day == date.fromisoformat(on[:10]))
        and (until is None or day <= date.fromisoformat(until[:10]))
        and (since is None or day >= date.fromisoformat(since[:10]))
    )
