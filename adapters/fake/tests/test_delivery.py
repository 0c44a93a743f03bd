import re
from datetime import timedelta

import pytest

from sms_core import (
    Direction,
    InvalidRecipientError,
    NumberQuery,
    PhoneNumber,
    ProviderError,
    ProviderNotFoundError,
    ProviderTimeoutError,
    RecipientOptedOutError,
    UnregisteredSenderError,
)
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import CarrierNumber, MessageStatus, SandboxCarrier
from sms_fake.testing import register_sender

_TEXT = "Hi Sam, this is Dana from Northwind Staffing. Are you free Tuesday? Reply STOP to opt out."


def _send(
    carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber, message_id: str = "m-1"
) -> str:
    return carrier.send_message(
        sender.account_id,
        sender=sender.number,
        recipient=recipient,
        body=_TEXT,
        message_id=message_id,
    ).sid


class TestRefusals:
    """Sends the carrier refuses, each with its typed error and code."""

    def test_number_outside_a_messaging_service(
        self, carrier: SandboxCarrier, account_id: str, recipient: PhoneNumber
    ) -> None:
        """A bought but unattached number raises UnregisteredSenderError 30034."""
        offer = carrier.search_numbers(NumberQuery(area_code="415", limit=1))[0]
        carrier.purchase_number(account_id, offer.number)
        with pytest.raises(UnregisteredSenderError) as caught:
            carrier.send_message(account_id, sender=offer.number, recipient=recipient, body="Hi")
        assert ("30034", "fake") == (caught.value.code, caught.value.provider)

    def test_number_in_a_pending_service(
        self, carrier: SandboxCarrier, account_id: str, recipient: PhoneNumber
    ) -> None:
        """A number in a service still being set up can send only once the service is active."""
        brand = carrier.submit_brand(account_id, sample_brand())
        carrier.complete_review(account_id, brand.sid)
        campaign = carrier.submit_campaign(account_id, brand.sid, sample_campaign())
        carrier.complete_review(account_id, campaign.sid)
        service = carrier.submit_messaging_service(account_id, campaign.sid)
        offer = carrier.search_numbers(NumberQuery(area_code="415", limit=1))[0]
        number = carrier.attach_number(
            account_id, service.sid, carrier.purchase_number(account_id, offer.number).sid
        )
        with pytest.raises(UnregisteredSenderError, match="30034"):
            _send(carrier, number, recipient)
        carrier.complete_review(account_id, service.sid)
        assert (
            MessageStatus.QUEUED
            == carrier.message(account_id, _send(carrier, number, recipient)).status
        )

    def test_number_the_account_does_not_own(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """Sending from another account's number raises UnregisteredSenderError 21606."""
        with pytest.raises(UnregisteredSenderError) as caught:
            carrier.send_message("intruder", sender=sender.number, recipient=recipient, body="Hi")
        assert "21606" == caught.value.code

    def test_invalid_recipient(self, carrier: SandboxCarrier, sender: CarrierNumber) -> None:
        """A number in E.164 shape that no network routes raises InvalidRecipientError 21211."""
        with pytest.raises(InvalidRecipientError) as caught:
            _send(carrier, sender, PhoneNumber(e164="+15555550123"))
        assert "21211" == caught.value.code

    @pytest.mark.parametrize(("body", "code"), [("", "21602"), ("x" * 1601, "21617")])
    def test_body_out_of_bounds(
        self,
        carrier: SandboxCarrier,
        sender: CarrierNumber,
        recipient: PhoneNumber,
        body: str,
        code: str,
    ) -> None:
        """An empty body or one over 1,600 characters is refused."""
        with pytest.raises(ProviderError) as caught:
            carrier.send_message(
                sender.account_id, sender=sender.number, recipient=recipient, body=body
            )
        assert code == caught.value.code

    def test_refused_send_leaves_no_trace(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """Nothing is stored and nothing reported when a send is refused."""
        carrier.opt_out(sender.account_id, sender.number, recipient)
        with pytest.raises(RecipientOptedOutError):
            _send(carrier, sender, recipient)
        carrier.advance(timedelta(minutes=1))
        assert [] == carrier.messages(sender.account_id)
        assert [] == carrier.collect_webhooks()


class TestStatusSequence:
    """Accepted texts move on with carrier time."""

    def test_delivered_after_three_seconds(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """Queued at once, sent after one second, delivered after three."""
        sent = carrier.send_message(
            sender.account_id, sender=sender.number, recipient=recipient, body=_TEXT
        )
        assert re.fullmatch(r"SM[0-9a-f]{32}", sent.sid)
        seen = [sent.status]
        for _ in range(3):
            carrier.advance(timedelta(seconds=1))
            seen.append(carrier.message(sender.account_id, sent.sid).status)
        assert ["queued", "sent", "sent", "delivered"] == seen

    @pytest.mark.parametrize("code", ["30003", "30005", "30006", "30007"])
    def test_marked_recipient_goes_undelivered(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber, code: str
    ) -> None:
        """A text to a marked recipient is sent, then undelivered with the mark's code."""
        carrier.mark_recipient(recipient, code)
        sid = _send(carrier, sender, recipient)
        carrier.advance(timedelta(seconds=1))
        assert MessageStatus.SENT == carrier.message(sender.account_id, sid).status
        carrier.advance(timedelta(seconds=2))
        final = carrier.message(sender.account_id, sid)
        assert (MessageStatus.UNDELIVERED, code) == (final.status, final.error_code)
        assert final.error_message

    def test_queue_overflow_fails_without_being_sent(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """Code 30001 fails the text straight from queued."""
        carrier.mark_recipient(recipient, "30001")
        sid = _send(carrier, sender, recipient)
        carrier.advance(timedelta(seconds=1))
        failed = carrier.message(sender.account_id, sid)
        assert (MessageStatus.FAILED, "30001", "Queue overflow") == (
            failed.status,
            failed.error_code,
            failed.error_message,
        )

    def test_error_code_shows_only_once_final(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """While the text is on its way, it carries no error code."""
        carrier.mark_recipient(recipient, "30003")
        sid = _send(carrier, sender, recipient)
        assert carrier.message(sender.account_id, sid).error_code is None

    def test_mark_applies_to_texts_sent_after_it(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """Marking or clearing a recipient changes later texts, not earlier ones."""
        before = _send(carrier, sender, recipient, "m-1")
        carrier.mark_recipient(recipient, "30006")
        marked = _send(carrier, sender, recipient, "m-2")
        carrier.mark_recipient(recipient, None)
        after = _send(carrier, sender, recipient, "m-3")
        carrier.advance(timedelta(seconds=3))
        statuses = [
            carrier.message(sender.account_id, sid).status for sid in (before, marked, after)
        ]
        assert ["delivered", "undelivered", "delivered"] == statuses

    def test_segments_are_counted(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """A 200-character GSM text takes two segments; an emoji forces UCS-2."""
        long = carrier.send_message(
            sender.account_id, sender=sender.number, recipient=recipient, body="a" * 200
        )
        emoji = carrier.send_message(
            sender.account_id, sender=sender.number, recipient=recipient, body="👍" * 40
        )
        assert (2, 2) == (long.segments, emoji.segments)


class TestReconciliation:
    """Finding a text whose send answer was lost."""

    def test_find_by_sdk_message_id(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """The SDK's id finds the text and its carrier id."""
        sid = _send(carrier, sender, recipient, "msg-42")
        carrier.advance(timedelta(seconds=5))
        found = carrier.find_message(sender.account_id, "msg-42")
        assert (sid, MessageStatus.DELIVERED, "msg-42") == (
            found.sid,
            found.status,
            found.message_id,
        )

    def test_unknown_ids_are_not_found(
        self, carrier: SandboxCarrier, sender: CarrierNumber
    ) -> None:
        """Neither an unknown SDK id nor an unknown carrier id is found."""
        with pytest.raises(ProviderNotFoundError):
            carrier.find_message(sender.account_id, "never-sent")
        with pytest.raises(ProviderNotFoundError):
            carrier.message(sender.account_id, "SM" + "0" * 32)

    def test_lost_answer_of_a_text_that_arrived(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """The send times out, yet the text is delivered and found by its id."""
        carrier.time_out_next_send(sender.account_id)
        with pytest.raises(ProviderTimeoutError):
            _send(carrier, sender, recipient, "msg-lost")
        carrier.advance(timedelta(seconds=3))
        assert MessageStatus.DELIVERED == carrier.find_message(sender.account_id, "msg-lost").status

    def test_lost_text(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """A text that never arrived times out and cannot be found; the next one goes."""
        carrier.time_out_next_send(sender.account_id, reaches_carrier=False)
        with pytest.raises(ProviderTimeoutError):
            _send(carrier, sender, recipient, "msg-lost")
        with pytest.raises(ProviderNotFoundError):
            carrier.find_message(sender.account_id, "msg-lost")
        _send(carrier, sender, recipient, "msg-next")
        assert ["msg-next"] == [sent.message_id for sent in carrier.messages(sender.account_id)]


class TestCarrierOptOut:
    """STOP-type replies block the sender at the carrier; START-type replies lift it."""

    @pytest.mark.parametrize(
        "keyword",
        [
            "STOP",
            "stop",
            " Stop ",
            "STOPALL",
            "UNSUBSCRIBE",
            "CANCEL",
            "END",
            "QUIT",
            "REVOKE",
            "OPTOUT",
        ],
    )
    def test_stop_keywords_opt_out(
        self,
        carrier: SandboxCarrier,
        sender: CarrierNumber,
        recipient: PhoneNumber,
        keyword: str,
    ) -> None:
        """After a STOP-type reply, sends raise RecipientOptedOutError 21610."""
        carrier.inject_inbound_text(sender.account_id, recipient, sender.number, keyword)
        assert carrier.is_opted_out(sender.account_id, sender.number, recipient)
        with pytest.raises(RecipientOptedOutError) as caught:
            _send(carrier, sender, recipient)
        assert "21610" == caught.value.code

    @pytest.mark.parametrize("keyword", ["START", "YES", "unstop"])
    def test_start_keywords_opt_back_in(
        self,
        carrier: SandboxCarrier,
        sender: CarrierNumber,
        recipient: PhoneNumber,
        keyword: str,
    ) -> None:
        """A START-type reply lets texts through again."""
        carrier.inject_inbound_text(sender.account_id, recipient, sender.number, "STOP")
        carrier.inject_inbound_text(sender.account_id, recipient, sender.number, keyword)
        assert not carrier.is_opted_out(sender.account_id, sender.number, recipient)
        _send(carrier, sender, recipient)

    @pytest.mark.parametrize("body", ["STOP PLEASE", "please stop", "Stopping by later"])
    def test_sentences_are_not_keywords(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber, body: str
    ) -> None:
        """Only a reply that is exactly one keyword counts, as with Twilio's default."""
        text = carrier.inject_inbound_text(sender.account_id, recipient, sender.number, body)
        assert text.keyword is None
        assert not carrier.is_opted_out(sender.account_id, sender.number, recipient)

    def test_opt_out_covers_the_messaging_service(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """A STOP to one number blocks every number of its messaging service."""
        sibling = register_sender(carrier, sender.account_id, service_sid=sender.service_sid)
        carrier.inject_inbound_text(sender.account_id, recipient, sender.number, "STOP")
        with pytest.raises(RecipientOptedOutError):
            _send(carrier, sibling, recipient)

    def test_opt_out_is_per_recipient(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """Other candidates can still be texted."""
        carrier.inject_inbound_text(sender.account_id, recipient, sender.number, "STOP")
        _send(carrier, sender, PhoneNumber.parse("+1 206 555 0199"))

    def test_inbound_text_is_kept(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """An inbound text is stored as received, with its keyword class."""
        text = carrier.inject_inbound_text(sender.account_id, recipient, sender.number, "HELP")
        assert (Direction.INBOUND, MessageStatus.RECEIVED, "HELP") == (
            text.direction,
            text.status,
            text.keyword,
        )
        assert [text] == carrier.messages(sender.account_id)

    def test_inbound_to_a_number_of_another_account_is_not_found(
        self, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """Only the account's own numbers receive its inbound texts."""
        with pytest.raises(ProviderNotFoundError):
            carrier.inject_inbound_text("intruder", recipient, sender.number, "Hello")
