"""Twilio Event Streams: a number's A2P 10DLC registration, pushed to the events URL.

After a campaign is ``VERIFIED``, each number in its Messaging Service is registered with the
mobile carriers; that takes time and can fail. Twilio's REST API has no field to poll for it:
Twilio pushes it through **Event Streams**, to a webhook *sink* the account subscribes to the
number registration event types (see the README for creating the sink and subscription, per
subaccount). The sink's destination is the account's events URL (``{base}/{account}/events``).

A sink request is a ``POST`` whose JSON body is an **array of CloudEvents**. The adapter reads
the three number registration types and ignores every other type (brand and campaign events,
number deregistration, the sink's test event), acknowledging them. Brand and campaign events
are not turned into :class:`~sms_core.domain.RegistrationStepUpdate`: Twilio's campaign example
(``campaign-approved``, in ``tests/evidence/event_streams.json``) names the campaign by a
``campaignsid`` (``CM…``) and its Messaging Service, not by the ``UsAppToPerson`` SID (``QE…``)
the campaign step is known by (``MG…/QE…``), and no brand event is in the evidence; the
registration sync reads those steps:

=====================================================================  ==============
``type``                                                               line state
=====================================================================  ==============
``com.twilio.messaging.compliance.number-registration.pending``        pending
``com.twilio.messaging.compliance.number-registration.successful``     registered
``com.twilio.messaging.compliance.number-registration.failed``         failed
=====================================================================  ==============

The event's ``data`` names the number by ``phonenumbersid`` (the ``PN…`` SID the line keeps as
its carrier id) and ``phonenumber``, its state by ``externalstatus`` (``pending_registration``,
``registered``, ``failure``), and a failure by ``failurereason``, which Twilio's example gives as
the error's page (``https://www.twilio.com/docs/api/errors/30126``) and spells
``failureReason``; both spellings are read, and the code is taken from the page's address.
Twilio's own example gives ``phonenumber`` as ``"1234567890"``, not E.164, so the number is
only a fallback when no SID is given.

**Authentication.** Event Streams signs webhook sink requests like Twilio's other webhooks:
``X-Twilio-Signature`` over the URL with the auth token; because the body is JSON, the URL
carries ``bodySHA256`` (the body's SHA-256, hex) and the signature covers it, which
:func:`sms_twilio.webhooks.verify_webhook` checks with ``RequestValidator`` for every JSON
request. Twilio also documents HTTP Basic credentials in the sink's destination URL and the
CIDR block sink requests come from; the adapter relies on the signature, which covers the body.

Sources: https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/event-streams-setup (the
event types and example payloads, and "ISVs ... must configure the Event Stream (Sink and
Subscription) individually for each subaccount"),
https://www.twilio.com/docs/events/event-types/a2p/number-registration (the fields of each
version), https://www.twilio.com/docs/events/webhook-quickstart (webhook sinks, signature,
Basic credentials), https://www.twilio.com/docs/usage/webhooks/webhooks-security (``bodySHA256``
for JSON bodies).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sms_core.domain import (
    CarrierRegistration,
    NumberRegistrationUpdate,
    PhoneNumber,
    ProviderEvent,
    WebhookRequest,
)
from sms_core.exceptions import InvalidPhoneNumberError, WebhookPayloadError
from sms_twilio import errors

__all__ = ["NUMBER_REGISTRATION_TYPES", "carries_events", "parse_events"]

_log = logging.getLogger(__name__)

_PREFIX = "com.twilio.messaging.compliance.number-registration."

#: The Event Streams types of a number's registration, and the line state each reports.
NUMBER_REGISTRATION_TYPES: Mapping[str, CarrierRegistration] = {
    f"{_PREFIX}pending": CarrierRegistration.PENDING,
    f"{_PREFIX}successful": CarrierRegistration.REGISTERED,
    f"{_PREFIX}failed": CarrierRegistration.FAILED,
}

# "https://www.twilio.com/docs/api/errors/30126", or a bare code.
_ERROR_PAGE = re.compile(r"(?:/errors/)?(\d{5})/?$")


def carries_events(request: WebhookRequest) -> bool:
    """Whether the request is an Event Streams delivery (a JSON body), not a form webhook."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return content_type == "application/json" or request.body.lstrip().startswith(b"[")


def parse_events(request: WebhookRequest, account_sid: str | None) -> list[ProviderEvent]:
    """The number registration updates an Event Streams delivery carries.

    Args:
        request: The verified request.
        account_sid: The account's Twilio SID, when configured; events of another account
            are refused.

    Raises:
        WebhookPayloadError: When the body is not a JSON array of CloudEvents, an event is for
            another Twilio account, or a number registration event names no number.
    """
    events: list[ProviderEvent] = []
    for event in _cloud_events(request.body):
        kind = event.get("type")
        data = event.get("data")
        if kind not in NUMBER_REGISTRATION_TYPES:
            _log.info("acknowledged, not applied: Event Streams event of type %r", kind)
            continue
        if not isinstance(data, dict):
            raise WebhookPayloadError(f"the Twilio {kind} event has no data object")
        if account_sid and data.get("accountsid") not in (None, account_sid):
            raise WebhookPayloadError(
                f"a Twilio event of account {data.get('accountsid')!r} reached the events URL of "
                f"account {account_sid!r}; point each (sub)account's Event Streams sink at its "
                "own account's events URL"
            )
        events.append(_update(str(kind), data, event))
    return events


def _cloud_events(body: bytes) -> list[dict[str, Any]]:
    try:
        parsed = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise WebhookPayloadError(f"the Twilio Event Streams body is not JSON: {err}") from err
    if isinstance(parsed, dict):
        parsed = [parsed]  # one CloudEvent rather than a batch: read it all the same
    if not isinstance(parsed, list) or not all(isinstance(item, dict) for item in parsed):
        raise WebhookPayloadError(
            "the Twilio Event Streams body is not an array of CloudEvents; point only an "
            "Event Streams webhook sink at the events URL"
        )
    return parsed


def _update(
    kind: str, data: Mapping[str, Any], event: Mapping[str, Any]
) -> NumberRegistrationUpdate:
    sid = _text(data.get("phonenumbersid"))
    number = _number(_text(data.get("phonenumber")))
    if sid is None and number is None:
        raise WebhookPayloadError(
            f"the Twilio {kind} event names no phonenumbersid nor phone number; it cannot be "
            "applied"
        )
    state = NUMBER_REGISTRATION_TYPES[kind]
    code, message = _failure(data) if state is CarrierRegistration.FAILED else (None, None)
    return NumberRegistrationUpdate(
        provider_ref=sid,
        number=number,
        state=state,
        raw_status=_text(data.get("externalstatus")) or kind.removeprefix(_PREFIX),
        error_code=code,
        error_message=message,
        occurred_at=_when(data.get("timestamp")),
        raw=dict(event),
    )


def _failure(data: Mapping[str, Any]) -> tuple[str | None, str]:
    reason = _text(data.get("failurereason")) or _text(data.get("failureReason"))
    found = _ERROR_PAGE.search(reason) if reason else None
    code = found.group(1) if found else None
    advice = errors.delivery_error_message(code)
    words = [part for part in (reason, advice) if part]
    message = ": ".join(words) if words else "Twilio reported the registration failed"
    return code, (
        f"{message}. Look the number up in the Twilio console's A2P registration pages, fix "
        "what Twilio names, then remove the number from the Messaging Service and add it again"
    )


def _text(value: object) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value.strip() or None if isinstance(value, str) else None


def _number(value: str | None) -> PhoneNumber | None:
    if value is None:
        return None
    try:
        return PhoneNumber.parse(value, region=None)
    except InvalidPhoneNumberError:
        return None  # Twilio's own example gives "1234567890": the SID is what counts


def _when(value: object) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)  # milliseconds, as in the examples
    return None
