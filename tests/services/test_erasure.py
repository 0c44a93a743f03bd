"""Erasure: a candidate's number and texts leave every table, and they are never texted again."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command

from sms_core import (
    AccountAdmin,
    AuditAction,
    DeliveryStatus,
    Direction,
    InboundTextStored,
    ManualClock,
    Message,
    OptOutSource,
    PhoneNumber,
    SmsAdmin,
)
from sms_core.domain import ERASED_BODY, ERASED_NUMBER
from sms_core.exceptions import (
    CandidateOptedOutError,
    InvalidPhoneNumberError,
    PermissionDeniedError,
)
from sms_core.store import host_events as event_store
from sms_core.store import messages as message_store
from sms_core.store.migrate import alembic_config, upgrade
from sms_core.store.schema import host_events, metadata
from sms_core.testing import HostEventLog
from sms_fake import SandboxCarrier
from tests.services.database_dump import dump
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    Texting,
    buy_line,
    outbound_at_carrier,
    reply,
)

#: Words only Alice's texts hold.
ALICE_WORDS = ("Dock 4", "see you at nine")


def _alice_everywhere(acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock) -> str:
    """Alice in every table that can hold her: texts both ways, events, an opt-out lifted."""
    line = buy_line(acme, "ann").e164
    acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Shift at Dock 4?")
    acme.messages.send("ann", candidate_id="bruno", to=BRUNO, body="Shift at Dock 7?")
    clock.advance(timedelta(minutes=5))
    reply(acme, carrier, ALICE, line, "Yes, see you at nine")
    reply(acme, carrier, ALICE, line, "STOP")
    reply(acme, carrier, ALICE, line, "START")
    acme.optouts.record(ALICE, source="host", keyword="asked by phone", at=clock.now())
    clock.advance(timedelta(minutes=5))
    acme.optouts.lift("admin", ALICE, reason=f"Alice called from {ALICE} to opt back in")
    acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Thanks, Dock 4 at nine")
    acme.consent.record("ann", ALICE, source="verbal", evidence="Said yes to Dock 4 by phone")
    acme.scheduled.schedule(
        "ann", to=ALICE, body="Reminder: Dock 4 tomorrow", at=clock.now() + timedelta(days=1)
    )
    reply(acme, carrier, BRUNO, line, "Sure")
    return line


class Erasing(Texting):
    """The texting fixtures, with a plugin listening to host events (so they are stored)."""

    @pytest.fixture
    def plugins(self) -> Sequence[object]:
        return (HostEventLog(),)


def _rows_holding(admin: SmsAdmin, *needles: str) -> list[str]:
    """Every row of every table with a column that holds one of ``needles``, as text."""
    found = []
    for table, rows in dump(admin).items():
        for row in rows:
            text = json.dumps([str(value) for value in row])
            if any(needle in text for needle in needles):
                found.append(f"{table}: {text}")
    return found


class TestErase(Erasing):
    """``erase`` removes the number and the texts, keeps the rows and the block."""

    def test_nothing_of_the_number_remains(
        self, admin: SmsAdmin, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """Every column of every table is searched for the number (with and without +1)."""
        _alice_everywhere(acme, carrier, clock)
        held = {row.split(":")[0] for row in _rows_holding(admin, ALICE)}
        assert {
            "messages",
            "opt_outs",
            "audit_log",
            "host_events",
            "consent_records",
            "scheduled_sends",
        } <= held
        acme.erasure.erase("admin", ALICE)
        assert [] == _rows_holding(admin, ALICE, ALICE[1:], ALICE[2:], *ALICE_WORDS)
        [pending] = acme.scheduled.list_page("admin").items
        assert "cancelled" == pending.state
        assert {"messages", "opt_outs", "audit_log", "host_events", "erasure_keys"} <= set(
            metadata.tables
        )

    def test_rows_and_other_candidates_stay(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """Alice's messages stay as rows with markers; Bruno's are untouched."""
        _alice_everywhere(acme, carrier, clock)
        before = acme.messages.page("admin", limit=100).items
        report = acme.erasure.erase("admin", ALICE)
        after = acme.messages.page("admin", limit=100).items
        assert [m.id for m in before] == [m.id for m in after]
        for old, new in zip(before, after, strict=True):
            if ALICE in (old.sender.e164, old.recipient.e164):
                assert ERASED_BODY == new.body
                assert ERASED_NUMBER in (new.sender.e164, new.recipient.e164)
                assert (old.status, old.candidate_id) == (new.status, new.candidate_id)
            else:
                assert old == new
        assert 5 == report.rows["messages"]
        assert ("admin", clock.now()) == (report.by, report.at)

    def test_then_a_send_is_refused_as_opted_out(
        self, admin: SmsAdmin, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """The erased number is still never texted: the opt-out check matches its hash."""
        _alice_everywhere(acme, carrier, clock)
        acme.erasure.erase("admin", ALICE)
        before = dump(admin)
        with pytest.raises(CandidateOptedOutError, match="erased at the candidate's request"):
            acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Hi again")
        with pytest.raises(CandidateOptedOutError):
            acme.messages.send("ann", candidate_id="c-9", to="(212) 555-0101", body="Hi")
        assert before == dump(admin)
        assert acme.optouts.is_opted_out(ALICE)
        opt_out = acme.optouts.get("admin", ALICE)
        assert opt_out is not None
        assert (ALICE, OptOutSource.ERASURE) == (opt_out.number.e164, opt_out.source)

    def test_a_number_never_texted_is_blocked_too(
        self, admin: SmsAdmin, acme: AccountAdmin
    ) -> None:
        """An erasure request for a number with nothing stored still blocks it."""
        buy_line(acme, "ann")
        report = acme.erasure.erase("admin", BRUNO)
        assert {"opt_outs": 1} == {table: n for table, n in report.rows.items() if n}
        with pytest.raises(CandidateOptedOutError):
            acme.messages.send("ann", candidate_id="bruno", to=BRUNO, body="Hi")
        assert [] == _rows_holding(admin, BRUNO)

    def test_idempotent(
        self, admin: SmsAdmin, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """Erasing again changes nothing but the audit trail's record of the request."""
        _alice_everywhere(acme, carrier, clock)
        first = acme.erasure.erase("admin", ALICE)
        before = dump(admin)
        again = acme.erasure.erase("admin", ALICE)
        after = dump(admin)
        assert first.total > 0
        assert 0 == again.total
        assert {k: v for k, v in before.items() if k != "audit_log"} == {
            k: v for k, v in after.items() if k != "audit_log"
        }
        assert len(before["audit_log"]) + 1 == len(after["audit_log"])

    def test_the_audit_keeps_that_it_happened(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """Who erased, when and how many rows: never the number."""
        _alice_everywhere(acme, carrier, clock)
        report = acme.erasure.erase("admin", ALICE)
        [entry] = acme.audit.list(action=AuditAction.ERASE)
        assert ("admin", clock.now(), ERASED_NUMBER) == (entry.actor_id, entry.at, entry.target)
        assert {"numbers": 1, "rows": dict(report.rows)} == entry.after
        [lift] = acme.audit.list(action=AuditAction.LIFT_OPT_OUT)
        assert ERASED_NUMBER == lift.target
        assert ALICE not in json.dumps(lift.after)

    def test_undelivered_events_still_deliver(
        self, admin: SmsAdmin, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """Host events keep their shape: one still undelivered is delivered with the markers."""
        _alice_everywhere(acme, carrier, clock)
        with admin.database.transaction() as connection:
            connection.execute(
                host_events.update().values(delivered_at=None, claim=None, claimed_at=None)
            )
        acme.erasure.erase("admin", ALICE)
        with admin.database.transaction() as connection:
            due = event_store.due_events(
                connection, now=clock.now(), stale_before=clock.now(), limit=100
            )
        texts = [item.event for item in due if isinstance(item.event, InboundTextStored)]
        assert {(ERASED_NUMBER, ERASED_BODY), (BRUNO, "Sure")} <= {
            (t.message.sender.e164, t.message.body) for t in texts
        }

    def test_a_text_never_handed_over_is_never_sent(
        self, admin: SmsAdmin, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """A text stored but not yet handed to the carrier is failed, so recovery skips it."""
        _alice_everywhere(acme, carrier, clock)
        [summary] = acme.numbers.list()
        stored = Message(
            id="m-stuck",
            account_id="acme",
            line_id=summary.line.id,
            direction=Direction.OUTBOUND,
            sender=summary.line.number,
            recipient=PhoneNumber.parse(ALICE),
            candidate_id="alice",
            body="Stuck before the carrier",
            status=DeliveryStatus.PENDING,
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        with admin.database.transaction() as connection:
            message_store.insert_message(connection, stored)
        acme.erasure.erase("admin", ALICE)
        clock.advance(timedelta(hours=1))
        sent_before = len(outbound_at_carrier(carrier))
        acme.messages.reconcile()
        assert sent_before == len(outbound_at_carrier(carrier))
        assert DeliveryStatus.FAILED is acme.messages.get("admin", "m-stuck").status

    def test_start_lifts_the_erased_opt_out(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """The candidate's own START lifts the block (matched by hash), as for any opt-out."""
        line = _alice_everywhere(acme, carrier, clock)
        acme.erasure.erase("admin", ALICE)
        reply(acme, carrier, ALICE, line, "START")
        assert not acme.optouts.is_opted_out(ALICE)
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Welcome back")

    def test_a_later_opt_out_keeps_the_erased_one(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """A new opt-out of an erased number finds the hashed one in force and keeps it."""
        _alice_everywhere(acme, carrier, clock)
        acme.erasure.erase("admin", ALICE)
        kept = acme.optouts.record(ALICE, source="host", keyword=None, at=clock.now())
        assert OptOutSource.ERASURE == kept.source
        assert 1 == len(acme.optouts.list("admin"))

    def test_export_after_erasure(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """Exports read erased rows with their markers."""
        _alice_everywhere(acme, carrier, clock)
        acme.erasure.erase("admin", ALICE)
        out = io.StringIO()
        acme.export.write("admin", "messages", out, format="jsonl")
        numbers = [json.loads(line)["candidate_number"] for line in out.getvalue().splitlines()]
        erased, bruno = ERASED_NUMBER, BRUNO
        assert [erased, bruno, erased, erased, erased, erased, bruno] == numbers

    def test_consent_and_a_cancellation_after_erasure(
        self, admin: SmsAdmin, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """A cancelled scheduled send's audit entry loses the number; consent exports erased."""
        _alice_everywhere(acme, carrier, clock)
        later = acme.scheduled.schedule(
            "ann", to=ALICE, body="Dock 4 moved", at=clock.now() + timedelta(days=2)
        )
        acme.scheduled.cancel("ann", later.id)
        [cancelled] = acme.audit.list(action=AuditAction.CANCEL_SCHEDULED_SEND)
        assert ALICE == cancelled.target
        acme.erasure.erase("admin", ALICE)
        assert [] == _rows_holding(admin, ALICE, ALICE[1:], ALICE[2:], *ALICE_WORDS)
        [cancelled] = acme.audit.list(action=AuditAction.CANCEL_SCHEDULED_SEND)
        assert (ERASED_NUMBER, later.id) == (cancelled.target, (cancelled.before or {})["id"])
        out = io.StringIO()
        acme.export.write("admin", "consent", out, format="jsonl")
        records = [json.loads(line) for line in out.getvalue().splitlines()]
        # Her START recorded consent by keyword, then Ann recorded it by phone.
        erased = [
            (source, ERASED_NUMBER, ERASED_BODY, False) for source in ("text_keyword", "verbal")
        ]
        assert erased == [
            (r["source"], r["number"], r["evidence"], r["opted_out"]) for r in records
        ]


class TestEraseCandidate(Erasing):
    """``erase_candidate`` erases every number the messages attribute to the candidate."""

    def test_by_candidate_id(
        self, admin: SmsAdmin, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        _alice_everywhere(acme, carrier, clock)
        report = acme.erasure.erase_candidate("admin", "alice")
        assert 5 == report.rows["messages"]
        assert [] == _rows_holding(admin, ALICE, *ALICE_WORDS)
        [entry] = acme.audit.list(action=AuditAction.ERASE)
        assert "alice" == entry.target
        with pytest.raises(CandidateOptedOutError):
            acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Hi")
        assert 0 == acme.erasure.erase_candidate("admin", "alice").total


class TestRefusals(Erasing):
    """Non-admins and bad numbers are refused, and nothing changes."""

    def test_recruiter_refused(
        self, admin: SmsAdmin, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        _alice_everywhere(acme, carrier, clock)
        before = dump(admin)
        with pytest.raises(PermissionDeniedError, match=re.escape("sms.admin")):
            acme.erasure.erase("ann", ALICE)
        with pytest.raises(PermissionDeniedError):
            acme.erasure.erase_candidate("ann", "alice")
        assert before == dump(admin)

    def test_bad_number(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        before = dump(admin)
        with pytest.raises(InvalidPhoneNumberError):
            acme.erasure.erase("admin", "+1 555")
        assert before == dump(admin)


class TestMigration:
    """Migration 0015 adds the key table and the hash column, and its downgrade takes them."""

    def test_down_and_up_again(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        """Opt-outs stored before stay through a downgrade to 0010 and back."""
        engine = admin.database.engine
        acme.optouts.record(BRUNO, source="host", keyword=None, at=admin.clock.now())
        command.downgrade(alembic_config(engine), "0010")
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            assert "erasure_keys" not in inspector.get_table_names()
            assert "number_hash" not in {c["name"] for c in inspector.get_columns("opt_outs")}
        upgrade(engine)
        assert acme.optouts.is_opted_out(BRUNO)
        assert 1 == acme.erasure.erase("admin", BRUNO).rows["opt_outs"]
        assert acme.optouts.is_opted_out(BRUNO)
