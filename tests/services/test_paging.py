"""Keyset paging of every list that can grow: all rows once, in order, with inserts between pages.

Each Hypothesis example pages one list of a fresh account of its own while rows are stored
between its pages (some at the very instant of the page's last row), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_core import (
    Account,
    AuditAction,
    DeliveryStatus,
    Direction,
    InvalidCursorError,
    InvalidFieldError,
    Line,
    ManualClock,
    Message,
    OptOutSource,
    Page,
    PermissionDeniedError,
    PhoneNumber,
)
from sms_core.inputs import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.store import audit as audit_store
from sms_core.store import lines as line_store
from sms_core.store import messages as message_store
from sms_core.store.accounts import insert_account

ALICE = PhoneNumber.parse("+12125550101")

paging = settings(
    max_examples=15,
    deadline=None,
    database=None,
    # One database per test; each example makes an account of its own in it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Per page: its size, then how many rows are stored before the next page is asked for, and
#: whether the clock moves on first (it does not: the new rows share the last row's instant).
STEPS = st.lists(
    st.tuples(st.integers(1, 4), st.integers(0, 3), st.booleans()), min_size=1, max_size=8
)
_accounts = itertools.count()


def forged(body: object) -> str:
    return forged_raw(json.dumps(body).encode())


def forged_raw(body: bytes) -> str:
    return base64.urlsafe_b64encode(body).decode().rstrip("=")


class Rows:
    """A fresh account and a way to store rows in it, as the services would."""

    def __init__(self, admin: SmsAdmin, clock: ManualClock) -> None:
        self.admin, self.clock = admin, clock
        serial = next(_accounts)
        self.id = f"acct{serial}"
        # A number is on one active line of all accounts at a time.
        self.line = PhoneNumber.parse(f"+1415555{2 * serial:04d}")
        self.other_line = PhoneNumber.parse(f"+1415555{2 * serial + 1:04d}")
        self.stored: list[str] = []
        with admin.database.transaction() as connection:
            insert_account(connection, Account(id=self.id, name="P", provider="fake"), clock.now())
            for suffix, number in (("l1", self.line), ("l2", self.other_line)):
                line = Line(
                    id=f"{self.id}-{suffix}",
                    account_id=self.id,
                    number=number,
                    provider_ref=suffix,
                )
                line_store.insert_line(connection, line, clock.now())
        admin.account(self.id).users.upsert("ann", first_name="Ann", last_name="Lee")

    @property
    def account(self) -> AccountAdmin:
        return self.admin.account(self.id)

    def text(self, *, other_line: bool = False, candidate: str | None = "alice") -> None:
        """A text between a line and Alice's number (``candidate`` None: a reply)."""
        line = self.other_line if other_line else self.line
        message_id = f"{self.id}-m{len(self.stored)}"
        outbound = candidate is not None
        message = Message(
            id=message_id,
            account_id=self.id,
            line_id=f"{self.id}-{'l2' if other_line else 'l1'}",
            direction=Direction.OUTBOUND if outbound else Direction.INBOUND,
            sender=line if outbound else ALICE,
            recipient=ALICE if outbound else line,
            candidate_id=candidate,
            body="Shift at 7?",
            status=DeliveryStatus.QUEUED,
            created_at=self.clock.now(),
            updated_at=self.clock.now(),
        )
        with self.admin.database.transaction() as connection:
            message_store.insert_message(connection, message)
        self.stored.append(message_id)

    def opt_out(self) -> None:
        number = f"+1212555{len(self.stored):04d}"
        self.account.optouts.record(
            number, source=OptOutSource.KEYWORD, keyword="STOP", at=self.clock.now()
        )
        self.stored.append(str(PhoneNumber.parse(number)))

    def audit(self) -> None:
        with self.admin.database.transaction() as connection:
            audit_store.record_audit(
                connection,
                account_id=self.id,
                at=self.clock.now(),
                actor_id="ann",
                action=AuditAction.LIFT_OPT_OUT,
                target=f"t{len(self.stored)}",
                before=None,
                after=None,
            )
        self.stored.append(f"t{len(self.stored)}")


def page_through(
    rows: Rows,
    read: Callable[[int, str | None], Page[str]],
    store: Callable[[], None],
    steps: list[tuple[int, int, bool]],
) -> list[str]:
    """Page with ``read`` to the end, storing rows with ``store`` between pages as ``steps`` say."""
    seen: list[str] = []
    cursor: str | None = None
    for size, inserts, later in itertools.chain(steps, itertools.repeat((3, 0, False))):
        page = read(size, cursor)
        assert len(page.items) <= size
        seen.extend(page.items)
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor
        if later:
            rows.clock.advance(timedelta(seconds=1))
        for _ in range(inserts):
            store()
    raise AssertionError("unreachable")


def ids(page: Page[Message]) -> Page[str]:
    return Page(items=tuple(m.id for m in page.items), next_cursor=page.next_cursor)


class TestEveryRowOnce:
    """Paging to the end yields every row once, in order, whatever is stored meanwhile."""

    @paging
    @given(first=st.integers(0, 6), steps=STEPS)
    def test_thread(
        self, admin: SmsAdmin, clock: ManualClock, first: int, steps: list[tuple[int, int, bool]]
    ) -> None:
        """A thread, oldest first: rows stored meanwhile come at its end, each once."""
        rows = Rows(admin, clock)
        for _ in range(first):
            rows.text()
        seen = page_through(
            rows,
            lambda size, cursor: ids(
                rows.account.messages.thread_page(
                    "ann", rows.line, ALICE, limit=size, cursor=cursor
                )
            ),
            rows.text,
            steps,
        )
        assert rows.stored == seen

    @paging
    @given(first=st.integers(0, 6), steps=STEPS, lines=st.lists(st.booleans(), min_size=30))
    def test_history(
        self,
        admin: SmsAdmin,
        clock: ManualClock,
        first: int,
        steps: list[tuple[int, int, bool]],
        lines: list[bool],
    ) -> None:
        """A candidate's messages over two threads, and replies without a candidate, merged."""
        rows = Rows(admin, clock)
        choices = itertools.cycle(lines)

        def store() -> None:
            rows.text(other_line=next(choices), candidate="alice" if next(choices) else None)

        rows.text()
        rows.text(other_line=True)
        for _ in range(first):
            store()
        seen = page_through(
            rows,
            lambda size, cursor: ids(
                rows.account.messages.history_page("ann", "alice", limit=size, cursor=cursor)
            ),
            store,
            steps,
        )
        assert rows.stored == seen
        by_thread = [
            m.id for t in rows.account.messages.history("ann", "alice") for m in t.messages
        ]
        assert sorted(rows.stored) == sorted(by_thread)

    def test_history_newest_first(self, admin: SmsAdmin, clock: ManualClock) -> None:
        """The talent profile's order: the newest page first, then older ones, each row once.

        Over two threads and a reply without a candidate, with ties within an instant.
        """
        rows = Rows(admin, clock)
        for index in range(11):
            rows.text(other_line=index % 3 == 0, candidate="alice" if index % 4 else None)
            if index % 2:
                clock.advance(timedelta(seconds=1))
        seen: list[str] = []
        cursor = None
        while True:
            page = rows.account.messages.history_page(
                "ann", "alice", limit=3, cursor=cursor, newest_first=True
            )
            seen.extend(message.id for message in page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert list(reversed(rows.stored)) == seen
        # A cursor of the oldest-first list does not continue the newest-first one.
        oldest = rows.account.messages.history_page("ann", "alice", limit=3)
        with pytest.raises(InvalidCursorError, match="belongs to another list"):
            rows.account.messages.history_page(
                "ann", "alice", cursor=oldest.next_cursor, newest_first=True
            )

    @paging
    @given(first=st.integers(0, 6), steps=STEPS)
    def test_account_messages(
        self, admin: SmsAdmin, clock: ManualClock, first: int, steps: list[tuple[int, int, bool]]
    ) -> None:
        """All the account's messages, oldest first, both ways and every thread."""
        rows = Rows(admin, clock)
        replies = itertools.cycle([None, "alice", "bob"])

        def store() -> None:
            rows.text(candidate=next(replies))

        for _ in range(first):
            store()
        seen = page_through(
            rows,
            lambda size, cursor: ids(rows.account.messages.page("ann", limit=size, cursor=cursor)),
            store,
            steps,
        )
        assert rows.stored == seen

    @paging
    @given(first=st.integers(0, 6), steps=STEPS)
    def test_opt_outs(
        self, admin: SmsAdmin, clock: ManualClock, first: int, steps: list[tuple[int, int, bool]]
    ) -> None:
        """Opt-outs, oldest first."""
        rows = Rows(admin, clock)
        for _ in range(first):
            rows.opt_out()

        def read(size: int, cursor: str | None) -> Page[str]:
            page = rows.account.optouts.page("ann", limit=size, cursor=cursor)
            return Page(
                items=tuple(str(o.number) for o in page.items), next_cursor=page.next_cursor
            )

        assert rows.stored == page_through(rows, read, rows.opt_out, steps)

    @paging
    @given(first=st.integers(0, 6), steps=STEPS)
    def test_audit(
        self, admin: SmsAdmin, clock: ManualClock, first: int, steps: list[tuple[int, int, bool]]
    ) -> None:
        """The audit trail, newest first: paging on yields the entries there were, each once.

        Entries written meanwhile are newer than the first page, so no later page holds them.
        """
        rows = Rows(admin, clock)
        for _ in range(first):
            rows.audit()
        before = list(reversed(rows.stored))

        def read(size: int, cursor: str | None) -> Page[str]:
            page = rows.account.audit.page(limit=size, cursor=cursor)
            return Page(items=tuple(e.target for e in page.items), next_cursor=page.next_cursor)

        assert before == page_through(rows, read, rows.audit, steps)


class TestUsers:
    """Users page by name, where a new user can sort anywhere."""

    @paging
    @given(
        first=st.lists(st.sampled_from(["Lee", "Ng", "Ortiz", "Park", "Stone"]), max_size=8),
        later=st.lists(st.sampled_from(["Adams", "Lee", "Ng", "Zhou"]), max_size=8),
        size=st.integers(1, 3),
    )
    def test_each_once_in_order(
        self, admin: SmsAdmin, clock: ManualClock, first: list[str], later: list[str], size: int
    ) -> None:
        """Users there at the start show once each, in order; ones added meanwhile at most once.

        A user added with a name before the cursor's place is not revisited.
        """
        rows = Rows(admin, clock)
        users = rows.account.users
        for index, last in enumerate(first):
            users.upsert(f"u{index}", first_name="Sam", last_name=last)
        before = [
            u.id for u in sorted(users.list(), key=lambda u: (u.last_name, u.first_name, u.id))
        ]
        added = iter(enumerate(later))
        seen: list[str] = []
        cursor: str | None = None
        while True:
            page = users.page(limit=size, cursor=cursor)
            seen.extend(u.id for u in page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
            for index, last in itertools.islice(added, 2):
                users.upsert(f"v{index}", first_name="Sam", last_name=last)
        assert len(seen) == len(set(seen))
        assert before == [user_id for user_id in seen if user_id in before]
        names = {u.id: (u.last_name, u.first_name, u.id) for u in users.list()}
        assert sorted(seen, key=names.__getitem__) == seen


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)


class TestHostileCursors:
    """Whatever a cursor holds, the answer is a page or InvalidCursorError, never another error."""

    @paging
    @given(cursor=st.text(max_size=80) | st.binary(max_size=40).map(forged_raw))
    def test_any_text(self, admin: SmsAdmin, clock: ManualClock, cursor: str) -> None:
        """Random text, or base64 of random bytes."""
        rows = Rows(admin, clock)
        with pytest.raises(InvalidCursorError):
            rows.account.messages.page("ann", cursor=cursor)

    @paging
    @given(key=JSON)
    def test_any_key(self, admin: SmsAdmin, clock: ManualClock, key: object) -> None:
        """A genuine cursor of each list with its key replaced by any JSON value."""
        rows = Rows(admin, clock)
        for _ in range(2):
            rows.text()
            rows.opt_out()
        account = rows.account
        account.users.upsert("bob", first_name="Bob", last_name="Stone")
        reads: list[Callable[[str | None], str | None]] = [
            lambda c: account.messages.page("ann", limit=1, cursor=c).next_cursor,
            lambda c: account.optouts.page("ann", limit=1, cursor=c).next_cursor,
            lambda c: account.users.page(limit=1, cursor=c).next_cursor,
        ]
        for read in reads:
            genuine = read(None)
            assert genuine is not None
            body = json.loads(base64.urlsafe_b64decode(genuine + "=" * (-len(genuine) % 4)))
            with contextlib.suppress(InvalidCursorError):
                read(forged({**body, "k": key}))


class TestAccounts:
    """Accounts page by id."""

    def test_each_once_in_order(self, admin: SmsAdmin, clock: ManualClock) -> None:
        """Accounts there at the start show once each, by id; ones added meanwhile at most once."""
        for _ in range(5):
            Rows(admin, clock)
        before = [account.id for account in admin.accounts()]
        seen: list[str] = []
        page = admin.accounts_page(limit=2)
        while True:
            seen.extend(account.id for account in page.items)
            if page.next_cursor is None:
                break
            Rows(admin, clock)
            page = admin.accounts_page(limit=2, cursor=page.next_cursor)
        assert len(seen) == len(set(seen))
        assert before == [account_id for account_id in seen if account_id in before]
        assert sorted(seen) == seen


class TestPageSizes:
    """A page holds the default unless asked, and never more than the maximum."""

    def test_default_and_maximum(self, admin: SmsAdmin, clock: ManualClock) -> None:
        """Without a limit a page holds PAGE_SIZE_DEFAULT; the maximum is accepted."""
        rows = Rows(admin, clock)
        for _ in range(PAGE_SIZE_DEFAULT + 1):
            rows.text()
        first = rows.account.messages.thread_page("ann", rows.line, ALICE)
        assert (PAGE_SIZE_DEFAULT, True) == (len(first.items), first.next_cursor is not None)
        whole = rows.account.messages.thread_page("ann", rows.line, ALICE, limit=PAGE_SIZE_MAX)
        assert (PAGE_SIZE_DEFAULT + 1, None) == (len(whole.items), whole.next_cursor)

    @pytest.mark.parametrize("limit", [0, -1, PAGE_SIZE_MAX + 1, True, 2.0, "10"])
    def test_out_of_range(self, admin: SmsAdmin, clock: ManualClock, limit: object) -> None:
        """A size out of range, or not a whole number, is refused naming it."""
        rows = Rows(admin, clock)
        with pytest.raises(InvalidFieldError, match="limit"):
            rows.account.messages.page("ann", limit=limit)  # type: ignore[arg-type]


class TestCursors:
    """A cursor continues only the list it came from; anything else is refused, naming it."""

    @pytest.fixture
    def rows(self, admin: SmsAdmin, clock: ManualClock) -> Rows:
        rows = Rows(admin, clock)
        for other_line in (False, False, True, True):
            rows.text(other_line=other_line)
        return rows

    def test_from_another_thread(self, rows: Rows) -> None:
        """A cursor of one thread does not continue another, nor the account's list."""
        messages = rows.account.messages
        cursor = messages.thread_page("ann", rows.line, ALICE, limit=1).next_cursor
        assert cursor is not None
        with pytest.raises(InvalidCursorError, match="another list"):
            messages.thread_page("ann", rows.other_line, ALICE, cursor=cursor)
        with pytest.raises(InvalidCursorError, match="another list"):
            messages.page("ann", cursor=cursor)

    def test_from_another_filter(self, rows: Rows) -> None:
        """A cursor of the opt-outs in force does not continue the list with lifted ones."""
        for _ in range(2):
            rows.opt_out()
        cursor = rows.account.optouts.page("ann", limit=1).next_cursor
        assert cursor is not None
        with pytest.raises(InvalidCursorError, match="another list"):
            rows.account.optouts.page("ann", include_lifted=True, cursor=cursor)

    @pytest.mark.parametrize(
        "cursor",
        [
            "",
            "not a cursor!",
            "e30",  # {}
            forged([1, 2]),
            forged({"l": "messages", "s": "x", "k": []}),
            "A" * 600,
            17,
            b"e30",
        ],
    )
    def test_malformed(self, rows: Rows, cursor: object) -> None:
        """Text that is no cursor (or not text) is refused with the value in the message."""
        with pytest.raises(InvalidCursorError, match="cursor") as refused:
            rows.account.messages.page("ann", cursor=cursor)  # type: ignore[arg-type]
        assert refused.value.cursor in str(refused.value)

    def test_changed_key(self, rows: Rows) -> None:
        """A genuine cursor whose key was changed to the wrong shape is refused."""
        cursor = rows.account.messages.page("ann", limit=1).next_cursor
        assert cursor is not None
        body = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        for key in (
            ["2026-03-10T15:00:00", 1],  # no time zone
            [1, 1],
            ["2026-03-10T15:00:00+00:00"],
            ["2026-03-10T15:00:00+00:00", 2**64],  # past any integer column
            ["2026-03-10T15:00:00+00:00", 2**31],  # past the 32-bit seq column
            ["2026-03-10T15:00:00+00:00", True],
            ["0001-01-01T00:00:00+05:00", 1],  # before the first UTC instant
        ):
            with pytest.raises(InvalidCursorError, match="not a cursor"):
                rows.account.messages.page("ann", cursor=forged({**body, "k": key}))

    def test_text_a_database_refuses(self, rows: Rows) -> None:
        """A users cursor whose names hold NUL or a lone surrogate is refused, not sent."""
        for index in range(3):
            rows.account.users.upsert(f"u{index}", first_name="Sam", last_name="Lee")
        cursor = rows.account.users.page(limit=1).next_cursor
        assert cursor is not None
        body = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        for name in ("Lee\x00", "\ud800"):
            key = [name, "Sam", "u0"]
            with pytest.raises(InvalidCursorError, match="not a cursor"):
                rows.account.users.page(cursor=forged({**body, "k": key}))

    def test_permission_checked(self, rows: Rows) -> None:
        """A user the host does not let see history gets no page."""
        rows.account.users.upsert("eve", first_name="Eve", last_name="Ng", active=False)
        with pytest.raises(PermissionDeniedError):
            rows.account.messages.history_page("eve", "alice")
