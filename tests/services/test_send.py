from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from sms_core import (
    Account,
    AccountAdmin,
    DeliveryStatus,
    Direction,
    FailureReason,
    ManualClock,
    OptOutSource,
    OutboundMessage,
    PhoneNumber,
    SendReceipt,
    SendResult,
    SmsAdmin,
    StatusUpdate,
    hookimpl,
)
from sms_core.exceptions import (
    AmbiguousMessageError,
    IdempotencyKeyError,
    InvalidInputError,
    InvalidPhoneNumberError,
    MessageBodyError,
    MessageNotFoundError,
    PermissionDeniedError,
    ProviderError,
    ProviderNotFoundError,
    ProviderUnavailableError,
    RateLimitedError,
    RecipientOptedOutError,
    UnregisteredLineError,
    UserNotFoundError,
    UserWithoutLineError,
)
from sms_core.segments import Encoding
from sms_core.services.reconciliation import (
    AMBIGUOUS,
    LOOKUP_INTERVAL,
    NEVER_ARRIVED,
    NEVER_ARRIVED_MARGIN,
    NOT_LISTED_YET,
)
from sms_core.store import Database
from sms_fake import FakeAdapter, SandboxCarrier
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    CARLA,
    WEBHOOK_BASE,
    ActivityLog,
    Texting,
    buy_line,
    deliver_webhooks,
    outbound_at_carrier,
    seat_line,
    snapshot,
)


@pytest.fixture
def line(acme: AccountAdmin) -> str:
    """Ann's registered line."""
    return buy_line(acme, "ann").e164


class TestSend(Texting):
    """A text from the actor's line: stored, handed to the carrier, reported with segments."""

    def test_stored_and_handed_to_the_carrier(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """The message is queued with the carrier's id; the carrier got the SDK's id with it."""
        result = acme.messages.send("ann", candidate_id="cand-1", to="(212) 555-0101", body="Hi")
        message = result.message
        [sent] = outbound_at_carrier(carrier)
        assert DeliveryStatus.QUEUED == message.status
        assert sent.sid == message.provider_message_id
        assert message.id == sent.message_id
        assert (line, ALICE, "Hi") == (str(sent.sender), str(sent.recipient), sent.body)
        assert (Direction.OUTBOUND, "ann", "cand-1") == (
            message.direction,
            message.user_id,
            message.candidate_id,
        )
        assert not result.duplicate
        assert message == acme.messages.get("ann", message.id)

    def test_six_transactions_per_text(
        self, acme: AccountAdmin, line: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The actor, the actor with their line, opt-outs, store, mark, settle: no more.

        The actor and their line are read in one transaction (they took two), each one a turn
        at SQLite's one writer and a pooled connection on PostgreSQL.
        """
        opened: list[str] = []
        real_transaction = Database.transaction

        def counted(database: Database) -> Any:
            opened.append("transaction")
            return real_transaction(database)

        monkeypatch.setattr(Database, "transaction", counted)
        acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi")
        monkeypatch.undo()
        assert 6 == len(opened)

    def test_reports_encoding_and_segments(self, acme: AccountAdmin, line: str) -> None:
        """A body with an emoji is UCS-2; 71 units take two segments."""
        result = acme.messages.send("ann", candidate_id=None, to=ALICE, body="😀" + "a" * 69)
        assert (Encoding.UCS_2, 2, 71) == (
            result.segments.encoding,
            result.segments.segments,
            result.segments.units,
        )
        assert 2 == result.message.segments

    def test_delivery_reports_reach_the_status_url(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """The carrier reports to the account's status URL, and the message ends delivered."""
        message = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi").message
        carrier.advance(timedelta(seconds=5))
        requests = carrier.due_webhooks(subject_sid=message.provider_message_id)
        deliver_webhooks(acme, carrier)
        assert {f"{WEBHOOK_BASE}/acme/status"} == {request.url for request in requests}
        assert DeliveryStatus.DELIVERED == acme.messages.get("ann", message.id).status

    def test_activity_recorded_with_the_sender(
        self, acme: AccountAdmin, activity: ActivityLog, line: str
    ) -> None:
        """The host records the message on the candidate's activity, with who sent it."""
        message = acme.messages.send("ann", candidate_id="cand-1", to=ALICE, body="Hi").message
        [recorded] = activity.activities
        assert ("acme", "cand-1", message) == (
            recorded.account_id,
            recorded.candidate_id,
            recorded.message,
        )
        assert recorded.user is not None
        assert "ann" == recorded.user.id

    def test_unknown_message(self, acme: AccountAdmin) -> None:
        """A message id the account does not have is a typed error."""
        with pytest.raises(MessageNotFoundError, match="nope"):
            acme.messages.get("ann", "nope")


class TestRefusals(Texting):
    """Every refusal names its reason and leaves the database and the carrier untouched."""

    @pytest.mark.parametrize(
        ("to", "body", "error", "match"),
        [
            ("555-0101", "Hi", InvalidPhoneNumberError, "555-0101"),
            ("+1 212 555", "Hi", InvalidPhoneNumberError, "not a valid phone number"),
            (ALICE, "", MessageBodyError, "empty"),
            (ALICE, "  \n ", MessageBodyError, "empty"),
            (ALICE, "x" * 1601, MessageBodyError, "1601 characters and at most 1600"),
            (ALICE, "\u200b\ufeff", MessageBodyError, "no visible character"),
            (ALICE, "\x00", MessageBodyError, "no visible character"),
            (ALICE, "Shift\x00 tomorrow", MessageBodyError, "U\\+0000 at position 6"),
            (ALICE, "Hi \ud800", MessageBodyError, "U\\+D800 at position 4"),
            (PhoneNumber(e164="+11115550100"), "Hi", InvalidPhoneNumberError, "not a number in"),
        ],
    )
    def test_bad_input(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        line: str,
        to: str | PhoneNumber,
        body: str,
        error: type[Exception],
        match: str,
    ) -> None:
        """Invalid numbers, and empty, unprintable or over-long bodies, are refused."""
        before = snapshot(acme, carrier)
        with pytest.raises(error, match=match):
            acme.messages.send("ann", candidate_id=None, to=to, body=body)
        assert before == snapshot(acme, carrier)

    def test_own_line_refused(self, acme: AccountAdmin, carrier: SandboxCarrier, line: str) -> None:
        """Texting the line's own number is refused (carriers refuse To equal to From)."""
        before = snapshot(acme, carrier)
        with pytest.raises(InvalidInputError, match="the number you text from"):
            acme.messages.send("ann", candidate_id=None, to=line, body="Hi")
        assert before == snapshot(acme, carrier)

    def test_user_without_line(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """A user on no line has no number to text from."""
        before = snapshot(acme, carrier)
        with pytest.raises(UserWithoutLineError, match="'Ann Lee' \\(ann\\) is on no line"):
            acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi")
        assert before == snapshot(acme, carrier)

    def test_unknown_and_inactive_users(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """An unknown user, or one the host made inactive, cannot text."""
        acme.users.deactivate("ann")
        before = snapshot(acme, carrier)
        with pytest.raises(UserNotFoundError, match="'zed'"):
            acme.messages.send("zed", candidate_id=None, to=ALICE, body="Hi")
        with pytest.raises(PermissionDeniedError, match="inactive"):
            acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi")
        assert before == snapshot(acme, carrier)

    def test_unregistered_line(self, admin: SmsAdmin, carrier: SandboxCarrier) -> None:
        """A line of an account whose campaign is not approved cannot text."""
        beta = admin.create_account("beta", name="Beta Jobs", provider="fake")
        beta.users.upsert("admin", first_name="Al", last_name="Ma", permissions=["sms.admin"])
        beta.users.upsert("eve", first_name="Eve", last_name="Ng")
        number = buy_line(beta, "eve")
        before = snapshot(beta, carrier)
        with pytest.raises(UnregisteredLineError, match=re.escape(f"{number} is not registered")):
            beta.messages.send("eve", candidate_id=None, to=ALICE, body="Hi")
        assert before == snapshot(beta, carrier)


class TestHostRules(Texting):
    """The host's limits and permissions apply to every send."""

    @pytest.fixture
    def host(self) -> str:
        return "ats_seats"

    @pytest.fixture
    def line(self, acme: AccountAdmin) -> str:
        """Ann's seat's number: under the ATS every number belongs to a seat."""
        return seat_line(acme, 1000, "ann")[1]

    def test_body_limited_to_the_host_maximum(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """The ATS (like the HCM widget) allows 160 characters; the error says by how much."""
        acme.messages.send("ann", candidate_id=None, to=ALICE, body="x" * 160)
        before = snapshot(acme, carrier)
        with pytest.raises(MessageBodyError, match="161 characters and at most 160") as caught:
            acme.messages.send("ann", candidate_id=None, to=ALICE, body="x" * 161)
        assert (161, 160) == (caught.value.length, caught.value.limit)
        assert before == snapshot(acme, carrier)

    def test_host_permission_needed(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """Without page access the ATS does not let a user text, even from a line."""
        acme.users.upsert("dee", first_name="Dee", last_name="Ox")
        seat_line(acme, 1000, "dee")
        before = snapshot(acme, carrier)
        with pytest.raises(PermissionDeniedError, match="Sending text messages needs"):
            acme.messages.send("dee", candidate_id=None, to=ALICE, body="Hi")
        assert before == snapshot(acme, carrier)


class TestIdempotency(Texting):
    """A retried call with the same key returns the first result and never sends twice."""

    def test_retry_returns_the_first_result(
        self, acme: AccountAdmin, carrier: SandboxCarrier, activity: ActivityLog, line: str
    ) -> None:
        """The second call sends nothing and says it is a duplicate."""
        first = acme.messages.send(
            "ann", candidate_id="c", to=ALICE, body="Hi", idempotency_key="k1"
        )
        again = acme.messages.send(
            "ann", candidate_id="c", to=ALICE, body="Hi", idempotency_key="k1"
        )
        assert (first.message, True) == (again.message, again.duplicate)
        assert 1 == len(outbound_at_carrier(carrier))
        assert 1 == len(activity.activities)

    def test_retry_after_a_lost_answer_is_not_resent(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """The retry looks the unknown text up at the carrier and returns it, never resent."""
        carrier.time_out_next_send("acme")
        first = acme.messages.send(
            "ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k"
        )
        again = acme.messages.send(
            "ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k"
        )
        [sent] = outbound_at_carrier(carrier)
        assert DeliveryStatus.UNKNOWN == first.message.status
        assert (first.message.id, DeliveryStatus.QUEUED, sent.sid, True) == (
            again.message.id,
            again.message.status,
            again.message.provider_message_id,
            again.duplicate,
        )

    def test_key_used_for_another_text(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A key names one text: another body, recipient or sender is refused."""
        acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k")
        before = snapshot(acme, carrier)
        with pytest.raises(IdempotencyKeyError, match="'k' was used for another text"):
            acme.messages.send("ann", candidate_id=None, to=ALICE, body="Yo", idempotency_key="k")
        with pytest.raises(IdempotencyKeyError):
            acme.messages.send("ann", candidate_id=None, to=BRUNO, body="Hi", idempotency_key="k")
        assert before == snapshot(acme, carrier)

    @pytest.mark.parametrize("key", ["", "   ", "k" * 161])
    def test_malformed_key(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str, key: str
    ) -> None:
        """A blank key, or one over 160 characters, is refused."""
        before = snapshot(acme, carrier)
        with pytest.raises(IdempotencyKeyError):
            acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key=key)
        assert before == snapshot(acme, carrier)

    def test_concurrent_calls_send_once(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """Calls racing with one key store and send one message; all return it."""
        start = threading.Barrier(6)

        def send() -> SendResult:
            start.wait(timeout=30)
            return acme.messages.send(
                "ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="race"
            )

        with ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(lambda _: send(), range(6)))
        assert 1 == len({result.message.id for result in results})
        assert [False] == [result.duplicate for result in results if not result.duplicate]
        assert 1 == len(outbound_at_carrier(carrier))


class FlakyAdapter(FakeAdapter):
    """The sandbox adapter, but the carrier rate-limits the first send."""

    def __init__(self, carrier: SandboxCarrier) -> None:
        super().__init__(carrier=carrier)
        self.refuse_next = True

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt | None:
        """Refuse once with 429, then send."""
        if self.refuse_next:
            self.refuse_next = False
            raise RateLimitedError("slow down", provider="fake", code="20429", status=429)
        return super().sms_send_message(account, message)


class TestPassingRefusal(Texting):
    """A refusal that may pass (a rate limit) is stored as failed and frees the key."""

    @pytest.fixture
    def adapter(self, carrier: SandboxCarrier) -> FakeAdapter:
        return FlakyAdapter(carrier)

    def test_passing_refusal_frees_the_key(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """After a rate limit, the same key sends anew; the failed attempt stays in history."""
        with pytest.raises(RateLimitedError):
            acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k")
        [failed] = acme.messages.thread("ann", line, ALICE)
        retried = acme.messages.send(
            "ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k"
        )
        assert (DeliveryStatus.FAILED, "20429", FailureReason.RATE_LIMITED) == (
            failed.status,
            failed.error_code,
            failed.failure_reason,
        )
        assert not retried.duplicate
        assert DeliveryStatus.QUEUED == retried.message.status
        assert 1 == len(outbound_at_carrier(carrier))


class TestCarrierOptOut(Texting):
    """A carrier's opt-out refusal is stored, raised, and blocks the number everywhere."""

    def test_carrier_opt_out_is_recorded(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A 21610 refusal fails the message and blocks the number on every line."""
        carrier.opt_out("acme", PhoneNumber.parse(line), PhoneNumber.parse(ALICE))
        with pytest.raises(RecipientOptedOutError):
            acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k")
        [failed] = acme.messages.thread("ann", line, ALICE)
        [opt_out] = acme.optouts.list("admin")
        assert (DeliveryStatus.FAILED, "21610", FailureReason.OPTED_OUT) == (
            failed.status,
            failed.error_code,
            failed.failure_reason,
        )
        assert (ALICE, OptOutSource.CARRIER, line) == (
            opt_out.number.e164,
            opt_out.source,
            str(opt_out.line),
        )
        again = acme.messages.send(
            "ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k"
        )
        assert (failed, True) == (again.message, again.duplicate)


class TestLostAnswer(Texting):
    """A send whose answer was lost is unknown, and reconciled without a second text."""

    def test_reconciled_by_the_sdk_id(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """The text reached the carrier; reconciling finds it and follows its progress."""
        carrier.time_out_next_send("acme")
        result = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi")
        assert (DeliveryStatus.UNKNOWN, None) == (
            result.message.status,
            result.message.provider_message_id,
        )
        [reconciled] = acme.messages.reconcile()
        carrier.advance(timedelta(seconds=5))
        [final] = acme.messages.reconcile(message_id=result.message.id)
        [sent] = outbound_at_carrier(carrier)
        assert (DeliveryStatus.QUEUED, sent.sid) == (
            reconciled.status,
            reconciled.provider_message_id,
        )
        assert DeliveryStatus.DELIVERED == final.status
        assert [] == acme.messages.reconcile()

    def test_reconciled_failure_keeps_code_and_reason(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A lost text the carrier could not deliver is stored with its code and reason."""
        carrier.mark_recipient(PhoneNumber.parse(ALICE), "30007")
        carrier.time_out_next_send("acme")
        result = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi")
        carrier.advance(timedelta(minutes=5))
        [final] = acme.messages.reconcile(message_id=result.message.id)
        assert (DeliveryStatus.UNDELIVERED, "30007", FailureReason.FILTERED) == (
            final.status,
            final.error_code,
            final.failure_reason,
        )
        assert final.failure_text == "filtered (30007): Message filtered by the carrier"

    def test_never_arrived(
        self,
        admin: SmsAdmin,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        clock: ManualClock,
        line: str,
    ) -> None:
        """Not listed, it stays UNKNOWN for the queue validity plus the margin, then fails.

        Only then is its key freed, so a retry before then sends nothing (issue 10, item 5).
        """
        carrier.time_out_next_send("acme", reaches_carrier=False)
        sent = acme.messages.send(
            "ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k"
        ).message
        validity = admin.hooks.providers()["fake"].capabilities.queue_validity
        wait = validity + NEVER_ARRIVED_MARGIN
        assert sent.handed_at is not None
        deadline = sent.handed_at + wait
        [waiting] = acme.messages.reconcile()
        early_retry = acme.messages.send(
            "ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k"
        )
        clock.advance(wait - timedelta(seconds=1))
        [still_waiting] = acme.messages.reconcile(message_id=sent.id)
        assert (DeliveryStatus.UNKNOWN, NOT_LISTED_YET.format(deadline=deadline)) == (
            waiting.status,
            waiting.error_message,
        )
        assert (True, DeliveryStatus.UNKNOWN) == (early_retry.duplicate, still_waiting.status)
        assert [] == outbound_at_carrier(carrier)
        clock.advance(timedelta(seconds=1))
        [failed] = acme.messages.reconcile(message_id=sent.id)
        clock.advance(timedelta(days=1) - wait)  # back in Alice's daytime
        retried = acme.messages.send(
            "ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k"
        )
        assert (DeliveryStatus.FAILED, NEVER_ARRIVED) == (failed.status, failed.error_message)
        assert not retried.duplicate
        assert 1 == len(outbound_at_carrier(carrier))

    def test_delivery_report_settles_it(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A report naming the SDK's id settles an unknown message without reconciling."""
        carrier.time_out_next_send("acme")
        message = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi").message
        carrier.advance(timedelta(seconds=5))
        deliver_webhooks(acme, carrier)
        settled = acme.messages.get("ann", message.id)
        [sent] = outbound_at_carrier(carrier)
        assert (DeliveryStatus.DELIVERED, sent.sid) == (settled.status, settled.provider_message_id)

    def test_stale_messages_reconciled_on_request(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """Messages whose reports never came are fetched when older than ``stale_after``."""
        message = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi").message
        carrier.advance(timedelta(seconds=5))
        assert [] == acme.messages.reconcile(stale_after=timedelta(minutes=30))
        clock.advance(timedelta(hours=1))
        [reconciled] = acme.messages.reconcile(stale_after=timedelta(minutes=30))
        assert (message.id, DeliveryStatus.DELIVERED) == (reconciled.id, reconciled.status)

    def test_final_message_left_alone(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """Reconciling a delivered message changes nothing."""
        message = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi").message
        carrier.advance(timedelta(seconds=5))
        deliver_webhooks(acme, carrier)
        delivered = acme.messages.get("ann", message.id)
        assert [delivered] == acme.messages.reconcile(message_id=message.id)


class UnreachableAdapter(FakeAdapter):
    """The sandbox adapter, but status lookups fail while ``reachable`` is false."""

    def __init__(self, carrier: SandboxCarrier) -> None:
        super().__init__(carrier=carrier)
        self.reachable = False

    @hookimpl
    def sms_fetch_message(
        self, account: Account, message: OutboundMessage, provider_message_id: str | None
    ) -> StatusUpdate | None:
        """Fail like a carrier outage until reachable."""
        if not self.reachable:
            raise ProviderUnavailableError("carrier down", provider="fake", status=503)
        return super().sms_fetch_message(account, message, provider_message_id)


class TestReconcileDuringAnOutage(Texting):
    """A carrier that cannot be asked leaves unknown messages for the next reconciliation."""

    @pytest.fixture
    def adapter(self, carrier: SandboxCarrier) -> FakeAdapter:
        return UnreachableAdapter(carrier)

    def test_left_unknown_then_settled(
        self,
        acme: AccountAdmin,
        clock: ManualClock,
        carrier: SandboxCarrier,
        adapter: UnreachableAdapter,
        line: str,
    ) -> None:
        """The batch goes on without it; asked about alone, the error is raised."""
        carrier.time_out_next_send("acme")
        message = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi").message
        assert [message] == acme.messages.reconcile()
        with pytest.raises(ProviderUnavailableError):
            acme.messages.reconcile(message_id=message.id)
        adapter.reachable = True
        clock.advance(LOOKUP_INTERVAL)  # a background pass waits that long to ask again
        [settled] = acme.messages.reconcile()
        assert DeliveryStatus.DELIVERED == settled.status  # the carrier's clock moved on too
        assert 1 == len(outbound_at_carrier(carrier))


class TroubledLookupsAdapter(FakeAdapter):
    """The sandbox adapter, but lookups of chosen texts fail with a chosen carrier error."""

    def __init__(self, carrier: SandboxCarrier) -> None:
        super().__init__(carrier=carrier)
        self.failures: dict[str, ProviderError] = {}
        self.lookups = 0

    @hookimpl
    def sms_fetch_message(
        self, account: Account, message: OutboundMessage, provider_message_id: str | None
    ) -> StatusUpdate | None:
        """Raise the error arranged for the text, else look it up at the sandbox."""
        self.lookups += 1
        if (failure := self.failures.get(message.message_id)) is not None:
            raise failure
        return super().sms_fetch_message(account, message, provider_message_id)


class TestReconcileGoesOnPastOneText(Texting):
    """A carrier error about one text is that text's problem: the later texts are reconciled."""

    @pytest.fixture
    def adapter(self, carrier: SandboxCarrier) -> FakeAdapter:
        return TroubledLookupsAdapter(carrier)

    def _three_lost(self, acme: AccountAdmin, carrier: SandboxCarrier) -> list[str]:
        ids = []
        for to in (ALICE, BRUNO, CARLA):
            carrier.time_out_next_send("acme")
            ids.append(acme.messages.send("ann", candidate_id=None, to=to, body="Hi").message.id)
        return ids

    def test_ambiguous_text_is_skipped_and_noted(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        adapter: TroubledLookupsAdapter,
        line: str,
    ) -> None:
        """The ambiguous text stays UNKNOWN with a note; the texts after it are found."""
        first, second, third = self._three_lost(acme, carrier)
        adapter.failures[first] = AmbiguousMessageError("3 texts match", provider="fake")
        reconciled = {message.id: message for message in acme.messages.reconcile()}
        expected_note = AMBIGUOUS.format(error="fake error: 3 texts match")
        assert (DeliveryStatus.UNKNOWN, expected_note) == (
            reconciled[first].status,
            reconciled[first].error_message,
        )
        assert [DeliveryStatus.QUEUED, DeliveryStatus.QUEUED] == [
            reconciled[second].status,
            reconciled[third].status,
        ]
        assert expected_note == acme.messages.get("ann", first).error_message

    def test_ambiguous_text_asked_about_alone_raises(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        adapter: TroubledLookupsAdapter,
        line: str,
    ) -> None:
        """Asked about alone, the ambiguity is raised, and noted on the message too."""
        first, _, _ = self._three_lost(acme, carrier)
        adapter.failures[first] = AmbiguousMessageError("2 texts match", provider="fake")
        with pytest.raises(AmbiguousMessageError):
            acme.messages.reconcile(message_id=first)
        stored = acme.messages.get("ann", first)
        assert (DeliveryStatus.UNKNOWN, AMBIGUOUS.format(error="fake error: 2 texts match")) == (
            stored.status,
            stored.error_message,
        )

    def test_any_carrier_error_leaves_only_its_text(
        self,
        acme: AccountAdmin,
        clock: ManualClock,
        carrier: SandboxCarrier,
        adapter: TroubledLookupsAdapter,
        line: str,
    ) -> None:
        """A plain carrier error on the first text leaves it UNKNOWN for next time, untouched."""
        first, second, third = self._three_lost(acme, carrier)
        adapter.failures[first] = ProviderError("lookup refused", provider="fake", code="20003")
        before = acme.messages.get("ann", first)
        reconciled = {message.id: message for message in acme.messages.reconcile()}
        assert before == reconciled[first]
        assert {DeliveryStatus.QUEUED} == {reconciled[second].status, reconciled[third].status}
        del adapter.failures[first]
        clock.advance(LOOKUP_INTERVAL)
        [settled] = acme.messages.reconcile()
        assert (first, DeliveryStatus.DELIVERED) == (settled.id, settled.status)
        assert 3 == len(outbound_at_carrier(carrier))


class TestLaggingCarrierList(Texting):
    """A carrier's list can lag behind its sends: a lost text not listed yet is not "not sent".

    Twilio documents that its message list may not show a message at once, so a text whose
    answer was lost is looked up until the carrier's queue validity has passed (issue 10,
    item 5; ``shared/reference/twilio.md``).
    """

    @pytest.fixture
    def adapter(self, carrier: SandboxCarrier) -> FakeAdapter:
        return TroubledLookupsAdapter(carrier)

    def test_listed_late_is_found_and_never_resent(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        adapter: TroubledLookupsAdapter,
        clock: ManualClock,
        line: str,
    ) -> None:
        """Unlisted at first, it stays UNKNOWN and its key bound; once listed, it is found."""
        carrier.time_out_next_send("acme")
        message = acme.messages.send(
            "ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k"
        ).message
        adapter.failures[message.id] = ProviderNotFoundError("not listed", provider="fake")
        [unlisted] = acme.messages.reconcile()
        clock.advance(timedelta(hours=2))
        retry = acme.messages.send(
            "ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k"
        )
        del adapter.failures[message.id]
        clock.advance(LOOKUP_INTERVAL)
        [found] = acme.messages.reconcile()
        [sent] = outbound_at_carrier(carrier)
        assert (DeliveryStatus.UNKNOWN, True) == (unlisted.status, retry.duplicate)
        assert (DeliveryStatus.DELIVERED, sent.sid) == (found.status, found.provider_message_id)

    def test_background_passes_space_their_lookups(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        adapter: TroubledLookupsAdapter,
        clock: ManualClock,
        line: str,
    ) -> None:
        """A text not listed yet is looked up once per interval, however often passes run."""
        carrier.time_out_next_send("acme")
        message = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi").message
        adapter.failures[message.id] = ProviderNotFoundError("not listed", provider="fake")
        passes = [acme.messages.reconcile() for _ in range(3)]
        looked_up_once = adapter.lookups
        clock.advance(LOOKUP_INTERVAL)
        acme.messages.reconcile()
        assert ([[DeliveryStatus.UNKNOWN], [], []], 1, 2) == (
            [[m.status for m in found] for found in passes],
            looked_up_once,
            adapter.lookups,
        )
