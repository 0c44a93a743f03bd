from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from sms_core import (
    Account,
    DeliveryStatus,
    Direction,
    FailureReason,
    Line,
    Message,
    PhoneNumber,
    RegistrationFailure,
    RegistrationState,
    RegistrationStep,
    Seat,
    StepStatus,
    User,
)
from sms_core.exceptions import StoreConflict
from sms_core.store import Database, Transaction
from sms_core.store import lines as line_store
from sms_core.store import messages as message_store
from sms_core.store import registrations as registration_store
from sms_core.store import seats as seat_store
from sms_core.store import users as user_store
from sms_core.store.accounts import insert_account
from sms_core.store.database import after_commit
from sms_core.store.migrate import alembic_config, upgrade
from sms_core.store.schema import metadata, registration_steps, seats
from sms_core.testing import sample_brand, sample_campaign

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database.open(database_url)
    with db.transaction() as connection:
        insert_account(connection, Account(id="acme", name="Acme", provider="fake"), NOW)
    yield db
    db.close()


def add_user(db: Database, user_id: str, first: str = "Ada", last: str = "Lee") -> None:
    with db.transaction() as connection:
        user = User(id=user_id, account_id="acme", first_name=first, last_name=last)
        user_store.upsert_user(connection, user, NOW)


def add_line(db: Database, line_id: str, number: str) -> Line:
    line = Line(
        id=line_id,
        account_id="acme",
        number=PhoneNumber.parse(number),
        provider_ref=f"PN{line_id}",
    )
    with db.transaction() as connection:
        line_store.insert_line(connection, line, NOW)
    return line


class TestMigrations:
    """Alembic migrations build exactly the schema the tables declare."""

    def test_migrated_schema_matches_the_tables(self, database: Database) -> None:
        """Autogenerate finds nothing to change after the migrations ran."""
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert [] == compare_metadata(context, metadata)

    def test_opening_twice_is_harmless(self, database_url: str, database: Database) -> None:
        """A current database is left alone by a second open."""
        head = ScriptDirectory.from_config(alembic_config(database.engine)).get_current_head()
        again = Database.open(database_url)
        with again.transaction() as connection:
            revision = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
            assert [head] == [row[0] for row in revision]
        again.close()


class TestLineCarrierStateMigration:
    """0005: lines already attached before carrier registration was tracked read as pending."""

    def test_attached_lines_become_pending(self, database_url: str) -> None:
        """Attached lines are pending, the others not attached; downgrading drops the columns."""
        engine = sa.create_engine(database_url)
        try:
            upgrade(engine, "0003")
            with engine.begin() as connection:
                connection.execute(
                    sa.text(
                        "INSERT INTO accounts (id, name, provider, provider_settings, created_at) "
                        "VALUES ('acme', 'Acme', 'fake', '{}', :now)"
                    ),
                    {"now": NOW},
                )
                for line_id, registered in (("l1", True), ("l2", False)):
                    connection.execute(
                        sa.text(
                            "INSERT INTO lines (account_id, id, number, provider_ref, registered, "
                            "user_count, active, created_at) VALUES ('acme', :id, :number, "
                            ":ref, :registered, 0, :active, :now)"
                        ),
                        {
                            "id": line_id,
                            "number": f"+1415555010{line_id[-1]}",
                            "ref": f"PN{line_id}",
                            "registered": registered,
                            "active": True,
                            "now": NOW,
                        },
                    )
            upgrade(engine, "0005")
            with engine.connect() as connection:
                rows = connection.execute(
                    sa.text("SELECT id, carrier_registration FROM lines ORDER BY id")
                )
                states: dict[str, str] = {row[0]: row[1] for row in rows}
            assert {"l1": "pending", "l2": "not_attached"} == states
            command.downgrade(alembic_config(engine), "0003")
            with engine.connect() as connection:
                columns = {c["name"] for c in sa.inspect(connection).get_columns("lines")}
            assert "carrier_registration" not in columns
        finally:
            engine.dispose()


class TestConstraints:
    """The schema itself backs the rules it can."""

    def test_a_number_is_on_one_active_line(self, database: Database) -> None:
        """Two active lines cannot hold the same number."""
        add_line(database, "l1", "+14155550100")
        with pytest.raises(StoreConflict) as raised:
            add_line(database, "l2", "+14155550100")
        assert "uq_lines_active_number" == raised.value.constraint

    def test_a_released_number_can_be_bought_again(self, database: Database) -> None:
        """Deactivated lines keep their row but free the number."""
        first = add_line(database, "l1", "+14155550100")
        with database.transaction() as connection:
            line_store.deactivate_line(connection, first, NOW)
        add_line(database, "l2", "+14155550100")
        with database.transaction() as connection:
            found = line_store.find_line(connection, "acme", PhoneNumber.parse("+14155550100"))
        assert found is not None
        assert "l2" == found.id

    def test_a_user_is_on_one_line(self, database: Database) -> None:
        """The second line for the same user is refused by the unique index."""
        add_user(database, "u1")
        first = add_line(database, "l1", "+14155550100")
        second = add_line(database, "l2", "+14155550101")
        with database.transaction() as connection:
            assert line_store.add_line_user(connection, first, "u1", None, NOW)
        with pytest.raises(StoreConflict) as raised, database.transaction() as connection:
            line_store.add_line_user(connection, second, "u1", None, NOW)
        assert "uq_line_users_account_user" == raised.value.constraint
        with database.transaction() as connection:
            assert (first.id,) == tuple(
                line.id for line in line_store.list_lines(connection, "acme") if line.user_ids
            )

    def test_full_line_refuses_without_writing(self, database: Database) -> None:
        """At the limit, the conditional update claims nothing and inserts nothing."""
        add_user(database, "u1")
        add_user(database, "u2")
        line = add_line(database, "l1", "+14155550100")
        with database.transaction() as connection:
            assert line_store.add_line_user(connection, line, "u1", 1, NOW)
            assert not line_store.add_line_user(connection, line, "u2", 1, NOW)
        with database.transaction() as connection:
            stored = line_store.get_line(connection, "acme", "l1")
        assert stored is not None
        assert ("u1",) == stored.user_ids


class TestStoreConflict:
    """A write that breaks a constraint ends its transaction with the constraint's name."""

    def seat(self, seat_id: str, name: str = "Seat 1") -> Seat:
        return Seat(
            id=seat_id, account_id="acme", name=name, monthly_allowance=10, period="2026-03"
        )

    def test_a_unique_key_is_named_and_nothing_is_written(self, database: Database) -> None:
        """The clash names the key, and the transaction's earlier writes are rolled back."""
        committed: list[str] = []

        def user_then_two_seats_of_one_name() -> None:
            with database.transaction() as connection:
                after_commit(connection, lambda: committed.append("ran"))
                add_user_in(connection, "u9")
                for seat_id in ("s1", "s2"):
                    connection.execute(seats.insert().values(to_row_of(self.seat(seat_id))))

        with pytest.raises(StoreConflict) as raised:
            user_then_two_seats_of_one_name()
        assert "uq_seats_account_name" == raised.value.constraint
        assert [] == committed
        with database.transaction() as connection:
            assert [] == seat_store.list_seats(connection, "acme", period="2026-03")
            assert user_store.get_user(connection, "acme", "u9") is None

    def test_a_check_constraint_is_named(self, database: Database) -> None:
        """A negative allowance count is refused by the schema's check, by name."""
        with database.transaction() as connection:
            assert seat_store.insert_seat(connection, self.seat("s1"), NOW)
        with pytest.raises(StoreConflict) as raised, database.transaction() as connection:
            connection.execute(seats.update().values(used=-1))
        assert "ck_seats_used_not_negative" == raised.value.constraint

    def test_the_primary_key_is_named(self, database: Database) -> None:
        """Two seats with one id clash on the table's primary key."""
        with database.transaction() as connection:
            assert seat_store.insert_seat(connection, self.seat("s1"), NOW)
        with pytest.raises(StoreConflict) as raised, database.transaction() as connection:
            connection.execute(seats.insert().values(to_row_of(self.seat("s1", name="Other"))))
        assert "pk_seats" == raised.value.constraint


def add_user_in(connection: Transaction, user_id: str) -> None:
    user = User(id=user_id, account_id="acme", first_name="Ada", last_name="Lee")
    user_store.upsert_user(connection, user, NOW)


def to_row_of(seat: Seat) -> dict[str, object]:
    return {
        "account_id": seat.account_id,
        "id": seat.id,
        "name": seat.name,
        "monthly_allowance": seat.monthly_allowance,
        "used": seat.used,
        "period": seat.period,
        "created_at": NOW,
    }


class TestUserSearch:
    """Finding users by part of a name."""

    def test_partial_names_ignore_case(self, database: Database) -> None:
        """First or last name, any case, any part."""
        add_user(database, "u1", "Maria", "Gonzalez")
        add_user(database, "u2", "Mario", "Rossi")
        add_user(database, "u3", "Lee", "Amari")
        with database.transaction() as connection:
            found = user_store.search_users(connection, "acme", "MARI")
        assert ["u3", "u1", "u2"] == [user.id for user in found]

    @pytest.mark.parametrize("text", ["Ann Lee", "lee ann", "  ANN   le "])
    def test_full_names(self, database: Database, text: str) -> None:
        """Every word must be in the first or the last name, in any order."""
        add_user(database, "u1", "Ann", "Lee")
        add_user(database, "u2", "Ann", "Stone")
        add_user(database, "u3", "Lee", "Young")
        with database.transaction() as connection:
            assert ["u1"] == [u.id for u in user_store.search_users(connection, "acme", text)]

    def test_wildcards_are_literal(self, database: Database) -> None:
        """A % or _ in the search text matches itself only."""
        add_user(database, "u1", "Ann", "Lee")
        with database.transaction() as connection:
            assert [] == user_store.search_users(connection, "acme", "%")
            assert [] == user_store.search_users(connection, "acme", "A_n")


class TestConcurrentAssignment:
    """Two processes racing for the last free slot of a number: exactly one wins."""

    def test_second_claim_waits_then_loses(self, postgres_url: str) -> None:
        """While one transaction holds the slot, the other blocks, then finds the line full."""
        db = Database.open(postgres_url)
        with db.transaction() as connection:
            insert_account(connection, Account(id="acme", name="Acme", provider="fake"), NOW)
        add_user(db, "u1")
        add_user(db, "u2")
        line = add_line(db, "l1", "+14155550100")
        holding = db.engine.connect()
        transaction = holding.begin()
        assert line_store.add_line_user(holding, line, "u1", 1, NOW)
        started = threading.Event()

        def contender() -> bool:
            with db.transaction() as connection:
                started.set()
                return line_store.add_line_user(connection, line, "u2", 1, NOW)

        with ThreadPoolExecutor(max_workers=1) as pool:
            outcome = pool.submit(contender)
            assert started.wait(timeout=10)
            assert _wait_for_lock_waiter(db), "the contender never waited for the row lock"
            assert not outcome.done()
            transaction.commit()
            holding.close()
            assert outcome.result(timeout=30) is False
        with db.transaction() as connection:
            stored = line_store.get_line(connection, "acme", "l1")
        assert stored is not None
        assert ("u1",) == stored.user_ids
        db.close()


def _wait_for_lock_waiter(db: Database, attempts: int = 200) -> bool:
    """Whether some PostgreSQL session is seen waiting on a lock (polled, bounded)."""
    query = sa.text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    for _ in range(attempts):
        with db.engine.connect() as connection:
            if connection.execute(query).scalar_one() > 0:
                return True
        threading.Event().wait(0.05)
    return False


def pending_message(message_id: str, line: Line, recipient: str) -> Message:
    return Message(
        id=message_id,
        account_id="acme",
        line_id=line.id,
        direction=Direction.OUTBOUND,
        sender=line.number,
        recipient=PhoneNumber.parse(recipient),
        body="Shift tomorrow at 7?",
        status=DeliveryStatus.PENDING,
        created_at=NOW,
        updated_at=NOW,
    )


class TestMessageBatches:
    """A mass text stores its texts, and the carrier's first answers, a batch at a time."""

    @pytest.fixture
    def stored(self, database: Database) -> list[Message]:
        line = add_line(database, "l1", "+14155550100")
        batch = [pending_message(f"m{i}", line, f"+1212555010{i}") for i in range(3)]
        with database.transaction() as connection:
            message_store.insert_messages(connection, batch)
        return batch

    def answers(self, batch: list[Message]) -> list[message_store.FirstAnswer]:
        return [
            message_store.FirstAnswer(
                message=message, status=DeliveryStatus.QUEUED, provider_message_id=f"SM{i}"
            )
            for i, message in enumerate(batch)
        ]

    def test_inserted_together(self, database: Database, stored: list[Message]) -> None:
        """Every text of the batch reads back as it was stored."""
        with database.transaction() as connection:
            read = [message_store.get_message(connection, "acme", m.id) for m in stored]
        assert stored == read

    def test_every_answer_applies(self, database: Database, stored: list[Message]) -> None:
        """On rows as stored, every answer applies in one statement."""
        later = datetime(2026, 3, 10, 15, 1, tzinfo=UTC)
        with database.transaction() as connection:
            assert message_store.record_first_answers(
                connection, "acme", self.answers(stored), later
            )
            read = [message_store.get_message(connection, "acme", m.id) for m in stored]
        assert [("SM0", later), ("SM1", later), ("SM2", later)] == [
            (m.provider_message_id, m.updated_at) for m in read if m is not None
        ]
        assert {DeliveryStatus.QUEUED} == {m.status for m in read if m is not None}

    def test_a_report_that_came_first_is_kept(
        self, database: Database, stored: list[Message]
    ) -> None:
        """When a delivery report reached one text first, the batch says so and keeps it."""
        with database.transaction() as connection:
            message_store.record_status(
                connection,
                "acme",
                "m1",
                status=DeliveryStatus.DELIVERED,
                now=NOW,
                provider_message_id="SM1",
            )
            assert not message_store.record_first_answers(
                connection, "acme", self.answers(stored), NOW
            )
            first = message_store.get_message(connection, "acme", "m1")
            other = message_store.get_message(connection, "acme", "m2")
        assert first is not None
        assert DeliveryStatus.DELIVERED == first.status
        assert other is not None
        assert (DeliveryStatus.QUEUED, "SM2") == (other.status, other.provider_message_id)


class TestRegistrationSteps:
    """What a carrier answers for a step is stored whole, on SQLite and PostgreSQL."""

    def test_two_resource_ref_and_confirming(self, database: Database) -> None:
        """A 69-character 'BU…/BU…' ref and the confirming status are stored and read back."""
        ref = f"BU{'1' * 32}/BU{'2' * 32}"
        state = RegistrationState(
            step=RegistrationStep.BRAND,
            provider_ref=ref,
            status=StepStatus.CONFIRMING,
            raw_status="APPROVED",
        )
        with database.transaction() as connection:
            registration_store.insert_registration(
                connection,
                "acme",
                brand=sample_brand(),
                campaign=sample_campaign(),
                claim="c1",
                now=NOW,
            )
            registration_store.record_submission(
                connection, "acme", claim="c1", state=state, profile=None, now=NOW
            )
        with database.transaction() as connection:
            steps = registration_store.load_steps(connection, "acme")
        record = steps[RegistrationStep.BRAND].record
        assert (ref, StepStatus.CONFIRMING) == (record.provider_ref, record.status)

    def test_final_failure_round_trips(self, database: Database) -> None:
        """A failure's ``final`` flag is stored with it; one stored before the flag is not final."""
        final = RegistrationFailure(reason="refused as high risk", final=True)
        state = RegistrationState(
            step=RegistrationStep.BRAND,
            provider_ref="BN1",
            status=StepStatus.FAILED,
            raw_status="FAILED",
            failures=(final, RegistrationFailure(reason="EIN mismatch", code="E1")),
        )
        with database.transaction() as connection:
            registration_store.insert_registration(
                connection,
                "acme",
                brand=sample_brand(),
                campaign=sample_campaign(),
                claim="c1",
                now=NOW,
            )
            registration_store.record_submission(
                connection, "acme", claim="c1", state=state, profile=None, now=NOW
            )
        with database.transaction() as connection:
            record = registration_store.load_steps(connection, "acme")[
                RegistrationStep.BRAND
            ].record
        assert (state.failures, (final,)) == (record.failures, record.final_failures)
        with database.transaction() as connection:
            # As the row was written before failures had the flag.
            connection.execute(
                sa.update(registration_steps)
                .where(registration_steps.c.account_id == "acme")
                .values(failures=[{"reason": "older", "code": "E2", "field": None}])
            )
        with database.transaction() as connection:
            record = registration_store.load_steps(connection, "acme")[
                RegistrationStep.BRAND
            ].record
        assert ((RegistrationFailure(reason="older", code="E2"),), ()) == (
            record.failures,
            record.final_failures,
        )


class TestFailureReason:
    """A text's failure reason is stored beside the carrier's code (migration 0008)."""

    def test_stored_with_the_report_and_kept(self, database: Database) -> None:
        """The reason comes with its report; a later, lower report changes none of it."""
        line = add_line(database, "l1", "+14155550100")
        with database.transaction() as connection:
            message_store.insert_messages(connection, [pending_message("m1", line, "+12125550101")])
            for status in (DeliveryStatus.UNDELIVERED, DeliveryStatus.SENT):
                message_store.record_status(
                    connection,
                    "acme",
                    "m1",
                    status=status,
                    now=NOW,
                    error_code="E42" if status is DeliveryStatus.UNDELIVERED else None,
                    failure_reason=(
                        FailureReason.FILTERED if status is DeliveryStatus.UNDELIVERED else None
                    ),
                )
            read = message_store.get_message(connection, "acme", "m1")
        assert read is not None
        assert (DeliveryStatus.UNDELIVERED, "E42", FailureReason.FILTERED) == (
            read.status,
            read.error_code,
            read.failure_reason,
        )

    def test_migration_adds_and_drops_the_column(self, database_url: str) -> None:
        """Upgrading from 0007 adds an empty column; downgrading drops it again."""
        engine = sa.create_engine(database_url)
        try:
            upgrade(engine, "0007")
            upgrade(engine, "0008")
            with engine.connect() as connection:
                columns = {c["name"] for c in sa.inspect(connection).get_columns("messages")}
            assert "failure_reason" in columns
            command.downgrade(alembic_config(engine), "0007")
            with engine.connect() as connection:
                columns = {c["name"] for c in sa.inspect(connection).get_columns("messages")}
            assert "failure_reason" not in columns
        finally:
            engine.dispose()
