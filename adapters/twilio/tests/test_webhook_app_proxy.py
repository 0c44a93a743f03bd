"""Twilio's signature behind a proxy: the core rebuilds the URL Twilio called, in one place.

Twilio signs the exact URL it called, query string included
(https://www.twilio.com/docs/usage/webhooks/webhooks-security); the signature is computed here
by twilio-python's own ``RequestValidator`` (through :func:`sms_twilio.testing.signed_request`).
The SDK configures ``{base}/{account}/status`` as the message's ``StatusCallback`` with its
message id in the query (:func:`sms_twilio.delivery.status_callback_url`); the app rebuilds
that URL from the same base (:func:`sms_core.webhooks.urls.signed_url`), so the adapter needs
no ``public_webhook_base_url`` of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sms_core import PhoneNumber, SmsAdmin, WebhookKind
from sms_core.webhooks import LoopbackServer, create_app
from sms_twilio import TwilioAdapter
from sms_twilio.delivery import status_callback_url
from sms_twilio.testing import signed_request

#: The public base URL Twilio calls; a proxy serves it from the app's local ``/webhooks``.
PUBLIC = "https://sms.example.com/sms/webhooks"
_SM = "SM" + "d" * 32
#: A status callback as Twilio posts it
#: (https://www.twilio.com/docs/messaging/guides/track-outbound-message-status).
_STATUS = {
    "AccountSid": "AC" + "0" * 32,
    "MessageSid": _SM,
    "SmsSid": _SM,
    "SmsStatus": "sent",
    "MessageStatus": "sent",
    "From": PhoneNumber.parse("+1 415 234 5678").e164,
    "To": PhoneNumber.parse("+1 206 555 0142").e164,
    "ApiVersion": "2010-04-01",
}


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as bound:
        yield bound


@pytest.fixture
def admin(
    tmp_path: Path, server: LoopbackServer, account_sid: str, auth_token: str
) -> Iterator[SmsAdmin]:
    """The SDK whose webhook URLs are public; its app serves them locally under a proxy."""
    environ = {"TWILIO_ACCOUNT_SID": account_sid, "TWILIO_AUTH_TOKEN": auth_token}
    with SmsAdmin.open(
        f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}",
        plugins=[TwilioAdapter(environ=environ)],
        load_entry_points=False,
        webhook_base_url=PUBLIC,
    ) as opened:
        opened.create_account("northwind", name="Northwind Staffing", provider="twilio")
        with server.serving(create_app(opened, path_prefix="/webhooks")):
            yield opened


def forward(server: LoopbackServer, url: str, auth_token: str, signed_for: str) -> int:
    """Post a callback signed for ``signed_for`` to the app's local address, as a proxy does."""
    request = signed_request(signed_for, _STATUS, auth_token)
    local = url.replace(PUBLIC, server.url("/webhooks"), 1)
    with httpx.Client() as client:
        response = client.post(local, content=request.body, headers=dict(request.headers))
    return response.status_code


class TestBehindAProxy:
    """The configured callback URL verifies with Twilio's validator, rebuilt by the core."""

    def test_configured_callback_verifies(
        self, admin: SmsAdmin, server: LoopbackServer, auth_token: str
    ) -> None:
        """Signed for the URL the SDK configured, posted to the local one: accepted."""
        account = admin.account("northwind").account
        callback = status_callback_url(admin.webhooks.url(account, WebhookKind.STATUS), "msg-9")
        assert callback.startswith(f"{PUBLIC}/northwind/status?")

        assert 200 == forward(server, callback, auth_token, signed_for=callback)

    def test_signed_for_the_local_url_is_refused(
        self, admin: SmsAdmin, server: LoopbackServer, auth_token: str
    ) -> None:
        """Signed for the address the app sees, not the one Twilio calls: forbidden."""
        account = admin.account("northwind").account
        callback = status_callback_url(admin.webhooks.url(account, WebhookKind.STATUS), "msg-9")
        local = callback.replace(PUBLIC, server.url("/webhooks"), 1)

        assert 403 == forward(server, callback, auth_token, signed_for=local)
