"""Host events: each change emits one event, delivered after commit, at least once."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from sms_core import (
    Account,
    AccountAdmin,
    DeliveryStatus,
    InboundTextStored,
    LineChange,
    LineChanged,
    ManualClock,
    MessageStatusChanged,
    OptOut,
    OptOutChange,
    OptOutChanged,
    OptOutSource,
    PhoneNumber,
    Recipient,
    RegistrationFailure,
    RegistrationStep,
    RegistrationStepChanged,
    SmsAdmin,
    StepStatus,
    WebhookKind,
    hookimpl,
)
from sms_core.services.context import AccountContext, WebhookUrls
from sms_core.services.host_events import (
    FIRST_RETRY_DELAY,
    MAX_RETRY_DELAY,
    HostEventPoller,
    emit,
    record_opt_out,
    record_status,
)
from sms_core.store import host_events as event_store
from sms_core.store.migrate import alembic_config, upgrade
from sms_core.store.schema import host_events
from sms_core.testing import HostEventLog, sample_brand, sample_campaign
from sms_fake import FakeAdapter, SandboxCarrier
from tests.services.messaging_fixtures import (
    ADMIN_PERMISSIONS,
    ALICE,
    BRUNO,
    CARLA,
    START,
    Texting,
    buy_line,
    create_acme,
    deliver_webhooks,
    open_admin,
)


class Broken:
    """A plugin whose inbound-text hook raises until it is mended."""

    def __init__(self) -> None:
        self.mended = False
        self.calls = 0

    @hookimpl
    def sms_inbound_text_stored(self, event: InboundTextStored) -> None:
        self.calls += 1
        if not self.mended:
            raise RuntimeError(f"cannot reach the CRM about {event.message.body!r}")


class Events(Texting):
    """Texting fixtures with an event log (and a broken plugin registered before it)."""

    @pytest.fixture
    def events(self) -> HostEventLog:
        return HostEventLog()

    @pytest.fixture
    def broken(self) -> Broken:
        return Broken()

    @pytest.fixture
    def plugins(self, events: HostEventLog) -> Sequence[object]:
        return (events,)

    @pytest.fixture
    def line(self, acme: AccountAdmin) -> str:
        return buy_line(acme, "ann").e164


def undelivered(admin: SmsAdmin) -> list[sa.RowMapping]:
    with admin.database.transaction() as connection:
        query = host_events.select().where(host_events.c.delivered_at.is_(None))
        return list(connection.execute(query).mappings())


class TestMessageStatusChanged(Events):
    """A sent text's every forward move is told once; duplicates and late reports are not."""

    def test_once_per_change(
        self,
        acme: AccountAdmin,
        admin: SmsAdmin,
        carrier: SandboxCarrier,
        events: HostEventLog,
        line: str,
    ) -> None:
        """Queued at the send, then sent and delivered; the same reports again add nothing."""
        message = acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Hi").message
        carrier.advance(timedelta(seconds=5))
        reports = carrier.collect_webhooks(subject_sid=message.provider_message_id)
        for request in [*reports, *reports]:
            acme.webhooks.handle(WebhookKind.STATUS, request)
        changes = events.of(MessageStatusChanged)
        assert [
            (DeliveryStatus.PENDING, message.status),
            (message.status, DeliveryStatus.SENT),
            (DeliveryStatus.SENT, DeliveryStatus.DELIVERED),
        ] == [(change.old_status, change.new_status) for change in changes]
        assert {
            ("acme", message.id, "alice", PhoneNumber.parse(line), PhoneNumber.parse(ALICE))
        } == {(c.account_id, c.message_id, c.candidate_id, c.line, c.candidate) for c in changes}
        assert 3 == len({change.id for change in changes})
        assert [] == undelivered(admin)

    def test_mass_text(
        self, acme: AccountAdmin, carrier: SandboxCarrier, events: HostEventLog, line: str
    ) -> None:
        """Each recipient's text of a mass text is told once when the carrier takes it."""
        recipients = [Recipient(candidate_id=None, number=n) for n in (ALICE, BRUNO, CARLA)]
        result = acme.messages.send_mass("ann", recipients, "New shifts")
        sent = {
            outcome.message.id: outcome.message.status
            for outcome in result.outcomes
            if outcome.message is not None
        }
        assert sent == {
            change.message_id: change.new_status
            for change in events.of(MessageStatusChanged)
            if change.old_status is DeliveryStatus.PENDING
        }
        assert 3 == len(events.of(MessageStatusChanged))

    def test_failure_code(
        self, acme: AccountAdmin, carrier: SandboxCarrier, events: HostEventLog, line: str
    ) -> None:
        """An undelivered report carries the carrier's code."""
        carrier.mark_recipient(PhoneNumber.parse(ALICE), "30003")
        acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi")
        carrier.advance(timedelta(seconds=5))
        deliver_webhooks(acme, carrier)
        last = events.of(MessageStatusChanged)[-1]
        assert (DeliveryStatus.UNDELIVERED, "30003") == (last.new_status, last.error_code)


class TestInboundTextStored(Events):
    """A candidate's text is told once, with the line and its users, after it is committed."""

    def test_once_with_users(
        self, acme: AccountAdmin, carrier: SandboxCarrier, events: HostEventLog, line: str
    ) -> None:
        """The same webhook twice: one text, one event, naming the line's user."""
        text = carrier.inject_inbound_text(
            "acme", PhoneNumber.parse(ALICE), PhoneNumber.parse(line), "Yes"
        )
        [request] = carrier.collect_webhooks(subject_sid=text.sid)
        acme.webhooks.handle(WebhookKind.MESSAGES, request)
        acme.webhooks.handle(WebhookKind.MESSAGES, request)
        [event] = events.of(InboundTextStored)
        [stored] = acme.messages.thread("ann", line, ALICE)
        assert (stored, ["ann"], PhoneNumber.parse(line)) == (
            event.message,
            sorted(user.id for user in event.users),
            event.line.number,
        )

    def test_after_commit(
        self, acme: AccountAdmin, carrier: SandboxCarrier, admin: SmsAdmin, line: str
    ) -> None:
        """The hook sees the text from another connection: it runs once the change is committed."""
        seen: list[int] = []

        class Reader:
            @hookimpl
            def sms_inbound_text_stored(self, event: InboundTextStored) -> None:
                seen.append(len(acme.messages.thread("ann", line, ALICE)))

        admin.hooks.plugin_manager.register(Reader())
        carrier.inject_inbound_text(
            "acme", PhoneNumber.parse(ALICE), PhoneNumber.parse(line), "Yes"
        )
        deliver_webhooks(acme, carrier)
        assert [1] == seen

    def test_rolled_back_emits_nothing(
        self, acme: AccountAdmin, admin: SmsAdmin, events: HostEventLog, line: str
    ) -> None:
        """An event written in a transaction that rolls back is neither stored nor told."""
        context = account_context(admin, acme.account)
        [summary] = acme.numbers.list()

        def failing_change() -> None:
            with admin.database.transaction() as connection:
                emit(
                    context,
                    connection,
                    OptOutChanged,
                    number=PhoneNumber.parse(ALICE),
                    change=OptOutChange.RECORDED,
                    source=OptOutSource.HOST,
                    line=summary.line.number,
                )
                raise RuntimeError("the change failed")

        with pytest.raises(RuntimeError, match="the change failed"):
            failing_change()
        assert ([], []) == (events.of(OptOutChanged), undelivered(admin))
        assert () == admin.deliver_host_events().delivered


class TestOptOutChanged(Events):
    """An opt-out is told when it begins and when it is lifted, never for a repeat."""

    def test_keyword_and_host(
        self, acme: AccountAdmin, carrier: SandboxCarrier, events: HostEventLog, line: str
    ) -> None:
        """STOP, STOP again, START; then the host's own record and an admin's lift."""
        for body in ("STOP", "STOP", "START"):
            carrier.inject_inbound_text(
                "acme", PhoneNumber.parse(ALICE), PhoneNumber.parse(line), body
            )
            deliver_webhooks(acme, carrier)
        acme.optouts.record(ALICE, source="host", keyword=None, at=START)
        acme.optouts.record(ALICE, source="host", keyword=None, at=START)
        acme.optouts.lift("admin", ALICE, reason="asked by phone to hear again")
        assert [
            (OptOutChange.RECORDED, OptOutSource.KEYWORD, None),
            (OptOutChange.LIFTED, OptOutSource.KEYWORD, None),
            (OptOutChange.RECORDED, OptOutSource.HOST, None),
            (OptOutChange.LIFTED, OptOutSource.HOST, "admin"),
        ] == [(e.change, e.source, e.by) for e in events.of(OptOutChanged)]
        assert {PhoneNumber.parse(ALICE)} == {e.number for e in events.of(OptOutChanged)}


class TestRegistrationStepChanged(Events):
    """Each move of a registration step is told once, a failure with its reasons."""

    @pytest.fixture
    def acme(self, admin: SmsAdmin) -> AccountAdmin:
        """The account with its admin, not registered yet."""
        account = admin.create_account("acme", name="Acme Staffing", provider="fake")
        account.users.upsert(
            "admin", first_name="Dana", last_name="Reyes", permissions=ADMIN_PERMISSIONS
        )
        return account

    def test_submitted_approved_failed(
        self, acme: AccountAdmin, carrier: SandboxCarrier, events: HostEventLog
    ) -> None:
        """The brand is approved, the campaign refused; syncing again adds nothing."""
        failure = RegistrationFailure(reason="Sample messages lack the brand", code="30893")
        carrier.fail_next("acme", RegistrationStep.CAMPAIGN, failure.reason, failure.code)
        acme.registration.register("admin", sample_brand(), sample_campaign())
        for step in (RegistrationStep.BRAND, RegistrationStep.CAMPAIGN):
            carrier.advance(carrier.review_duration(step))
            acme.registration.sync()
        acme.registration.sync()
        brand, campaign = RegistrationStep.BRAND, RegistrationStep.CAMPAIGN
        assert [
            (brand, StepStatus.NOT_STARTED, StepStatus.IN_PROGRESS, ()),
            (brand, StepStatus.IN_PROGRESS, StepStatus.APPROVED, ()),
            (campaign, StepStatus.NOT_STARTED, StepStatus.IN_PROGRESS, ()),
            (campaign, StepStatus.IN_PROGRESS, StepStatus.FAILED, (failure,)),
        ] == [
            (e.step, e.old_status, e.new_status, e.failures)
            for e in events.of(RegistrationStepChanged)
        ]


class TestLineChanged(Events):
    """Each change of who holds a line, or where it forwards, is told once."""

    def test_life_of_a_line(self, acme: AccountAdmin, events: HostEventLog) -> None:
        """Bought for Ann, handed on, forwarded (twice the same: once told), released."""
        number = buy_line(acme, "ann")
        acme.numbers.unassign("admin", number, "ann")
        acme.numbers.assign("admin", number, "bob")
        acme.numbers.reallocate("admin", number, "bob", "cy")
        acme.numbers.set_forwarding("admin", number, "+12125550199")
        acme.numbers.set_forwarding("admin", number, "+12125550199")
        acme.numbers.deactivate("admin", number)
        forward = PhoneNumber.parse("+12125550199")
        assert [
            (LineChange.ASSIGNED, (), ("ann",), None),
            (LineChange.UNASSIGNED, ("ann",), (), None),
            (LineChange.ASSIGNED, (), ("bob",), None),
            (LineChange.REALLOCATED, ("bob",), ("cy",), None),
            (LineChange.FORWARDING_CHANGED, ("cy",), ("cy",), forward),
            (LineChange.DEACTIVATED, ("cy",), (), None),
        ] == [
            (e.change, e.users_before, e.users_after, e.forward_to) for e in events.of(LineChanged)
        ]
        assert {(number, "admin")} == {(e.number, e.by) for e in events.of(LineChanged)}


class TestNobodyListening(Texting):
    """Without a plugin that implements an event's hook, the event is not kept."""

    def test_no_rows(self, acme: AccountAdmin, admin: SmsAdmin) -> None:
        """Registration, a line and a send leave the outbox empty."""
        buy_line(acme, "ann")
        acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi")
        with admin.database.transaction() as connection:
            assert 0 == event_store.count_undelivered(connection)
            assert [] == list(connection.execute(host_events.select()))


class TestFailingImplementation(Events):
    """A plugin that raises keeps neither the change nor other plugins from happening."""

    @pytest.fixture
    def plugins(self, events: HostEventLog, broken: Broken) -> Sequence[object]:
        return (events, broken)

    def test_redelivered_after_backoff(
        self,
        acme: AccountAdmin,
        admin: SmsAdmin,
        carrier: SandboxCarrier,
        clock: ManualClock,
        events: HostEventLog,
        broken: Broken,
        line: str,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """Stored, told to the log plugin, logged by id; told again to both after the backoff."""
        carrier.inject_inbound_text(
            "acme", PhoneNumber.parse(ALICE), PhoneNumber.parse(line), "Call me 555"
        )
        with caplog.at_level(logging.ERROR, logger="sms_core.services"):
            deliver_webhooks(acme, carrier)
        [first] = events.of(InboundTextStored)
        assert 1 == len(acme.messages.thread("ann", line, ALICE))
        [row] = undelivered(admin)
        assert (first.id, 1, "Broken raised RuntimeError") == (
            row["id"],
            row["attempts"],
            row["last_error"].replace(row["last_error"].split(" raised")[0], "Broken"),
        )
        logged = caplog.text
        assert (True, True) == (first.id in logged, "acme" in logged)
        assert [] == [secret for secret in ("555", ALICE, line) if secret in logged]

        assert () == admin.deliver_host_events().delivered  # not due before the backoff
        clock.advance(FIRST_RETRY_DELAY)
        broken.mended = True
        assert (first.id,) == admin.deliver_host_events().delivered
        assert [first, first] == events.of(InboundTextStored)
        assert (2, []) == (broken.calls, undelivered(admin))

    def test_backoff_is_bounded(
        self,
        acme: AccountAdmin,
        admin: SmsAdmin,
        carrier: SandboxCarrier,
        clock: ManualClock,
        broken: Broken,
        line: str,
    ) -> None:
        """The wait doubles from the first delay and stops at the longest."""
        carrier.inject_inbound_text("acme", PhoneNumber.parse(ALICE), PhoneNumber.parse(line), "Hi")
        deliver_webhooks(acme, carrier)
        waits = []
        for _ in range(10):
            [row] = undelivered(admin)
            waits.append(row["due_at"] - clock.now())
            clock.advance(waits[-1])
            admin.deliver_host_events()
        assert [min(FIRST_RETRY_DELAY * 2**n, MAX_RETRY_DELAY) for n in range(10)] == waits


class TestCrashBeforeDelivery(Events):
    """An event committed by a process that stopped before delivering it is delivered later."""

    def test_poller_delivers_once(
        self, acme: AccountAdmin, admin: SmsAdmin, events: HostEventLog, line: str
    ) -> None:
        """Written with its change but never delivered: the poller delivers it, once."""
        event = written_not_delivered(admin, acme.account, line)
        with HostEventPoller(admin.host_event_delivery(), interval=60) as poller:
            assert poller.wait_for_passes(1, timeout=30)
        assert [event] == events.of(OptOutChanged)
        assert () == admin.deliver_host_events().delivered
        assert [event] == events.of(OptOutChanged)

    def test_stale_claim_is_taken_over(
        self,
        acme: AccountAdmin,
        admin: SmsAdmin,
        clock: ManualClock,
        events: HostEventLog,
        line: str,
    ) -> None:
        """A process that claimed an event and stopped loses it once its lease ran out."""
        event = written_not_delivered(admin, acme.account, line)
        with admin.database.transaction() as connection:
            assert event_store.claim_event(
                connection, event.id, claim="gone", now=clock.now(), stale_before=clock.now()
            )
        assert () == admin.deliver_host_events().delivered
        clock.advance(timedelta(minutes=5, seconds=1))
        assert (event.id,) == admin.deliver_host_events().delivered


class TestKilledBeforeDelivery:
    """A process SIGKILLed between the commit and the delivery loses no event."""

    @pytest.mark.crash
    def test_delivered_by_the_next_pass(
        self, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The child records an opt-out and dies as delivery starts; a pass delivers it once."""
        clock = ManualClock(START)
        log = HostEventLog()
        with SandboxCarrier(tmp_path / "carrier.sqlite3", clock=clock) as carrier:
            with open_admin(database_url, clock, None, [FakeAdapter(carrier=carrier)]) as admin:
                admin.create_account("acme", name="Acme Staffing", provider="fake")
            monkeypatch.setenv("SMS_DATABASE_URL", database_url)
            child = subprocess.run(
                [sys.executable, "-m", "tests.host_events_child", START.isoformat()],
                cwd=Path(__file__).parent.parent.parent,
                env=os.environ.copy(),
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert -signal.SIGKILL == child.returncode, child.stdout + child.stderr
            assert "delivered" not in child.stdout
            with open_admin(
                database_url, clock, None, [FakeAdapter(carrier=carrier), log]
            ) as admin:
                assert acme_opted_out(admin)
                [row] = undelivered(admin)
                report = admin.deliver_host_events()
                again = admin.deliver_host_events()
        [event] = log.of(OptOutChanged)
        assert (row["id"], (row["id"],), ()) == (event.id, report.delivered, again.delivered)
        assert (OptOutChange.RECORDED, PhoneNumber.parse(ALICE)) == (event.change, event.number)


class TestOutboxMigration:
    """0009: the outbox table comes and goes with its migration."""

    def test_down_and_up(self, database_url: str) -> None:
        """Downgrading below 0009 drops the table; upgrading again brings it back, empty."""
        engine = sa.create_engine(database_url)
        try:
            upgrade(engine)
            config = alembic_config(engine)
            below = ScriptDirectory.from_config(config).get_revision("0009").down_revision
            assert isinstance(below, str)
            command.downgrade(config, below)
            assert "host_events" not in sa.inspect(engine).get_table_names()
            upgrade(engine)
            with engine.connect() as connection:
                assert 0 == event_store.count_undelivered(connection)
        finally:
            engine.dispose()


class TestConcurrentOptOuts:
    """Two processes recording one number's opt-out at once tell it once (PostgreSQL)."""

    def test_second_waits_then_tells_nothing(self, postgres_url: str, tmp_path: Path) -> None:
        """The second insert waits on the first's uncommitted row, then stores and tells nothing."""
        clock = ManualClock(START)
        log = HostEventLog()
        with SandboxCarrier(tmp_path / "carrier.sqlite3", clock=clock) as carrier:
            first, second = (
                open_admin(postgres_url, clock, None, [FakeAdapter(carrier=carrier), log])
                for _ in range(2)
            )
            try:
                account = first.create_account("acme", name="Acme", provider="fake").account
                done = threading.Event()

                def record_again() -> None:
                    second.account("acme").optouts.record(
                        ALICE, source="carrier", keyword=None, at=START
                    )
                    done.set()

                blocked = threading.Thread(target=record_again)
                with first.database.transaction() as connection:
                    opt_out = OptOut(
                        number=PhoneNumber.parse(ALICE),
                        opted_out_at=START,
                        source=OptOutSource.HOST,
                    )
                    record_opt_out(account_context(first, account), connection, opt_out)
                    blocked.start()
                    assert wait_for_lock_wait(first)  # the second insert waits on this row
                    assert not done.is_set()
                blocked.join(timeout=60)
            finally:
                first.close()
                second.close()
        assert [(OptOutChange.RECORDED, OptOutSource.HOST)] == [
            (event.change, event.source) for event in log.of(OptOutChanged)
        ]


def wait_for_lock_wait(admin: SmsAdmin) -> bool:
    """Whether another session of the database is waiting on a lock, within half a minute."""
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )
    for _ in range(600):
        with admin.database.engine.connect() as connection:
            if connection.execute(query).scalar_one():
                return True
        threading.Event().wait(0.05)
    return False


class TestConcurrentStatusReports:
    """Two reports about one text applied at once tell the true old status (PostgreSQL)."""

    def test_second_reads_what_the_first_wrote(self, postgres_url: str, tmp_path: Path) -> None:
        """Delivered waits for sent to commit, then is told as sent → delivered."""
        clock = ManualClock(START)
        log = HostEventLog()
        with SandboxCarrier(tmp_path / "carrier.sqlite3", clock=clock) as carrier:
            first, second = (
                open_admin(postgres_url, clock, None, [FakeAdapter(carrier=carrier), log])
                for _ in range(2)
            )
            try:
                acme = create_acme(first, carrier)
                buy_line(acme, "ann")
                message = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Hi").message
                done = threading.Event()

                def report_delivered() -> None:
                    context = account_context(second, acme.account)
                    with second.database.transaction() as connection:
                        record_status(
                            context, connection, message.id, status=DeliveryStatus.DELIVERED
                        )
                    done.set()

                blocked = threading.Thread(target=report_delivered)
                context = account_context(first, acme.account)
                with first.database.transaction() as connection:
                    record_status(context, connection, message.id, status=DeliveryStatus.SENT)
                    blocked.start()
                    assert wait_for_lock_wait(first)  # the second report waits on this row
                    assert not done.is_set()
                blocked.join(timeout=60)
            finally:
                first.close()
                second.close()
        # Each commit delivers its own events from its own thread, so the two reports' events
        # may reach the log in either order; what they say is the point: sent → delivered.
        assert sorted(
            [
                (DeliveryStatus.PENDING, message.status),
                (message.status, DeliveryStatus.SENT),
                (DeliveryStatus.SENT, DeliveryStatus.DELIVERED),
            ]
        ) == sorted((e.old_status, e.new_status) for e in log.of(MessageStatusChanged))


class TestConcurrentPollers:
    """Pollers in several processes deliver each event once per pass (PostgreSQL)."""

    def test_each_event_once(self, postgres_url: str, tmp_path: Path) -> None:
        """Two SDKs on two engines deliver 60 pending events at the same moment."""
        clock = ManualClock(START)
        log = HostEventLog()
        with SandboxCarrier(tmp_path / "carrier.sqlite3", clock=clock) as carrier:
            opened = [
                open_admin(postgres_url, clock, None, [FakeAdapter(carrier=carrier), log])
                for _ in range(2)
            ]
            try:
                account = opened[0].create_account("acme", name="Acme", provider="fake").account
                written = {
                    written_not_delivered(opened[0], account, "+14155550100").id for _ in range(60)
                }
                barrier = threading.Barrier(2)
                reports = []

                def run(admin: SmsAdmin) -> None:
                    barrier.wait()
                    reports.append(admin.deliver_host_events())

                threads = [threading.Thread(target=run, args=(admin,)) for admin in opened]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
            finally:
                for admin in opened:
                    admin.close()
        delivered = [event.id for event in log.events]
        assert (written, 60) == (set(delivered), len(delivered))
        assert written == {i for report in reports for i in report.delivered}


def acme_opted_out(admin: SmsAdmin) -> bool:
    return admin.account("acme").optouts.is_opted_out(ALICE)


def account_context(admin: SmsAdmin, account: Account) -> AccountContext:
    return AccountContext(
        account=account,
        database=admin.database,
        hooks=admin.hooks,
        clock=admin.clock,
        webhooks=WebhookUrls(base="https://sms.example.test/webhooks"),
    )


def written_not_delivered(admin: SmsAdmin, account: Account, line: str) -> OptOutChanged:
    """An event stored as a change's transaction stores it, its delivery never run."""
    event = OptOutChanged(
        id=f"evt{len(undelivered(admin))}-{threading.get_ident()}",
        account_id=account.id,
        occurred_at=admin.clock.now(),
        number=PhoneNumber.parse(ALICE),
        change=OptOutChange.RECORDED,
        source=OptOutSource.HOST,
        line=PhoneNumber.parse(line),
    )
    with admin.database.transaction() as connection:
        event_store.insert_event(connection, event, admin.clock.now())
    return event
