"""The sandbox's refusals: its error codes and the SDK exceptions that carry them.

Codes are Twilio's where Twilio has one for the same refusal, so code written against the
sandbox meets familiar numbers; the one refusal Twilio has no code for uses the sandbox's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from sms_core.domain import FailureReason
from sms_core.exceptions import (
    InvalidRecipientError,
    NumberUnavailableError,
    ProviderError,
    ProviderNotFoundError,
    ProviderTimeoutError,
    RecipientOptedOutError,
    UnregisteredSenderError,
)

__all__ = [
    "FAILED_DELIVERY_CODES",
    "PROVIDER",
    "ErrorCode",
    "conflict",
    "delivery_error_message",
    "failure_code",
    "failure_reason",
    "invalid_recipient",
    "not_found",
    "number_unavailable",
    "opted_out",
    "refused_body",
    "send_timed_out",
    "sender_not_owned",
    "unregistered_sender",
]

#: The adapter's name, as ``Account.provider`` spells it and errors report it.
PROVIDER = "fake"


class ErrorCode(StrEnum):
    """Codes the sandbox refuses requests or fails deliveries with."""

    #: The resource (number, message, registration) is unknown to the account.
    NOT_FOUND = "20404"
    #: The request conflicts with the resource's state (the sandbox's own code, after HTTP 409).
    CONFLICT = "20409"
    #: The recipient is not a valid phone number.
    INVALID_RECIPIENT = "21211"
    #: The number asked for is taken or was never offered.
    NUMBER_UNAVAILABLE = "21422"
    #: The message body is empty.
    BODY_REQUIRED = "21602"
    #: The sender is not a number the account owns.
    SENDER_NOT_OWNED = "21606"
    #: The recipient replied STOP to this sender.
    OPTED_OUT = "21610"
    #: The message body is longer than 1,600 characters.
    BODY_TOO_LONG = "21617"
    #: The sender is not attached to an active messaging service.
    UNREGISTERED_SENDER = "30034"


# What each delivery error code means, for the error_message of a failed report, and why the
# text failed in the SDK's words.
_DELIVERY_ERRORS: Mapping[str, tuple[str, FailureReason]] = {
    "30001": ("Queue overflow", FailureReason.RATE_LIMITED),
    "30002": ("Account suspended", FailureReason.ACCOUNT_PROBLEM),
    "30003": ("Unreachable destination handset", FailureReason.UNREACHABLE),
    "30004": ("Message blocked by the recipient", FailureReason.OTHER),
    "30005": ("Unknown destination handset", FailureReason.INVALID_RECIPIENT),
    "30006": ("Landline or unreachable carrier", FailureReason.LANDLINE_OR_UNSUPPORTED),
    "30007": ("Message filtered by the carrier", FailureReason.FILTERED),
    "30008": ("Unknown error", FailureReason.OTHER),
}

# Why a send the sandbox refused failed, for the refusals that concern a text.
_REFUSALS: Mapping[str, FailureReason] = {
    ErrorCode.INVALID_RECIPIENT: FailureReason.INVALID_RECIPIENT,
    ErrorCode.BODY_REQUIRED: FailureReason.OTHER,
    ErrorCode.SENDER_NOT_OWNED: FailureReason.UNREGISTERED_SENDER,
    ErrorCode.OPTED_OUT: FailureReason.OPTED_OUT,
    ErrorCode.BODY_TOO_LONG: FailureReason.OTHER,
    ErrorCode.UNREGISTERED_SENDER: FailureReason.UNREGISTERED_SENDER,
}

#: Delivery codes that end a message as ``failed`` (never sent); all others as ``undelivered``.
FAILED_DELIVERY_CODES = frozenset({"30001", "30002"})


def delivery_error_message(code: str) -> str:
    """The human words for a delivery error code."""
    known = _DELIVERY_ERRORS.get(code)
    return known[0] if known else "Delivery failed"


def failure_code(reason: FailureReason) -> str:
    """The sandbox's first code for a text that failed for ``reason`` (delivery codes first).

    Raises:
        ValueError: For a reason no sandbox code has (the sandbox never lets a text expire).
    """
    codes = {code: known[1] for code, known in _DELIVERY_ERRORS.items()} | dict(_REFUSALS)
    for code, known in codes.items():
        if known is reason:
            return code
    raise ValueError(f"the sandbox has no code for a text that failed as {reason.value!r}")


def failure_reason(code: str | None) -> FailureReason | None:
    """Why a text failed with the sandbox's ``code``; ``OTHER`` for a code it does not know.

    ``None`` without a code.
    """
    if code is None:
        return None
    if code in _DELIVERY_ERRORS:
        return _DELIVERY_ERRORS[code][1]
    return _REFUSALS.get(code, FailureReason.OTHER)


def not_found(what: str) -> ProviderNotFoundError:
    """The carrier does not know ``what`` (already worded, e.g. "number PN… of account 'a'")."""
    return ProviderNotFoundError(
        f"{what} is unknown to the sandbox carrier; check the id and the account",
        provider=PROVIDER,
        code=ErrorCode.NOT_FOUND,
        status=404,
    )


def conflict(message: str) -> ProviderError:
    """The request does not fit the resource's current state."""
    return ProviderError(message, provider=PROVIDER, code=ErrorCode.CONFLICT, status=409)


def number_unavailable(e164: str, why: str) -> NumberUnavailableError:
    """A purchase of a number that cannot be bought."""
    return NumberUnavailableError(
        f"{e164} {why}; search again and pick one of the numbers offered",
        provider=PROVIDER,
        code=ErrorCode.NUMBER_UNAVAILABLE,
        status=400,
    )


def invalid_recipient(e164: str) -> InvalidRecipientError:
    """A send to a number no network would route."""
    return InvalidRecipientError(
        f"the recipient {e164} is not a valid phone number",
        provider=PROVIDER,
        code=ErrorCode.INVALID_RECIPIENT,
        status=400,
    )


def sender_not_owned(e164: str, account_id: str) -> UnregisteredSenderError:
    """A send from a number the account does not own."""
    return UnregisteredSenderError(
        f"the sender {e164} is not a number of account {account_id!r}; buy it first",
        provider=PROVIDER,
        code=ErrorCode.SENDER_NOT_OWNED,
        status=400,
    )


def unregistered_sender(e164: str) -> UnregisteredSenderError:
    """A send from a number outside an active messaging service."""
    return UnregisteredSenderError(
        f"the sender {e164} is not attached to an active messaging service; finish the "
        "brand, campaign and messaging-service registration and attach the number",
        provider=PROVIDER,
        code=ErrorCode.UNREGISTERED_SENDER,
        status=400,
    )


def opted_out(sender: str, recipient: str) -> RecipientOptedOutError:
    """A send to a recipient who replied STOP to the sender."""
    return RecipientOptedOutError(
        f"{recipient} opted out of texts from {sender} at the carrier; they must reply START "
        "before they can be texted again",
        provider=PROVIDER,
        code=ErrorCode.OPTED_OUT,
        status=400,
    )


def refused_body(code: ErrorCode, why: str) -> ProviderError:
    """A send whose body the carrier refuses (empty or too long)."""
    return ProviderError(
        f"the message body {why}",
        provider=PROVIDER,
        code=code,
        status=400,
        reason=failure_reason(code),
    )


def send_timed_out(message_id: str | None) -> ProviderTimeoutError:
    """A send whose answer was lost on the way back (arranged by a test)."""
    return ProviderTimeoutError(
        f"no answer from the sandbox carrier for message {message_id!r}; fetch its status "
        "before doing anything else",
        provider=PROVIDER,
    )
