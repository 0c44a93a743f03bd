"""Scheduled sends: checked when scheduled and when due, sent once, cancellable (issue 16.3)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from sms_core import (
    NEXT_ALLOWED,
    AccountAdmin,
    AuditAction,
    CandidateOptedOutError,
    DeliveryStatus,
    InvalidCursorError,
    InvalidFieldError,
    InvalidPhoneNumberError,
    ManualClock,
    MessageBodyError,
    OptOutSource,
    PermissionDeniedError,
    QuietHoursError,
    ScheduledSendNotFoundError,
    ScheduledSendStateError,
    ScheduledState,
    SmsAdmin,
)
from sms_core.domain import ScheduledSend
from sms_core.services.scheduled import CLAIM_LEASE
from sms_core.store import scheduled as scheduled_store
from sms_fake import SandboxCarrier
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    CARLA,
    LARA,
    Texting,
    buy_line,
    outbound_at_carrier,
)

#: Thursday noon in New York, 9:00 in Los Angeles: after the fixtures' registration reviews.
NOON = datetime(2026, 3, 12, 16, 0, tzinfo=UTC)
#: 21:30 that evening in Los Angeles (PDT), past its 9 p.m. end of texting.
LA_EVENING = datetime(2026, 3, 13, 4, 30, tzinfo=UTC)
#: 8:00 the next morning in Los Angeles: when texting Lara is allowed again.
LA_MORNING = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)


@pytest.fixture
def line(acme: AccountAdmin, clock: ManualClock) -> str:
    """Ann's registered line, at NOON."""
    number = buy_line(acme, "ann").e164
    clock.current = NOON
    return number


def scheduled_rows(acme: AccountAdmin) -> list[tuple[str, ScheduledState]]:
    return [(row.id, row.state) for row in acme.scheduled.list_page("admin").items]


class TestSchedule(Texting):
    """A text scheduled for later goes out once, through the pipeline, when it is due."""

    def test_sent_when_due(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """Nothing goes before its time; at its time it is sent once, and the row says which."""
        scheduled = acme.scheduled.schedule(
            "ann", to=ALICE, body="Shift at 7?", at=NOON + timedelta(hours=1), candidate_id="c1"
        )
        assert (ScheduledState.PENDING, NOON + timedelta(hours=1)) == (
            scheduled.state,
            scheduled.due_at,
        )
        assert 0 == acme.scheduled.run_due().count
        clock.advance(timedelta(hours=1))
        report = acme.scheduled.run_due()
        [sent] = report.sent
        assert (scheduled.id, ScheduledState.SENT) == (sent.id, sent.state)
        assert sent == acme.scheduled.get("ann", scheduled.id)
        assert sent.message_id is not None
        message = acme.messages.get("ann", sent.message_id)
        assert (DeliveryStatus.QUEUED, "Shift at 7?", "c1") == (
            message.status,
            message.body,
            message.candidate_id,
        )
        assert 0 == acme.scheduled.run_due().count
        assert ["Shift at 7?"] == [m.body for m in outbound_at_carrier(carrier)]

    def test_next_allowed_time(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """Refused for quiet hours, then scheduled for the next allowed time and sent then."""
        clock.current = LA_EVENING
        with pytest.raises(QuietHoursError) as refused:
            acme.messages.send("ann", candidate_id=None, to=LARA, body="Shift tomorrow?")
        scheduled = acme.scheduled.schedule("ann", to=LARA, body="Shift tomorrow?", at=NEXT_ALLOWED)
        assert (LA_MORNING, LA_MORNING, True) == (
            refused.value.next_allowed,
            scheduled.due_at,
            scheduled.when_allowed,
        )
        clock.current = LA_MORNING - timedelta(seconds=1)
        assert 0 == acme.scheduled.run_due().count
        clock.current = LA_MORNING
        [sent] = acme.scheduled.run_due().sent
        assert [LARA] == [m.recipient.e164 for m in outbound_at_carrier(carrier)]
        assert sent.message_id is not None

    def test_next_allowed_now(self, acme: AccountAdmin, line: str) -> None:
        """When quiet hours allow the text now, the next allowed time is now."""
        assert NOON == acme.scheduled.schedule("ann", to=ALICE, body="Hi", at=NEXT_ALLOWED).due_at

    def test_late_run_waits_again(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """A next-allowed send run after the window closed waits for the next window."""
        scheduled = acme.scheduled.schedule("ann", to=LARA, body="Hi", at=NEXT_ALLOWED)
        clock.current = LA_EVENING
        [deferred] = acme.scheduled.run_due().deferred
        assert (scheduled.id, ScheduledState.PENDING, LA_MORNING) == (
            deferred.id,
            deferred.state,
            deferred.due_at,
        )
        assert [] == outbound_at_carrier(carrier)
        clock.current = LA_MORNING
        assert [scheduled.id] == [row.id for row in acme.scheduled.run_due().sent]

    def test_given_time_in_quiet_hours_refused_at_once(self, acme: AccountAdmin, line: str) -> None:
        """A time quiet hours refuse is refused when scheduled, naming the next allowed time."""
        with pytest.raises(QuietHoursError) as refused:
            acme.scheduled.schedule("ann", to=LARA, body="Hi", at=LA_EVENING)
        assert LA_MORNING == refused.value.next_allowed
        assert [] == scheduled_rows(acme)

    def test_given_time_refused_on_a_late_run(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """A send for a given time that a late run finds in quiet hours is refused, not moved."""
        scheduled = acme.scheduled.schedule("ann", to=LARA, body="Hi", at=NOON)
        clock.current = LA_EVENING
        [refused] = acme.scheduled.run_due().refused
        assert (scheduled.id, ScheduledState.REFUSED) == (refused.id, refused.state)
        assert refused.refusal is not None
        assert "quiet hours" in refused.refusal
        assert [] == outbound_at_carrier(carrier)


class TestRefusedWhenScheduled(Texting):
    """What can never pass is refused at once, and nothing is stored."""

    @pytest.mark.parametrize(
        ("to", "body", "error"),
        [
            ("555-0101", "Hi", InvalidPhoneNumberError),
            (ALICE, "x" * 2000, MessageBodyError),
            (ALICE, "   ", MessageBodyError),
        ],
    )
    def test_bad_text(
        self, acme: AccountAdmin, line: str, to: str, body: str, error: type[Exception]
    ) -> None:
        """An invalid number or a body that cannot be sent."""
        with pytest.raises(error):
            acme.scheduled.schedule("ann", to=to, body=body, at=NOON + timedelta(hours=1))
        assert [] == scheduled_rows(acme)

    @pytest.mark.parametrize(
        "at",
        [
            NOON - timedelta(minutes=1),
            NOON + timedelta(days=367),
            datetime(2026, 3, 12, 18, 0),
            "2026-03-12T18:00:00Z",
        ],
    )
    def test_bad_time(self, acme: AccountAdmin, line: str, at: object) -> None:
        """A past, too distant, naive or non-datetime time."""
        with pytest.raises(InvalidFieldError):
            acme.scheduled.schedule("ann", to=ALICE, body="Hi", at=at)  # type: ignore[arg-type]
        assert [] == scheduled_rows(acme)

    def test_opted_out(self, acme: AccountAdmin, line: str, clock: ManualClock) -> None:
        """A number opted out now is refused now."""
        acme.optouts.record(ALICE, source=OptOutSource.HOST, keyword=None, at=clock.now())
        with pytest.raises(CandidateOptedOutError):
            acme.scheduled.schedule("ann", to=ALICE, body="Hi", at=NEXT_ALLOWED)
        assert [] == scheduled_rows(acme)

    def test_sender_on_no_line(self, acme: AccountAdmin, line: str) -> None:
        """A user who may not text from a line cannot schedule a text either."""
        with pytest.raises(Exception, match="on no line"):
            acme.scheduled.schedule("bob", to=ALICE, body="Hi", at=NEXT_ALLOWED)
        assert [] == scheduled_rows(acme)


class TestCheckedWhenDue(Texting):
    """Every rule is checked again when the send is due."""

    def test_opted_out_meanwhile(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """A candidate who opted out between schedule and send is not texted."""
        scheduled = acme.scheduled.schedule(
            "ann", to=ALICE, body="Hi", at=NOON + timedelta(hours=1)
        )
        acme.optouts.record(ALICE, source=OptOutSource.HOST, keyword=None, at=clock.now())
        clock.advance(timedelta(hours=1))
        [refused] = acme.scheduled.run_due().refused
        assert (scheduled.id, None) == (refused.id, refused.message_id)
        assert refused.refusal is not None
        assert "opted out" in refused.refusal
        assert refused == acme.scheduled.get("admin", scheduled.id)
        assert [] == outbound_at_carrier(carrier)

    def test_deactivated_sender(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """A recruiter deactivated meanwhile no longer texts."""
        acme.scheduled.schedule("ann", to=ALICE, body="Hi", at=NOON + timedelta(hours=1))
        acme.users.upsert("ann", first_name="Ann", last_name="Lee", active=False)
        clock.advance(timedelta(hours=1))
        [refused] = acme.scheduled.run_due().refused
        assert ScheduledState.REFUSED == refused.state
        assert [] == outbound_at_carrier(carrier)


class TestCancel(Texting):
    """A pending send can be cancelled; a sent one cannot."""

    def test_cancelled_is_never_sent(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """Cancelled before its time, it never goes, and cannot be cancelled twice."""
        scheduled = acme.scheduled.schedule(
            "ann", to=ALICE, body="Hi", at=NOON + timedelta(hours=1)
        )
        cancelled = acme.scheduled.cancel("ann", scheduled.id)
        assert ScheduledState.CANCELLED == cancelled.state
        clock.advance(timedelta(hours=2))
        assert 0 == acme.scheduled.run_due().count
        assert [] == outbound_at_carrier(carrier)
        with pytest.raises(ScheduledSendStateError, match="it is cancelled"):
            acme.scheduled.cancel("ann", scheduled.id)

    def test_sent_cannot_be_cancelled(self, acme: AccountAdmin, line: str) -> None:
        """Once sent, cancelling is refused, naming the text it made."""
        scheduled = acme.scheduled.schedule("ann", to=ALICE, body="Hi", at=NOON)
        [sent] = acme.scheduled.run_due().sent
        with pytest.raises(ScheduledSendStateError) as refused:
            acme.scheduled.cancel("ann", scheduled.id)
        assert ("sent", scheduled.id) == (refused.value.state, refused.value.scheduled_id)
        assert f"message {sent.message_id}" in str(refused.value)

    def test_who_may_cancel(self, acme: AccountAdmin, line: str) -> None:
        """Another recruiter may not cancel Ann's send; an admin may."""
        scheduled = acme.scheduled.schedule("ann", to=ALICE, body="Hi", at=NEXT_ALLOWED)
        with pytest.raises(PermissionDeniedError):
            acme.scheduled.cancel("bob", scheduled.id)
        assert ScheduledState.CANCELLED == acme.scheduled.cancel("admin", scheduled.id).state

    def test_cancelling_is_audited(self, acme: AccountAdmin, line: str) -> None:
        """Each cancellation is on the trail: who, the number, which send; never the text.

        A refused cancellation (someone else's send without admin permission, or one already
        cancelled) writes nothing.
        """
        due = NOON + timedelta(hours=1)
        own = acme.scheduled.schedule("ann", to=ALICE, body="Secret shift", at=due)
        theirs = acme.scheduled.schedule("ann", to=BRUNO, body="Secret shift", at=due)
        acme.scheduled.cancel("ann", own.id)
        with pytest.raises(PermissionDeniedError):
            acme.scheduled.cancel("bob", theirs.id)
        acme.scheduled.cancel("admin", theirs.id)
        with pytest.raises(ScheduledSendStateError):
            acme.scheduled.cancel("admin", theirs.id)
        entries = list(reversed(acme.audit.list(action=AuditAction.CANCEL_SCHEDULED_SEND)))
        assert [
            (actor, number, {"id": sent.id, "user_id": "ann", "state": "pending"})
            for actor, number, sent in (("ann", ALICE, own), ("admin", BRUNO, theirs))
        ] == [(entry.actor_id, entry.target, entry.before) for entry in entries]
        assert [{"state": "cancelled", "due_at": due.isoformat()}] * 2 == [
            entry.after for entry in entries
        ]
        assert "Secret" not in json.dumps([(e.before, e.after) for e in entries])

    def test_unknown(self, acme: AccountAdmin, line: str) -> None:
        """An id the account does not have."""
        with pytest.raises(ScheduledSendNotFoundError):
            acme.scheduled.cancel("ann", "nope")


class TestList(Texting):
    """The account's scheduled sends, soonest due first, paged."""

    def test_pages(self, acme: AccountAdmin, line: str) -> None:
        """Two pages in due order; the state filter keeps the pending ones."""
        made = [
            acme.scheduled.schedule(
                "ann", to=number, body="Hi", at=NOON + timedelta(hours=3 - index)
            )
            for index, number in enumerate((ALICE, BRUNO, CARLA))
        ]
        first = acme.scheduled.list_page("admin", limit=2)
        assert first.next_cursor is not None
        second = acme.scheduled.list_page("admin", limit=2, cursor=first.next_cursor)
        assert [row.id for row in reversed(made)] == [row.id for row in first.items + second.items]
        assert second.next_cursor is None
        acme.scheduled.cancel("ann", made[0].id)
        pending = acme.scheduled.list_page("admin", state=ScheduledState.PENDING)
        assert [made[2].id, made[1].id] == [row.id for row in pending.items]

    def test_one_users_own(self, acme: AccountAdmin, line: str) -> None:
        """``user_id`` keeps the user's own, paged; a cursor of everyone's list is refused."""
        buy_line(acme, "bob", area_code="212")
        anns = [
            acme.scheduled.schedule("ann", to=number, body="Hi", at=NOON + timedelta(hours=hour))
            for hour, number in ((1, ALICE), (3, BRUNO))
        ]
        acme.scheduled.schedule("bob", to=CARLA, body="Hi", at=NOON + timedelta(hours=2))
        first = acme.scheduled.list_page("admin", user_id="ann", limit=1)
        second = acme.scheduled.list_page("admin", user_id="ann", limit=1, cursor=first.next_cursor)
        assert [row.id for row in anns] == [row.id for row in first.items + second.items]
        assert second.next_cursor is None
        everyone = acme.scheduled.list_page("admin", limit=1)
        assert 3 == len(acme.scheduled.list_page("admin").items)
        with pytest.raises(InvalidCursorError):
            acme.scheduled.list_page("admin", user_id="ann", cursor=everyone.next_cursor)
        with pytest.raises(InvalidFieldError):
            acme.scheduled.list_page("admin", user_id="")

    def test_one_candidates(self, acme: AccountAdmin, line: str) -> None:
        """``candidate_id`` keeps that candidate's, paged, with the other filters; own cursors."""
        buy_line(acme, "bob", area_code="212")
        sams = [
            acme.scheduled.schedule(
                user, to=ALICE, body="Hi", at=NOON + timedelta(hours=hour), candidate_id="sam"
            )
            for hour, user in ((1, "ann"), (3, "bob"), (4, "ann"))
        ]
        acme.scheduled.schedule("ann", to=BRUNO, body="Hi", at=NOON + timedelta(hours=2))
        acme.scheduled.schedule(
            "ann", to=CARLA, body="Hi", at=NOON + timedelta(hours=2), candidate_id="noa"
        )
        first = acme.scheduled.list_page("admin", candidate_id="sam", limit=2)
        second = acme.scheduled.list_page(
            "admin", candidate_id="sam", limit=2, cursor=first.next_cursor
        )
        assert [row.id for row in sams] == [row.id for row in first.items + second.items]
        assert second.next_cursor is None
        acme.scheduled.cancel("ann", sams[0].id)
        pending = acme.scheduled.list_page(
            "admin", candidate_id="sam", state=ScheduledState.PENDING, user_id="ann"
        )
        assert [sams[2].id] == [row.id for row in pending.items]
        everyone = acme.scheduled.list_page("admin", limit=1)
        with pytest.raises(InvalidCursorError):
            acme.scheduled.list_page("admin", candidate_id="sam", cursor=everyone.next_cursor)
        with pytest.raises(InvalidCursorError):
            acme.scheduled.list_page("admin", user_id="sam", cursor=first.next_cursor)
        with pytest.raises(InvalidFieldError):
            acme.scheduled.list_page("admin", candidate_id="")


class TestClaims(Texting):
    """A process that took a send and stopped loses it when its claim expires; sent once."""

    def test_crash_before_hand_over(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """Taken, never sent: retaken after the lease, and sent."""
        scheduled = acme.scheduled.schedule("ann", to=ALICE, body="Hi", at=NOON)
        take(acme, clock, "gone")
        assert 0 == acme.scheduled.run_due().count
        clock.advance(CLAIM_LEASE - timedelta(seconds=1))
        assert 0 == acme.scheduled.run_due().count
        clock.advance(timedelta(seconds=1))
        assert [scheduled.id] == [row.id for row in acme.scheduled.run_due().sent]
        assert 1 == len(outbound_at_carrier(carrier))

    def test_crash_after_hand_over(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """Taken and handed over, then stopped: retaken, it finds its text; none sent twice."""
        scheduled = acme.scheduled.schedule("ann", to=ALICE, body="Hi", at=NOON)
        taken = take(acme, clock, "gone")
        # What the stopped process did before it stopped: the text, sent with the row's key.
        made = acme.messages.send(
            "ann", candidate_id=None, to=ALICE, body="Hi", idempotency_key=taken.idempotency_key
        )
        clock.advance(CLAIM_LEASE)
        [sent] = acme.scheduled.run_due().sent
        assert (scheduled.id, made.message.id) == (sent.id, sent.message_id)
        assert 1 == len(outbound_at_carrier(carrier))

    def test_late_settle_of_a_lost_claim(
        self, acme: AccountAdmin, admin: SmsAdmin, clock: ManualClock, line: str
    ) -> None:
        """A process whose claim was taken over cannot settle the row any more."""
        scheduled = acme.scheduled.schedule("ann", to=ALICE, body="Hi", at=NOON)
        take(acme, clock, "slow")
        clock.advance(CLAIM_LEASE)
        take(acme, clock, "second")
        with admin.database.transaction() as connection:
            assert not scheduled_store.settle(
                connection,
                scheduled.id,
                claim="slow",
                state=ScheduledState.REFUSED,
                now=clock.now(),
                refusal="late",
            )
        assert ScheduledState.CLAIMED == acme.scheduled.get("ann", scheduled.id).state


def take(acme: AccountAdmin, clock: ManualClock, claim: str) -> ScheduledSend:
    """Take the oldest due send under ``claim``, as a process that then stops would."""
    with acme.scheduled._context.database.transaction() as connection:
        taken = scheduled_store.claim_due(
            connection, "acme", claim=claim, now=clock.now(), expires_at=clock.now() + CLAIM_LEASE
        )
    assert taken is not None
    return taken
