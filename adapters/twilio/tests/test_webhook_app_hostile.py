"""Twilio's form-encoded webhooks, signed but hostile, through the real webhook app.

The fields are the ones Twilio documents for a status callback
(https://www.twilio.com/docs/messaging/guides/track-outbound-message-status, and
https://www.twilio.com/docs/usage/webhooks/messaging-webhooks for the form encoding); the
signature is computed by twilio-python's own ``RequestValidator``. A field no database can
keep (a NUL, a ``MessageSid`` wider than its column) is a 400 and changes nothing, never a 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sms_core import PhoneNumber, SmsAdmin
from sms_core.webhooks import LoopbackServer, create_app
from sms_twilio import TwilioAdapter
from sms_twilio.delivery import MESSAGE_ID_PARAM
from sms_twilio.testing import signed_request

_SM = "SM" + "c" * 32
_LINE = PhoneNumber.parse("+1 415 234 5678")
_CANDIDATE = PhoneNumber.parse("+1 206 555 0142")
#: A status callback as Twilio posts it (fields from the status-callback guide above).
_STATUS = {
    "AccountSid": "AC" + "0" * 32,
    "MessageSid": _SM,
    "SmsSid": _SM,
    "SmsStatus": "delivered",
    "MessageStatus": "delivered",
    "From": _LINE.e164,
    "To": _CANDIDATE.e164,
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
    """The SDK with one Twilio account, its webhook app on a loopback port."""
    environ = {"TWILIO_ACCOUNT_SID": account_sid, "TWILIO_AUTH_TOKEN": auth_token}
    with SmsAdmin.open(
        f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}",
        plugins=[TwilioAdapter(environ=environ)],
        load_entry_points=False,
        webhook_base_url=server.url("/webhooks"),
    ) as opened:
        opened.create_account(
            "northwind",
            name="Northwind Staffing",
            provider="twilio",
            provider_settings={"primary_customer_profile_sid": "BU" + "1" * 32},
        )
        with server.serving(create_app(opened)):
            yield opened


def post(
    server: LoopbackServer, kind: str, params: dict[str, str], auth_token: str, query: str = ""
) -> httpx.Response:
    url = server.url(f"/webhooks/northwind/{kind}{query}")
    request = signed_request(url, params, auth_token)
    with httpx.Client() as client:
        return client.post(request.url, content=request.body, headers=dict(request.headers))


@pytest.mark.usefixtures("admin")
class TestSignedButHostile:
    """Past the signature, the receiver refuses what it cannot store."""

    def test_plain_callback_is_acknowledged(self, server: LoopbackServer, auth_token: str) -> None:
        """The documented callback, for a text the SDK does not know, gets empty TwiML."""
        response = post(server, "status", _STATUS, auth_token)

        assert 200 == response.status_code
        assert "<Response" in response.text

    @pytest.mark.parametrize(
        "changes",
        [
            {"MessageSid": "SM\x00" + "c" * 30, "SmsSid": "SM\x00" + "c" * 30},
            {"MessageSid": "SM" + "c" * 63, "SmsSid": "SM" + "c" * 63},
            {"MessageStatus": "undelivered", "ErrorCode": "3" * 40},
            {"MessageStatus": "undelivered", "ErrorCode": "30003", "ErrorMessage": "x\x00"},
        ],
        ids=["nul-sid", "wide-sid", "wide-error-code", "nul-error-message"],
    )
    def test_unstorable_status_field(
        self, server: LoopbackServer, auth_token: str, changes: dict[str, str]
    ) -> None:
        """A status callback with a field no column takes is a bad request."""
        response = post(server, "status", _STATUS | changes, auth_token)

        assert 400 == response.status_code

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            (f"?{MESSAGE_ID_PARAM}=msg-42&attempt=2", 200),
            (f"?{MESSAGE_ID_PARAM}=msg%00", 400),
            (f"?{MESSAGE_ID_PARAM}=msg%ED%A0%80", 200),  # decoded as U+FFFD: a harmless id
        ],
    )
    def test_query_string_of_the_callback_url(
        self, server: LoopbackServer, auth_token: str, query: str, expected: int
    ) -> None:
        """The SDK's id in the callback URL's query is held to the same checks as the form."""
        assert expected == post(server, "status", _STATUS, auth_token, query).status_code
