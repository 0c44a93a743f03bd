"""The sandbox's wire format: the JSON bodies of its webhooks and of the answers to calls.

Every webhook is a ``POST`` with a JSON object whose ``event`` names its kind. Numbers are
E.164 strings, times ISO 8601 with their UTC offset, and unknown keys are ignored, so the
format can grow::

    {"event": "message.status", "account_id": "acme", "message_sid": "SM…",
     "message_id": "msg-42", "status": "undelivered", "from": "+14155550100",
     "to": "+14155550199", "error_code": "30003",
     "error_message": "Unreachable destination handset",
     "occurred_at": "2030-01-01T12:00:03+00:00"}

    {"event": "message.inbound", "account_id": "acme", "message_sid": "SM…",
     "from": "+14155550199", "to": "+14155550100", "body": "STOP", "segments": 1,
     "keyword": "STOP", "received_at": "2030-01-01T12:05:00+00:00"}

    {"event": "call.inbound", "account_id": "acme", "call_sid": "CA…",
     "from": "+14155550199", "to": "+14155550100", "occurred_at": "2030-01-01T12:06:00+00:00"}

    {"event": "number.registration", "account_id": "acme", "number_sid": "PN…",
     "number": "+14155550100", "status": "failure", "error_code": "30126",
     "error_message": "…", "occurred_at": "2030-01-02T12:00:00+00:00"}

A number's registration is reported to the account's events URL: ``pending_registration``
when it is attached to an active messaging service, then ``registered`` or ``failure``.

``message_id`` is the SDK's own id the text was sent with (``null`` when none was given);
``keyword`` is ``STOP``, ``START``, ``HELP`` or ``null``. The answer to a call webhook is a
JSON object too: ``{"action": "forward", "to": "+14155550111"}`` to forward the call, or
``{"action": "decline", "say": "…"}`` to read a message to the caller and hang up.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from sms_core.domain import PhoneNumber
from sms_core.domain.json_body import load_json
from sms_core.exceptions import WebhookPayloadError

__all__ = [
    "CallAction",
    "CallAnswer",
    "Event",
    "InboundCallReport",
    "InboundTextReport",
    "NumberRegistrationReport",
    "Report",
    "StatusReport",
    "decode_answer",
    "decode_report",
    "encode_answer",
    "encode_report",
    "event_of",
]


class Event(StrEnum):
    """The kinds of webhook the sandbox sends, as the ``event`` key names them."""

    #: A delivery report for an outbound text.
    STATUS = "message.status"
    #: A text a line received.
    INBOUND_TEXT = "message.inbound"
    #: A call to a line, waiting to be answered.
    INBOUND_CALL = "call.inbound"
    #: A number's registration with the mobile carriers changed (the events URL).
    NUMBER_REGISTRATION = "number.registration"


class CallAction(StrEnum):
    """What the webhook app tells the carrier to do with a call."""

    #: Dial the number in ``to`` and connect the caller.
    FORWARD = "forward"
    #: Read ``say`` to the caller and hang up.
    DECLINE = "decline"


@attrs.frozen(kw_only=True)
class StatusReport:
    """A delivery report: an outbound text reached a new status."""

    account_id: str
    message_sid: str
    status: str
    sender: PhoneNumber
    recipient: PhoneNumber
    occurred_at: datetime
    message_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None


@attrs.frozen(kw_only=True)
class InboundTextReport:
    """A text a line received."""

    account_id: str
    message_sid: str
    sender: PhoneNumber
    recipient: PhoneNumber
    body: str
    segments: int
    received_at: datetime
    keyword: str | None = None


@attrs.frozen(kw_only=True)
class InboundCallReport:
    """A call to a line."""

    account_id: str
    call_sid: str
    caller: PhoneNumber
    called: PhoneNumber
    occurred_at: datetime


@attrs.frozen(kw_only=True)
class NumberRegistrationReport:
    """A number's registration with the mobile carriers changed."""

    account_id: str
    number_sid: str
    number: PhoneNumber
    status: str
    occurred_at: datetime
    error_code: str | None = None
    error_message: str | None = None


@attrs.frozen(kw_only=True)
class CallAnswer:
    """The webhook app's answer to a call."""

    action: CallAction
    to: PhoneNumber | None = None
    say: str | None = None


#: Every webhook body the sandbox sends.
Report = StatusReport | InboundTextReport | InboundCallReport | NumberRegistrationReport

_EVENTS: dict[str, type[Report]] = {
    Event.STATUS: StatusReport,
    Event.INBOUND_TEXT: InboundTextReport,
    Event.INBOUND_CALL: InboundCallReport,
    Event.NUMBER_REGISTRATION: NumberRegistrationReport,
}
_EVENT_OF: dict[type[Report], Event] = {kind: Event(name) for name, kind in _EVENTS.items()}


def event_of(report: Report) -> Event:
    """The kind of webhook that carries ``report``."""
    return _EVENT_OF[type(report)]


def encode_report(report: Report) -> bytes:
    """The JSON body of a webhook carrying ``report``."""
    data = {"event": event_of(report).value, **_converter.unstructure(report)}
    return json.dumps(data, separators=(",", ":")).encode()


def decode_report(body: bytes) -> tuple[Report, dict[str, Any]]:
    """Read a webhook body.

    Returns:
        The report and the decoded JSON object, kept as the raw payload.

    Raises:
        WebhookPayloadError: When the body is not a JSON object of a known event with every
            field its event requires.
    """
    data = _json_object(body)
    event = data.get("event")
    kind = _EVENTS.get(event) if isinstance(event, str) else None
    if kind is None:
        raise WebhookPayloadError(
            f"sandbox webhook event {event!r} is unknown; expected one of "
            f"{', '.join(repr(known.value) for known in Event)}"
        )
    _check_texts(data, kind)
    try:
        report: Report = _converter.structure(data, kind)
    except (cattrs.BaseValidationError, ValueError, TypeError) as err:
        raise WebhookPayloadError(
            f"sandbox {event} webhook is malformed: {_problems(err)}"
        ) from err
    return report, data


def encode_answer(answer: CallAnswer) -> bytes:
    """The JSON body of an answer to a call webhook."""
    return json.dumps(_converter.unstructure(answer), separators=(",", ":")).encode()


def decode_answer(body: bytes) -> CallAnswer:
    """Read the webhook app's answer to a call.

    Raises:
        WebhookPayloadError: When the answer is not one the carrier understands.
    """
    try:
        answer: CallAnswer = _converter.structure(_json_object(body), CallAnswer)
    except (cattrs.BaseValidationError, ValueError, TypeError) as err:
        raise WebhookPayloadError(
            f"the answer to a sandbox call is malformed: {_problems(err)}"
        ) from err
    if answer.action is CallAction.FORWARD and answer.to is None:
        raise WebhookPayloadError("a 'forward' answer to a sandbox call needs a 'to' number")
    return answer


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = load_json(body)
    except WebhookPayloadError as err:
        raise WebhookPayloadError(f"sandbox {err}") from err
    if not isinstance(data, dict):
        raise WebhookPayloadError(f"sandbox body is JSON but not an object: {body[:60]!r}")
    return data


def _problems(err: Exception) -> str:
    if isinstance(err, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(err))
    return str(err)


def _structure_number(value: object, _: object) -> PhoneNumber:
    if not isinstance(value, str):
        raise TypeError(f"a phone number must be an E.164 string, got {value!r}")
    return PhoneNumber.parse(value, None)


def _check_texts(data: dict[str, Any], kind: type[Report]) -> None:
    """Refuse a text field that is not a string: cattrs would read null as the text "None"."""
    for field in attrs.fields(kind):
        optional = field.type in _OPTIONAL_TEXT
        if field.name not in data or not (optional or field.type in _TEXT):
            continue  # a missing field is reported by cattrs; other types have their hooks
        value = data[field.name]
        if not isinstance(value, str) and not (optional and value is None):
            expected = "a string or null" if optional else "a string"
            raise WebhookPayloadError(
                f"sandbox {data.get('event')} webhook is malformed: {field.name} must be "
                f"{expected}, got {value!r}"
            )


_TEXT: Final = frozenset({str, "str"})
_OPTIONAL_TEXT: Final = frozenset({str | None, "str | None"})


def _structure_time(value: object, _: object) -> datetime:
    if not isinstance(value, str):
        raise TypeError(f"a time must be an ISO 8601 string, got {value!r}")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"time {value!r} has no UTC offset")
    return moment


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    converter.register_structure_hook(PhoneNumber, _structure_number)
    converter.register_unstructure_hook(PhoneNumber, lambda number: number.e164)
    converter.register_structure_hook(datetime, _structure_time)
    converter.register_unstructure_hook(datetime, lambda moment: moment.isoformat())
    # The wire says "from" and "to", which Python cannot name an attribute.
    sender, recipient = override(rename="from"), override(rename="to")
    converter.register_structure_hook(
        StatusReport,
        make_dict_structure_fn(StatusReport, converter, sender=sender, recipient=recipient),
    )
    converter.register_unstructure_hook(
        StatusReport,
        make_dict_unstructure_fn(StatusReport, converter, sender=sender, recipient=recipient),
    )
    converter.register_structure_hook(
        InboundTextReport,
        make_dict_structure_fn(InboundTextReport, converter, sender=sender, recipient=recipient),
    )
    converter.register_unstructure_hook(
        InboundTextReport,
        make_dict_unstructure_fn(InboundTextReport, converter, sender=sender, recipient=recipient),
    )
    converter.register_structure_hook(
        InboundCallReport,
        make_dict_structure_fn(InboundCallReport, converter, caller=sender, called=recipient),
    )
    converter.register_unstructure_hook(
        InboundCallReport,
        make_dict_unstructure_fn(InboundCallReport, converter, caller=sender, called=recipient),
    )
    converter.register_unstructure_hook(
        CallAnswer, make_dict_unstructure_fn(CallAnswer, converter, _cattrs_omit_if_default=True)
    )
    return converter


_converter = _make_converter()
