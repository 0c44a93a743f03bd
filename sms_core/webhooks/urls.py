"""The URLs carriers call: built once, for configuring numbers and for verifying signatures.

Every webhook URL is ``{base}/{account_id}/{kind}`` (:func:`webhook_url`). The SDK configures
it at the carrier (:class:`WebhookUrls`, on numbers and messaging services), and the carrier
signs the URL it calls, which is that one plus any query string the adapter added (such as the
SDK's message id on a status callback).

Behind a reverse proxy or a TLS terminator the app sees another URL
(``http://10.0.0.5:8000/...`` for ``https://sms.example.com/...``), so when the public base URL
is known the signed URL is rebuilt with the same :func:`webhook_url` (:func:`signed_url`): the
base, the account, the kind of webhook, and the query string exactly as it arrived. Without
one, the URL the request arrived at is taken as it is, which is right only when carriers reach
the app directly. Adapters verify against :attr:`WebhookRequest.url
<sms_core.domain.WebhookRequest.url>` as the core hands it over and rebuild nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

import attrs

from sms_core.domain import Account, NumberSettings, PhoneNumber, WebhookKind
from sms_core.exceptions import InvalidInputError

__all__ = [
    "WEBHOOK_BASE_URL_ENV",
    "WebhookUrls",
    "configured_base",
    "routes_prefix",
    "signed_url",
    "webhook_url",
]

#: The environment variable with the public base URL of the webhook app.
WEBHOOK_BASE_URL_ENV = "SMS_WEBHOOK_BASE_URL"

# Where ``smsadmin serve`` listens by default; a base equal to it is no public base.
_DEFAULT_WEBHOOK_BASE_URL = "http://127.0.0.1:8000/webhooks"


def webhook_url(base: str, account_id: str, kind: WebhookKind, query: str = "") -> str:
    """The URL of one webhook of one account: ``{base}/{account_id}/{kind}[?{query}]``.

    Args:
        base: The public base URL, without a trailing slash.
        account_id: The account the URL is for.
        kind: Which of the account's webhooks.
        query: The query string, without ``?``, when a carrier called with one.
    """
    url = f"{base}/{account_id}/{WebhookKind(kind).value}"
    return f"{url}?{query}" if query else url


def _strip_slash(url: str) -> str:
    return url.rstrip("/")


@attrs.frozen(kw_only=True)
class WebhookUrls:
    """Where carriers reach the webhook app; every URL names the account.

    Attributes:
        base: The public base URL (``https://sms.example.com/webhooks``). Behind a proxy it
            must be the outside URL, because carriers sign the URL they call.
    """

    base: str = attrs.field(converter=_strip_slash)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> WebhookUrls:
        """``SMS_WEBHOOK_BASE_URL``, or the local ``smsadmin serve`` address."""
        env = os.environ if environ is None else environ
        return cls(base=env.get(WEBHOOK_BASE_URL_ENV) or _DEFAULT_WEBHOOK_BASE_URL)

    @property
    def is_local_default(self) -> bool:
        """Whether the base is the local ``smsadmin serve`` address, not a configured one."""
        return self.base == _DEFAULT_WEBHOOK_BASE_URL

    def url(self, account: Account, kind: WebhookKind) -> str:
        """The URL of ``account``'s ``kind`` webhook (:func:`webhook_url`)."""
        return webhook_url(self.base, account.id, kind)

    def inbound_messages(self, account: Account) -> str:
        """The URL for texts a line receives."""
        return self.url(account, WebhookKind.MESSAGES)

    def status(self, account: Account) -> str:
        """The URL for delivery reports."""
        return self.url(account, WebhookKind.STATUS)

    def calls(self, account: Account) -> str:
        """The URL for calls a line receives."""
        return self.url(account, WebhookKind.CALLS)

    def events(self, account: Account) -> str:
        """The URL for carrier account events (a number's registration with the carriers)."""
        return self.url(account, WebhookKind.EVENTS)

    def number_settings(
        self, account: Account, *, forward_to: PhoneNumber | None = None
    ) -> NumberSettings:
        """What a line's number is configured with: its texts, delivery reports and calls.

        Args:
            account: The account the number belongs to.
            forward_to: Where the carrier forwards calls, for carriers that forward themselves.
        """
        return NumberSettings(
            sms_url=self.inbound_messages(account),
            status_callback_url=self.status(account),
            voice_url=self.calls(account),
            forward_to=forward_to,
        )

    def service_settings(self, account: Account) -> NumberSettings:
        """What a messaging service is configured with: texts, delivery reports and events.

        A service takes no calls (each number keeps its own voice URL), but it is where a
        carrier that takes the events URL from the SDK learns it.
        """
        return NumberSettings(
            sms_url=self.inbound_messages(account),
            status_callback_url=self.status(account),
            events_url=self.events(account),
        )


def configured_base(public_base_url: str | None, urls: WebhookUrls) -> str | None:
    """The public base URL the signed URLs are rebuilt from, or ``None`` for the request's own.

    Args:
        public_base_url: The base the caller gave explicitly; it wins.
        urls: The SDK's webhook URLs (``webhook_base_url`` or ``SMS_WEBHOOK_BASE_URL``). Their
            base counts as configured unless it is the local ``smsadmin serve`` default.

    Raises:
        InvalidInputError: When the base is not an absolute ``http`` or ``https`` URL.
    """
    if public_base_url:
        return _absolute(public_base_url.rstrip("/"))
    if not urls.is_local_default:
        return _absolute(urls.base)
    return None


def _absolute(base: str) -> str:
    try:
        parts = urlsplit(base)
        absolute = parts.scheme in {"http", "https"} and bool(parts.hostname)
    except ValueError:  # such as an unclosed IPv6 bracket
        absolute = False
    if not absolute:
        raise InvalidInputError(
            f"the public webhook URL {base[:80]!r} is not an absolute http(s) URL; give the "
            "one carriers call, such as https://sms.example.com/webhooks"
        )
    return base


def routes_prefix(base: str) -> str:
    """The path the routes live under: the base URL's path (``/webhooks``), without a slash."""
    return urlsplit(base).path.rstrip("/")


def signed_url(
    public_base: str | None, account_id: str, kind: WebhookKind, *, arrived: str, query: str
) -> str:
    """The URL the carrier called, and signed.

    Args:
        public_base: The configured public base URL (:func:`configured_base`), if any.
        account_id: The account named in the path.
        kind: The kind of webhook named in the path.
        arrived: The URL the request arrived at, taken as it is without a public base.
        query: The query string exactly as it arrived, without ``?``.
    """
    if public_base is None:
        return arrived
    return webhook_url(public_base, account_id, kind, query)
