"""Telnyx's refusals as the SDK's typed errors, and its delivery error codes as reasons.

Codes and meanings are Telnyx's: the messaging error code reference
(https://developers.telnyx.com/docs/messaging/messages/error-codes/index), the API error list
(https://developers.telnyx.com/development/api-fundamentals/api-errors/index: ``10002``
invalid phone number, ``10009`` authentication failed, ``10011`` too many requests, ``10016``
not +E.164) and https://developers.telnyx.com/api/errors/40300 ("Blocked due to STOP message",
HTTP 409). Telnyx answers an error as ``{"errors": [{"code": "40300", "title": ..., "detail":
...}]}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

import httpx

from sms_core.domain import FailureReason
from sms_core.exceptions import (
    InvalidRecipientError,
    ProviderAuthenticationError,
    ProviderError,
    ProviderNotFoundError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
    RecipientOptedOutError,
    UnregisteredSenderError,
)
from sms_telnyx.settings import PROVIDER

if TYPE_CHECKING:
    import telnyx

__all__ = [
    "FAILURE_REASONS",
    "calling",
    "failure_reason",
    "provider_error",
    "unreadable_answer",
]

T = TypeVar("T")

#: The SDK's reason for each code Telnyx documents a text failing or being refused with.
FAILURE_REASONS: Mapping[str, FailureReason] = {
    "10002": FailureReason.INVALID_RECIPIENT,  # Invalid phone number
    "10009": FailureReason.ACCOUNT_PROBLEM,  # Authentication failed
    "10011": FailureReason.RATE_LIMITED,  # Too many requests
    "10016": FailureReason.INVALID_RECIPIENT,  # Phone number must be in +E.164 format
    "40001": FailureReason.LANDLINE_OR_UNSUPPORTED,  # Not routable: landline/non-routable
    "40002": FailureReason.FILTERED,  # Blocked as spam (temporary)
    "40003": FailureReason.FILTERED,  # Blocked as spam (permanent)
    "40004": FailureReason.OTHER,  # Rejected by destination, reason unknown
    "40005": FailureReason.EXPIRED,  # Message expired
    "40006": FailureReason.UNREACHABLE,  # Recipient unavailable
    "40008": FailureReason.OTHER,  # Undeliverable
    "40009": FailureReason.OTHER,  # Invalid message body
    "40011": FailureReason.RATE_LIMITED,  # Rate limit exceeded (upstream)
    "40012": FailureReason.INVALID_RECIPIENT,  # Invalid destination number
    "40013": FailureReason.UNREGISTERED_SENDER,  # Invalid source number: not messaging-enabled
    "40014": FailureReason.EXPIRED,  # Expired in queue
    "40015": FailureReason.FILTERED,  # Internal spam filter
    "40300": FailureReason.OPTED_OUT,  # Blocked due to STOP message
    # Message too large: more than 10 segments (.../messaging/messages/sms-chunking).
    "40302": FailureReason.OTHER,
}


def failure_reason(code: str | None) -> FailureReason | None:
    """The SDK's reason for Telnyx's error ``code``; ``OTHER`` for an unknown one."""
    if code is None:
        return None
    return FAILURE_REASONS.get(code, FailureReason.OTHER)


def _first_error(err: telnyx.APIStatusError) -> tuple[str | None, str]:
    body = err.body
    if isinstance(body, Mapping):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
            first = errors[0]
            code = first.get("code")
            words = " ".join(
                str(part) for part in (first.get("title"), first.get("detail")) if part
            )
            return (str(code) if code is not None else None), words or err.message
    return None, err.message


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return float(value)
    except ValueError:
        return None


def provider_error(  # noqa: PLR0911 - one return per kind of refusal reads best
    err: telnyx.APIError, *, creates: bool
) -> ProviderError:
    """The SDK's typed error for what the ``telnyx`` package raised.

    Args:
        creates: Whether the request creates something (a send): a lost answer or a server
            error in its place is then :class:`ProviderTimeoutError` (it may have been done;
            reconcile, never repeat), not :class:`ProviderUnavailableError`.
    """
    import telnyx  # noqa: PLC0415 - imported when a client exists, not with the adapter

    if isinstance(err, telnyx.APIConnectionError):
        never_sent = isinstance(err.__cause__, httpx.ConnectError | httpx.ConnectTimeout)
        if creates and not never_sent:
            return ProviderTimeoutError(
                "Telnyx's answer was lost (timeout or dropped connection); the message may "
                "have been created: fetch its status before anything else, never send it again",
                provider=PROVIDER,
            )
        return ProviderUnavailableError(
            f"Telnyx could not be reached ({type(err.__cause__ or err).__name__}); try later",
            provider=PROVIDER,
        )
    if not isinstance(err, telnyx.APIStatusError):
        return ProviderError(f"the telnyx package failed: {err.message}", provider=PROVIDER)
    status = err.status_code
    code, words = _first_error(err)
    reason = failure_reason(code)
    if status >= 500:
        if creates:
            return ProviderTimeoutError(
                f"Telnyx answered {status} ({words}) in place of the send's answer; the "
                "message may have been created: fetch its status, never send it again",
                provider=PROVIDER,
                code=code,
                status=status,
            )
        return ProviderUnavailableError(words, provider=PROVIDER, code=code, status=status)
    if code == "40300":
        return RecipientOptedOutError(
            f"{words}; the recipient texted STOP: they must text START to receive texts again",
            provider=PROVIDER,
            code=code,
            status=status,
        )
    if status in {401, 403} or code == "10009":
        return ProviderAuthenticationError(
            f"{words}; check the account's API key: the environment variable "
            "{env_prefix}API_KEY, TELNYX_API_KEY unless the account's env_prefix setting "
            "names another prefix (Mission Control, API Keys)",
            provider=PROVIDER,
            code=code,
            status=status,
        )
    if status == 429 or code in {"10011", "40011"}:
        return RateLimitedError(
            f"{words}; send more slowly",
            provider=PROVIDER,
            code=code,
            status=status,
            retry_after=_retry_after(err.response),
            reason=reason,
        )
    if reason in {FailureReason.INVALID_RECIPIENT, FailureReason.LANDLINE_OR_UNSUPPORTED}:
        return InvalidRecipientError(
            f"{words}; check the recipient's number",
            provider=PROVIDER,
            code=code,
            status=status,
            reason=reason,
        )
    if reason is FailureReason.UNREGISTERED_SENDER:
        return UnregisteredSenderError(
            f"{words}; the sending number must be active, messaging-enabled and assigned to "
            "an approved campaign",
            provider=PROVIDER,
            code=code,
            status=status,
        )
    if status == 404:
        return ProviderNotFoundError(words, provider=PROVIDER, code=code, status=status)
    return ProviderError(words, provider=PROVIDER, code=code, status=status, reason=reason)


def calling(call: Callable[[], T], *, creates: bool) -> T:
    """``call()``, with what the ``telnyx`` package raises turned into the SDK's errors."""
    import telnyx  # noqa: PLC0415 - imported when a client exists, not with the adapter

    try:
        return call()
    except telnyx.APIError as err:
        raise provider_error(err, creates=creates) from err
    except ValueError as err:
        # The package lets a body that is not JSON (a proxy's page, a cut answer) escape as
        # json.JSONDecodeError: an answer came, but what it says is lost.
        raise unreadable_answer(creates=creates) from err


def unreadable_answer(*, creates: bool) -> ProviderError:
    """The error for an answer that came but cannot be read (not JSON, no message id)."""
    if creates:
        return ProviderTimeoutError(
            "Telnyx's answer to the send could not be read; the message may have been created: "
            "fetch its status before anything else, never send it again",
            provider=PROVIDER,
        )
    return ProviderUnavailableError(
        "Telnyx's answer could not be read (not the JSON Telnyx answers with); try later",
        provider=PROVIDER,
    )
