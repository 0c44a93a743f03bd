from __future__ import annotations

from datetime import timedelta

import pytest

from sms_core import AccountAdmin, DeliveryStatus, Direction, ManualClock, PhoneNumber
from sms_core.exceptions import (
    InvalidPhoneNumberError,
    MessageNotFoundError,
    PermissionDeniedError,
)
from sms_fake import SandboxCarrier
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    ActivityLog,
    Texting,
    buy_line,
    deliver_webhooks,
    reply,
    seat_line,
)


class TestSharedLine(Texting):
    """Recruiters sharing a number share one thread per candidate, as the candidate sees it."""

    @pytest.fixture
    def host(self) -> str:
        return "hcm_widget"

    @pytest.fixture
    def line(self, acme: AccountAdmin) -> str:
        """One number shared by Ann and Bob."""
        return buy_line(acme, "ann", "bob").e164

    def test_one_thread_with_each_sender(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """Ann's and Bob's texts and Alice's reply are one thread, oldest first."""
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Hi, it's Ann")
        clock.advance(timedelta(minutes=1))
        acme.messages.send("bob", candidate_id="alice", to=ALICE, body="Bob here too")
        clock.advance(timedelta(minutes=1))
        reply(acme, carrier, ALICE, line, "Hi both")
        thread = acme.messages.thread("ann", line, "(212) 555-0101")
        assert [
            ("ann", Direction.OUTBOUND, "Hi, it's Ann"),
            ("bob", Direction.OUTBOUND, "Bob here too"),
            (None, Direction.INBOUND, "Hi both"),
        ] == [(m.user_id, m.direction, m.body) for m in thread]
        [conversation] = acme.messages.history("ann", "alice")
        assert (line, ALICE, tuple(thread)) == (
            str(conversation.line),
            str(conversation.candidate),
            conversation.messages,
        )

    def test_activity_names_each_sender(
        self, acme: AccountAdmin, carrier: SandboxCarrier, activity: ActivityLog, line: str
    ) -> None:
        """Every stored message reaches the host's activity, with who sent it."""
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Hi")
        acme.messages.send("bob", candidate_id="alice", to=ALICE, body="Hello")
        reply(acme, carrier, ALICE, line, "Hey")
        assert [("alice", "ann"), ("alice", "bob"), ("alice", None)] == [
            (a.candidate_id, a.user.id if a.user else None) for a in activity.activities
        ]


class TestHistory(Texting):
    """A candidate's history: every thread they were texted in, most recent first."""

    def test_threads_per_line(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """Two lines texting one candidate make two threads; other candidates stay out."""
        ann_line, cy_line = buy_line(acme, "ann").e164, buy_line(acme, "cy").e164
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="From Ann")
        acme.messages.send("ann", candidate_id="bruno", to=BRUNO, body="For Bruno")
        clock.advance(timedelta(minutes=1))
        acme.messages.send("cy", candidate_id="alice", to=ALICE, body="From Cy")
        history = acme.messages.history("ann", "alice")
        assert [(cy_line, ("From Cy",)), (ann_line, ("From Ann",))] == [
            (str(t.line), tuple(m.body for m in t.messages)) for t in history
        ]
        assert [] == acme.messages.history("ann", "nobody")

    def test_reply_before_the_first_text_is_kept(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """A text from the candidate's number before any outreach shows in their thread."""
        line = buy_line(acme, "ann").e164
        reply(acme, carrier, ALICE, line, "Saw your job ad")
        clock.advance(timedelta(minutes=1))
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Thanks for writing")
        [thread] = acme.messages.history("ann", "alice")
        assert [(None, "Saw your job ad"), ("alice", "Thanks for writing")] == [
            (m.candidate_id, m.body) for m in thread.messages
        ]

    def test_failures_kept_with_the_carrier_error(
        self, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """An undelivered text stays in the history with the carrier's code and words."""
        line = buy_line(acme, "ann").e164
        carrier.mark_recipient(PhoneNumber.parse(ALICE), "30006")
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Hi")
        carrier.advance(timedelta(seconds=5))
        deliver_webhooks(acme, carrier)
        [message] = acme.messages.thread("ann", line, ALICE)
        assert (DeliveryStatus.UNDELIVERED, "30006", "Landline or unreachable carrier") == (
            message.status,
            message.error_code,
            message.error_message,
        )

    def test_bad_lookups(self, acme: AccountAdmin) -> None:
        """An invalid number or an unknown message id is a typed error."""
        with pytest.raises(InvalidPhoneNumberError):
            acme.messages.thread("ann", "12", ALICE)
        with pytest.raises(MessageNotFoundError):
            acme.messages.get("ann", "0" * 32)


class TestWhoMayRead(Texting):
    """Conversations are the candidate's data: only users the host lets see them may read."""

    @pytest.fixture
    def host(self) -> str:
        return "ats_seats"

    @pytest.fixture
    def line(self, acme: AccountAdmin) -> str:
        return seat_line(acme, 100, "ann")[1]

    def test_without_page_access(self, acme: AccountAdmin, line: str) -> None:
        """A user without the ATS's candidate pages reads nothing; a recruiter reads it all."""
        sent = acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Hi").message
        acme.users.upsert("dee", first_name="Dee", last_name="Ox")
        for read in (
            lambda: acme.messages.history("dee", "alice"),
            lambda: acme.messages.thread("dee", line, ALICE),
            lambda: acme.messages.get("dee", sent.id),
        ):
            with pytest.raises(PermissionDeniedError, match="which Dee Ox does not have"):
                read()
        assert [sent] == list(acme.messages.history("ann", "alice")[0].messages)

    def test_inactive_user(self, acme: AccountAdmin, line: str) -> None:
        """A deactivated recruiter no longer reads the history they wrote."""
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Hi")
        acme.users.deactivate("ann")
        with pytest.raises(PermissionDeniedError, match="inactive"):
            acme.messages.history("ann", "alice")
