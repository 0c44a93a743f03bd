"""The adapter checked against what Twilio published, not against our reading of it.

* Signature vectors: the known answers of twilio-python's own tests
  (https://github.com/twilio/twilio-python/blob/main/tests/unit/test_request_validator.py,
  auth token ``12345``), put through the adapter's verify hook as requests.
* Webhook payloads: ``evidence/webhook_payloads.json``, each entry naming the Twilio page its
  parameters come from, put through the adapter's parse hook.
"""

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from sms_core import (
    Account,
    DeliveryStatus,
    InboundCall,
    InboundMessage,
    PhoneNumber,
    StatusUpdate,
    WebhookRequest,
)
from sms_twilio import Credentials, TwilioAdapter
from sms_twilio.testing import signed_request

# twilio-python tests/unit/test_request_validator.py: token, URL, parameters and answers.
_TOKEN = "12345"
_URI = "https://mycompany.com/myapp.php?foo=1&bar=2"
_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
    "Caller": "+14158675309",
}
_FORM_BODY = (
    b"CallSid=CA1234567890ABCDE&Digits=1234&From=%2B14158675309&To=%2B18005551212"
    b"&Caller=%2B14158675309"
)
_JSON_BODY = b'{"property": "value", "boolean": true}'
_JSON_HASH = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"

_PAYLOADS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "evidence" / "webhook_payloads.json").read_text("utf-8")
)["payloads"]


@pytest.fixture
def vector_adapter() -> TwilioAdapter:
    """The adapter holding the vectors' auth token."""
    return TwilioAdapter(
        credentials=lambda account, settings: Credentials(
            account_sid="AC" + "0" * 32,
            username="AC" + "0" * 32,
            password=_TOKEN,
            auth_token=_TOKEN,
        )
    )


def _request(url: str, body: bytes, signature: str, content_type: str) -> WebhookRequest:
    return WebhookRequest(
        method="POST",
        url=url,
        headers={"content-type": content_type, "x-twilio-signature": signature},
        body=body,
    )


_FORM = "application/x-www-form-urlencoded"


class TestTwilioPythonSignatureVectors:
    """twilio-python's known answers hold through the adapter's verify hook."""

    @pytest.mark.parametrize(
        ("url", "signature"),
        [
            # test_validation
            (_URI, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
            # test_validation_removes_port_on_https
            (_URI.replace(".com", ".com:1234"), "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
            # test_validation_removes_port_on_http
            (
                _URI.replace(".com", ".com:1234").replace("https", "http"),
                "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=",
            ),
            # test_validation_adds_port_on_https (signed over the URL with :443)
            (_URI, "kvajT1Ptam85bY51eRf/AJRuM3w="),
            # test_validation_adds_port_on_http (signed over the URL with :80)
            (_URI.replace("https", "http"), "0ZXoZLH/DfblKGATFgpif+LLRf4="),
        ],
        ids=["plain", "https-port-removed", "http-port-removed", "https-443", "http-80"],
    )
    def test_form_vectors(
        self, vector_adapter: TwilioAdapter, account: Account, url: str, signature: str
    ) -> None:
        """A form body signed as twilio-python's tests say verifies."""
        request = _request(url, _FORM_BODY, signature, _FORM)
        assert vector_adapter.sms_verify_webhook(account=account, request=request)

    def test_duplicate_keys_vector(self, vector_adapter: TwilioAdapter, account: Account) -> None:
        """Repeated keys are signed value by value (test_compute_signature_duplicate_*)."""
        body = b"Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234"
        request = _request(_URI, body, "IK+Dwps556ElfBT0I3Rgjkr1wJU=", _FORM)
        assert vector_adapter.sms_verify_webhook(account=account, request=request)

    def test_json_body_vector(self, vector_adapter: TwilioAdapter, account: Account) -> None:
        """A JSON body is checked by bodySHA256 and the URL alone is signed."""
        url = f"{_URI}&bodySHA256={_JSON_HASH}"
        request = _request(url, _JSON_BODY, "a9nBmqA0ju/hNViExpshrM61xv4=", "application/json")
        assert vector_adapter.sms_verify_webhook(account=account, request=request)

    def test_json_body_changed_after_signing(
        self, vector_adapter: TwilioAdapter, account: Account
    ) -> None:
        """The same signature over another JSON body fails: the hash no longer matches."""
        url = f"{_URI}&bodySHA256={_JSON_HASH}"
        body = _JSON_BODY.replace(b"true", b"false")
        request = _request(url, body, "a9nBmqA0ju/hNViExpshrM61xv4=", "application/json")
        assert False is vector_adapter.sms_verify_webhook(account=account, request=request)

    def test_vector_with_another_parameter_fails(
        self, vector_adapter: TwilioAdapter, account: Account
    ) -> None:
        """The plain vector's signature does not cover one more parameter."""
        request = _request(_URI, _FORM_BODY + b"&Digits2=9", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", _FORM)
        assert False is vector_adapter.sms_verify_webhook(account=account, request=request)


class TestTwilioDocumentedPayloads:
    """Each documented webhook verifies when signed and parses to the event its kind names."""

    @pytest.mark.parametrize("payload", _PAYLOADS, ids=[p["name"] for p in _PAYLOADS])
    def test_payload(
        self, adapter: TwilioAdapter, account: Account, auth_token: str, payload: dict[str, Any]
    ) -> None:
        """The payload (source named in the data) verifies and parses as Twilio means it."""
        settings = {"advanced_opt_out": "true"} if payload.get("advanced_opt_out") else {}
        account = attrs.evolve(account, provider_settings={**account.provider_settings, **settings})
        url = f"https://sms.example.com/webhooks/northwind/{payload['kind']}"
        request = signed_request(url, payload["params"], auth_token)
        assert adapter.sms_verify_webhook(account=account, request=request)
        events = list(adapter.sms_parse_webhook(account=account, request=request) or [])
        expect = payload["expect"]
        if "events" in expect:
            assert expect["events"] == len(events)
            return
        [event] = events
        params = payload["params"]
        match payload["kind"]:
            case "status":
                assert isinstance(event, StatusUpdate)
                assert (
                    params["MessageSid"],
                    expect["raw_status"],
                    DeliveryStatus(expect["status"]),
                    expect.get("error_code"),
                    expect.get("failure_reason"),
                ) == (
                    event.provider_message_id,
                    event.raw_status,
                    event.status,
                    event.error_code,
                    event.failure_reason,
                )
            case "messages":
                assert isinstance(event, InboundMessage)
                assert (
                    params["MessageSid"],
                    PhoneNumber(e164=params["From"]),
                    params["Body"],
                    expect["carrier_keyword"],
                ) == (event.provider_message_id, event.sender, event.body, event.carrier_keyword)
            case "calls":
                assert isinstance(event, InboundCall)
                assert (
                    PhoneNumber(e164=expect["caller"]),
                    PhoneNumber(e164=expect["called"]),
                ) == (event.caller, event.called)
