"""Texts: creating messages and looking up where they stand.

A text is created from the line's number (``From``), through the Messaging Service when one is
known, with a status callback of its own: the SDK's status URL plus ``sms_message_id=<the SDK's
id>``. Twilio calls that exact URL with every status change, so a delivery report names the
SDK's message even when the answer to the create was lost.

A create is sent once. When its answer is lost (no answer, a dropped connection, or a server
error in its place) the HTTP layer raises :class:`~sms_core.exceptions.ProviderTimeoutError`
and the SDK reconciles with :func:`fetch_message`: by Twilio's id when it has one, otherwise by
looking the text up in Twilio's message list. That lookup rests on what Twilio documents:

* **Nothing Twilio returns names the SDK's message.** The Message resource's fields are
  ``body, num_segments, direction, from, to, date_updated, price, error_message, uri,
  account_sid, num_media, status, messaging_service_sid, sid, date_sent, date_created,
  error_code, price_unit, api_version, subresource_uris``: the ``StatusCallback`` a create
  names is not among them (``twilio_api_v2010.json``, schema ``api.v2010.account.message``;
  https://www.twilio.com/docs/messaging/api/message-resource#message-properties). So the
  lookup matches what was sent: ``To`` and ``From`` (list filters), then the body, outbound
  direction and ``date_created`` within ``reconcile_window_hours`` (compared here).
* **``DateSent`` filters by GMT day.** ``DateSent>`` takes a day (``YYYY-MM-DD``, "on and
  after"; the Messages list's ``DateSent`` parameters in ``twilio_api_v2010.json``), so the
  lookup asks for the day the window starts on, whole, and compares ``date_created`` to the
  window's start itself: a send at 23:59 GMT looked for after midnight is still found. Twilio
  stamps ``date_sent`` when it takes an immediate create (every non-scheduled create example
  of ``CreateMessage`` in ``twilio_api_v2010.json`` answers ``queued`` with ``date_sent``
  set; only scheduled messages answer ``null``, and the SDK schedules none). The lookup reads
  every page (1,000 messages each, the list's maximum ``PageSize``), never stopping at a limit
  short of the last page.
* **Not listed is not "never sent".** Twilio's list can lag behind creation, so
  :class:`~sms_core.exceptions.ProviderNotFoundError` from the lookup means "Twilio does not
  list it now"; the SDK keeps the text ``UNKNOWN`` until the carrier's ``queue_validity`` (plus
  a margin) has passed before it may call it not sent.
* **Several matches are a true ambiguity.** Identical texts to one candidate from one line in
  the window cannot be told apart by anything Twilio returns: the lookup raises
  :class:`~sms_core.exceptions.AmbiguousMessageError` naming their SIDs, which reconciliation
  skips; the status callback (which names the SDK's id) or an admin settles it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sms_core.domain import OutboundMessage, SendReceipt, StatusUpdate
from sms_core.exceptions import AmbiguousMessageError, ProviderNotFoundError
from sms_twilio import errors
from sms_twilio.client import TwilioClient
from sms_twilio.resources import optional_text, required_text, timestamp
from sms_twilio.settings import PROVIDER, TwilioSettings, sid_pattern
from sms_twilio.statuses import delivery_status

__all__ = [
    "LIST_PAGE_SIZE",
    "MESSAGE_ID_PARAM",
    "fetch_message",
    "find_candidates",
    "message_id_of",
    "send_message",
    "status_callback_url",
]

#: The query parameter of a status callback URL that carries the SDK's message id.
MESSAGE_ID_PARAM = "sms_message_id"
#: Messages per page of a lookup: the list's maximum (``PageSize``, "the maximum is 1000").
LIST_PAGE_SIZE = 1000
_SERVICE_SID = sid_pattern("MG")
_MESSAGE_SID = sid_pattern("(?:SM|MM)")


def status_callback_url(url: str, message_id: str) -> str:
    """``url`` with the SDK's message id added to its query string."""
    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != MESSAGE_ID_PARAM
    ]
    query.append((MESSAGE_ID_PARAM, message_id))
    return urlunsplit(parts._replace(query=urlencode(query)))


def message_id_of(url: str) -> str | None:
    """The SDK's message id a status callback URL carries, if any."""
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key == MESSAGE_ID_PARAM and value:
            return value
    return None


def send_message(
    client: TwilioClient, settings: TwilioSettings, message: OutboundMessage
) -> SendReceipt:
    """Create the message at Twilio, once.

    Raises:
        ProviderError: The typed error for Twilio's refusal (opted out 21610, invalid
            recipient 21211/21614, rate limited 20429, …).
        ProviderTimeoutError: When the answer was lost; the create is not repeated.
    """
    fields: dict[str, Any] = {
        "to": message.recipient.e164,
        "from_": message.sender.e164,
        "body": message.body,
    }
    if service := _service_of(settings, message):
        fields["messaging_service_sid"] = service
    if message.status_callback_url:
        fields["status_callback"] = status_callback_url(
            message.status_callback_url, message.message_id
        )
    created = client.messages.create(**fields)
    raw_status = optional_text(created.status) or ""
    return SendReceipt(
        provider_message_id=required_text(created, "sid"),
        status=delivery_status(raw_status),
        raw_status=raw_status,
        segments=_segments(created.num_segments),
        raw=_raw(created),
    )


def fetch_message(
    client: TwilioClient,
    settings: TwilioSettings,
    message: OutboundMessage,
    provider_message_id: str | None,
    now: datetime,
) -> StatusUpdate:
    """Where a sent message stands, found by Twilio's id or, without it, by what was sent.

    Raises:
        ProviderNotFoundError: With Twilio's id, when Twilio has no such message. Without it,
            when Twilio does not list the text now; its list may lag, so this alone does not
            prove that the text never arrived.
        AmbiguousMessageError: When several texts Twilio lists could be this one; the error
            names their SIDs.
    """
    if provider_message_id is not None:
        if not _MESSAGE_SID.fullmatch(provider_message_id):
            raise errors.not_found(f"message id {provider_message_id!r}")
        return status_update(client.messages(provider_message_id).fetch(), message.message_id)
    since = now - timedelta(hours=settings.reconcile_window_hours)
    candidates = find_candidates(client, message, since)
    if not candidates:
        raise ProviderNotFoundError(
            f"Twilio does not list a message from {message.sender} to {message.recipient} with "
            f"this text created since {since:%Y-%m-%d %H:%M} UTC; its list can lag behind a "
            "send, so look again later before taking it as never sent",
            provider=PROVIDER,
            code="20404",
            status=404,
        )
    if len(candidates) > 1:
        sids = ", ".join(required_text(found, "sid") for found in candidates)
        raise AmbiguousMessageError(
            f"{len(candidates)} messages from {message.sender} to {message.recipient} have "
            f"this text ({sids}) and Twilio returns nothing that names the SDK's message "
            f"{message.message_id!r}; match it by hand in Twilio's console, or wait for its "
            "status callback, which names it",
            provider=PROVIDER,
        )
    return status_update(candidates[0], message.message_id)


def find_candidates(client: TwilioClient, message: OutboundMessage, since: datetime) -> list[Any]:
    """The texts Twilio lists that could be ``message``, created at or after ``since``.

    Filters on ``To``, ``From`` and the GMT day of ``since`` (``DateSent>``) at Twilio and
    reads every page; compares the body, the outbound direction and ``date_created`` here.
    """
    listed = client.messages.stream(
        to=message.recipient.e164,
        from_=message.sender.e164,
        # A day, as Twilio documents it (a datetime would be sent as ...T10:00:00Z).
        date_sent_after=f"{since.astimezone(UTC):%Y-%m-%d}",
        page_size=LIST_PAGE_SIZE,
    )
    return [
        found
        for found in listed
        if found.body == message.body and _outbound(found) and _created_since(found, since)
    ]


def status_update(resource: Any, message_id: str | None) -> StatusUpdate:
    """A ``Message`` answer as a status update for the SDK's message ``message_id``."""
    raw_status = optional_text(resource.status) or ""
    code = optional_text(resource.error_code)
    return StatusUpdate(
        provider_message_id=required_text(resource, "sid"),
        status=delivery_status(raw_status),
        raw_status=raw_status,
        message_id=message_id,
        error_code=code,
        error_message=optional_text(resource.error_message) or errors.delivery_error_message(code),
        failure_reason=errors.failure_reason(code),
        occurred_at=timestamp(resource.date_updated),
        raw=_raw(resource),
    )


def _service_of(settings: TwilioSettings, message: OutboundMessage) -> str | None:
    if settings.messaging_service_sid:
        return settings.messaging_service_sid
    if message.sender_ref and _SERVICE_SID.fullmatch(message.sender_ref):
        return message.sender_ref
    return None


def _created_since(resource: Any, since: datetime) -> bool:
    created = timestamp(resource.date_created)
    return created is None or created >= since


def _outbound(resource: Any) -> bool:
    """Whether a listed message went out (``outbound-api``…), not a reply that came in."""
    direction = optional_text(resource.direction)
    return direction is None or direction.startswith("outbound")


def _segments(value: Any) -> int | None:
    """Twilio's ``num_segments`` (a string; ``"0"`` until a service has counted)."""
    text = optional_text(value)
    return int(text) if text and text.isdigit() and int(text) > 0 else None


def _raw(resource: Any) -> dict[str, object]:
    """The answer's fields worth keeping for troubleshooting (the package drops the JSON)."""
    names = (
        "sid",
        "status",
        "direction",
        "from_",
        "to",
        "messaging_service_sid",
        "num_segments",
        "error_code",
        "error_message",
        "price",
        "price_unit",
    )
    return {name.rstrip("_"): getattr(resource, name, None) for name in names}
