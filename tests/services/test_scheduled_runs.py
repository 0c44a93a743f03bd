"""Scheduled sends: keys, a carrier's refusal, the poller, and hostile input (issue 16.3)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sms_core import (
    NEXT_ALLOWED,
    AccountAdmin,
    DeliveryStatus,
    IdempotencyKeyError,
    InvalidFieldError,
    ManualClock,
    OptOutSource,
    PhoneNumber,
    ScheduledState,
    SmsAdmin,
)
from sms_core.services import ScheduledSendPoller
from sms_fake import SandboxCarrier
from tests.services.messaging_fixtures import ALICE, Texting, buy_line, outbound_at_carrier
from tests.services.test_scheduled import NOON, scheduled_rows


@pytest.fixture
def line(acme: AccountAdmin, clock: ManualClock) -> str:
    """Ann's registered line, at NOON."""
    number = buy_line(acme, "ann").e164
    clock.current = NOON
    return number


class TestIdempotency(Texting):
    """The key names the text: a retry returns the row; the text is made once."""

    def test_retry_returns_the_first(self, acme: AccountAdmin, line: str) -> None:
        """A retry with the key returns the first row; another text under it is refused."""
        first = acme.scheduled.schedule(
            "ann", to=ALICE, body="Hi", at=NEXT_ALLOWED, idempotency_key="k1"
        )
        again = acme.scheduled.schedule(
            "ann", to=ALICE, body="Hi", at=NEXT_ALLOWED, idempotency_key="k1"
        )
        assert (first, "k1") == (again, first.idempotency_key)
        with pytest.raises(IdempotencyKeyError):
            acme.scheduled.schedule(
                "ann", to=ALICE, body="Other", at=NEXT_ALLOWED, idempotency_key="k1"
            )
        assert [first.id] == [row for row, _ in scheduled_rows(acme)]

    def test_retry_after_it_was_sent(
        self, acme: AccountAdmin, clock: ManualClock, line: str
    ) -> None:
        """A retry after the text went (and the candidate opted out) returns the sent row."""
        first = acme.scheduled.schedule(
            "ann", to=ALICE, body="Hi", at=NOON + timedelta(hours=1), idempotency_key="k4"
        )
        clock.advance(timedelta(hours=2))
        [sent] = acme.scheduled.run_due().sent
        acme.optouts.record(ALICE, source=OptOutSource.HOST, keyword=None, at=clock.now())
        again = acme.scheduled.schedule(
            "ann", to=ALICE, body="Hi", at=NOON + timedelta(hours=1), idempotency_key="k4"
        )
        assert (first.id, ScheduledState.SENT, sent.message_id) == (
            again.id,
            again.state,
            again.message_id,
        )

    def test_key_of_a_sent_text(self, acme: AccountAdmin, line: str) -> None:
        """A key a text was already sent with cannot schedule another."""
        acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k2")
        with pytest.raises(IdempotencyKeyError):
            acme.scheduled.schedule("ann", to=ALICE, body="Hi", at=NOON, idempotency_key="k2")

    def test_sent_with_its_key(self, acme: AccountAdmin, line: str) -> None:
        """The text is sent with the caller's key: a send with it later is that text."""
        scheduled = acme.scheduled.schedule(
            "ann", to=ALICE, body="Hi", at=NOON, idempotency_key="k3"
        )
        [sent] = acme.scheduled.run_due().sent
        assert sent.message_id is not None
        again = acme.messages.send(
            "ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key="k3"
        )
        assert (scheduled.id, sent.message_id, True) == (
            sent.id,
            again.message.id,
            again.duplicate,
        )


class TestCarrierRefusal(Texting):
    """A text the carrier refuses at send time: the row made that text, stored as failed."""

    def test_refused_by_the_carrier(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """The row is sent (it made a text); the text is failed with the carrier's code."""
        acme.scheduled.schedule("ann", to=ALICE, body="Hi", at=NOON + timedelta(hours=1))
        carrier.opt_out("acme", PhoneNumber.parse(line), PhoneNumber.parse(ALICE))
        clock.advance(timedelta(hours=1))
        report = acme.scheduled.run_due()
        [sent] = report.sent
        assert sent.message_id is not None
        message = acme.messages.get("ann", sent.message_id)
        assert DeliveryStatus.FAILED == message.status
        assert message.error_code is not None
        assert 0 == acme.scheduled.run_due().count


class TestPoller(Texting):
    """The background poller sends every account's due texts (what ``smsadmin serve`` runs)."""

    def test_sends_due_texts(
        self, admin: SmsAdmin, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        scheduled = acme.scheduled.schedule("ann", to=ALICE, body="Hi", at=NOON)
        with ScheduledSendPoller(admin, interval=60) as poller:
            assert poller.wait_for_passes(1, timeout=30)
        assert ScheduledState.SENT == acme.scheduled.get("ann", scheduled.id).state
        assert 1 == len(outbound_at_carrier(carrier))
        assert {} == admin.run_scheduled_sends()


class TestHostileInput(Texting):
    """Arguments of the wrong type or size are refused before anything is read or written."""

    @pytest.mark.parametrize("limit", [0, -1, True, 10**9, "5", 2.0])
    def test_run_due_limit(self, acme: AccountAdmin, line: str, limit: object) -> None:
        with pytest.raises(InvalidFieldError):
            acme.scheduled.run_due(limit=limit)  # type: ignore[arg-type]

    @pytest.mark.parametrize("now", [datetime(2026, 3, 12, 18, 0), "now", 0])
    def test_run_due_now(self, acme: AccountAdmin, line: str, now: object) -> None:
        with pytest.raises(InvalidFieldError):
            acme.scheduled.run_due(now)  # type: ignore[arg-type]

    @pytest.mark.parametrize("scheduled_id", ["a\x00b", "x" * 65, 7])
    def test_ids(self, acme: AccountAdmin, line: str, scheduled_id: object) -> None:
        with pytest.raises(InvalidFieldError):
            acme.scheduled.cancel("ann", scheduled_id)  # type: ignore[arg-type]
        with pytest.raises(InvalidFieldError):
            acme.scheduled.get("ann", scheduled_id)  # type: ignore[arg-type]

    def test_state(self, acme: AccountAdmin, line: str) -> None:
        with pytest.raises(InvalidFieldError):
            acme.scheduled.list_page("admin", state="pending")  # type: ignore[arg-type]
