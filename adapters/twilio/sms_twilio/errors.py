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

import attrs

from sms_core.domain import FailureReason
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
    "CODES",
    "DELIVERY_ERRORS",
    "SAFE_METHODS",
    "TwilioCode",
    "answer_lost",
    "delivery_error_message",
    "failure_reason",
    "from_response",
    "not_found",
    "retry_after",
    "unreachable",
]

#: Methods that change nothing at Twilio: one may be asked again after a lost answer, and a
#: server error's answer to one changed nothing either.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@attrs.frozen
class TwilioCode:
    """What the SDK knows about one Twilio error code.

    Attributes:
        kind: The SDK error a refused request with this code raises.
        words: Twilio's title for the code (its error dictionary page).
        advice: What to do about it, for the user; ``None`` when Twilio's words say enough.
        reason: Why a text failed with this code, in the SDK's words, read from the code's
            page; ``None`` for a code about no text (a number search), where ``kind``'s
            default reason, if any, stands.
    """

    kind: type[ProviderError]
    words: str
    advice: str | None = None
    reason: FailureReason | None = attrs.field(default=None, kw_only=True)


# Settling after approval: Twilio registers each number of a verified campaign with the carriers
# one by one, "not instantaneous and in some instances can be delayed or can fail"
# (https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/troubleshooting-a2p-brands).
_STILL_SETTLING = (
    "if the campaign was verified recently, the number's registration with the carriers is "
    "still settling: wait (it can take a few days) and send again; otherwise check the "
    "campaign and that the number is in its Messaging Service"
)

#: Twilio's error codes the SDK words, each from its page in Twilio's error dictionary
#: (https://www.twilio.com/docs/api/errors/<code>). Codes 2xxxx/1xxxx refuse a request; 3xxxx
#: are delivery failures reported on a text Twilio took (``error_code`` of a status update),
#: and some are also answered to a create. Each code's ``reason`` follows what its page gives as
#: the cause.
CODES: Mapping[str, TwilioCode] = {
    "20003": TwilioCode(
        ProviderAuthenticationError,
        "Authentication failed",
        "check the account's Twilio account SID and auth token (or API key and secret)",
        reason=FailureReason.ACCOUNT_PROBLEM,
    ),
    "20404": TwilioCode(
        ProviderNotFoundError,
        "Resource not found",
        "check the id; the resource may have been deleted",
    ),
    "20429": TwilioCode(
        RateLimitedError,
        "Too many requests",
        "slow down and try again later",
        reason=FailureReason.RATE_LIMITED,
    ),
    "21211": TwilioCode(
        InvalidRecipientError,
        "Invalid 'To' phone number",
        "correct the recipient's number",
        reason=FailureReason.INVALID_RECIPIENT,
    ),
    # https://www.twilio.com/docs/api/errors/21408: the destination is off in Messaging Geo
    # Permissions; "New accounts can send only to the home country". The number may be fine:
    # the account's setting forbids it, so the reason is the account.
    "21408": TwilioCode(
        InvalidRecipientError,
        "Message blocked: permissions disabled for the destination region",
        "texts to the recipient's country are turned off for this Twilio account: enable the "
        "country in Twilio's console (Messaging > Settings > Geo Permissions) if the agency "
        "texts there, or check the number's country code",
        reason=FailureReason.ACCOUNT_PROBLEM,
    ),
    "21422": TwilioCode(
        NumberUnavailableError,
        "Phone number is not available",
        "search again and pick one of the numbers offered",
    ),
    "21452": TwilioCode(
        NumberUnavailableError,
        "No phone numbers found in area code",
        "search again and pick one of the numbers offered",
    ),
    "21606": TwilioCode(
        UnregisteredSenderError,
        "The 'From' phone number is not a valid, SMS-capable Twilio number",
        "send from a number of this Twilio account that can text the recipient",
        reason=FailureReason.UNREGISTERED_SENDER,
    ),
    "21610": TwilioCode(
        RecipientOptedOutError,
        "Attempt to send to unsubscribed recipient",
        "the recipient replied STOP; they must text START to the line before they can be "
        "texted again",
        reason=FailureReason.OPTED_OUT,
    ),
    "21611": TwilioCode(
        RateLimitedError,
        "This 'From' number has exceeded the maximum number of queued messages",
        "the sender's queue is full; send fewer texts at once",
        reason=FailureReason.RATE_LIMITED,
    ),
    # https://www.twilio.com/docs/api/errors/21614: "likely ... a landline number or ... an
    # invalid number"; the SDK checked the number's form before sending, so a landline.
    "21614": TwilioCode(
        InvalidRecipientError,
        "'To' number is not a valid mobile number",
        "the recipient's number cannot receive texts (a landline?); ask for a mobile number",
        reason=FailureReason.LANDLINE_OR_UNSUPPORTED,
    ),
    # https://www.twilio.com/docs/api/errors/14107: more than 30 replies between two numbers
    # within 30 seconds; further ones fail for 30 seconds ("a runaway job or infinite loop").
    "14107": TwilioCode(
        RateLimitedError,
        "SMS send rate limit exceeded",
        "this line texted this candidate more than 30 times within 30 seconds (a loop?); "
        "wait 30 seconds before texting them again, and check what keeps sending",
        reason=FailureReason.RATE_LIMITED,
    ),
    # https://www.twilio.com/docs/api/errors/30001: the queue of texts waiting to go out is full.
    "30001": TwilioCode(ProviderError, "Queue overflow", reason=FailureReason.RATE_LIMITED),
    # https://www.twilio.com/docs/api/errors/30002: the account was suspended.
    "30002": TwilioCode(ProviderError, "Account suspended", reason=FailureReason.ACCOUNT_PROBLEM),
    # https://www.twilio.com/docs/api/errors/30003: "the destination handset is unavailable on
    # the carrier network" (powered off, no service).
    "30003": TwilioCode(
        ProviderError, "Unreachable destination handset", reason=FailureReason.UNREACHABLE
    ),
    # https://www.twilio.com/docs/api/errors/30004: the page lists unrelated causes (a blocked
    # destination, an earlier opt-out, an unavailable device, a landline, filtering), so the
    # code says no one reason.
    "30004": TwilioCode(ProviderError, "Message blocked", reason=FailureReason.OTHER),
    # https://www.twilio.com/docs/api/errors/30005: the number is unknown, inactive or no
    # longer in service.
    "30005": TwilioCode(
        ProviderError, "Unknown destination handset", reason=FailureReason.INVALID_RECIPIENT
    ),
    # https://www.twilio.com/docs/api/errors/30006: a landline, or a carrier that takes no texts.
    "30006": TwilioCode(
        ProviderError,
        "Landline or unreachable carrier",
        reason=FailureReason.LANDLINE_OR_UNSUPPORTED,
    ),
    # https://www.twilio.com/docs/api/errors/30007: "filtered (blocked) by Twilio or by the
    # carrier" as spam, phishing or against carrier rules.
    "30007": TwilioCode(
        ProviderError, "Message filtered by the carrier", reason=FailureReason.FILTERED
    ),
    # https://www.twilio.com/docs/api/errors/30008: no cause given.
    "30008": TwilioCode(ProviderError, "Unknown error", reason=FailureReason.OTHER),
    # https://www.twilio.com/docs/api/errors/30022: the carrier rejected traffic above the
    # campaign's throughput (or too many texts to one number in a short time).
    "30022": TwilioCode(
        RateLimitedError,
        "US A2P 10DLC - Rate limits exceeded",
        "the campaign's throughput was exceeded: send fewer texts at once (spread a mass text "
        "over time), or review the campaign's throughput with Twilio",
        reason=FailureReason.RATE_LIMITED,
    ),
    # https://www.twilio.com/docs/api/errors/30024: also "while a newly registered sender is
    # still being provisioned"; "allow time for carrier provisioning to finish".
    "30024": TwilioCode(
        UnregisteredSenderError,
        "Numeric sender ID not provisioned on carrier",
        f"the number is not provisioned at the recipient's carrier yet; {_STILL_SETTLING}",
        reason=FailureReason.UNREGISTERED_SENDER,
    ),
    # https://www.twilio.com/docs/api/errors/30032: toll-free traffic to US/CA is blocked until
    # Toll-Free Verification is approved.
    "30032": TwilioCode(
        UnregisteredSenderError,
        "Toll-free number has not been verified",
        "a toll-free number texts only once Twilio's Toll-Free Verification is approved; text "
        "from a local number on the agency's campaign, or verify the toll-free number",
        reason=FailureReason.UNREGISTERED_SENDER,
    ),
    # https://www.twilio.com/docs/api/errors/30034: the number is not on a registered campaign.
    "30034": TwilioCode(
        UnregisteredSenderError,
        "US A2P 10DLC - Message from an unregistered number",
        f"the number is not registered on a verified A2P 10DLC campaign; {_STILL_SETTLING}",
        reason=FailureReason.UNREGISTERED_SENDER,
    ),
    # https://www.twilio.com/docs/api/errors/30036: the text stayed in Twilio's queue longer
    # than its ValidityPeriod and was not sent.
    "30036": TwilioCode(
        ProviderError,
        "Validity Period Expired",
        "the text waited in Twilio's queue longer than its validity period: send fewer texts "
        "at once, then send it again if it still matters",
        reason=FailureReason.EXPIRED,
    ),
}

# HTTP status → (error class, Twilio's code for it, what to do), when the code is unknown.
_BY_STATUS: dict[int, tuple[type[ProviderError], str | None, str | None]] = {
    401: (ProviderAuthenticationError, "20003", CODES["20003"].advice),
    403: (ProviderAuthenticationError, None, "the credentials may not use this resource"),
    404: (ProviderNotFoundError, "20404", CODES["20404"].advice),
    429: (RateLimitedError, "20429", CODES["20429"].advice),
}

#: Twilio's delivery error codes and their words (a view of :data:`CODES`).
DELIVERY_ERRORS: Mapping[str, str] = {
    code: known.words for code, known in CODES.items() if code.startswith("3")
}


def delivery_error_message(code: str | None) -> str | None:
    """Twilio's words for a delivery error code, and what to do when the SDK knows.

    ``None`` without a code.
    """
    if code is None:
        return None
    known = CODES.get(code)
    if known is None:
        return f"Twilio error {code}"
    return f"{known.words}: {known.advice}" if known.advice else known.words


def failure_reason(code: str | None) -> FailureReason | None:
    """Why a text failed with Twilio's ``code``: its table entry, else ``OTHER``.

    ``None`` without a code (nothing failed, or Twilio named no code).
    """
    if code is None:
        return None
    known = CODES.get(code)
    return known.reason if known is not None and known.reason is not None else FailureReason.OTHER


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
    if status >= 500 and method.upper() not in SAFE_METHODS:
        # A gateway answers 502/504 when Twilio's answer is late, after the change was made;
        # no server error proves that a change was not made.
        lost = f"HTTP {status}: {twilio_message}" if twilio_message else f"HTTP {status}"
        return answer_lost(method, path, lost, code=code, status=status)
    advice: str | None
    reason: FailureReason | None = None
    if code is not None and code in CODES:
        kind, advice = CODES[code].kind, CODES[code].advice or CODES[code].words
        reason = CODES[code].reason
    elif status in _BY_STATUS:
        kind, default_code, advice = _BY_STATUS[status]
        code = code or default_code
    elif status >= 500:
        kind, advice = ProviderUnavailableError, "Twilio had a problem; try again later"
    else:
        kind, advice = ProviderError, "see https://www.twilio.com/docs/api/errors"
    words = twilio_message or f"HTTP {status}"
    message = f"{words} ({method} {path})" + (f"; {advice}" if advice else "")
    if kind is RateLimitedError:
        return RateLimitedError(
            message,
            provider=PROVIDER,
            code=code,
            status=status,
            retry_after=retry_after(headers),
            reason=reason,
        )
    return kind(message, provider=PROVIDER, code=code, status=status, reason=reason)


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
