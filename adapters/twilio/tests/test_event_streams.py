"""Event Streams deliveries: a number's A2P registration, read as Twilio publishes it.

The bodies are Twilio's own examples (``evidence/event_streams.json``, each naming its page in
https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/event-streams-setup), put through the
adapter's verify and parse hooks as a webhook sink delivery is: a JSON array of CloudEvents,
signed with ``X-Twilio-Signature`` over the URL carrying ``bodySHA256``
(https://www.twilio.com/docs/usage/webhooks/webhooks-security).
"""

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from sms_core import (
    Account,
    CarrierRegistration,
    NumberRegistrationUpdate,
    WebhookPayloadError,
    WebhookRequest,
)
from sms_twilio import TwilioAdapter
from sms_twilio.testing import signed_events_request

_URL = "https://sms.example.com/webhooks/northwind/events"
_DELIVERIES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "evidence" / "event_streams.json").read_text("utf-8")
)["deliveries"]
_NUMBER_EVENTS = [d for d in _DELIVERIES if d["expect"] is not None]


def _delivery(body: list[dict[str, Any]], auth_token: str) -> WebhookRequest:
    return signed_events_request(_URL, body, auth_token)


class TestTwilioExamples:
    """Twilio's example deliveries parse to the line states they report."""

    @pytest.mark.parametrize("delivery", _NUMBER_EVENTS, ids=lambda d: d["name"])
    def test_number_registration(
        self,
        adapter: TwilioAdapter,
        account: Account,
        auth_token: str,
        delivery: dict[str, Any],
    ) -> None:
        """Each number registration type maps to its state, with the SID and the code."""
        request = _delivery(delivery["body"], auth_token)
        assert adapter.sms_verify_webhook(account=account, request=request)
        [update] = adapter.sms_parse_webhook(account=account, request=request) or []
        assert isinstance(update, NumberRegistrationUpdate)
        expect = delivery["expect"]
        assert CarrierRegistration(expect["state"]) == update.state
        assert expect["raw_status"] == update.raw_status
        assert expect["error_code"] == update.error_code
        assert "PNXXXXXXXXXXXXXXXX" == update.provider_ref
        assert update.number is None  # the example's "1234567890" is no phone number
        assert update.occurred_at is not None
        if update.state is CarrierRegistration.FAILED:
            assert update.error_message is not None
            assert "30126" in update.error_message

    def test_other_event_types_acknowledged(
        self, adapter: TwilioAdapter, account: Account, auth_token: str
    ) -> None:
        """A campaign event on the same sink carries no number update: nothing to apply."""
        [campaign] = [d for d in _DELIVERIES if d["expect"] is None]
        request = _delivery(campaign["body"], auth_token)
        assert adapter.sms_verify_webhook(account=account, request=request)
        assert [] == adapter.sms_parse_webhook(account=account, request=request)

    def test_batch_keeps_order(
        self, adapter: TwilioAdapter, account: Account, auth_token: str
    ) -> None:
        """A delivery of several events yields their updates in the order sent."""
        body = [event for d in _NUMBER_EVENTS[::-1] for event in d["body"]]
        request = _delivery(body, auth_token)
        updates = adapter.sms_parse_webhook(account=account, request=request) or []
        states = [u.state for u in updates if isinstance(u, NumberRegistrationUpdate)]
        assert [
            CarrierRegistration.REGISTERED,
            CarrierRegistration.PENDING,
            CarrierRegistration.FAILED,
        ] == states


class TestSignature:
    """A sink delivery verifies only as Twilio signed it."""

    def test_changed_body_refused(
        self, adapter: TwilioAdapter, account: Account, auth_token: str
    ) -> None:
        """A body changed after signing no longer matches bodySHA256."""
        request = _delivery(_NUMBER_EVENTS[1]["body"], auth_token)
        changed = attrs.evolve(request, body=request.body.replace(b"pending", b"successful"))
        assert False is adapter.sms_verify_webhook(account=account, request=changed)

    def test_other_token_refused(self, adapter: TwilioAdapter, account: Account) -> None:
        """Signed with another auth token, it does not verify."""
        request = _delivery(_NUMBER_EVENTS[2]["body"], "not-the-accounts-token")
        assert False is adapter.sms_verify_webhook(account=account, request=request)


class TestMalformed:
    """A delivery the adapter cannot read is refused with a typed error."""

    @pytest.mark.parametrize(
        "body",
        [b"[not json", b'"a string"', b"[1, 2]"],
        ids=["not-json", "not-an-array", "not-events"],
    )
    def test_refused(self, adapter: TwilioAdapter, account: Account, body: bytes) -> None:
        """Not an array of CloudEvents: WebhookPayloadError."""
        request = WebhookRequest(
            method="POST", url=_URL, headers={"Content-Type": "application/json"}, body=body
        )
        with pytest.raises(WebhookPayloadError):
            adapter.sms_parse_webhook(account=account, request=request)

    def test_no_number(self, adapter: TwilioAdapter, account: Account, auth_token: str) -> None:
        """A number registration event naming no number cannot be applied."""
        [event] = json.loads(json.dumps(_NUMBER_EVENTS[2]["body"]))
        del event["data"]["phonenumbersid"], event["data"]["phonenumber"]
        with pytest.raises(WebhookPayloadError, match="phonenumbersid"):
            adapter.sms_parse_webhook(account=account, request=_delivery([event], auth_token))

    def test_another_account(
        self, adapter: TwilioAdapter, account: Account, auth_token: str
    ) -> None:
        """An event of another Twilio account than the configured one is refused."""
        mine = attrs.evolve(account, provider_settings={"account_sid": "AC" + "1" * 32})
        request = _delivery(_NUMBER_EVENTS[2]["body"], auth_token)
        with pytest.raises(WebhookPayloadError, match="sink"):
            adapter.sms_parse_webhook(account=mine, request=request)
