"""The web UI's security headers and its CSRF check.

Every response carries a strict Content-Security-Policy: scripts, styles, images and requests
from the UI's own origin only, no inline script or style (htmx is a static file, and its
inline indicator style is turned off in the page's ``htmx-config``), forms posting back to the
UI only, and ``frame-ancestors`` naming the host origins allowed to embed the UI in an iframe
(``'none'`` by default, with ``X-Frame-Options: DENY`` for older browsers). Beside it:
``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` (a sign-in URL never
leaks to another site) and ``Cache-Control: no-store`` (pages hold candidates' numbers).

CSRF: a session has one random token (:class:`~sms_core.web.signin.Session`); every unsafe
request (anything but GET, HEAD, OPTIONS) must carry it, as the ``csrf_token`` form field or
the ``X-CSRF-Token`` header htmx sends (the page's ``hx-headers``), compared in constant time.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sms_core.exceptions import ConfigurationError, CsrfError

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SAFE_METHODS",
    "SecurityHeaders",
    "check_csrf",
    "content_security_policy",
]

#: The form field a page's forms carry the session's CSRF token in.
CSRF_FIELD = "csrf_token"
#: The header htmx requests carry it in.
CSRF_HEADER = "X-CSRF-Token"
#: The methods that change nothing, and so need no CSRF token.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# An origin a host may name in frame-ancestors: a scheme, a host (a leading "*." allowed) and
# an optional port; nothing that could end the directive or add another.
_ORIGIN = re.compile(r"https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?")


def content_security_policy(frame_ancestors: Sequence[str] = ()) -> str:
    """The policy every page is served with.

    Args:
        frame_ancestors: The origins allowed to embed the UI (``https://hcm.example.com``);
            none by default, and ``'self'`` may be named.

    Raises:
        ConfigurationError: When an ancestor is not an http(s) origin or ``'self'``.
    """
    for origin in frame_ancestors:
        if origin != "'self'" and not _ORIGIN.fullmatch(origin):
            raise ConfigurationError(
                f"frame ancestor {origin[:80]!r} is not an origin; name each host page's "
                "origin as https://host[:port] (or 'self')"
            )
    ancestors = " ".join(frame_ancestors) or "'none'"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; "
        f"frame-ancestors {ancestors}"
    )


class SecurityHeaders:
    """ASGI middleware: the security headers on every response of the wrapped app."""

    def __init__(self, app: ASGIApp, *, frame_ancestors: Sequence[str] = ()) -> None:
        self._app = app
        self._headers = {
            "Content-Security-Policy": content_security_policy(frame_ancestors),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
        }
        if not frame_ancestors:
            self._headers["X-Frame-Options"] = "DENY"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response's start."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                page = headers.get("content-type", "").startswith("text/html")
                for name, value in self._headers.items():
                    if name != "Cache-Control" or page:  # static files keep their caching
                        headers[name] = value
            await send(message)

        await self._app(scope, receive, send_with_headers)


def check_csrf(method: str, expected: str, header: str | None, field: str | None) -> None:
    """Refuse an unsafe request that does not carry the session's CSRF token.

    Args:
        method: The request's method.
        expected: The session's token.
        header: The ``X-CSRF-Token`` header, if any.
        field: The ``csrf_token`` form field, if any.

    Raises:
        CsrfError: When the method is unsafe and neither carries the token.
    """
    if method.upper() in SAFE_METHODS:
        return
    given = header or field or ""
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise CsrfError(
            "this form is out of date or did not come from this page (its security token is "
            "missing or wrong), so nothing was changed; reload the page and try again"
        )
