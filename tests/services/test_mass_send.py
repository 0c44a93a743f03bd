from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest

from sms_core import (
    AccountAdmin,
    DeliveryStatus,
    FailureReason,
    OutboundMessage,
    PhoneNumber,
    ProviderCapabilities,
    ProviderInfo,
    Recipient,
    RecipientOutcome,
    RecipientStatus,
    SendReceipt,
    SmsAdmin,
    hookimpl,
)
from sms_core.domain import Account
from sms_core.exceptions import (
    CandidateOptedOutError,
    IdempotencyKeyError,
    MessageBodyError,
    TooManyRecipientsError,
    UserWithoutLineError,
)
from sms_core.services.mass_send import LOST_ANSWER
from sms_core.services.sending import SendPipeline, TextRequest
from sms_fake import FakeAdapter, SandboxCarrier
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    CARLA,
    DEV,
    Texting,
    buy_line,
    outbound_at_carrier,
    snapshot,
)

#: A number in Honolulu, where 15:00 UTC is 05:00: in quiet hours at the tests' start.
HONOLULU = "+18085550100"


@pytest.fixture
def line(acme: AccountAdmin) -> str:
    """Ann's registered line."""
    return buy_line(acme, "ann").e164


def numbers(count: int) -> list[Recipient]:
    """``count`` distinct New York candidates."""
    return [Recipient(candidate_id=f"c{i}", number=f"+1212555{1000 + i}") for i in range(count)]


class TestMixedRecipients(Texting):
    """Each recipient is checked on its own; the others are sent."""

    @pytest.fixture
    def host(self) -> str:
        return "hcm_widget"

    def test_outcomes_in_order_with_reasons(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """Invalid, repeated, opted-out and quiet-hours recipients are refused with reasons."""
        acme.optouts.record(CARLA, source="host", keyword=None, at=datetime(2026, 1, 5, tzinfo=UTC))
        recipients = [
            Recipient(candidate_id="alice", number=ALICE),
            Recipient(candidate_id="bad", number="555-0199"),
            Recipient(candidate_id="carla", number=CARLA),
            Recipient(candidate_id="kai", number=HONOLULU),
            Recipient(candidate_id="bruno", number=BRUNO),
            Recipient(candidate_id="alice-again", number="(212) 555-0101"),
        ]
        reported: list[RecipientOutcome] = []

        result = acme.messages.send_mass(
            "ann", recipients, "Shift tomorrow?", progress=reported.append
        )

        assert recipients == [outcome.recipient for outcome in result.outcomes]
        assert [
            RecipientStatus.SENT,
            RecipientStatus.REFUSED,
            RecipientStatus.REFUSED,
            RecipientStatus.REFUSED,
            RecipientStatus.SENT,
            RecipientStatus.REFUSED,
        ] == [outcome.status for outcome in result.outcomes]
        reasons = [outcome.reason or "" for outcome in result.outcomes]
        assert "not a valid phone number" in reasons[1]
        assert "cannot be texted from any line" in reasons[2]
        assert "quiet hours" in reasons[3]
        assert "Pacific/Honolulu" in reasons[3]
        assert "is also recipient 1" in reasons[5]
        assert (2, 4, 0) == (result.sent, result.refused, result.failed)
        assert sorted(map(id, result.outcomes)) == sorted(map(id, reported))
        sent = outbound_at_carrier(carrier)
        assert {ALICE, BRUNO} == {str(message.recipient) for message in sent}
        assert {"alice", "bruno"} == {
            outcome.message.candidate_id for outcome in result.outcomes if outcome.message
        }

    def test_own_line_refused_others_sent(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """The line's own number among the recipients is refused; the others are texted."""
        result = acme.messages.send_mass(
            "ann",
            [Recipient(candidate_id=None, number=n) for n in (line, ALICE)],
            "Hi",
        )
        assert [RecipientStatus.REFUSED, RecipientStatus.SENT] == [
            outcome.status for outcome in result.outcomes
        ]
        assert "the number you text from" in (result.outcomes[0].reason or "")
        assert 1 == len(outbound_at_carrier(carrier))

    def test_carrier_refusal_fails_one_recipient(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A recipient the carrier refuses fails with its code; the others are sent."""
        carrier.opt_out("acme", PhoneNumber.parse(line), PhoneNumber.parse(BRUNO))
        result = acme.messages.send_mass(
            "ann",
            [
                Recipient(candidate_id=None, number=ALICE),
                Recipient(candidate_id=None, number=BRUNO),
            ],
            "Hi",
        )
        sent, failed = result.outcomes
        assert RecipientStatus.SENT == sent.status
        assert RecipientStatus.FAILED == failed.status
        assert failed.message is not None
        assert ("21610", FailureReason.OPTED_OUT) == (
            failed.message.error_code,
            failed.message.failure_reason,
        )
        assert (failed.reason or "").startswith("opted out: fake error 21610: ")
        assert acme.optouts.is_opted_out(BRUNO)

    def test_lost_answer_is_sent_and_reconcilable(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A recipient whose answer was lost counts as sent, and says it will be reconciled."""
        carrier.time_out_next_send("acme")
        [outcome] = acme.messages.send_mass(
            "ann", [Recipient(candidate_id=None, number=ALICE)], "Hi"
        ).outcomes
        assert (RecipientStatus.SENT, LOST_ANSWER) == (outcome.status, outcome.reason)
        assert outcome.message is not None
        assert DeliveryStatus.UNKNOWN == outcome.message.status


class TestRefusedWhole(Texting):
    """A mass text that breaks a rule of the whole is refused before anything is sent."""

    @pytest.fixture
    def host(self) -> str:
        return "hcm_widget"

    def test_cap_plus_one(self, acme: AccountAdmin, carrier: SandboxCarrier, line: str) -> None:
        """The HCM widget's cap is 50: 50 go, 51 are refused whole."""
        before = snapshot(acme, carrier)
        with pytest.raises(TooManyRecipientsError, match="at most 50 candidates and 51") as caught:
            acme.messages.send_mass("ann", numbers(51), "Hi")
        assert (51, 50) == (caught.value.count, caught.value.cap)
        assert before == snapshot(acme, carrier)
        assert 50 == acme.messages.send_mass("ann", numbers(50), "Hi").sent

    def test_no_recipients(self, acme: AccountAdmin, carrier: SandboxCarrier, line: str) -> None:
        """A mass text to nobody is refused."""
        with pytest.raises(TooManyRecipientsError, match="at least one recipient"):
            acme.messages.send_mass("ann", [], "Hi")

    def test_body_and_sender_checked_once(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """An over-long body, or a sender on no line, refuses the whole text."""
        before = snapshot(acme, carrier)
        with pytest.raises(MessageBodyError):
            acme.messages.send_mass("ann", numbers(2), "x" * 161)
        with pytest.raises(UserWithoutLineError):
            acme.messages.send_mass("bob", numbers(2), "Hi")
        assert before == snapshot(acme, carrier)

    def test_check_mass_refuses_the_same_and_sends_nothing(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """``check_mass`` refuses what ``send_mass`` refuses whole, and stores nothing."""
        before = snapshot(acme, carrier)
        with pytest.raises(TooManyRecipientsError, match="at most 50 candidates and 51"):
            acme.messages.check_mass("ann", numbers(51), "Hi")
        with pytest.raises(TooManyRecipientsError, match="at least one recipient"):
            acme.messages.check_mass("ann", [], "Hi")
        with pytest.raises(MessageBodyError):
            acme.messages.check_mass("ann", numbers(2), "x" * 161)
        with pytest.raises(UserWithoutLineError):
            acme.messages.check_mass("bob", numbers(2), "Hi")
        with pytest.raises(IdempotencyKeyError):
            acme.messages.check_mass("ann", numbers(2), "Hi", idempotency_key=" ")
        acme.messages.check_mass("ann", numbers(50), "Hi", idempotency_key="k-1")
        assert before == snapshot(acme, carrier)


class TestIdempotentRetry(Texting):
    """A retried mass text reaches only the recipients the first call did not."""

    def test_retry_sends_only_to_the_rest(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """Sent recipients come back as duplicates; a recipient refused before is tried again."""
        acme.optouts.record(BRUNO, source="host", keyword=None, at=datetime(2026, 1, 5, tzinfo=UTC))
        recipients = [Recipient(candidate_id=None, number=n) for n in (ALICE, BRUNO, CARLA)]
        first = acme.messages.send_mass("ann", recipients, "Hi", idempotency_key="batch-7")
        acme.optouts.lift("admin", BRUNO, reason="asked for texts again at the front desk")
        again = acme.messages.send_mass("ann", recipients, "Hi", idempotency_key="batch-7")
        assert [RecipientStatus.SENT, RecipientStatus.REFUSED, RecipientStatus.SENT] == [
            outcome.status for outcome in first.outcomes
        ]
        assert [True, False, True] == [outcome.duplicate for outcome in again.outcomes]
        assert 3 == again.sent
        assert first.outcomes[0].message == again.outcomes[0].message
        assert 3 == len(outbound_at_carrier(carrier))


class GatedAdapter(FakeAdapter):
    """The sandbox adapter declaring two concurrent sends, each waiting for a partner.

    A send returns only once another send is in flight with it, so the sends of a mass text
    must run two at a time; the adapter notes the most sends it ever saw in flight at once.
    """

    LIMIT = 2

    def __init__(self, carrier: SandboxCarrier) -> None:
        super().__init__(carrier=carrier)
        self._pair = threading.Barrier(self.LIMIT, timeout=30)
        self._lock = threading.Lock()
        self._in_flight = 0
        self.most_in_flight = 0

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        """The sandbox's description with a limit of two sends at once."""
        info = super().sms_provider_info()
        capabilities = ProviderCapabilities(
            max_concurrent_sends=self.LIMIT,
            max_body_characters=info.capabilities.max_body_characters,
            countries=info.capabilities.countries,
            number_types=info.capabilities.number_types,
        )
        return ProviderInfo(name=info.name, description=info.description, capabilities=capabilities)

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt | None:
        """Send once a partner send is in flight too."""
        with self._lock:
            self._in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self._in_flight)
        try:
            self._pair.wait()
            return super().sms_send_message(account, message)
        finally:
            with self._lock:
                self._in_flight -= 1


class TestConcurrency(Texting):
    """Sends run concurrently, never more at once than the adapter allows."""

    @pytest.fixture
    def adapter(self, carrier: SandboxCarrier) -> FakeAdapter:
        return GatedAdapter(carrier)

    def test_bounded_by_the_adapter(
        self, acme: AccountAdmin, carrier: SandboxCarrier, adapter: GatedAdapter, line: str
    ) -> None:
        """Six texts go out two at a time (a sequential send would never pass the gate)."""
        result = acme.messages.send_mass("ann", numbers(6), "Hi")
        assert 6 == result.sent
        assert GatedAdapter.LIMIT == adapter.most_in_flight
        assert 6 == len(outbound_at_carrier(carrier))


class ThreadNotingAdapter(FakeAdapter):
    """The sandbox adapter at two sends at once, noting the threads its sends ran on."""

    LIMIT = 2

    def __init__(self, carrier: SandboxCarrier) -> None:
        super().__init__(carrier=carrier)
        self.threads: set[threading.Thread] = set()  # held, so no id is reused

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        """The sandbox's description with a limit of two sends at once."""
        info = super().sms_provider_info()
        capabilities = ProviderCapabilities(
            max_concurrent_sends=self.LIMIT,
            max_body_characters=info.capabilities.max_body_characters,
            countries=info.capabilities.countries,
            number_types=info.capabilities.number_types,
        )
        return ProviderInfo(name=info.name, description=info.description, capabilities=capabilities)

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt | None:
        """Note the thread, then send."""
        self.threads.add(threading.current_thread())
        return super().sms_send_message(account, message)


class TestCarrierThreadsKept(Texting):
    """The threads that wait on the carrier are kept for the next mass text, not restarted."""

    @pytest.fixture
    def adapter(self, carrier: SandboxCarrier) -> FakeAdapter:
        return ThreadNotingAdapter(carrier)

    def test_later_mass_texts_reuse_the_threads(
        self, acme: AccountAdmin, adapter: ThreadNotingAdapter, line: str
    ) -> None:
        """Three mass texts at two calls at once run on (about) two threads, not six.

        Starting and joining a thread per call slot for every mass text cost more CPU per
        text than storing it. One spare thread is allowed: a lane may be handed a call while
        the thread that ran the last one is not yet back among the idle ones.
        """
        for batch in range(3):
            assert 4 == acme.messages.send_mass("ann", numbers(4), f"Shift {batch}").sent
        assert len(adapter.threads) <= ThreadNotingAdapter.LIMIT + 1

    def test_closing_the_sdk_stops_them(
        self, admin: SmsAdmin, acme: AccountAdmin, adapter: ThreadNotingAdapter, line: str
    ) -> None:
        """After ``close()`` no thread a mass text ran on is left running."""
        assert 4 == acme.messages.send_mass("ann", numbers(4), "Hi").sent
        admin.close()
        for thread in adapter.threads:
            thread.join(timeout=10)
        assert [] == [thread.name for thread in adapter.threads if thread.is_alive()]


class HeldAdapter(FakeAdapter):
    """The sandbox adapter, whose call for Alice waits until it is let go (at most 30 s)."""

    def __init__(self, carrier: SandboxCarrier) -> None:
        super().__init__(carrier=carrier)
        self.let_go = threading.Event()
        self.let_go_in_time = False

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt | None:
        """Hold Alice's text until let go; send the others at once."""
        if message.recipient.e164 == ALICE:
            self.let_go_in_time = self.let_go.wait(timeout=30)
        return super().sms_send_message(account, message)


class TestAnswersStoredWhileOthersWait(Texting):
    """Answers are stored a wave at a time, but none waits for a slow carrier call."""

    @pytest.fixture
    def adapter(self, carrier: SandboxCarrier) -> FakeAdapter:
        return HeldAdapter(carrier)

    def test_progress_hears_the_answered_while_one_call_waits(
        self, acme: AccountAdmin, carrier: SandboxCarrier, adapter: HeldAdapter, line: str
    ) -> None:
        """Bruno's and Carla's texts are stored and reported while Alice's call is held."""
        heard: list[RecipientOutcome] = []

        def progress(outcome: RecipientOutcome) -> None:
            heard.append(outcome)
            if len(heard) == 2:
                adapter.let_go.set()  # only the stored answers of the other two get here

        recipients = [Recipient(candidate_id=None, number=n) for n in (ALICE, BRUNO, CARLA)]
        result = acme.messages.send_mass("ann", recipients, "Hi", progress=progress)

        assert adapter.let_go_in_time
        assert [BRUNO, CARLA] == sorted(outcome.recipient.number for outcome in heard[:2])
        assert 3 == result.sent
        assert 3 == len(outbound_at_carrier(carrier))


class ResettingAdapter(FakeAdapter):
    """The sandbox adapter, whose call for one number fails with an unexpected error."""

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt | None:
        """Fail for Alice as a broken connection would; send the others."""
        if message.recipient.e164 == ALICE:
            raise ConnectionResetError("socket reset by peer")
        return super().sms_send_message(account, message)


class TestNothingLeftUnsent(Texting):
    """Whatever goes wrong around one recipient, every stored text is settled."""

    @pytest.fixture
    def adapter(self, carrier: SandboxCarrier) -> FakeAdapter:
        return ResettingAdapter(carrier=carrier)

    def test_unexpected_carrier_error_leaves_one_unknown(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """Alice's text is UNKNOWN, to reconcile; Bruno's and Carla's are sent and stored."""
        recipients = [Recipient(candidate_id=None, number=n) for n in (ALICE, BRUNO, CARLA)]
        result = acme.messages.send_mass("ann", recipients, "Hi")
        assert [LOST_ANSWER, None, None] == [outcome.reason for outcome in result.outcomes]
        statuses = [outcome.message.status for outcome in result.outcomes if outcome.message]
        assert [DeliveryStatus.UNKNOWN, DeliveryStatus.QUEUED, DeliveryStatus.QUEUED] == statuses
        assert 2 == len(outbound_at_carrier(carrier))

    def test_failing_progress_callback_stops_nothing(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        line: str,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """A callback that raises is logged and dropped; every text is still sent and stored."""
        calls: list[RecipientOutcome] = []

        def failing(outcome: RecipientOutcome) -> None:
            calls.append(outcome)
            raise RuntimeError("the progress bar broke")

        recipients = [Recipient(candidate_id=None, number=n) for n in (BRUNO, CARLA, DEV)]
        result = acme.messages.send_mass("ann", recipients, "Hi", progress=failing)
        assert 1 == len(calls)
        assert 3 == result.sent
        assert {DeliveryStatus.QUEUED} == {
            outcome.message.status for outcome in result.outcomes if outcome.message
        }
        assert 3 == len(outbound_at_carrier(carrier))
        assert "progress callback failed" in caplog.text


class TestKeyUsedForAnotherText(Texting):
    """A key an earlier mass text used refuses a different one whole."""

    def test_other_body_sends_nothing(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """Same key, other body, one more recipient: refused, nobody is texted."""
        first = [Recipient(candidate_id=None, number=n) for n in (ALICE, BRUNO)]
        acme.messages.send_mass("ann", first, "Hi", idempotency_key="batch-9")
        before = snapshot(acme, carrier)
        more = [*first, Recipient(candidate_id=None, number=CARLA)]
        with pytest.raises(IdempotencyKeyError, match=r"'batch-9'.*nothing was sent"):
            acme.messages.send_mass("ann", more, "Another text", idempotency_key="batch-9")
        assert before == snapshot(acme, carrier)


class TestBodyPerRecipient(Texting):
    """``SendPipeline.send_many`` takes a body per recipient and checks each one itself."""

    @staticmethod
    def pipeline(acme: AccountAdmin) -> SendPipeline:
        """A pipeline over the account's context, as ``AccountAdmin.build`` wires one."""
        return SendPipeline(acme.messages._context)

    def test_each_recipient_gets_its_body_and_checks(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """Bodies differ per recipient; an opted-out one is refused in the pipeline itself."""
        acme.optouts.record(CARLA, source="host", keyword=None, at=datetime(2026, 1, 5, tzinfo=UTC))
        pipeline = self.pipeline(acme)
        sending = pipeline.sending_line("ann", recipients=3)
        requests = [
            TextRequest(recipient=Recipient(candidate_id="a", number=ALICE), body="Hi Alice"),
            TextRequest(recipient=Recipient(candidate_id="c", number=CARLA), body="Hi Carla"),
            TextRequest(recipient=Recipient(candidate_id="b", number=BRUNO), body="Hi Bruno"),
        ]
        results: dict[int, object] = {}
        pipeline.send_many(sending, requests, results.__setitem__)
        assert isinstance(results[1], CandidateOptedOutError)
        assert {ALICE: "Hi Alice", BRUNO: "Hi Bruno"} == {
            str(message.recipient): message.body for message in outbound_at_carrier(carrier)
        }

    def test_one_body_too_long_refuses_all(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """The third body is over the limit: the error names it, nothing is stored or sent."""
        pipeline = self.pipeline(acme)
        sending = pipeline.sending_line("ann", recipients=3)
        too_long = "x" * (sending.max_body_characters + 1)
        requests = [
            TextRequest(recipient=Recipient(candidate_id=None, number=number), body=body)
            for number, body in ((ALICE, "Hi"), (BRUNO, "Hi"), (CARLA, too_long))
        ]
        before = snapshot(acme, carrier)
        with pytest.raises(
            MessageBodyError, match=re.escape(f"recipient 3 ({CARLA}), 1601 characters")
        ) as raised:
            pipeline.send_many(sending, requests, lambda index, result: None)
        assert (CARLA, len(too_long)) == (raised.value.recipient, raised.value.length)
        assert before == snapshot(acme, carrier)
