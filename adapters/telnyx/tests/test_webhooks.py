"""Telnyx webhooks: Ed25519 signatures, message events, the answer.

Signing as Telnyx documents it: ``telnyx-signature-ed25519`` is the base64 Ed25519 signature
of ``f"{telnyx-timestamp}|{raw body}"`` by the account's key pair, checked with its base64
public key, and a timestamp more than 300 s from now is refused
(https://developers.telnyx.com/docs/development/sdk/python/webhooks; the ``telnyx``
package's ``telnyx/lib/webhook_verification.py``). The key pairs are made in the tests.
Event bodies follow the webhook examples of
https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks (``data.event_type``,
``data.occurred_at``, ``data.payload``) and the payload fields of the package's
``MessagingInboundMessagePayload`` and ``OutboundMessagePayload`` models.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from nacl.signing import SigningKey
from telnyx_helpers import API_KEY, account, message_record

from sms_core import (
    ConfigurationError,
    DeliveryStatus,
    FailureReason,
    InboundMessage,
    KeywordClass,
    ManualClock,
    StatusUpdate,
    WebhookPayloadError,
    WebhookRequest,
)
from sms_telnyx import TelnyxAdapter

_NOW = datetime(2026, 12, 6, 21, 0, tzinfo=UTC)
_URL = "https://sms.example/webhooks/acme/status?sms_message_id=msg_1"


class _Telnyx:
    """Signs requests the way Telnyx does, with a key pair of its own."""

    def __init__(self) -> None:
        self.key = SigningKey.generate()
        self.public_key = base64.b64encode(bytes(self.key.verify_key)).decode()

    def request(
        self, body: bytes, *, at: datetime = _NOW, url: str = _URL, key: SigningKey | None = None
    ) -> WebhookRequest:
        stamp = str(int(at.timestamp()))
        signed = (key or self.key).sign(stamp.encode() + b"|" + body).signature
        return WebhookRequest(
            method="POST",
            url=url,
            headers={
                "Content-Type": "application/json",
                "Telnyx-Signature-Ed25519": base64.b64encode(signed).decode(),
                "Telnyx-Timestamp": stamp,
            },
            body=body,
        )


@pytest.fixture
def telnyx_side() -> _Telnyx:
    return _Telnyx()


@pytest.fixture
def adapter(telnyx_side: _Telnyx) -> TelnyxAdapter:
    return TelnyxAdapter(
        environ={"TELNYX_API_KEY": API_KEY, "TELNYX_PUBLIC_KEY": telnyx_side.public_key},
        clock=ManualClock(_NOW),
    )


def _event(kind: str, payload: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "data": {
                "event_type": kind,
                "id": "b301ed3f-1490-491f-995f-6e64e69674d4",
                "occurred_at": "2026-12-06T20:59:58.000+00:00",
                "payload": payload,
                "record_type": "event",
            },
            "meta": {"attempt": 1, "delivered_to": _URL},
        }
    ).encode()


def _inbound(text: str = "Yes, I can work Friday", **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "record_type": "message",
        "direction": "inbound",
        "id": "7ee4241c-f127-47e5-9c34-3aac291f8058",
        "type": "SMS",
        "from": {"phone_number": "+12065550142", "carrier": "T-Mobile", "line_type": "Wireless"},
        "to": [{"phone_number": "+14152345678", "status": "webhook_delivered"}],
        "text": text,
        "received_at": "2026-12-06T20:59:57.000+00:00",
        "errors": [],
    }
    payload.update(extra)
    return payload


class TestSignature:
    """Only a fresh request signed by the account's key is accepted."""

    def test_a_signed_request_is_accepted(
        self, adapter: TelnyxAdapter, telnyx_side: _Telnyx
    ) -> None:
        request = telnyx_side.request(_event("message.received", _inbound()))
        assert adapter.sms_verify_webhook(account(), request) is True

    def test_a_tampered_body_is_refused(self, adapter: TelnyxAdapter, telnyx_side: _Telnyx) -> None:
        request = telnyx_side.request(_event("message.received", _inbound()))
        tampered = WebhookRequest(
            method=request.method,
            url=request.url,
            headers=request.headers,
            body=request.body.replace(b"Friday", b"Monday"),
        )
        assert adapter.sms_verify_webhook(account(), tampered) is False

    def test_a_moved_timestamp_is_refused(
        self, adapter: TelnyxAdapter, telnyx_side: _Telnyx
    ) -> None:
        """The timestamp is signed: a replay with a fresh timestamp does not verify."""
        request = telnyx_side.request(_event("message.received", _inbound()))
        headers = dict(request.headers) | {"telnyx-timestamp": str(int(_NOW.timestamp()) + 1)}
        replayed = WebhookRequest(
            method=request.method, url=request.url, headers=headers, body=request.body
        )
        assert adapter.sms_verify_webhook(account(), replayed) is False

    def test_another_key_is_refused(self, adapter: TelnyxAdapter, telnyx_side: _Telnyx) -> None:
        request = telnyx_side.request(
            _event("message.received", _inbound()), key=SigningKey.generate()
        )
        assert adapter.sms_verify_webhook(account(), request) is False

    @pytest.mark.parametrize(
        ("offset", "accepted"),
        [
            (timedelta(seconds=-300), True),
            (timedelta(seconds=-301), False),
            (timedelta(minutes=-30), False),
            (timedelta(seconds=300), True),
            (timedelta(seconds=301), False),
        ],
    )
    def test_stale_or_future_timestamps_are_refused(
        self, adapter: TelnyxAdapter, telnyx_side: _Telnyx, offset: timedelta, accepted: bool
    ) -> None:
        request = telnyx_side.request(_event("message.received", _inbound()), at=_NOW + offset)
        assert accepted is adapter.sms_verify_webhook(account(), request)

    @pytest.mark.parametrize(
        "drop",
        [
            {"telnyx-signature-ed25519"},
            {"telnyx-timestamp"},
            {"telnyx-signature-ed25519", "telnyx-timestamp"},
        ],
    )
    def test_unsigned_requests_are_refused(
        self, adapter: TelnyxAdapter, telnyx_side: _Telnyx, drop: set[str]
    ) -> None:
        request = telnyx_side.request(_event("message.received", _inbound()))
        headers = {k: v for k, v in request.headers.items() if k not in drop}
        unsigned = WebhookRequest(
            method=request.method, url=request.url, headers=headers, body=request.body
        )
        assert adapter.sms_verify_webhook(account(), unsigned) is False

    @pytest.mark.parametrize("signature", ["not base64!", base64.b64encode(b"short").decode()])
    def test_malformed_signatures_are_refused(
        self, adapter: TelnyxAdapter, telnyx_side: _Telnyx, signature: str
    ) -> None:
        request = telnyx_side.request(_event("message.received", _inbound()))
        headers = dict(request.headers) | {"telnyx-signature-ed25519": signature}
        forged = WebhookRequest(
            method=request.method, url=request.url, headers=headers, body=request.body
        )
        assert adapter.sms_verify_webhook(account(), forged) is False

    def test_without_a_public_key_the_configuration_is_refused(self, telnyx_side: _Telnyx) -> None:
        adapter = TelnyxAdapter(environ={"TELNYX_API_KEY": API_KEY}, clock=ManualClock(_NOW))
        request = telnyx_side.request(_event("message.received", _inbound()))
        with pytest.raises(ConfigurationError, match="TELNYX_PUBLIC_KEY"):
            adapter.sms_verify_webhook(account(), request)

    def test_a_malformed_public_key_is_refused_without_showing_it(
        self, telnyx_side: _Telnyx
    ) -> None:
        adapter = TelnyxAdapter(
            environ={"TELNYX_API_KEY": API_KEY, "TELNYX_PUBLIC_KEY": "c2VjcmV0"},
            clock=ManualClock(_NOW),
        )
        request = telnyx_side.request(_event("message.received", _inbound()))
        with pytest.raises(ConfigurationError, match="32 bytes") as caught:
            adapter.sms_verify_webhook(account(), request)
        assert "c2VjcmV0" not in str(caught.value)

    def test_the_public_key_alone_verifies(self, telnyx_side: _Telnyx) -> None:
        """A server that only takes webhooks may hold the public key without the API key."""
        adapter = TelnyxAdapter(
            environ={"TELNYX_AGENCY1_PUBLIC_KEY": telnyx_side.public_key}, clock=ManualClock(_NOW)
        )
        request = telnyx_side.request(_event("message.received", _inbound()))
        assert adapter.sms_verify_webhook(account(env_prefix="TELNYX_AGENCY1_"), request) is True


class TestParse:
    """``message.received``, ``message.sent`` and ``message.finalized`` as the core's events."""

    def test_an_inbound_text(self, adapter: TelnyxAdapter, telnyx_side: _Telnyx) -> None:
        request = telnyx_side.request(_event("message.received", _inbound()))
        [event] = adapter.sms_parse_webhook(account(), request) or []
        assert isinstance(event, InboundMessage)
        assert (
            "7ee4241c-f127-47e5-9c34-3aac291f8058",
            "+12065550142",
            "+14152345678",
            "Yes, I can work Friday",
            None,
            datetime(2026, 12, 6, 20, 59, 57, tzinfo=UTC),
        ) == (
            event.provider_message_id,
            event.sender.e164,
            event.recipient.e164,
            event.body,
            event.carrier_keyword,
            event.received_at,
        )

    @pytest.mark.parametrize(
        ("autoresponse", "keyword"),
        [
            ("STOP", KeywordClass.OPT_OUT),
            ("START", KeywordClass.OPT_IN),
            ("HELP", KeywordClass.HELP),
            ("help", KeywordClass.HELP),
            ("unsubscribe", KeywordClass.OPT_OUT),
            ("UNSTOP", KeywordClass.OPT_IN),
            ("info", KeywordClass.HELP),
            ("", None),
            ("YES", None),
            (None, None),
        ],
    )
    def test_the_keyword_telnyx_answered_is_reported(
        self,
        adapter: TelnyxAdapter,
        telnyx_side: _Telnyx,
        autoresponse: str | None,
        keyword: KeywordClass | None,
    ) -> None:
        """Telnyx names the keyword it answered in ``autoresponse_type``.

        "Automatic response type triggered by an inbound opt-in, opt-out, or help keyword.
        Examples include START, STOP, and HELP" (the package's
        ``MessagingInboundMessagePayload``).
        """
        body = _event("message.received", _inbound("stop", autoresponse_type=autoresponse))
        [event] = adapter.sms_parse_webhook(account(), telnyx_side.request(body)) or []
        assert isinstance(event, InboundMessage)
        assert keyword == event.carrier_keyword

    def test_a_text_from_a_short_code_is_not_stored(
        self, adapter: TelnyxAdapter, telnyx_side: _Telnyx
    ) -> None:
        payload = _inbound()
        payload["from"] = {"phone_number": "72345", "line_type": ""}
        request = telnyx_side.request(_event("message.received", payload))
        assert [] == adapter.sms_parse_webhook(account(), request)

    @pytest.mark.parametrize(
        ("kind", "status", "expected"),
        [
            ("message.sent", "sent", DeliveryStatus.SENT),
            ("message.finalized", "delivered", DeliveryStatus.DELIVERED),
            ("message.finalized", "delivery_unconfirmed", DeliveryStatus.SENT),
            ("message.finalized", "sending_failed", DeliveryStatus.FAILED),
        ],
    )
    def test_delivery_reports(
        self,
        adapter: TelnyxAdapter,
        telnyx_side: _Telnyx,
        kind: str,
        status: str,
        expected: DeliveryStatus,
    ) -> None:
        body = _event(kind, message_record(status=status, webhook_url=_URL))
        [event] = adapter.sms_parse_webhook(account(), telnyx_side.request(body)) or []
        assert isinstance(event, StatusUpdate)
        assert ("40385f64-5717-4562-b3fc-2c963f66afa6", expected, status, "msg_1") == (
            event.provider_message_id,
            event.status,
            event.raw_status,
            event.message_id,
        )
        assert datetime(2026, 12, 6, 20, 59, 58, tzinfo=UTC) == event.occurred_at

    def test_a_failed_delivery_carries_its_code_and_reason(
        self, adapter: TelnyxAdapter, telnyx_side: _Telnyx
    ) -> None:
        record = message_record(
            status="delivery_failed",
            errors=[{"code": "40300", "title": "Blocked due to STOP message"}],
        )
        request = telnyx_side.request(_event("message.finalized", record))
        [event] = adapter.sms_parse_webhook(account(), request) or []
        assert isinstance(event, StatusUpdate)
        assert (
            DeliveryStatus.UNDELIVERED,
            "40300",
            FailureReason.OPTED_OUT,
            "Blocked due to STOP message",
        ) == (event.status, event.error_code, event.failure_reason, event.error_message)

    def test_the_id_is_read_from_the_echoed_webhook_url_when_the_url_has_none(
        self, adapter: TelnyxAdapter, telnyx_side: _Telnyx
    ) -> None:
        body = _event("message.finalized", message_record(status="delivered", webhook_url=_URL))
        request = telnyx_side.request(body, url="https://sms.example/webhooks/acme/status")
        [event] = adapter.sms_parse_webhook(account(), request) or []
        assert isinstance(event, StatusUpdate)
        assert "msg_1" == event.message_id

    def test_other_events_are_acknowledged_and_ignored(
        self, adapter: TelnyxAdapter, telnyx_side: _Telnyx
    ) -> None:
        request = telnyx_side.request(_event("call.initiated", {"call_control_id": "v3:x"}))
        assert [] == adapter.sms_parse_webhook(account(), request)

    @pytest.mark.parametrize(
        "body",
        [
            b"not json",
            b"[]",
            b'{"data": {"event_type": "message.received"}}',
            _event("message.finalized", {"to": [{"status": "delivered"}]}),
            _event("message.received", {"id": "x", "from": {"phone_number": "+12065550142"}}),
        ],
        ids=["not-json", "not-an-object", "no-payload", "report-without-id", "text-without-to"],
    )
    def test_malformed_events_are_refused(
        self, adapter: TelnyxAdapter, telnyx_side: _Telnyx, body: bytes
    ) -> None:
        with pytest.raises(WebhookPayloadError):
            adapter.sms_parse_webhook(account(), telnyx_side.request(body))


def test_the_answer_is_an_empty_200(adapter: TelnyxAdapter) -> None:
    response = adapter.sms_acknowledge_webhook(account(), [])
    assert response is not None
    assert (200, b"") == (response.status, response.body)
