"""Scheduled sends: the paged list and the claim read their indexes, on SQLite and PostgreSQL.

The same method as ``tests/test_query_plans.py``: the statements a store call sends are caught
and explained, with PostgreSQL's sequential scans and sorts turned off so that it still picks
one only when no index can serve the query. The account has sent rows due long ago beside its
pending ones, as a live account does: the claim must reach the due rows without reading them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from sms_core import Account, PhoneNumber, ScheduledSend, ScheduledState
from sms_core.store import Database
from sms_core.store import scheduled as scheduled_store
from sms_core.store.accounts import insert_account
from sms_core.store.migrate import alembic_config, upgrade
from tests.test_query_plans import NOW

#: What a plan line says when SQLite reads the table without an index.
_SQLITE_SCAN = re.compile(r"^SCAN scheduled_sends\b(?! USING)")


def seed(connection: sa.Connection, account_id: str, size: int) -> None:
    """``size`` scheduled sends: most sent long ago, some pending, a few claimed."""
    insert_account(connection, Account(id=account_id, name="Acme", provider="fake"), NOW)
    for i in range(size):
        state = (
            ScheduledState.PENDING
            if i % 10 == 0
            else ScheduledState.CLAIMED
            if i % 10 == 1
            else ScheduledState.SENT
        )
        scheduled_store.insert_scheduled(
            connection,
            ScheduledSend(
                id=f"{account_id}-s{i}",
                account_id=account_id,
                user_id="ann",
                recipient=PhoneNumber.parse(f"+1212555{i % 7:04d}"),
                candidate_id=None,
                body="Shift tomorrow at 7?",
                due_at=NOW - timedelta(days=size - i),
                when_allowed=False,
                idempotency_key=f"scheduled:{account_id}-s{i}",
                state=state,
                created_at=NOW,
                updated_at=NOW,
            ),
        )
    connection.execute(
        sa.text(
            "UPDATE scheduled_sends SET claim = 'x', claim_expires_at = :at "
            "WHERE state = 'claimed' AND account_id = :account"
        ),
        {"at": NOW + timedelta(minutes=5), "account": account_id},
    )


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """Acme's scheduled sends among another account's, more of them."""
    db = Database.open(database_url)
    with db.transaction() as connection:
        seed(connection, "acme", 200)
        seed(connection, "other", 600)
    with db.transaction() as connection:
        connection.exec_driver_sql("ANALYZE")
    yield db
    db.close()


def plans(database: Database, call: Callable[[sa.Connection], object], verb: str) -> list[str]:
    """The planner's account of each ``verb`` statement ``call`` sends (rolled back after)."""
    sent: list[tuple[str, Any]] = []

    def catch(conn: object, cursor: object, statement: str, parameters: Any, *_: object) -> None:
        if statement.lstrip().upper().startswith(verb):
            sent.append((statement, parameters))

    with database.engine.connect() as connection, connection.begin():
        sa.event.listen(database.engine, "before_cursor_execute", catch)
        try:
            call(connection)
        finally:
            sa.event.remove(database.engine, "before_cursor_execute", catch)
        assert sent, f"the call sent no {verb}"
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
        connection.rollback()
        return found


def assert_no_scan(plan: str) -> None:
    """The plan reads no table whole."""
    if plan.startswith("["):
        assert '"Seq Scan"' not in plan, plan
    else:
        assert not any(_SQLITE_SCAN.match(line) for line in plan.splitlines()), plan


class TestScheduledPlans:
    """The scheduled sends' queries read their indexes."""

    @pytest.mark.parametrize("state", [None, ScheduledState.PENDING])
    def test_list_page(self, database: Database, state: ScheduledState | None) -> None:
        """A later page reads ix_scheduled_sends_account_due in its order."""
        [plan] = plans(
            database,
            lambda c: scheduled_store.scheduled_page(
                c, "acme", state=state, after=(NOW - timedelta(days=100), 100), limit=10
            ),
            "SELECT",
        )
        # Every row in due order, or the pending ones from their own index.
        index = "ix_scheduled_sends_pending" if state else "ix_scheduled_sends_account_due"
        assert index in plan, plan
        assert_no_scan(plan)
        assert '"Node Type": "Sort"' not in plan, plan
        assert "TEMP B-TREE" not in plan, plan

    def test_candidates_pending(self, database: Database) -> None:
        """A texting panel's list (one candidate's pending) reads the pending index in order.

        The pending rows are a small part of the account's (the sent ones stay for good), so
        the candidate is filtered among them: no index of its own is needed.
        """
        [plan] = plans(
            database,
            lambda c: scheduled_store.scheduled_page(
                c,
                "acme",
                state=ScheduledState.PENDING,
                after=None,
                limit=10,
                candidate_id="cand-1",
            ),
            "SELECT",
        )
        assert "ix_scheduled_sends_pending" in plan, plan
        assert_no_scan(plan)
        assert '"Node Type": "Sort"' not in plan, plan
        assert "TEMP B-TREE" not in plan, plan

    def test_claim(self, database: Database) -> None:
        """The claim reaches the due and the expired rows through their partial indexes."""
        # A moment at which no claim has expired, so both lookups run.
        expired, due = plans(
            database,
            lambda c: scheduled_store.claim_due(
                c, "acme", claim="me", now=NOW + timedelta(minutes=4), expires_at=NOW
            ),
            "UPDATE",
        )
        for plan, index in ((expired, "claimed"), (due, "pending")):
            assert f"ix_scheduled_sends_{index}" in plan, plan
            assert "ix_scheduled_sends_account_due" not in plan, plan
            assert_no_scan(plan)
            assert '"Node Type": "Sort"' not in plan, plan
            assert "TEMP B-TREE" not in plan, plan


class TestMigration:
    """0013: the table and its indexes come and go with the revision; earlier data stays."""

    def test_upgrade_and_downgrade(self, database_url: str) -> None:
        """Up from 0010 adds the table with its three indexes; down to 0010 drops them."""
        engine = sa.create_engine(database_url)
        try:
            upgrade(engine, "0010")
            with engine.begin() as connection:
                insert_account(connection, Account(id="acme", name="Acme", provider="fake"), NOW)
            upgrade(engine, "0013")
            with engine.begin() as connection:
                seed_one = ScheduledSend(
                    id="s1",
                    account_id="acme",
                    user_id="ann",
                    recipient=PhoneNumber.parse("+12125550101"),
                    candidate_id=None,
                    body="Hi",
                    due_at=NOW,
                    when_allowed=True,
                    idempotency_key="scheduled:s1",
                    state=ScheduledState.PENDING,
                    created_at=NOW,
                    updated_at=NOW,
                )
                assert scheduled_store.insert_scheduled(connection, seed_one)
            with engine.connect() as connection:
                names = {i["name"] for i in sa.inspect(connection).get_indexes("scheduled_sends")}
            assert {
                "ix_scheduled_sends_account_due",
                "ix_scheduled_sends_pending",
                "ix_scheduled_sends_claimed",
            } <= names
            command.downgrade(alembic_config(engine), "0010")
            with engine.connect() as connection:
                inspector = sa.inspect(connection)
                assert not inspector.has_table("scheduled_sends")
                assert 1 == connection.execute(sa.text("SELECT count(*) FROM accounts")).scalar()
        finally:
            engine.dispose()
