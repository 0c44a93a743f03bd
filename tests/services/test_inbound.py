from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import attrs
import pytest

from sms_core import (
    AccountAdmin,
    DeliveryStatus,
    Direction,
    FailureReason,
    NumberQuery,
    OutboundMessage,
    PhoneNumber,
    SendReceipt,
    WebhookKind,
    WebhookRequest,
)
from sms_core.exceptions import LineNotFoundError, WebhookPayloadError, WebhookSignatureError
from sms_core.store import Database
from sms_core.store import messages as message_store
from sms_fake import SandboxCarrier
from sms_fake.testing import SandboxDriver
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    WEBHOOK_BASE,
    ActivityLog,
    Texting,
    buy_line,
    reply,
    snapshot,
)

MESSAGES_URL = f"{WEBHOOK_BASE}/acme/messages"
STATUS_URL = f"{WEBHOOK_BASE}/acme/status"


@pytest.fixture
def line(acme: AccountAdmin) -> str:
    """Ann's registered line."""
    return buy_line(acme, "ann").e164


def inbound(carrier: SandboxCarrier, sender: str, line: str, body: str) -> WebhookRequest:
    """The carrier's signed webhook for a text from ``sender`` to ``line``."""
    text = carrier.inject_inbound_text(
        "acme", PhoneNumber.parse(sender), PhoneNumber.parse(line), body
    )
    [request] = carrier.collect_webhooks(subject_sid=text.sid)
    return request


class TestVerification(Texting):
    """A request the carrier did not sign is refused and changes nothing."""

    @pytest.mark.parametrize("tamper", ["forged", "unsigned", "changed"])
    def test_refused(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        activity: ActivityLog,
        line: str,
        tamper: str,
    ) -> None:
        """Signed with another secret, without a signature, or changed in transit."""
        request = inbound(carrier, ALICE, line, "STOP")
        if tamper == "forged":
            request = SandboxDriver(carrier).sign_with_other_secret(acme.account, request)
        elif tamper == "unsigned":
            request = attrs.evolve(request, headers={"content-type": "application/json"})
        else:
            request = attrs.evolve(request, body=request.body.replace(b"STOP", b"stop"))
        before = snapshot(acme, carrier)
        with pytest.raises(WebhookSignatureError, match="acme"):
            acme.webhooks.handle(WebhookKind.MESSAGES, request)
        assert before == snapshot(acme, carrier)
        assert [] == activity.activities


class TestPayload(Texting):
    """A signed request that does not carry what its URL expects is refused whole."""

    def test_malformed(self, acme: AccountAdmin, carrier: SandboxCarrier, line: str) -> None:
        """A body the adapter cannot read."""
        request = carrier.signed_request(MESSAGES_URL, b'{"event": "message.inbound"}')
        with pytest.raises(WebhookPayloadError):
            acme.webhooks.handle(WebhookKind.MESSAGES, request)

    def test_wrong_kind(self, acme: AccountAdmin, carrier: SandboxCarrier, line: str) -> None:
        """An inbound text posted to the status URL is refused and not stored."""
        request = inbound(carrier, ALICE, line, "Hello")
        before = snapshot(acme, carrier)
        with pytest.raises(WebhookPayloadError, match="status webhook"):
            acme.webhooks.handle(WebhookKind.STATUS, request)
        assert before == snapshot(acme, carrier)

    def test_unknown_line(self, acme: AccountAdmin, carrier: SandboxCarrier, line: str) -> None:
        """A text to a number the account has no line for is a typed error (the app's 404)."""
        offer = carrier.search_numbers(NumberQuery(area_code="646", limit=1))[0]
        carrier.purchase_number("acme", offer.number)
        text = carrier.inject_inbound_text(
            "acme", PhoneNumber.parse(ALICE), offer.number, "Hi", webhook_url=MESSAGES_URL
        )
        [request] = carrier.collect_webhooks(subject_sid=text.sid)
        before = snapshot(acme, carrier)
        with pytest.raises(LineNotFoundError, match=re.escape(offer.number.e164)):
            acme.webhooks.handle(WebhookKind.MESSAGES, request)
        assert before == snapshot(acme, carrier)


class TestInboundText(Texting):
    """A text to a line is stored once, on the line's thread, with its candidate if known."""

    def test_stored_once(
        self, acme: AccountAdmin, carrier: SandboxCarrier, activity: ActivityLog, line: str
    ) -> None:
        """The same webhook delivered twice stores and records one message."""
        request = inbound(carrier, ALICE, line, "Yes I can")
        first = acme.webhooks.handle(WebhookKind.MESSAGES, request)
        acme.webhooks.handle(WebhookKind.MESSAGES, request)
        [message] = acme.messages.thread("ann", line, ALICE)
        assert 204 == first.status
        assert (Direction.INBOUND, DeliveryStatus.RECEIVED, "Yes I can", None) == (
            message.direction,
            message.status,
            message.body,
            message.user_id,
        )
        assert (ALICE, line) == (str(message.sender), str(message.recipient))
        [recorded] = activity.activities
        assert (message, None) == (recorded.message, recorded.user)

    def test_candidate_of_the_last_text_from_the_line(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A reply belongs to the candidate the line last texted at that number."""
        acme.messages.send("ann", candidate_id="cand-old", to=ALICE, body="First")
        acme.messages.send("ann", candidate_id="cand-new", to=ALICE, body="Second")
        acme.webhooks.handle(WebhookKind.MESSAGES, inbound(carrier, ALICE, line, "Sure"))
        acme.webhooks.handle(WebhookKind.MESSAGES, inbound(carrier, BRUNO, line, "Who is this?"))
        assert "cand-new" == acme.messages.thread("ann", line, ALICE)[-1].candidate_id
        assert None is acme.messages.thread("ann", line, BRUNO)[-1].candidate_id

    def test_another_line_does_not_know_the_candidate(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A reply to a line that never texted the number has no candidate."""
        other = buy_line(acme, "bob").e164
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Hi")
        acme.webhooks.handle(WebhookKind.MESSAGES, inbound(carrier, ALICE, other, "Hello?"))
        [reply] = acme.messages.thread("ann", other, ALICE)
        assert reply.candidate_id is None


class TestStatusCallbacks(Texting):
    """Delivery reports move a message forward only, whatever order they arrive in."""

    def test_out_of_order_and_duplicates(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """Delivered, then a late sent and the delivered again: it stays delivered."""
        message = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi").message
        carrier.advance(timedelta(seconds=5))
        sent, delivered = carrier.collect_webhooks(subject_sid=message.provider_message_id)
        acme.webhooks.handle(WebhookKind.STATUS, delivered)
        settled = acme.messages.get("ann", message.id)
        acme.webhooks.handle(WebhookKind.STATUS, sent)
        acme.webhooks.handle(WebhookKind.STATUS, delivered)
        assert DeliveryStatus.DELIVERED == settled.status
        assert settled == acme.messages.get("ann", message.id)

    def test_a_report_is_applied_in_one_transaction_without_reading_its_text(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        line: str,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """No transaction for lines a status report does not name, and no read of the text.

        Each transaction is a turn at SQLite's one writer and a pooled connection on
        PostgreSQL, what the webhook app's tail is made of (benchmarks/webhook_throughput.py).
        No plugin here hears of status changes, so the report is one UPDATE; with one that
        does, the text is read locked once (tests/test_webhook_receivers.py).
        """
        message = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi").message
        carrier.advance(timedelta(seconds=5))
        sent, _ = carrier.collect_webhooks(subject_sid=message.provider_message_id)
        opened: list[str] = []
        real_transaction = Database.transaction
        reads: list[str] = []
        real_get, real_lock = message_store.get_message, message_store.lock_message

        def counted(database: Database) -> Any:
            opened.append("transaction")
            return real_transaction(database)

        def get_message(*args: Any, **kwargs: Any) -> Any:
            reads.append("get")
            return real_get(*args, **kwargs)

        def lock_message(*args: Any, **kwargs: Any) -> Any:
            reads.append("lock")
            return real_lock(*args, **kwargs)

        monkeypatch.setattr(Database, "transaction", counted)
        monkeypatch.setattr(message_store, "get_message", get_message)
        monkeypatch.setattr(message_store, "lock_message", lock_message)
        acme.webhooks.handle(WebhookKind.STATUS, sent)
        monkeypatch.undo()
        assert ["transaction"] == opened
        assert [] == reads
        assert DeliveryStatus.SENT == acme.messages.get("ann", message.id).status

    def test_error_code_recorded(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """An undelivered report keeps the carrier's code and words, and the adapter's reason."""
        carrier.mark_recipient(PhoneNumber.parse(ALICE), "30003")
        message = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi").message
        carrier.advance(timedelta(seconds=5))
        for request in carrier.collect_webhooks(subject_sid=message.provider_message_id):
            acme.webhooks.handle(WebhookKind.STATUS, request)
        failed = acme.messages.get("ann", message.id)
        assert (
            DeliveryStatus.UNDELIVERED,
            "30003",
            "Unreachable destination handset",
            FailureReason.UNREACHABLE,
        ) == (failed.status, failed.error_code, failed.error_message, failed.failure_reason)

    def test_matched_by_carrier_id(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A report without the SDK's id is matched by the carrier's."""
        message = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi").message
        assert message.provider_message_id is not None
        request = SandboxDriver(carrier).status_webhook(
            acme.account,
            OutboundMessage(
                message_id="not-ours",
                sender=message.sender,
                recipient=message.recipient,
                body=message.body,
                status_callback_url=STATUS_URL,
            ),
            SendReceipt(
                provider_message_id=message.provider_message_id,
                status=DeliveryStatus.QUEUED,
                raw_status="queued",
            ),
            DeliveryStatus.SENT,
        )
        acme.webhooks.handle(WebhookKind.STATUS, request)
        assert DeliveryStatus.SENT == acme.messages.get("ann", message.id).status

    def test_unknown_message_acknowledged(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A report about a text the SDK never sent changes nothing and is acknowledged."""
        request = SandboxDriver(carrier).status_webhook(
            acme.account,
            OutboundMessage(
                message_id="elsewhere",
                sender=PhoneNumber.parse(line),
                recipient=PhoneNumber.parse(ALICE),
                body="Hi",
                status_callback_url=STATUS_URL,
            ),
            SendReceipt(
                provider_message_id="SMunknown", status=DeliveryStatus.QUEUED, raw_status="queued"
            ),
            DeliveryStatus.DELIVERED,
        )
        before = snapshot(acme, carrier)
        assert 204 == acme.webhooks.handle(WebhookKind.STATUS, request).status
        assert before == snapshot(acme, carrier)


class TestCalls(Texting):
    """A call to a line is forwarded to the line's forwarding number, or declined."""

    def call(self, carrier: SandboxCarrier, line: str) -> WebhookRequest:
        placed = carrier.inject_inbound_call(
            "acme", PhoneNumber.parse(ALICE), PhoneNumber.parse(line)
        )
        [request] = carrier.collect_webhooks(subject_sid=placed.sid)
        return request

    def test_forwarded(self, acme: AccountAdmin, carrier: SandboxCarrier, line: str) -> None:
        """The adapter's answer forwards the call."""
        acme.numbers.set_forwarding("ann", line, "(646) 555-0142")
        answer = acme.webhooks.handle(WebhookKind.CALLS, self.call(carrier, line))
        assert {"action": "forward", "to": "+16465550142"} == json.loads(answer.body)

    def test_declined_without_forwarding(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A line that forwards nowhere declines the call politely."""
        answer = acme.webhooks.handle(WebhookKind.CALLS, self.call(carrier, line))
        assert "decline" == json.loads(answer.body)["action"]


class TestUnstorableCharacters(Texting):
    """A text with characters no database stores is kept, those characters replaced."""

    def test_nul_replaced(self, acme: AccountAdmin, carrier: SandboxCarrier, line: str) -> None:
        """A NUL (PostgreSQL stores none) becomes U+FFFD; the rest of the text is as sent."""
        reply(acme, carrier, ALICE, line, "on my way\x00 soon")
        [message] = acme.messages.thread("ann", line, ALICE)
        assert "on my way\ufffd soon" == message.body

    def test_lone_surrogate_replaced(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A signed report whose JSON escapes a lone surrogate is stored, not a server error."""
        request = inbound(carrier, ALICE, line, "on my way")
        report = json.loads(request.body)
        report["body"] = "on my way \ud83d"
        signed = carrier.signed_request(request.url, json.dumps(report).encode())
        acme.webhooks.handle(WebhookKind.MESSAGES, signed)
        [message] = acme.messages.thread("ann", line, ALICE)
        assert "on my way \ufffd" == message.body
