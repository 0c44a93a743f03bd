from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_core import (
    Account,
    AccountAdmin,
    DeliveryStatus,
    Direction,
    InboundTextStored,
    Line,
    ManualClock,
    Message,
    PhoneNumber,
    Recipient,
    RecipientStatus,
    SmsAdmin,
    WebhookKind,
)
from sms_core.exceptions import (
    InvalidCursorError,
    InvalidPhoneNumberError,
    MessageBodyError,
    MessageNotFoundError,
    NotOnLineError,
    PermissionDeniedError,
    UserNotFoundError,
)
from sms_core.store import Database
from sms_core.store import inbox as inbox_store
from sms_core.store import lines as line_store
from sms_core.store import messages as message_store
from sms_core.store.accounts import insert_account
from sms_core.store.migrate import alembic_config, upgrade
from sms_core.testing import HostEventLog
from sms_fake import SandboxCarrier
from tests.services.database_dump import dump
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    CARLA,
    Texting,
    buy_line,
    reply,
    seat_line,
)


def unread(account: AccountAdmin, viewer: str) -> dict[str, int]:
    """The viewer's inbox as candidate number → unread count, every page."""
    found: dict[str, int] = {}
    cursor = None
    while True:
        page = account.inbox.threads_page(viewer, cursor=cursor, limit=2)
        for thread in page.items:
            assert thread.candidate.e164 not in found
            found[thread.candidate.e164] = thread.unread
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


class TestRouting(Texting):
    """A reply goes to the inbox of each user on the line when it arrives, unread."""

    @pytest.fixture
    def host(self) -> str:
        return "hcm_widget"

    @pytest.fixture
    def log(self) -> HostEventLog:
        return HostEventLog()

    @pytest.fixture
    def plugins(self, log: HostEventLog) -> Sequence[object]:
        return (log,)

    @pytest.fixture
    def line(self, acme: AccountAdmin) -> str:
        """One number shared by Ann and Bob."""
        return buy_line(acme, "ann", "bob").e164

    def test_each_user_on_the_line(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """Ann and Bob each see Alice's two replies unread; Cy, on no line, sees nothing."""
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Shift at 7?")
        for body in ("Yes", "What time?"):
            clock.advance(timedelta(minutes=1))
            reply(acme, carrier, ALICE, line, body)
        for user in ("ann", "bob"):
            [thread] = acme.inbox.threads_page(user).items
            assert (line, ALICE, "alice", "What time?", 2) == (
                thread.line.e164,
                thread.candidate.e164,
                thread.candidate_id,
                thread.last_message.body,
                thread.unread,
            )
            assert 2 == acme.inbox.unread_count(user)
        assert () == acme.inbox.threads_page("cy").items
        assert 0 == acme.inbox.unread_count("cy")

    def test_host_event_names_the_same_users(
        self, acme: AccountAdmin, carrier: SandboxCarrier, log: HostEventLog, line: str
    ) -> None:
        """One InboundTextStored per text names exactly the users whose inbox it went to."""
        reply(acme, carrier, ALICE, line, "Hi")
        [event] = log.of(InboundTextStored)
        routed = {user for user in ("ann", "bob", "cy") if acme.inbox.unread_count(user)}
        assert {"ann", "bob"} == {user.id for user in event.users} == routed

    def test_users_then_not_now(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """Cy, put on the line after a reply, gets only the replies that come after."""
        reply(acme, carrier, ALICE, line, "First")
        acme.numbers.assign("admin", line, "cy")
        assert {} == unread(acme, "cy")
        clock.advance(timedelta(minutes=1))
        reply(acme, carrier, ALICE, line, "Second")
        assert {ALICE: 1} == unread(acme, "cy")
        assert {ALICE: 2} == unread(acme, "ann")

    def test_taken_off_the_line(
        self, acme: AccountAdmin, carrier: SandboxCarrier, log: HostEventLog, line: str
    ) -> None:
        """Bob, taken off the line, no longer sees its threads nor gets its replies."""
        reply(acme, carrier, ALICE, line, "Hi")
        acme.numbers.unassign("admin", line, "bob")
        reply(acme, carrier, BRUNO, line, "Hello")
        assert ({}, 0) == (unread(acme, "bob"), acme.inbox.unread_count("bob"))
        assert {ALICE: 1, BRUNO: 1} == unread(acme, "ann")
        assert ["bob"] not in [[user.id for user in e.users] for e in log.of(InboundTextStored)]

    def test_redelivered_webhook_counts_once(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """The carrier sending the same text twice leaves one unread text."""
        text = carrier.inject_inbound_text(
            "acme", PhoneNumber.parse(ALICE), PhoneNumber.parse(line), "Hi"
        )
        [request] = carrier.collect_webhooks(subject_sid=text.sid)
        for _ in range(2):
            acme.webhooks.handle(WebhookKind.MESSAGES, request)
        assert {ALICE: 1} == unread(acme, "ann")


class TestReading(Texting):
    """Reading a thread marks it read for the reader alone, never back."""

    @pytest.fixture
    def host(self) -> str:
        return "hcm_widget"

    @pytest.fixture
    def line(self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock) -> str:
        """Ann's and Bob's shared number; Alice replied three times and Bruno once."""
        number = buy_line(acme, "ann", "bob").e164
        for sender, body in ((ALICE, "1"), (ALICE, "2"), (BRUNO, "Hi"), (ALICE, "3")):
            clock.advance(timedelta(minutes=1))
            reply(acme, carrier, sender, number, body)
        return number

    def test_thread_marks_it_read_for_the_reader(self, acme: AccountAdmin, line: str) -> None:
        """Ann reading Alice's thread clears it for Ann; Bob's counts stay."""
        acme.messages.thread("ann", line, ALICE)
        assert ({ALICE: 0, BRUNO: 1}, 1) == (unread(acme, "ann"), acme.inbox.unread_count("ann"))
        assert ({ALICE: 3, BRUNO: 1}, 4) == (unread(acme, "bob"), acme.inbox.unread_count("bob"))

    def test_a_page_marks_what_it_returned(self, acme: AccountAdmin, line: str) -> None:
        """A page of two of Alice's three texts leaves the third unread; the next page reads it."""
        page = acme.messages.thread_page("ann", line, ALICE, limit=2)
        assert ["1", "2"] == [message.body for message in page.items]
        assert 1 == unread(acme, "ann")[ALICE]
        acme.messages.thread_page("ann", line, ALICE, limit=2, cursor=page.next_cursor)
        assert 0 == unread(acme, "ann")[ALICE]

    def test_reading_an_older_page_again_moves_nothing_back(
        self, acme: AccountAdmin, line: str
    ) -> None:
        """After reading all, the first page read again leaves the thread read."""
        acme.messages.thread("ann", line, ALICE)
        acme.messages.thread_page("ann", line, ALICE, limit=1)
        assert 0 == unread(acme, "ann")[ALICE]

    def test_new_reply_after_reading(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """A reply after the thread was read is the one unread, and moves it to the top."""
        acme.messages.thread("ann", line, ALICE)
        clock.advance(timedelta(minutes=1))
        reply(acme, carrier, BRUNO, line, "Still there?")
        clock.advance(timedelta(minutes=1))
        reply(acme, carrier, ALICE, line, "4")
        page = acme.inbox.threads_page("ann")
        assert [(ALICE, 1, "4"), (BRUNO, 2, "Still there?")] == [
            (t.candidate.e164, t.unread, t.last_message.body) for t in page.items
        ]

    def test_answer_shows_as_last_message(self, acme: AccountAdmin, line: str) -> None:
        """Bob's answer is the thread's last message; sending reads nothing for Ann."""
        acme.messages.send("bob", candidate_id="alice", to=ALICE, body="See you at 7")
        thread = next(t for t in acme.inbox.threads_page("ann").items if t.candidate.e164 == ALICE)
        assert ("See you at 7", Direction.OUTBOUND, 3) == (
            thread.last_message.body,
            thread.last_message.direction,
            thread.unread,
        )

    def test_mark_read(self, acme: AccountAdmin, line: str) -> None:
        """Marking a thread read clears it without reading; a second mark changes nothing."""
        assert acme.inbox.mark_read("bob", line, BRUNO)
        assert not acme.inbox.mark_read("bob", line, BRUNO)
        assert {ALICE: 3, BRUNO: 0} == unread(acme, "bob")
        assert {ALICE: 3} == {
            t.candidate.e164: t.unread
            for t in acme.inbox.threads_page("bob", unread_only=True).items
        }

    def test_mark_read_of_another_line(
        self, admin: SmsAdmin, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """Cy, on another line, cannot mark Ann's threads, nor Ann Cy's; nothing changes."""
        other = buy_line(acme, "cy", area_code="646").e164
        reply(acme, carrier, CARLA, other, "Hey")
        before = dump(admin)
        with pytest.raises(NotOnLineError, match=re.escape(f"'cy' is not on {line}")):
            acme.inbox.mark_read("cy", line, ALICE)
        with pytest.raises(NotOnLineError):
            acme.inbox.mark_read("ann", other, CARLA)
        assert before == dump(admin)
        assert ({ALICE: 3, BRUNO: 1}, {CARLA: 1}) == (unread(acme, "ann"), unread(acme, "cy"))

    def test_reading_another_lines_thread_marks_nothing(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """Cy may read Ann's thread (the host allows history), which stays unread for Ann."""
        buy_line(acme, "cy", area_code="646")
        assert 3 == len(acme.messages.thread("cy", line, ALICE))
        assert {ALICE: 3, BRUNO: 1} == unread(acme, "ann")

    def test_bad_input(self, admin: SmsAdmin, acme: AccountAdmin, line: str) -> None:
        """A bad number, an unknown user or another inbox's cursor is refused, changing nothing."""
        before = dump(admin)
        with pytest.raises(InvalidPhoneNumberError):
            acme.inbox.mark_read("ann", line, "not a number")
        with pytest.raises(UserNotFoundError):
            acme.inbox.threads_page("zed")
        with pytest.raises(UserNotFoundError):
            acme.inbox.unread_count("zed")
        cursor = acme.inbox.threads_page("ann", limit=1).next_cursor
        with pytest.raises(InvalidCursorError, match="another list"):
            acme.inbox.threads_page("bob", cursor=cursor)
        with pytest.raises(InvalidCursorError, match="another list"):
            acme.inbox.threads_page("ann", cursor=cursor, unread_only=True)
        with pytest.raises(UserNotFoundError):
            acme.inbox.mark_read("zed", line, ALICE)
        assert before == dump(admin)


class TestPanelAndAnswers(Texting):
    """The texting panel's read marks what it shows; a recruiter's own answer marks the thread."""

    @pytest.fixture
    def host(self) -> str:
        return "hcm_widget"

    @pytest.fixture
    def line(self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock) -> str:
        """Ann's and Bob's shared number; Ann texted Alice, who replied three times."""
        number = buy_line(acme, "ann", "bob").e164
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Shift at 7?")
        for body in ("1", "2", "3"):
            clock.advance(timedelta(minutes=1))
            reply(acme, carrier, ALICE, number, body)
        return number

    def test_history_page_marks_what_it_returned(self, acme: AccountAdmin, line: str) -> None:
        """Oldest first, a page of Ann's text and "1" leaves "2" and "3" unread, for Bob too."""
        page = acme.messages.history_page("bob", "alice", limit=2)
        assert ["Shift at 7?", "1"] == [message.body for message in page.items]
        assert ({ALICE: 2}, {ALICE: 3}) == (unread(acme, "bob"), unread(acme, "ann"))

    def test_newest_page_marks_the_thread_through_its_newest(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """The panel's first page ("3", "2") reads the thread; a reply after it is unread."""
        page = acme.messages.history_page("bob", "alice", limit=2, newest_first=True)
        assert ["3", "2"] == [message.body for message in page.items]
        assert 0 == acme.inbox.unread_count("bob")
        acme.messages.history_page(
            "bob", "alice", limit=1, cursor=page.next_cursor, newest_first=True
        )
        clock.advance(timedelta(minutes=1))
        reply(acme, carrier, ALICE, line, "4")
        assert {ALICE: 1} == unread(acme, "bob")

    def test_reading_another_lines_history_marks_nothing(
        self, acme: AccountAdmin, line: str
    ) -> None:
        """Cy, on another line, reads Alice's history (the host allows it): no mark for anyone."""
        buy_line(acme, "cy", area_code="646")
        assert 4 == len(acme.messages.history_page("cy", "alice").items)
        assert ({ALICE: 3}, {ALICE: 3}, {}) == (
            unread(acme, "ann"),
            unread(acme, "bob"),
            unread(acme, "cy"),
        )

    def test_thread_of_names_a_thread_by_a_message(self, acme: AccountAdmin, line: str) -> None:
        """Any message of a thread in the viewer's inbox names it; reading it marks nothing."""
        [first] = acme.messages.thread_page("cy", line, ALICE, limit=1).items
        thread = acme.inbox.thread_of("bob", first.id)
        assert (line, ALICE, "alice", "3", 3) == (
            thread.line.e164,
            thread.candidate.e164,
            thread.candidate_id,
            thread.last_message.body,
            thread.unread,
        )
        assert 3 == acme.inbox.unread_count("bob")

    def test_thread_of_another_inbox_is_not_found(
        self, admin: SmsAdmin, acme: AccountAdmin, line: str
    ) -> None:
        """Cy (on no line), an unknown id and another account's viewer find nothing."""
        [first] = acme.messages.thread_page("cy", line, ALICE, limit=1).items
        with pytest.raises(MessageNotFoundError, match="'cy'"):
            acme.inbox.thread_of("cy", first.id)
        with pytest.raises(MessageNotFoundError):
            acme.inbox.thread_of("bob", "no-such-message")
        with pytest.raises(UserNotFoundError):
            acme.inbox.thread_of("zed", first.id)

    def test_answer_marks_the_senders_thread_read(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """Bob answering Alice reads her three replies for Bob; Ann's stay; the next is unread."""
        clock.advance(timedelta(minutes=1))
        acme.messages.send("bob", candidate_id="alice", to=ALICE, body="See you at 7")
        assert ({ALICE: 0}, {ALICE: 3}) == (unread(acme, "bob"), unread(acme, "ann"))
        clock.advance(timedelta(minutes=1))
        reply(acme, carrier, ALICE, line, "Great")
        assert ({ALICE: 1}, {ALICE: 4}) == (unread(acme, "bob"), unread(acme, "ann"))

    def test_a_retried_answer_marks_nothing_again(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """A retry with the answer's key sends nothing and leaves a later reply unread."""
        acme.messages.send("bob", candidate_id="alice", to=ALICE, body="At 7", idempotency_key="k")
        clock.advance(timedelta(minutes=1))
        reply(acme, carrier, ALICE, line, "And parking?")
        again = acme.messages.send(
            "bob", candidate_id="alice", to=ALICE, body="At 7", idempotency_key="k"
        )
        assert again.duplicate
        assert {ALICE: 1} == unread(acme, "bob")

    def test_answer_to_another_candidate_marks_only_that_thread(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """Bob texting Bruno leaves Alice's replies unread for Bob."""
        reply(acme, carrier, BRUNO, line, "Hi")
        acme.messages.send("bob", candidate_id="bruno", to=BRUNO, body="Hello Bruno")
        assert {ALICE: 3, BRUNO: 0} == unread(acme, "bob")

    def test_refused_send_marks_nothing(self, acme: AccountAdmin, line: str) -> None:
        """A send refused before storing (an empty body) leaves the thread unread."""
        with pytest.raises(MessageBodyError):
            acme.messages.send("bob", candidate_id="alice", to=ALICE, body=" ")
        assert {ALICE: 3} == unread(acme, "bob")

    def test_mass_text_marks_nothing(self, acme: AccountAdmin, line: str) -> None:
        """A mass text reaching Alice answers no one thread: her replies stay unread for Bob."""
        result = acme.messages.send_mass(
            "bob", [Recipient(candidate_id="alice", number=ALICE)], "Shifts open"
        )
        assert [RecipientStatus.SENT] == [outcome.status for outcome in result.outcomes]
        assert {ALICE: 3} == unread(acme, "bob")

    def test_scheduled_send_marks_nothing(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """A scheduled text going out later leaves the replies that came meanwhile unread."""
        acme.scheduled.schedule(
            "bob", to=ALICE, body="Reminder", at=clock.now() + timedelta(minutes=30)
        )
        clock.advance(timedelta(minutes=10))
        reply(acme, carrier, ALICE, line, "Can we move it?")
        clock.advance(timedelta(minutes=20))
        [sent] = acme.scheduled.run_due().sent
        assert sent.message_id is not None
        assert {ALICE: 4} == unread(acme, "bob")


class TestPaging(Texting):
    """The inbox pages newest first, each unchanged thread once, however many replies come."""

    def test_replies_between_pages(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """New threads and new replies while paging: no thread twice, every other one once."""
        line = buy_line(acme, "ann").e164
        candidates = [f"+1212555{n:04d}" for n in range(110, 120)]
        for number in candidates:
            clock.advance(timedelta(minutes=1))
            reply(acme, carrier, number, line, "Hi")
        listed: list[str] = []
        changed: set[str] = set()
        cursor = None
        for round_ in range(10):
            page = acme.inbox.threads_page("ann", limit=3, cursor=cursor)
            listed.extend(thread.candidate.e164 for thread in page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
            # A new candidate, a thread already listed and one not yet listed all reply.
            for number in (f"+1212555{200 + round_:04d}", listed[0], candidates[round_]):
                clock.advance(timedelta(minutes=1))
                reply(acme, carrier, number, line, "Again")
                changed.add(number)
        assert len(listed) == len(set(listed))
        assert set(candidates) - changed <= set(listed)
        first = acme.inbox.threads_page("ann", limit=100).items
        order = [(t.last_message.created_at, t.candidate.e164) for t in first]
        assert sorted(order, reverse=True) == order


class TestWhoMayRead(Texting):
    """The inbox is conversations: only users the host lets see history read it."""

    @pytest.fixture
    def host(self) -> str:
        return "ats_seats"

    def test_without_page_access(
        self, admin: SmsAdmin, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """Dee, on the seat's line without the ATS's candidate pages, is refused everything."""
        acme.users.upsert("dee", first_name="Dee", last_name="Ox")
        line = seat_line(acme, 100, "ann", "dee")[1]
        reply(acme, carrier, ALICE, line, "Hi")
        before = dump(admin)
        for read in (
            lambda: acme.inbox.threads_page("dee"),
            lambda: acme.inbox.unread_count("dee"),
            lambda: acme.inbox.mark_read("dee", line, ALICE),
        ):
            with pytest.raises(PermissionDeniedError, match="which Dee Ox does not have"):
                read()
        assert before == dump(admin)
        assert {ALICE: 1} == unread(acme, "ann")


class TestConcurrentReaders(Texting):
    """Two processes reading a thread at once on PostgreSQL never move the read mark back."""

    @pytest.fixture
    def database_url(self, postgres_url: str) -> str:
        """PostgreSQL only: SQLite runs one writer at a time."""
        return postgres_url

    def test_mark_never_moves_back(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        database_url: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Each sees its own mark or a later one; the mark ends at the furthest place read."""
        line = buy_line(acme, "ann").e164
        texts = 12
        for index in range(texts):
            reply(acme, carrier, ALICE, line, f"Reply {index}")
        monkeypatch.setenv("SMS_DATABASE_URL", database_url)
        ready = tmp_path / "ready"
        ready.mkdir()
        command = [sys.executable, "-m", "tests.inbox_child", line, ALICE, str(texts)]
        children = [
            subprocess.Popen(
                [*command, seed, str(ready)],
                cwd=Path(__file__).parent.parent.parent,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for seed in ("1", "2")
        ]
        reports = []
        for child in children:
            out, err = child.communicate(timeout=300)
            assert 0 == child.returncode, err
            reports.append(json.loads(out))
        assert [[], []] == [report["violations"] for report in reports]
        furthest = max(report["largest"] for report in reports)
        assert texts - furthest == acme.inbox.unread_count("ann")

    def test_earlier_mark_waiting_on_a_later_one(
        self, admin: SmsAdmin, acme: AccountAdmin, carrier: SandboxCarrier
    ) -> None:
        """A mark to the 2nd text, blocked behind one to the 3rd, leaves the 3rd when it runs.

        The interleaving a read-then-write would lose: the earlier mark's statement starts
        while the later one is uncommitted, and runs after it commits.
        """
        line = buy_line(acme, "ann").e164
        for body in ("1", "2", "3"):
            reply(acme, carrier, ALICE, line, body)
        database = admin.database
        with database.transaction() as connection:
            keys = [
                key
                for key, _ in message_store.thread_page(connection, "acme", line, ALICE, after=None)
            ]

        def mark(connection: sa.Connection, through: int) -> bool:
            return inbox_store.mark_read(
                connection, "acme", "ann", line, ALICE, through=keys[through]
            )

        with database.engine.connect() as later, database.engine.connect() as watcher:
            assert mark(later, 2)  # uncommitted: it holds the row
            with ThreadPoolExecutor(max_workers=1) as pool:
                earlier = pool.submit(lambda: _in_transaction(database, lambda c: mark(c, 1)))
                try:
                    _wait_for_lock_waiter(watcher)
                finally:
                    later.commit()
                assert not earlier.result(timeout=60)
        assert (0, 0) == (acme.inbox.unread_count("ann"), unread(acme, "ann")[ALICE])


def _in_transaction(database: Database, work: Callable[[sa.Connection], bool]) -> bool:
    with database.transaction() as connection:
        return work(connection)


def _wait_for_lock_waiter(watcher: sa.Connection) -> None:
    """Wait until a session of this database waits on a lock (the earlier mark, blocked).

    Each look is its own transaction: within one, PostgreSQL shows the same snapshot of
    ``pg_stat_activity`` every time.
    """
    for _ in range(3000):
        waiting = watcher.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        ).scalar_one()
        watcher.commit()
        if waiting:
            return
        threading.Event().wait(0.01)
    raise AssertionError("the earlier mark never waited on the later one's lock")


class TestMigration:
    """0016: the inbox table and its index come and go with the revision."""

    def test_down_and_up(self, database_url: str) -> None:
        """Downgrading to 0010 drops the table; upgrading again brings it back, empty."""
        engine = sa.create_engine(database_url)
        try:
            upgrade(engine)
            assert "ix_inbox_threads_user" in _indexes(engine)
            command.downgrade(alembic_config(engine), "0010")
            assert "inbox_threads" not in sa.inspect(engine).get_table_names()
            upgrade(engine)
            assert ["account_id", "user_id", "last_at", "last_seq"] == _indexes(engine)[
                "ix_inbox_threads_user"
            ]
        finally:
            engine.dispose()


def _indexes(engine: sa.Engine) -> dict[str, list[str | None]]:
    return {
        str(index["name"]): list(index["column_names"])
        for index in sa.inspect(engine).get_indexes("inbox_threads")
    }


inbox_paging = settings(
    max_examples=15,
    deadline=None,
    database=None,
    # One database per test; each example makes an account of its own in it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_accounts = itertools.count()


class Replies:
    """A fresh account whose user ``ann`` is on one line, and replies stored as inbound does."""

    def __init__(self, admin: SmsAdmin, clock: ManualClock) -> None:
        self.admin, self.clock = admin, clock
        serial = next(_accounts)
        self.id = f"inbox{serial}"
        self.line = Line(
            id=f"{self.id}-l1",
            account_id=self.id,
            number=PhoneNumber.parse(f"+1415555{serial:04d}"),
            provider_ref="l1",
        )
        with admin.database.transaction() as connection:
            insert_account(connection, Account(id=self.id, name="P", provider="fake"), clock.now())
            line_store.insert_line(connection, self.line, clock.now())
        self.account.users.upsert("ann", first_name="Ann", last_name="Lee")
        with admin.database.transaction() as connection:
            line_store.add_line_user(connection, self.line, "ann", None, clock.now())
        self.count = 0

    @property
    def account(self) -> AccountAdmin:
        return self.admin.account(self.id)

    def reply(self, candidate: int) -> str:
        """Candidate ``candidate`` replies; returns their number."""
        number = PhoneNumber.parse(f"+1212555{candidate:04d}")
        self.count += 1
        message = Message(
            id=f"{self.id}-m{self.count}",
            account_id=self.id,
            line_id=self.line.id,
            direction=Direction.INBOUND,
            sender=number,
            recipient=self.line.number,
            body="Yes",
            status=DeliveryStatus.RECEIVED,
            created_at=self.clock.now(),
            updated_at=self.clock.now(),
        )
        with self.admin.database.transaction() as connection:
            message_store.insert_message(connection, message)
            inbox_store.route_text(
                connection, self.id, message.id, line_id=self.line.id, user_ids=["ann"]
            )
        return number.e164


class TestPagingProperties:
    """Whatever replies come between pages, no thread shows twice and every unchanged one once."""

    @inbox_paging
    @given(
        first=st.integers(0, 6),
        steps=st.lists(
            st.tuples(
                st.integers(1, 4),  # the page size
                st.lists(st.integers(0, 9), max_size=3),  # who replies before the next page
                st.booleans(),  # whether the clock moves on first (else: the same instant)
            ),
            min_size=1,
            max_size=8,
        ),
    )
    def test_each_unchanged_thread_once(
        self,
        admin: SmsAdmin,
        clock: ManualClock,
        first: int,
        steps: list[tuple[int, list[int], bool]],
    ) -> None:
        """Newest first; a thread with a new reply moves up and is never listed again."""
        replies = Replies(admin, clock)
        before = {replies.reply(candidate) for candidate in range(first)}
        listed: list[str] = []
        places: list[datetime] = []
        changed: set[str] = set()
        cursor: str | None = None
        # Bounded: a cursor that failed to move on would page for ever.
        for size, repliers, move in itertools.islice(itertools.cycle(steps), 100):
            page = replies.account.inbox.threads_page("ann", limit=size, cursor=cursor)
            listed.extend(thread.candidate.e164 for thread in page.items)
            places.extend(thread.last_message.created_at for thread in page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
            if move:
                clock.advance(timedelta(seconds=1))
            changed.update(replies.reply(candidate) for candidate in repliers)
        else:
            pytest.fail("paging never reached its last page")
        assert len(listed) == len(set(listed))
        assert before - changed <= set(listed)
        assert sorted(places, reverse=True) == places
