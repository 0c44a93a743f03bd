"""Webhook signatures: HMAC-SHA256 over the time, the URL and the body.

Every sandbox webhook carries ``X-Sandbox-Signature: t=<unix seconds>,v1=<hex>``, where the
hex digest is HMAC-SHA256, keyed by the carrier's auth token, of ``"<t>.<url>."`` followed by
the raw body. A header may hold several ``v1`` entries (a key rotation); one match is enough.
The auth token comes from ``SMS_FAKE_AUTH_TOKEN``; without it the sandbox signs with a fixed,
public default, which is fine for a sandbox and nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from datetime import datetime, timedelta

import attrs

from sms_core.domain import WebhookRequest

__all__ = [
    "AUTH_TOKEN_ENV",
    "DEFAULT_AUTH_TOKEN",
    "SIGNATURE_HEADER",
    "WebhookSigner",
    "auth_token_from",
]

#: The environment variable holding the sandbox's auth token.
AUTH_TOKEN_ENV = "SMS_FAKE_AUTH_TOKEN"
#: The token used when the environment sets none; public, so only for sandboxes.
DEFAULT_AUTH_TOKEN = "sms-fake-sandbox-token"
#: The header that carries the signature (lower-cased, as ``WebhookRequest`` keeps headers).
SIGNATURE_HEADER = "x-sandbox-signature"

_TIMESTAMP = re.compile(r"\d{1,12}")
_DIGEST = re.compile(r"[0-9a-f]{64}")


def auth_token_from(environ: Mapping[str, str] | None = None) -> str:
    """The auth token ``environ`` (the process environment by default) sets, or the default."""
    env = os.environ if environ is None else environ
    return env.get(AUTH_TOKEN_ENV) or DEFAULT_AUTH_TOKEN


@attrs.frozen
class WebhookSigner:
    """Signs the carrier's webhook requests and checks signatures on them.

    Args:
        token: The auth token that keys the HMAC; never shown in a repr.
    """

    _token: str = attrs.field(repr=False)

    def request(self, url: str, body: bytes, at: datetime) -> WebhookRequest:
        """A ``POST`` of a JSON ``body`` to ``url``, signed as sent at ``at``."""
        return WebhookRequest(
            method="POST",
            url=url,
            headers={
                "content-type": "application/json",
                "user-agent": "sms-fake-sandbox",
                SIGNATURE_HEADER: self.signature(url, body, at),
            },
            body=body,
        )

    def signature(self, url: str, body: bytes, at: datetime) -> str:
        """The signature header's value for ``body`` posted to ``url`` at ``at``."""
        timestamp = int(at.timestamp())
        return f"t={timestamp},v1={self._digest(timestamp, url, body)}"

    def verify(
        self,
        request: WebhookRequest,
        *,
        now: datetime | None = None,
        tolerance: timedelta | None = None,
    ) -> bool:
        """Whether ``request`` carries a valid signature over its URL and body.

        Args:
            request: The request as it arrived.
            now: The time to hold the signature's timestamp against; needed with ``tolerance``.
            tolerance: How far the timestamp may be from ``now``; ``None`` does not check it.

        Returns:
            ``False`` when the header is missing or malformed, the timestamp is out of
            tolerance, or no digest matches.
        """
        parsed = _parse(request.headers.get(SIGNATURE_HEADER, ""))
        if parsed is None:
            return False
        timestamp, digests = parsed
        if (
            tolerance is not None
            and now is not None
            and abs(now.timestamp() - timestamp) > tolerance.total_seconds()
        ):
            return False
        expected = self._digest(timestamp, request.url, request.body)
        # Compare against every candidate so the time taken does not tell which one matched.
        matches = [hmac.compare_digest(expected, digest) for digest in digests]
        return any(matches)

    def _digest(self, timestamp: int, url: str, body: bytes) -> str:
        signed = f"{timestamp}.{url}.".encode() + body
        return hmac.new(self._token.encode(), signed, hashlib.sha256).hexdigest()


def _parse(header: str) -> tuple[int, list[str]] | None:
    timestamps: list[str] = []
    digests: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            return None
        if key == "t":
            timestamps.append(value)
        elif key == "v1":
            digests.append(value)
    if len(timestamps) != 1 or not _TIMESTAMP.fullmatch(timestamps[0]):
        return None
    if not digests or not all(_DIGEST.fullmatch(digest) for digest in digests):
        return None
    return int(timestamps[0]), digests
