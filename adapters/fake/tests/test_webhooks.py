import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import attrs
import httpx
import pytest

from sms_core import ManualClock, NumberQuery, NumberSettings, PhoneNumber, WebhookRequest
from sms_core.exceptions import WebhookPayloadError
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import (
    DEFAULT_AUTH_TOKEN,
    CallStatus,
    CarrierNumber,
    SandboxCarrier,
    WebhookSigner,
)
from sms_fake.payloads import InboundTextReport, decode_report
from sms_fake.signing import auth_token_from

_AT = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
_URL = "https://app.example.test/hooks/status?account=northwind"
_BODY = b'{"event":"message.status","status":"delivered"}'


def _bodies(requests: list[WebhookRequest]) -> list[dict[str, object]]:
    return [json.loads(request.body) for request in requests]


def _recording(
    answer: Callable[[httpx.Request], httpx.Response],
) -> tuple[httpx.Client, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    return httpx.Client(transport=httpx.MockTransport(handler)), seen


class TestSignature:
    """Signatures cover the time, the URL and the body, and nothing forged passes."""

    @pytest.fixture
    def signer(self) -> WebhookSigner:
        return WebhookSigner("test-token")

    @pytest.fixture
    def signed(self, signer: WebhookSigner) -> WebhookRequest:
        return signer.request(_URL, _BODY, _AT)

    def test_header_format(self, signed: WebhookRequest) -> None:
        """The header names the time in Unix seconds and a hex HMAC-SHA256."""
        timestamp, digest = signed.headers["x-sandbox-signature"].split(",")
        assert f"t={int(_AT.timestamp())}" == timestamp
        assert digest.startswith("v1=")
        assert 64 == len(digest.removeprefix("v1="))

    def test_valid_signature(self, signer: WebhookSigner, signed: WebhookRequest) -> None:
        """A request as signed verifies."""
        assert signer.verify(signed)

    @pytest.mark.parametrize(
        "header",
        [
            "",
            "v1=" + "0" * 64,
            "t=1893920400",
            "t=soon,v1=" + "0" * 64,
            "t=1893920400,v1=zz",
            "t=1893920400;v1=" + "0" * 64,
            "t=1,t=2,v1=" + "0" * 64,
        ],
    )
    def test_missing_or_malformed_header(
        self, signer: WebhookSigner, signed: WebhookRequest, header: str
    ) -> None:
        """A missing or malformed header is refused, never an error."""
        headers = {**signed.headers, "x-sandbox-signature": header}
        if not header:
            del headers["x-sandbox-signature"]
        assert not signer.verify(attrs.evolve(signed, headers=headers))

    @pytest.mark.parametrize(
        ("url", "body"),
        [
            pytest.param(_URL, _BODY.replace(b"delivered", b"failed"), id="body"),
            pytest.param(_URL.replace("northwind", "intruder"), _BODY, id="query"),
            pytest.param(_URL.replace("app.example.test", "attacker.example"), _BODY, id="host"),
        ],
    )
    def test_tampered_request(
        self, signer: WebhookSigner, signed: WebhookRequest, url: str, body: bytes
    ) -> None:
        """A changed body or URL fails verification."""
        assert not signer.verify(attrs.evolve(signed, url=url, body=body))

    def test_replayed_signature_with_another_time(
        self, signer: WebhookSigner, signed: WebhookRequest
    ) -> None:
        """The time is signed too: moving it breaks the signature."""
        _, digest = signed.headers["x-sandbox-signature"].split(",")
        moved = {**signed.headers, "x-sandbox-signature": f"t={int(_AT.timestamp()) + 1},{digest}"}
        assert not signer.verify(attrs.evolve(signed, headers=moved))

    def test_other_token(self, signed: WebhookRequest) -> None:
        """A signature made with another token fails."""
        assert not WebhookSigner("another-token").verify(signed)

    def test_rotated_keys(self, signer: WebhookSigner, signed: WebhookRequest) -> None:
        """One matching v1 among several is enough."""
        stale = WebhookSigner("old-token").signature(_URL, _BODY, _AT).split(",")[1]
        headers = {**signed.headers}
        headers["x-sandbox-signature"] += f",{stale}"
        assert signer.verify(attrs.evolve(signed, headers=headers))

    def test_tolerance(self, signer: WebhookSigner, signed: WebhookRequest) -> None:
        """With a tolerance, a signature too far from now is refused."""
        five_minutes = timedelta(minutes=5)
        late = _AT + timedelta(minutes=6)
        assert signer.verify(signed, now=_AT + timedelta(minutes=4), tolerance=five_minutes)
        assert not signer.verify(signed, now=late, tolerance=five_minutes)

    def test_token_from_environment(self) -> None:
        """SMS_FAKE_AUTH_TOKEN sets the token; without it the documented default applies."""
        assert "from-env" == auth_token_from({"SMS_FAKE_AUTH_TOKEN": "from-env"})
        assert DEFAULT_AUTH_TOKEN == auth_token_from({})

    def test_token_never_shown(self, signer: WebhookSigner) -> None:
        """The token stays out of the signer's repr."""
        assert "test-token" not in repr(signer)

    def test_carrier_verifies_its_own_requests(
        self, carrier: SandboxCarrier, tmp_path: Path, clock: ManualClock
    ) -> None:
        """A carrier with another token refuses what this carrier signed."""
        request = carrier.signed_request(_URL, _BODY)
        assert carrier.verify_webhook(request)
        with SandboxCarrier(tmp_path / "b.sqlite3", clock=clock, auth_token="other") as other:
            assert not other.verify_webhook(request)

    def test_carrier_tolerance_uses_carrier_time(
        self, state_path: Path, clock: ManualClock
    ) -> None:
        """A carrier with a tolerance refuses signatures from before a long clock jump."""
        with SandboxCarrier(
            state_path, clock=clock, signature_tolerance=timedelta(minutes=5)
        ) as carrier:
            request = carrier.signed_request(_URL, _BODY)
            assert carrier.verify_webhook(request)
            carrier.advance(timedelta(hours=1))
            assert not carrier.verify_webhook(request)


class TestStatusWebhooks:
    """Delivery reports fall due with carrier time and are collected once."""

    def test_no_report_for_the_initial_status(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """Right after the send, nothing is due: queued is the send's own answer."""
        carrier.send_message(
            sender.account_id, sender=sender.number, recipient=recipient, body="Hi"
        )
        assert [] == carrier.due_webhooks()

    def test_reports_fall_due_in_order(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """Sent after one second, delivered after three, each with the SDK's message id."""
        sent = carrier.send_message(
            sender.account_id,
            sender=sender.number,
            recipient=recipient,
            body="Hi",
            message_id="m-7",
        )
        carrier.advance(timedelta(seconds=1))
        first = carrier.collect_webhooks()
        carrier.advance(timedelta(seconds=2))
        second = carrier.collect_webhooks()
        assert ["sent"] == [body["status"] for body in _bodies(first)]
        [delivered] = _bodies(second)
        assert {
            "event": "message.status",
            "account_id": "northwind",
            "message_sid": sent.sid,
            "message_id": "m-7",
            "status": "delivered",
            "from": sender.number.e164,
            "to": recipient.e164,
            "error_code": None,
            "error_message": None,
            "occurred_at": "2030-01-08T14:00:03+00:00",
        } == delivered
        assert all(carrier.verify_webhook(request) for request in first + second)

    def test_collected_once(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """Peeking leaves webhooks in the outbox; collecting takes them out for good."""
        carrier.send_message(
            sender.account_id, sender=sender.number, recipient=recipient, body="Hi"
        )
        carrier.advance(timedelta(seconds=3))
        assert 2 == len(carrier.due_webhooks())
        assert 2 == len(carrier.collect_webhooks())
        assert [] == carrier.collect_webhooks()
        assert [] == carrier.due_webhooks()

    def test_undelivered_report_carries_the_code(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """A marked recipient's final report names the error."""
        carrier.mark_recipient(recipient, "30007")
        carrier.send_message(
            sender.account_id, sender=sender.number, recipient=recipient, body="Hi"
        )
        carrier.advance(timedelta(seconds=3))
        sent, final = _bodies(carrier.collect_webhooks())
        assert (None, "undelivered", "30007") == (
            sent["error_code"],
            final["status"],
            final["error_code"],
        )
        assert "Message filtered by the carrier" == final["error_message"]

    def test_message_callback_url_wins(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """A per-message URL overrides the number's."""
        carrier.send_message(
            sender.account_id,
            sender=sender.number,
            recipient=recipient,
            body="Hi",
            status_callback_url="http://127.0.0.1:8765/hooks/message-status",
        )
        carrier.advance(timedelta(seconds=1))
        [request] = carrier.collect_webhooks()
        assert "http://127.0.0.1:8765/hooks/message-status" == request.url

    def test_number_callback_url_is_the_default(
        self,
        carrier: SandboxCarrier,
        sender: CarrierNumber,
        recipient: PhoneNumber,
        hook_settings: NumberSettings,
    ) -> None:
        """Without a per-message URL, the number's status callback is used."""
        carrier.send_message(
            sender.account_id, sender=sender.number, recipient=recipient, body="Hi"
        )
        carrier.advance(timedelta(seconds=1))
        [request] = carrier.collect_webhooks()
        assert hook_settings.status_callback_url == request.url

    def test_no_url_no_report(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """A number without webhooks gets no reports, like a carrier number left unconfigured."""
        carrier.configure_number(sender.account_id, sender.sid, NumberSettings())
        carrier.send_message(
            sender.account_id, sender=sender.number, recipient=recipient, body="Hi"
        )
        carrier.advance(timedelta(seconds=3))
        assert [] == carrier.collect_webhooks()

    def test_service_urls_fill_in(
        self, carrier: SandboxCarrier, account_id: str, recipient: PhoneNumber
    ) -> None:
        """A number without URLs reports to those its messaging service was set up with."""
        urls = NumberSettings(
            sms_url="http://127.0.0.1:8765/service/sms",
            status_callback_url="http://127.0.0.1:8765/service/status",
        )
        brand = carrier.submit_brand(account_id, sample_brand())
        carrier.complete_review(account_id, brand.sid)
        campaign = carrier.submit_campaign(account_id, brand.sid, sample_campaign())
        carrier.complete_review(account_id, campaign.sid)
        service = carrier.submit_messaging_service(account_id, campaign.sid, urls)
        carrier.complete_review(account_id, service.sid)
        offer = carrier.search_numbers(NumberQuery(area_code="212", limit=1))[0]
        bought = carrier.purchase_number(account_id, offer.number)
        line = carrier.attach_number(account_id, service.sid, bought.sid)
        carrier.send_message(account_id, sender=line.number, recipient=recipient, body="Hi")
        carrier.inject_inbound_text(account_id, recipient, line.number, "Hello")
        carrier.advance(timedelta(seconds=1))
        expected = [urls.sms_url, urls.status_callback_url]
        assert expected == sorted(request.url for request in carrier.collect_webhooks())


class TestInboundWebhooks:
    """Inbound texts and calls become signed webhooks at once."""

    def test_inbound_text(
        self,
        carrier: SandboxCarrier,
        sender: CarrierNumber,
        recipient: PhoneNumber,
        hook_settings: NumberSettings,
    ) -> None:
        """The text goes to the number's SMS URL with its keyword verdict."""
        text = carrier.inject_inbound_text(sender.account_id, recipient, sender.number, "stop")
        [request] = carrier.collect_webhooks()
        assert hook_settings.sms_url == request.url
        assert carrier.verify_webhook(request)
        assert {
            "event": "message.inbound",
            "account_id": "northwind",
            "message_sid": text.sid,
            "from": recipient.e164,
            "to": sender.number.e164,
            "body": "stop",
            "segments": 1,
            "keyword": "STOP",
            "received_at": carrier.now().isoformat(),
        } == json.loads(request.body)

    def test_inbound_call(
        self,
        carrier: SandboxCarrier,
        sender: CarrierNumber,
        recipient: PhoneNumber,
        hook_settings: NumberSettings,
    ) -> None:
        """A call goes to the number's voice URL and rings until answered."""
        call = carrier.inject_inbound_call(sender.account_id, recipient, sender.number)
        [request] = carrier.collect_webhooks()
        assert hook_settings.voice_url == request.url
        assert {
            "event": "call.inbound",
            "account_id": "northwind",
            "call_sid": call.sid,
            "from": recipient.e164,
            "to": sender.number.e164,
            "occurred_at": carrier.now().isoformat(),
        } == json.loads(request.body)
        assert [CallStatus.RINGING] == [seen.status for seen in carrier.calls(sender.account_id)]

    def test_call_to_a_number_without_voice_url_is_declined(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """With nobody to ask, the carrier declines the call and sends nothing."""
        carrier.configure_number(sender.account_id, sender.sid, NumberSettings())
        carrier.inject_inbound_call(sender.account_id, recipient, sender.number)
        assert [] == carrier.collect_webhooks()
        assert [CallStatus.DECLINED] == [seen.status for seen in carrier.calls(sender.account_id)]

    def test_webhook_url_override(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """An injected event can be sent somewhere else than the number's URL."""
        text = carrier.inject_inbound_text(
            sender.account_id,
            recipient,
            sender.number,
            "Hello",
            webhook_url="http://127.0.0.1:9999/elsewhere",
        )
        [request] = carrier.collect_webhooks(subject_sid=text.sid)
        assert "http://127.0.0.1:9999/elsewhere" == request.url


class TestDelivery:
    """deliver_webhooks posts the due webhooks and acts on call answers."""

    def test_posts_signed_requests(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """Every due webhook is posted once, as signed, and the responses come back."""
        client, seen = _recording(lambda _: httpx.Response(204))
        carrier.inject_inbound_text(sender.account_id, recipient, sender.number, "Hello")
        carrier.send_message(
            sender.account_id, sender=sender.number, recipient=recipient, body="Hi"
        )
        carrier.advance(timedelta(seconds=3))
        with client:
            responses = carrier.deliver_webhooks(client)
            assert [] == carrier.deliver_webhooks(client)
        assert [204, 204, 204] == [response.status_code for response in responses]
        events = [json.loads(request.content)["event"] for request in seen]
        assert ["message.inbound", "message.status", "message.status"] == events
        for posted in seen:
            request = WebhookRequest(
                method=posted.method,
                url=str(posted.url),
                headers=dict(posted.headers),
                body=posted.content,
            )
            assert carrier.verify_webhook(request)

    def test_unreachable_url_keeps_webhooks(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """When a post cannot connect, it and the rest go back to the outbox."""

        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        client, _ = _recording(refuse)
        carrier.inject_inbound_text(sender.account_id, recipient, sender.number, "One")
        carrier.inject_inbound_text(sender.account_id, recipient, sender.number, "Two")
        with client, pytest.raises(httpx.ConnectError):
            carrier.deliver_webhooks(client)
        assert ["One", "Two"] == [body["body"] for body in _bodies(carrier.collect_webhooks())]

    @pytest.mark.parametrize(
        ("answer", "status", "forwarded_to"),
        [
            (
                httpx.Response(200, json={"action": "forward", "to": "+13125550175"}),
                CallStatus.FORWARDED,
                "+13125550175",
            ),
            (
                httpx.Response(200, json={"action": "decline", "say": "Text us instead."}),
                CallStatus.DECLINED,
                None,
            ),
            (httpx.Response(200, text="<Response/>"), CallStatus.DECLINED, None),
            (httpx.Response(500), CallStatus.DECLINED, None),
        ],
    )
    def test_call_follows_the_answer(
        self,
        carrier: SandboxCarrier,
        sender: CarrierNumber,
        recipient: PhoneNumber,
        answer: httpx.Response,
        status: CallStatus,
        forwarded_to: str | None,
    ) -> None:
        """A forward answer forwards the call; anything else declines it."""
        client, _ = _recording(lambda _: answer)
        carrier.inject_inbound_call(sender.account_id, recipient, sender.number)
        with client:
            carrier.deliver_webhooks(client)
        [call] = carrier.calls(sender.account_id)
        assert (status, forwarded_to) == (
            call.status,
            call.forwarded_to.e164 if call.forwarded_to else None,
        )


class TestPayloadFields:
    """A report's text fields must be strings: nothing is read as the text "None"."""

    REPORT: ClassVar[dict[str, object]] = {
        "event": "message.inbound",
        "account_id": "acme",
        "message_sid": "SM1",
        "from": "+12125550101",
        "to": "+14155550100",
        "body": "On my way",
        "segments": 1,
        "received_at": "2026-03-10T15:00:00+00:00",
    }

    def test_strings_read(self) -> None:
        """A well-formed report reads as sent."""
        report, _ = decode_report(json.dumps(self.REPORT).encode())
        assert isinstance(report, InboundTextReport)
        assert "On my way" == report.body

    @pytest.mark.parametrize("body", [None, 42, ["x"]])
    def test_other_types_refused(self, body: object) -> None:
        """A null, number or list where the text belongs is a malformed report."""
        payload = json.dumps({**self.REPORT, "body": body}).encode()
        with pytest.raises(WebhookPayloadError, match="body"):
            decode_report(payload)
