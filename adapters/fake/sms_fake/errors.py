"""The sandbox's refusals: its error codes and the SDK exceptions that carry them.

Codes are Twilio's where Twilio has one for the same refusal, so code written against the
sandbox meets familiar numbers; the one refusal Twilio has no code for uses the sandbox's own.
"""

from __future__ import annotations

from enum import StrEnum

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


# What each delivery error code means, for the error_message of a failed report.
_DELIVERY_ERRORS = {
    "30001": "Queue overflow",
    "30002": "Account suspended",
    "30003": "Unreachable destination handset",
    "30004": "Message blocked by the recipient",
    "30005": "Unknown destination handset",
    "30006": "Landline or unreachable carrier",
    "30007": "Message filtered by the carrier",
    "30008": "Unknown error",
}

#: Delivery codes that end a message as ``failed`` (never sent); all others as ``undelivered``.
FAILED_DELIVERY_CODES = frozenset({"30001", "30002"})


def delivery_error_message(code: str) -> str:
    """The human words for a delivery error code."""
    return _DELIVERY_ERRORS.get(code, "Delivery failed")


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
    return ProviderError(f"the message body {why}", provider=PROVIDER, code=code, status=400)


def send_timed_out(message_id: str | None) -> ProviderTimeoutError:
    """A send whose answer was lost on the way back (arranged by a test)."""
    return ProviderTimeoutError(
        f"no answer from the sandbox carrier for message {message_id!r}; fetch its status "
        "before doing anything else",
        provider=PROVIDER,
    )
