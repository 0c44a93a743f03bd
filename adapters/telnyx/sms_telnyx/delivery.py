"""Texts: sending them once and looking up where they stand.

A text is sent with ``POST /v2/messages`` (``client.messages.send``) from the line's number,
through the account's messaging profile when one is set, with a ``webhook_url`` of its own: the
SDK's status URL plus ``sms_message_id=<the SDK's id>``. Telnyx sends that message's
``message.sent`` and ``message.finalized`` webhooks to that exact URL ("webhook_url: The URL
where webhooks related to this message will be sent", the ``send`` parameters of the
``telnyx`` package, ``telnyx/resources/messages/messages.py``), and echoes it in the record's
``webhook_url``, so a delivery report names the SDK's message even when the send's answer was
lost. The same URL is the message's ``webhook_failover_url``, and ``use_profile_webhooks`` is
false ("If the profile this number is associated with has webhooks, use them for delivery
notifications. If webhooks are also specified on the message itself, they will be attempted
first, then those on the profile", same source): the profile's webhook URL is the SDK's
*messages* URL, for inbound texts, and a report sent there would be refused. The SDK's id also
goes as the request's ``Idempotency-Key`` header (the package's ``idempotency_key`` argument).

A send is made once: the client never retries (:mod:`sms_telnyx.client`). When its answer is
lost the adapter raises :class:`~sms_core.exceptions.ProviderTimeoutError` and the SDK
reconciles with :func:`fetch_message`, which looks the text up by Telnyx's id when one is
known (``GET /v2/messages/{id}``, messages of the last 10 days) and otherwise finds it among
Telnyx's message detail records. "Telnyx creates an MDR when a message is submitted and updates
it as the message progresses" (https://developers.telnyx.com/docs/messaging/messages/message-detail-records),
and the Detail Record Search API (``GET /v2/detail_records``, "finding detail records based on
multiple fields within those detail records",
https://developers.telnyx.com/docs/v2/debugging/overview/) filters them on any field of the
record (``filter[<field>]``, with ``[contains]`` for a part of it; spec3.yml,
``SearchDetailRecords``). A message's record keeps its ``webhook_url`` as
``delivery_status_webhook_url`` (``MessageDetailRecord`` in spec3.yml), and that URL carries
the SDK's id, so the lost text is found by sender, recipient and the SDK's id, and only then
asked about by the ``uuid`` its record gives. A text Telnyx holds is therefore found however
its webhooks fare, and the SDK never takes it for never sent (which would free its key for a
second send).

The ``Idempotency-Key`` header is not what keeps a text from going twice: Telnyx declares it on
the endpoints whose reference lists it, and ``POST /v2/messages`` does not (spec3.yml; "Use
this header on endpoints whose API reference declares Idempotency-Key support ... Only
successful responses are replayed, for up to 24 hours",
https://developers.telnyx.com/docs/development/api-fundamentals/idempotency). It is sent, and
harmless, but the SDK never repeats a send it handed over: it looks the text up instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sms_core.domain import DeliveryStatus, OutboundMessage, SendReceipt, StatusUpdate
from sms_core.exceptions import AmbiguousMessageError, ProviderNotFoundError
from sms_telnyx.errors import calling, unreadable_answer
from sms_telnyx.payloads import (
    MESSAGE_ID_PARAM,
    answer_data,
    message_id_of,
    recipient_status,
    status_update,
    text,
    webhook_url,
)
from sms_telnyx.settings import PROVIDER, TelnyxSettings
from sms_telnyx.statuses import delivery_status

if TYPE_CHECKING:
    import telnyx
    from telnyx.types.detail_record_list_params import Filter

__all__ = ["fetch_message", "find_lost_message", "send_message"]

#: Detail records asked for at once; the SDK's id matches one, so one page is plenty.
_RECORDS_PAGE = 20


def _data(answer: Any) -> dict[str, Any]:
    data = answer_data(answer)
    return data if isinstance(data, dict) else {}


def send_message(
    client: telnyx.Telnyx, settings: TelnyxSettings, message: OutboundMessage
) -> SendReceipt:
    """Send the text at Telnyx, once.

    Raises:
        ProviderError: The typed error for Telnyx's refusal (opted out 40300, invalid
            recipient 10002/40012, rate limited 429, …).
        ProviderTimeoutError: When the answer was lost; the send is not repeated.
    """
    fields: dict[str, Any] = {
        "to": message.recipient.e164,
        "from_": message.sender.e164,
        "text": message.body,
        "idempotency_key": message.message_id,
    }
    if settings.messaging_profile_id:
        fields["messaging_profile_id"] = settings.messaging_profile_id
    if message.status_callback_url:
        url = webhook_url(message.status_callback_url, message.message_id)
        # The message's own URL, also as its failover, and not the profile's: the profile's
        # webhook URL is the SDK's messages URL (inbound texts), which takes no reports.
        fields |= {"webhook_url": url, "webhook_failover_url": url, "use_profile_webhooks": False}
    answer = calling(lambda: client.messages.send(**fields), creates=True)
    data = _data(answer)
    provider_id = text(data.get("id"))
    if provider_id is None:
        # A 2xx answer without the message's id: it may exist, and only its webhook can say.
        raise unreadable_answer(creates=True)
    raw_status = recipient_status(data) or "queued"
    parts = data.get("parts")
    return SendReceipt(
        provider_message_id=provider_id,
        status=delivery_status(raw_status),
        raw_status=raw_status,
        segments=parts if isinstance(parts, int) and parts > 0 else None,
        raw={"id": provider_id, "status": raw_status, "parts": parts},
    )


def fetch_message(
    reader: telnyx.Telnyx, message: OutboundMessage, provider_message_id: str | None
) -> StatusUpdate:
    """Where a sent text stands, by Telnyx's id (``GET /v2/messages/{id}``).

    Without the id (the send's answer was lost) the text is first found among the message
    detail records (:func:`find_lost_message`). ``reader`` is a client that may retry: a read
    is safe to repeat.

    Raises:
        ProviderNotFoundError: When Telnyx has no such message (no detail record names the
            SDK's id, or no message has Telnyx's id).
        AmbiguousMessageError: When the text was sent without a status URL, so no record can
            say it is the SDK's.
    """
    if provider_message_id is None:
        provider_message_id = find_lost_message(reader, message)
        try:
            return _retrieve(reader, message, provider_message_id)
        except ProviderNotFoundError:
            # Its record exists, so Telnyx had it; the message is past GET's 10 days. Known
            # by its id from now on, it is never taken for a text that never arrived.
            return StatusUpdate(
                provider_message_id=provider_message_id,
                status=DeliveryStatus.UNKNOWN,
                raw_status="",
                message_id=message.message_id,
            )
    return _retrieve(reader, message, provider_message_id)


def _retrieve(reader: telnyx.Telnyx, message: OutboundMessage, provider_id: str) -> StatusUpdate:
    answer = calling(lambda: reader.messages.retrieve(provider_id), creates=False)
    data = _data(answer)
    if not data:
        raise ProviderNotFoundError(
            f"Telnyx answered no message for id {provider_id!r}", provider=PROVIDER
        )
    return status_update(data, message_id=message.message_id)


def find_lost_message(reader: telnyx.Telnyx, message: OutboundMessage) -> str:
    """Telnyx's id of a text whose send answer was lost, from its message detail record.

    Asks ``GET /v2/detail_records`` for outbound messaging records from the text's sender to
    its recipient whose ``delivery_status_webhook_url`` holds the SDK's id, and keeps those
    whose URL carries exactly that id (``contains`` also matches a longer id).

    Raises:
        ProviderNotFoundError: When no record is the text's: Telnyx never had it, or has not
            listed it yet (the core waits ``queue_validity`` before deciding).
        AmbiguousMessageError: When the text had no status URL, so the SDK's id is in no
            record, or when several records carry it.
    """
    if message.status_callback_url is None:
        raise AmbiguousMessageError(
            f"the text {message.message_id!r} was sent without a status URL, so no Telnyx "
            "record carries its id; match it by hand in Telnyx's message detail records",
            provider=PROVIDER,
        )
    # Filter takes any field of the record (PEP 728 extra_items), which mypy does not read yet.
    wanted = cast(
        "Filter",
        {
            "record_type": "messaging",
            "direction": "outbound",
            "cli": message.sender.e164,
            "cld": message.recipient.e164,
            "delivery_status_webhook_url": {"contains": f"{MESSAGE_ID_PARAM}={message.message_id}"},
        },
    )
    page = calling(
        lambda: reader.detail_records.list(filter=wanted, page_size=_RECORDS_PAGE),
        creates=False,
    )
    found = {
        uuid
        for record in page.data
        if (dumped := record.to_dict(warnings=False))
        and (uuid := text(dumped.get("uuid"))) is not None
        and message_id_of(text(dumped.get("delivery_status_webhook_url"))) == message.message_id
    }
    if not found:
        raise ProviderNotFoundError(
            f"Telnyx has no record of the text {message.message_id!r} from {message.sender} "
            f"to {message.recipient}",
            provider=PROVIDER,
        )
    if len(found) > 1:
        raise AmbiguousMessageError(
            f"{len(found)} Telnyx messages carry the SDK's id {message.message_id!r}: "
            f"{', '.join(sorted(found))}",
            provider=PROVIDER,
        )
    return found.pop()
