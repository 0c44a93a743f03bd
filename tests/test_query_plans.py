"""The history, thread and paged-list queries read an index on SQLite and PostgreSQL.

Each test runs a store call, catches the statements it sends, and asks the database's planner
how it runs them (``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN (FORMAT JSON)`` on PostgreSQL).
On a table this small PostgreSQL would rightly prefer reading the whole table, so the test turns
sequential scans and sorts off (``enable_seqscan``, ``enable_sort``): the planner then still
picks them when no index can serve the query, which is what the test must catch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from sms_core import (
    Account,
    AuditAction,
    ConsentRecord,
    ConsentSource,
    DeliveryStatus,
    Direction,
    Line,
    Message,
    OptOutSource,
    PhoneNumber,
    User,
)
from sms_core.store import Database
from sms_core.store import audit as audit_store
from sms_core.store import consent as consent_store
from sms_core.store import erasure as erasure_store
from sms_core.store import inbox as inbox_store
from sms_core.store import lines as line_store
from sms_core.store import messages as message_store
from sms_core.store import optouts as optout_store
from sms_core.store import records as record_store
from sms_core.store import templates as template_store
from sms_core.store import users as user_store
from sms_core.store.accounts import insert_account
from sms_core.store.migrate import alembic_config, upgrade
from sms_core.store.schema import opt_outs

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
LINE = "+14155550100"
ALICE = "+12125550101"

#: What a plan line says when SQLite reads a table without an index.
_SQLITE_SCAN = re.compile(
    r"^SCAN (messages|opt_outs|audit_log|consent_records|templates|inbox_threads)\b(?! USING)"
)


def seed(connection: sa.Connection, account_id: str, size: int) -> None:
    """An account with a line, ``size`` texts to seven candidates, opt-outs and audit entries."""
    insert_account(connection, Account(id=account_id, name="Acme", provider="fake"), NOW)
    number = PhoneNumber.parse(LINE if account_id == "acme" else "+14155550199")
    line = Line(id=f"{account_id}-l1", account_id=account_id, number=number, provider_ref="PN1")
    line_store.insert_line(connection, line, NOW)
    message_store.insert_messages(
        connection,
        [
            Message(
                id=f"{account_id}-m{i}",
                account_id=account_id,
                line_id=line.id,
                direction=Direction.OUTBOUND,
                sender=line.number,
                recipient=PhoneNumber.parse(f"+1212555{i % 7:04d}"),
                candidate_id=f"c{i % 7}",
                body="Shift tomorrow at 7?",
                status=DeliveryStatus.PENDING,
                created_at=NOW + timedelta(minutes=i),
                updated_at=NOW,
            )
            for i in range(size)
        ],
    )
    for i in range(size // 8):
        user = User(id=f"u{i}", account_id=account_id, first_name="Sam", last_name=f"Lee{i % 9}")
        user_store.upsert_user(connection, user, NOW)
        # A plain insert: the migration test seeds a schema older than the store's functions.
        connection.execute(
            opt_outs.insert().values(
                account_id=account_id,
                number=f"+1212555{i:04d}",
                opted_out_at=NOW,
                source=OptOutSource.KEYWORD.value,
            )
        )
        audit_store.record_audit(
            connection,
            account_id=account_id,
            at=NOW,
            actor_id="ann",
            action=AuditAction.LIFT_OPT_OUT,
            target=f"+1212555{i:04d}",
            before=None,
            after=None,
        )


def seed_inbox(connection: sa.Connection, account_id: str, size: int, *, users: int) -> None:
    """``size`` replies to the account's line from ``size // 4`` candidates, routed to its users.

    The line gets the users ``u0`` to ``u{users - 1}``, so the inbox holds ``users`` rows per
    candidate: the other account's many make Acme's few selective.
    """
    number = PhoneNumber.parse(LINE if account_id == "acme" else "+14155550199")
    line = Line(id=f"{account_id}-l1", account_id=account_id, number=number, provider_ref="PN1")
    on_line = [f"u{i}" for i in range(users)]
    for user_id in on_line:
        line_store.add_line_user(connection, line, user_id, None, NOW)
    for i in range(size):
        message = Message(
            id=f"{account_id}-r{i}",
            account_id=account_id,
            line_id=line.id,
            direction=Direction.INBOUND,
            sender=PhoneNumber.parse(f"+1212555{i % (size // 4):04d}"),
            recipient=line.number,
            body="Yes",
            status=DeliveryStatus.RECEIVED,
            created_at=NOW + timedelta(minutes=i, seconds=30),
            updated_at=NOW,
        )
        message_store.insert_message(connection, message)
        inbox_store.route_text(
            connection, account_id, message.id, line_id=line.id, user_ids=on_line
        )


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """Acme's texts among another account's, more of them, so the account is selective."""
    db = Database.open(database_url)
    with db.transaction() as connection:
        seed(connection, "acme", 40)
        seed(connection, "other", 400)
        seed_inbox(connection, "acme", 20, users=1)
        seed_inbox(connection, "other", 200, users=20)
    with db.transaction() as connection:
        # Statistics, as a live database has them, so the planner knows what is selective.
        connection.exec_driver_sql("ANALYZE")
    yield db
    db.close()


def plans(database: Database, call: Callable[[sa.Connection], object]) -> list[str]:
    """The planner's account of each SELECT ``call`` sends, one text per statement."""
    sent: list[tuple[str, Any]] = []

    def catch(conn: object, cursor: object, statement: str, parameters: Any, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    with database.transaction() as connection:
        sa.event.listen(database.engine, "before_cursor_execute", catch)
        try:
            call(connection)
        finally:
            sa.event.remove(database.engine, "before_cursor_execute", catch)
        assert sent, "the call sent no SELECT"
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            connection.exec_driver_sql("SET LOCAL enable_sort = off")
        found = []
        for statement, parameters in sent:
            if postgres:
                rows = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
                found.append(json.dumps(rows.scalar_one()))
            else:
                rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                found.append("\n".join(row[-1] for row in rows))
        return found


def assert_indexed(plan: str, index: str, *, ordered: bool = True) -> None:
    """The plan reads through ``index``, reads no table whole, and (``ordered``) sorts nothing."""
    assert index in plan, plan
    if plan.startswith("["):  # PostgreSQL's JSON plan
        assert '"Seq Scan"' not in plan, plan
        if ordered:
            assert '"Node Type": "Sort"' not in plan, plan
        return
    assert not any(_SQLITE_SCAN.match(line) for line in plan.splitlines()), plan
    if ordered:
        assert "TEMP B-TREE" not in plan, plan


def indexes(engine: sa.Engine) -> dict[str, list[str]]:
    """The paged tables' indexes, by name, with their columns."""
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        return {
            index["name"]: [str(column) for column in index["column_names"]]
            for table in ("messages", "opt_outs", "audit_log", "users")
            for index in inspector.get_indexes(table)
            if index["name"]
        }


class TestMigration:
    """Migration 0010 reshapes and adds the indexes, and its downgrade puts 0009's back."""

    def test_upgrade_and_downgrade(self, database_url: str) -> None:
        """Texts stored under 0009 stay; 0010's indexes come and go with the revision."""
        engine = sa.create_engine(database_url)
        try:
            upgrade(engine, "0009")
            with engine.begin() as connection:
                seed(connection, "acme", 16)
            before = indexes(engine)
            upgrade(engine, "0010")
            after = indexes(engine)
            assert ["account_id", "line_number", "candidate_number", "created_at", "seq"] == after[
                "ix_messages_thread"
            ]
            assert ["account_id", "candidate_id", "line_number", "candidate_number"] == after[
                "ix_messages_candidate"
            ]
            added = {
                "ix_messages_account_time",
                "ix_opt_outs_account",
                "ix_audit_log_account_id",
                "ix_users_account_name",
            }
            assert added == set(after) - set(before)
            with engine.connect() as connection:
                assert 16 == len(message_store.account_page(connection, "acme", limit=None))
            command.downgrade(alembic_config(engine), "0009")
            assert before == indexes(engine)
        finally:
            engine.dispose()


class TestHistoryPlans:
    """History and threads read the thread and candidate indexes, never the account's texts."""

    def test_candidate_threads_from_the_candidate_index(self, database: Database) -> None:
        """The candidate's threads come from ix_messages_candidate alone."""
        [plan] = plans(database, lambda c: message_store.candidate_threads(c, "acme", "c1"))
        assert_indexed(plan, "ix_messages_candidate", ordered=False)

    def test_history_reads_each_thread_by_its_index(self, database: Database) -> None:
        """After the threads, each thread is one range of ix_messages_thread on all its columns."""
        threads, *per_thread = plans(
            database, lambda c: message_store.candidate_page(c, "acme", "c1", limit=10)
        )
        assert_indexed(threads, "ix_messages_candidate", ordered=False)
        assert per_thread
        for plan in per_thread:
            assert_indexed(plan, "ix_messages_thread")
            if not plan.startswith("["):
                # Seeks on the whole thread, not on the account alone (the old plan's flaw).
                assert "line_number=? AND candidate_number=?" in plan, plan

    def test_newest_history_reads_each_thread_backwards(self, database: Database) -> None:
        """The texting panel's newest-first pages read ix_messages_thread backwards, unsorted."""
        before = (NOW + timedelta(minutes=8), 9)
        threads, *per_thread = plans(
            database,
            lambda c: message_store.candidate_page(
                c, "acme", "c1", after=before, limit=10, newest_first=True
            ),
        )
        assert_indexed(threads, "ix_messages_candidate", ordered=False)
        assert per_thread
        for plan in per_thread:
            assert_indexed(plan, "ix_messages_thread")

    def test_thread_page_after_a_cursor(self, database: Database) -> None:
        """A later page of a thread seeks into ix_messages_thread and needs no sort."""
        after = (NOW + timedelta(minutes=8), 9)
        [plan] = plans(
            database,
            lambda c: message_store.thread_page(
                c, "acme", LINE, "+12125550001", after=after, limit=10
            ),
        )
        assert_indexed(plan, "ix_messages_thread")

    def test_last_candidate_from_the_thread_index(self, database: Database) -> None:
        """Attributing a reply reads the thread index backwards, newest first."""
        [plan] = plans(
            database,
            lambda c: message_store.last_candidate_id(c, "acme", LINE, "+12125550001"),
        )
        assert_indexed(plan, "ix_messages_thread")


class TestListPlans:
    """Each paged list reads its index in its order."""

    def test_account_messages(self, database: Database) -> None:
        """The account's messages page through ix_messages_account_time."""
        after = (NOW + timedelta(minutes=8), 9)
        [plan] = plans(
            database, lambda c: message_store.account_page(c, "acme", after=after, limit=10)
        )
        assert_indexed(plan, "ix_messages_account_time")

    @pytest.mark.parametrize("include_lifted", [False, True])
    def test_opt_outs(self, database: Database, include_lifted: bool) -> None:
        """Opt-outs page through ix_opt_outs_account."""
        [plan] = plans(
            database,
            lambda c: optout_store.opt_out_page(
                c, "acme", include_lifted=include_lifted, after=(2,), limit=10
            ),
        )
        assert_indexed(plan, "ix_opt_outs_account")

    def test_audit(self, database: Database) -> None:
        """The audit trail pages backwards through ix_audit_log_account_id."""
        [plan] = plans(database, lambda c: audit_store.audit_page(c, "acme", before=(4,), limit=10))
        assert_indexed(plan, "ix_audit_log_account_id")

    @pytest.mark.parametrize(
        ("listing", "index", "after"),
        [
            (record_store.messages_listing, "ix_messages_account_time", (NOW, 3)),
            (record_store.opt_outs_listing, "ix_opt_outs_account", (2,)),
            (record_store.audit_listing, "ix_audit_log_account_at", (NOW, 4)),
        ],
    )
    def test_export_chunks(
        self,
        database: Database,
        listing: Callable[..., record_store.Listing],
        index: str,
        after: tuple[object, ...],
    ) -> None:
        """Each chunk of an export reads its index in its order, within the date range."""
        wanted = listing("acme", NOW, NOW + timedelta(days=1))
        [plan] = plans(database, lambda c: record_store.read_chunk(c, wanted, after))
        assert_indexed(plan, index)

    def test_opt_outs_in_force_by_number_or_hash(self, database: Database) -> None:
        """After an erasure, the opt-out check looks a number up by each unique index."""
        with database.transaction() as connection:
            erasure_store.account_key(connection, "acme", now=NOW)
        numbers = [PhoneNumber.parse("+12125550003"), PhoneNumber.parse("+12125550009")]
        _key, by_number, by_hash = plans(
            database, lambda c: optout_store.in_force(c, "acme", numbers)
        )
        wanted = {"uq_opt_outs_in_force": by_number, "uq_opt_outs_hash_in_force": by_hash}
        for index, plan in wanted.items():
            # PostgreSQL may prefer the account's index on so few rows; SQLite must not.
            used = index if index in plan or not plan.startswith("[") else "ix_opt_outs_account"
            assert_indexed(plan, used, ordered=False)

    @pytest.mark.parametrize("active_only", [False, True])
    def test_users(self, database: Database, active_only: bool) -> None:
        """Users page by name through ix_users_account_name."""
        [plan] = plans(
            database,
            lambda c: user_store.user_page(
                c, "acme", active_only=active_only, after=("Lee3", "Sam", "u3"), limit=10
            ),
        )
        assert_indexed(plan, "ix_users_account_name")

    def test_templates(self, database: Database) -> None:
        """Templates page by name through uq_templates_account_name."""
        [plan] = plans(
            database,
            lambda c: template_store.template_page(c, "acme", after=("Shift",), limit=10),
        )
        assert_indexed(plan, "uq_templates_account_name")


def seed_consent(connection: sa.Connection, account_id: str, size: int) -> None:
    """``size`` consent records of the account, for seven numbers."""
    for i in range(size):
        consent_store.insert_consent(
            connection,
            account_id,
            ConsentRecord(
                id=f"{account_id}-k{i}",
                number=PhoneNumber.parse(f"+1212555{i % 7:04d}"),
                source=ConsentSource.VERBAL,
                recorded_by="ann",
                evidence="said yes",
                recorded_at=NOW + timedelta(minutes=i),
            ),
        )


class TestConsentPlans:
    """Consent records page, stream and answer the first-text rule from their indexes."""

    @pytest.fixture
    def consented(self, database: Database) -> Database:
        with database.transaction() as connection:
            # Acme's records come last, so a later page's records are not the table's first.
            seed_consent(connection, "other", 300)
            seed_consent(connection, "acme", 20)
        with database.transaction() as connection:
            connection.exec_driver_sql("ANALYZE")
        return database

    def test_history(self, consented: Database) -> None:
        """A number's records come in order from ix_consent_records_number."""
        [plan] = plans(
            consented, lambda c: consent_store.consent_history(c, "acme", PhoneNumber.parse(ALICE))
        )
        assert_indexed(plan, "ix_consent_records_number")

    def test_page(self, consented: Database) -> None:
        """The records page backwards through ix_consent_records_account."""
        [plan] = plans(
            consented, lambda c: consent_store.consent_page(c, "acme", after=(315,), limit=10)
        )
        assert_indexed(plan, "ix_consent_records_account")

    def test_export_stream(self, consented: Database) -> None:
        """A time range streams in order from ix_consent_records_account_time."""
        [plan] = plans(
            consented,
            lambda c: list(consent_store.iter_consent(c, "acme", NOW, NOW + timedelta(minutes=10))),
        )
        assert_indexed(plan, "ix_consent_records_account_time")

    def test_export_chunks(self, consented: Database) -> None:
        """The export's chunks read ix_consent_records_account_time in order.

        Each row's opt-out in force is looked up by an index, never a scan.
        """
        wanted = record_store.consent_listing("acme", NOW, NOW + timedelta(days=1))
        [plan] = plans(consented, lambda c: record_store.read_chunk(c, wanted, (NOW, 3)))
        assert_indexed(plan, "ix_consent_records_account_time")
        assert "opt_outs" in plan, plan

    def test_first_text_rule(self, consented: Database) -> None:
        """Which numbers have a record, and which a conversation, are read from indexes."""
        numbers = [PhoneNumber.parse(ALICE), PhoneNumber.parse("+12125550003")]
        [with_consent] = plans(
            consented, lambda c: consent_store.numbers_with_consent(c, "acme", numbers)
        )
        # With twenty records the account's index is as good as the number's; neither scans.
        assert_indexed(with_consent, "ix_consent_records_", ordered=False)
        [conversation] = plans(
            consented, lambda c: consent_store.numbers_in_conversation(c, "acme", numbers)
        )
        assert_indexed(conversation, "ix_messages_thread", ordered=False)

    def test_migration(self, database_url: str) -> None:
        """0014 adds the table and the setting (off for existing accounts); downgrade drops them."""
        engine = sa.create_engine(database_url)
        try:
            upgrade(engine, "0010")
            with engine.begin() as connection:
                seed(connection, "acme", 2)
                connection.exec_driver_sql(
                    "INSERT INTO policy_settings (account_id, updated_at, updated_by) "
                    "VALUES ('acme', '2026-03-10 15:00:00', 'dana')"
                )
            upgrade(engine, "0014")
            with engine.connect() as connection:
                assert not consent_store.consent_required(connection, "acme")
                assert [] == consent_store.consent_history(
                    connection, "acme", PhoneNumber.parse(ALICE)
                )
            command.downgrade(alembic_config(engine), "0010")
            assert "consent_records" not in sa.inspect(engine).get_table_names()
            columns = {
                column["name"] for column in sa.inspect(engine).get_columns("policy_settings")
            }
            assert "consent_required" not in columns
        finally:
            engine.dispose()


class TestInboxPlans:
    """The inbox reads its index newest first, and counts unread texts from the thread index."""

    @pytest.mark.parametrize("unread_only", [False, True])
    def test_threads_page(self, database: Database, unread_only: bool) -> None:
        """A later page seeks backwards into ix_inbox_threads_user, sorting nothing."""
        [plan] = plans(
            database,
            lambda c: inbox_store.thread_page(
                c,
                "acme",
                "u0",
                after=(NOW + timedelta(minutes=15, seconds=30), 40),
                limit=10,
                unread_only=unread_only,
            ),
        )
        assert_indexed(plan, "ix_inbox_threads_user")
        assert_indexed(plan, "ix_messages_thread")

    def test_unread_total(self, database: Database) -> None:
        """The unread total reads the user's rows and each thread's range from the indexes."""
        [plan] = plans(database, lambda c: inbox_store.unread_total(c, "acme", "u0"))
        assert_indexed(plan, "ix_inbox_threads_user", ordered=False)
        assert_indexed(plan, "ix_messages_thread", ordered=False)

    def test_last_messages_by_seq(self, database: Database) -> None:
        """The page's last messages are read by primary key, in one statement."""
        [plan] = plans(database, lambda c: message_store.by_seq(c, "acme", [3, 5, 8]))
        assert_indexed(
            plan, "pk_messages" if plan.startswith("[") else "PRIMARY KEY", ordered=False
        )
