"""Every failure the SDK reports, as one tree.

``SmsError`` is the root of everything a caller can meet while using the SDK;
``ConfigurationError`` stands apart because it means the installation itself is
wrong (a missing plugin, a bad setting) and no retry or other input will help::

    SmsError
    ├── InvalidInputError (ValueError)         bad input, refused before anything changed
    │   ├── InvalidPhoneNumberError            not a valid number
    │   └── InvalidQueryError                  a number search the carrier cannot run
    ├── UnsupportedFeatureError                an adapter or host cannot do what was asked
    ├── WebhookError                           a webhook request that cannot be accepted
    │   ├── WebhookSignatureError              unsigned, forged or tampered
    │   └── WebhookPayloadError                signed but malformed
    └── ProviderError                          the carrier refused or failed; keeps its code
        ├── ProviderAuthenticationError        credentials refused
        ├── ProviderNotFoundError              the carrier does not know the resource
        ├── NumberUnavailableError             the number is no longer for sale
        ├── InvalidRecipientError              the carrier refused the recipient number
        ├── RecipientOptedOutError             the recipient opted out at the carrier
        ├── UnregisteredSenderError            the sender is not on an approved campaign
        ├── RateLimitedError                   too many requests; try again later
        └── ProviderUnavailableError           the carrier could not be reached or answered 5xx
            └── ProviderTimeoutError           the request may have reached the carrier

    ConfigurationError
    ├── UnknownProviderError                   no installed adapter serves the account's provider
    └── UnknownHostError                       no installed host plugin has the requested name
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "InvalidInputError",
    "InvalidPhoneNumberError",
    "InvalidQueryError",
    "InvalidRecipientError",
    "NumberUnavailableError",
    "ProviderAuthenticationError",
    "ProviderError",
    "ProviderNotFoundError",
    "ProviderTimeoutError",
    "ProviderUnavailableError",
    "RateLimitedError",
    "RecipientOptedOutError",
    "SmsError",
    "UnknownHostError",
    "UnknownProviderError",
    "UnregisteredSenderError",
    "UnsupportedFeatureError",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookSignatureError",
]


class SmsError(Exception):
    """Root of every error the SDK raises while it is used."""


class InvalidInputError(SmsError, ValueError):
    """Raised when input is refused before anything was written or sent."""


class InvalidPhoneNumberError(InvalidInputError):
    """Raised when a text is not a valid phone number.

    Attributes:
        text: The input as given.
        reason: Why it was refused, in a few words ("too short", ...).
    """

    def __init__(self, text: str, reason: str, hint: str) -> None:
        super().__init__(f"{text!r} is not a valid phone number: {reason}. {hint}")
        self.text = text
        self.reason = reason


class InvalidQueryError(InvalidInputError):
    """Raised when a number search has a filter the carrier cannot honour."""


class UnsupportedFeatureError(SmsError):
    """Raised when an adapter or host plugin does not implement what was asked.

    Attributes:
        provider: The adapter's or host's name.
        feature: The hook or capability that is missing.
    """

    def __init__(self, provider: str, feature: str, hint: str = "") -> None:
        message = f"provider {provider!r} does not support {feature}"
        super().__init__(f"{message}. {hint}" if hint else message)
        self.provider = provider
        self.feature = feature


class WebhookError(SmsError):
    """Raised when a webhook request cannot be accepted; nothing was changed."""


class WebhookSignatureError(WebhookError):
    """Raised when a webhook request is unsigned, forged or was changed in transit."""


class WebhookPayloadError(WebhookError):
    """Raised when a signed webhook request does not carry what its kind requires."""


class ProviderError(SmsError):
    """Raised when the carrier refused or failed a request.

    Attributes:
        provider: The adapter's name (``"fake"``, ``"twilio"``).
        code: The carrier's own error code, as text, when it gave one.
        status: The HTTP status of the carrier's answer, when there was one.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        prefix = f"{provider} error {code}" if code else f"{provider} error"
        super().__init__(f"{prefix}: {message}")
        self.provider = provider
        self.code = code
        self.status = status


class ProviderAuthenticationError(ProviderError):
    """Raised when the carrier refuses the account's credentials."""


class ProviderNotFoundError(ProviderError):
    """Raised when the carrier does not know the number, message or registration asked for."""


class NumberUnavailableError(ProviderError):
    """Raised when a number to buy is taken or no longer offered by the carrier."""


class InvalidRecipientError(ProviderError):
    """Raised when the carrier refuses a recipient number as invalid or unreachable."""


class RecipientOptedOutError(ProviderError):
    """Raised when the carrier refuses a send because the recipient opted out."""


class UnregisteredSenderError(ProviderError):
    """Raised when the sending number is not attached to an approved campaign."""


class RateLimitedError(ProviderError):
    """Raised when the carrier asks to slow down.

    Attributes:
        retry_after: Seconds the carrier asked to wait, when it said.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        code: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, provider=provider, code=code, status=status)
        self.retry_after = retry_after


class ProviderUnavailableError(ProviderError):
    """Raised when the carrier cannot be reached or answers with a server error."""


class ProviderTimeoutError(ProviderUnavailableError):
    """Raised when a request may have reached the carrier but its answer was lost.

    A send that ends this way must be reconciled by fetching its status, never re-sent.
    """


class ConfigurationError(Exception):
    """Raised when the installation or settings are wrong; fix the setup, not the input."""


class UnknownProviderError(ConfigurationError):
    """Raised when no installed adapter serves an account's provider.

    Attributes:
        provider: The provider name that was asked for.
        installed: The provider names that are installed.
    """

    def __init__(self, provider: str, installed: tuple[str, ...]) -> None:
        names = ", ".join(installed) or "none"
        super().__init__(
            f"no carrier adapter named {provider!r} is installed (installed: {names}). "
            f"Install the adapter's distribution, e.g. 'pip install sms-core-{provider}', "
            "or check SMS_CORE_DISABLED_PLUGINS."
        )
        self.provider = provider
        self.installed = installed


class UnknownHostError(ConfigurationError):
    """Raised when no installed host plugin has the requested name.

    Attributes:
        host: The host name that was asked for.
        installed: The host names that are installed.
    """

    def __init__(self, host: str, installed: tuple[str, ...]) -> None:
        names = ", ".join(installed) or "none"
        super().__init__(
            f"no host plugin named {host!r} is installed (installed: {names}). "
            "Install the host's distribution or choose one of the installed names."
        )
        self.host = host
        self.installed = installed
