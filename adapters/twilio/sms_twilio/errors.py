"""Twilio's refusals as the SDK's typed errors, each keeping Twilio's code.

Twilio answers a refused request with a JSON body ``{"code", "message", "more_info",
"status"}``. :func:`from_response` turns it into the :class:`~sms_core.exceptions.ProviderError`
subclass for the code (or, without a known code, for the HTTP status), with Twilio's words and
what to do about them. Codes 3xxxx are delivery failures reported after a text was accepted; they
travel on status updates, and :func:`delivery_error_message` words them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from sms_core.exceptions import (
    InvalidRecipientError,
    NumberUnavailableError,
    ProviderAuthenticationError,
    ProviderError,
    ProviderNotFoundError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
    RecipientOptedOutError,
    UnregisteredSenderError,
)
from sms_twilio.settings import PROVIDER

__all__ = [
    "DELIVERY_ERRORS",
    "answer_lost",
    "delivery_error_message",
    "from_response",
    "not_found",
    "retry_after",
    "unreachable",
]

# Methods that change nothing at Twilio: a server error's answer to them changed nothing either.
_READ_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})

# code → (error class, what to do). The code is kept on the error as text.
_BY_CODE: dict[str, tuple[type[ProviderError], str]] = {
    "20003": (
        ProviderAuthenticationError,
        "check the account's Twilio account SID and auth token (or API key and secret)",
    ),
    "20404": (ProviderNotFoundError, "check the id; the resource may have been deleted"),
    "20429": (RateLimitedError, "slow down and try again later"),
    "21211": (InvalidRecipientError, "correct the recipient's number"),
    "21614": (
        InvalidRecipientError,
        "the recipient's number cannot receive texts (a landline?); ask for a mobile number",
    ),
    "21610": (
        RecipientOptedOutError,
        "the recipient replied STOP; they must text START to the line before they can be "
        "texted again",
    ),
    "21606": (
        UnregisteredSenderError,
        "send from a number of this Twilio account that can text the recipient",
    ),
    "30034": (
        UnregisteredSenderError,
        "finish the brand, campaign and messaging-service registration and attach the number",
    ),
    "21422": (NumberUnavailableError, "search again and pick one of the numbers offered"),
    "21452": (NumberUnavailableError, "search again and pick one of the numbers offered"),
    "21611": (RateLimitedError, "the sender's queue is full; send fewer texts at once"),
}

# HTTP status → (error class, Twilio's code for it, what to do), when the code is unknown.
_BY_STATUS: dict[int, tuple[type[ProviderError], str | None, str]] = {
    401: (ProviderAuthenticationError, "20003", _BY_CODE["20003"][1]),
    403: (ProviderAuthenticationError, None, "the credentials may not use this resource"),
    404: (ProviderNotFoundError, "20404", _BY_CODE["20404"][1]),
    429: (RateLimitedError, "20429", _BY_CODE["20429"][1]),
}

#: Twilio's delivery error codes and their words, for status updates of failed texts.
DELIVERY_ERRORS: Mapping[str, str] = {
    "30001": "Queue overflow",
    "30002": "Account suspended",
    "30003": "Unreachable destination handset",
    "30004": "Message blocked",
    "30005": "Unknown destination handset",
    "30006": "Landline or unreachable carrier",
    "30007": "Message filtered by the carrier",
    "30008": "Unknown error",
    "30034": "Message from an unregistered number (US A2P 10DLC)",
}


def delivery_error_message(code: str | None) -> str | None:
    """Twilio's words for a delivery error code; ``None`` without a code."""
    if code is None:
        return None
    return DELIVERY_ERRORS.get(code, f"Twilio error {code}")


def retry_after(headers: Mapping[str, str]) -> float | None:
    """The seconds a ``Retry-After`` header asks to wait (delta seconds or an HTTP date)."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def from_response(
    status: int, text: str, headers: Mapping[str, str], *, method: str, path: str
) -> ProviderError:
    """The typed error for a refused request.

    A server error (5xx) to a request that changes something (``POST``, ``DELETE``) is no
    refusal: it is :func:`answer_lost`, whatever its body says.

    Args:
        status: The HTTP status (400 or more).
        text: The response body; Twilio's JSON error when it sent one.
        headers: The response headers (``Retry-After`` is kept on rate limits).
        method: The request's method, for the message.
        path: The request's path (no host, no query), for the message.
    """
    code, twilio_message = _parse_body(text)
    if status >= 500 and method.upper() not in _READ_ONLY:
        # A gateway answers 502/504 when Twilio's answer is late, after the change was made;
        # no server error proves that a change was not made.
        reason = f"HTTP {status}: {twilio_message}" if twilio_message else f"HTTP {status}"
        return answer_lost(method, path, reason, code=code, status=status)
    if code in _BY_CODE:
        kind, advice = _BY_CODE[code]
    elif status in _BY_STATUS:
        kind, default_code, advice = _BY_STATUS[status]
        code = code or default_code
    elif status >= 500:
        kind, advice = ProviderUnavailableError, "Twilio had a problem; try again later"
    else:
        kind, advice = ProviderError, "see https://www.twilio.com/docs/api/errors"
    words = twilio_message or f"HTTP {status}"
    message = f"{words} ({method} {path}); {advice}"
    if kind is RateLimitedError:
        return RateLimitedError(
            message,
            provider=PROVIDER,
            code=code,
            status=status,
            retry_after=retry_after(headers),
        )
    return kind(message, provider=PROVIDER, code=code, status=status)


def not_found(what: str) -> ProviderNotFoundError:
    """Twilio cannot know ``what`` (an id of the wrong shape), so nothing was asked."""
    return ProviderNotFoundError(
        f"{what} is not a Twilio id of the right kind, so Twilio cannot have it; check the id",
        provider=PROVIDER,
        code="20404",
        status=404,
    )


def unreachable(method: str, path: str, reason: str) -> ProviderUnavailableError:
    """Twilio could not be reached, or a read-only request went unanswered: nothing changed."""
    return ProviderUnavailableError(
        f"Twilio could not be reached for {method} {path} ({reason}); nothing was changed at "
        "Twilio, try again later",
        provider=PROVIDER,
    )


def answer_lost(
    method: str, path: str, reason: str, *, code: str | None = None, status: int | None = None
) -> ProviderTimeoutError:
    """The request may have reached Twilio but its answer did not come back.

    Args:
        reason: What came instead of the answer (a timeout, a dropped connection, a 5xx).
        code: Twilio's code, when a server error carried one.
        status: The HTTP status, when a server error came in place of the answer.
    """
    return ProviderTimeoutError(
        f"no usable answer from Twilio for {method} {path} ({reason}); the request may have "
        "been carried out and was not repeated: fetch its result before trying again",
        provider=PROVIDER,
        code=code,
        status=status,
    )


def _parse_body(text: str) -> tuple[str | None, str | None]:
    """Twilio's code and message from an error body (legacy or RFC 9457 shape)."""
    try:
        body = json.loads(text)
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    code = body.get("code")
    message = body.get("message") or body.get("detail") or body.get("title")
    return (
        str(code) if isinstance(code, int | str) and str(code).strip() else None,
        str(message) if message else None,
    )
