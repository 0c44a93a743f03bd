"""From an HTTP request to the :class:`~sms_core.domain.WebhookRequest` a carrier signed.

Carriers sign the URL they called. Behind a reverse proxy or a TLS terminator the app sees
another URL (``http://10.0.0.5:8000/...`` for ``https://sms.example.com/...``), so when the
public base URL is known the signed URL is rebuilt from it: the base, the account, the kind of
webhook, and the query string exactly as it arrived. Without one, the URL the request arrived
at is taken as it is, which is right only when carriers reach the app directly.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

from sms_core.domain import WebhookRequest
from sms_core.exceptions import InvalidInputError
from sms_core.services.context import WebhookUrls

__all__ = ["configured_base", "routes_prefix", "signed_url", "webhook_request"]


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
    if urls.base != WebhookUrls.from_environ({}).base:
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


def signed_url(request: Request, public_base: str | None, account_id: str, kind: str) -> str:
    """The URL the carrier called, and signed.

    Args:
        request: The request as the app received it.
        public_base: The configured public base URL, if any.
        account_id: The account named in the path.
        kind: The kind of webhook named in the path.
    """
    if public_base is None:
        return str(request.url)
    query = request.scope.get("query_string", b"").decode("latin-1")
    url = f"{public_base}/{account_id}/{kind}"
    return f"{url}?{query}" if query else url


def webhook_request(request: Request, url: str, body: bytes) -> WebhookRequest:
    """The request as the services take it: method, signed URL, lower-cased headers, raw body."""
    return WebhookRequest(
        method=request.method, url=url, headers=dict(request.headers.items()), body=body
    )
