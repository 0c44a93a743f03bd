"""Migration 0007: account pools, and which scope a message was charged to."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from sms_core import AllowanceScope
from sms_core.services.allowance import refund
from sms_core.store import messages as message_store
from sms_core.store.messages import Charge
from sms_core.store.migrate import alembic_config, upgrade

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def _insert(connection: sa.Connection, table: str, **values: object) -> None:
    columns = ", ".join(values)
    names = ", ".join(f":{name}" for name in values)
    connection.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({names})"), values)


class TestAccountAllowanceMigration:
    """A charge stored before scopes is refunded to its seat; downgrading drops the new parts."""

    def test_old_seat_charge_refunded_to_the_seat(self, database_url: str) -> None:
        """A message charged to a seat under 0006 reads as a seat charge after 0007."""
        engine = sa.create_engine(database_url)
        try:
            upgrade(engine, "0006")
            with engine.begin() as connection:
                _insert(
                    connection, "accounts", id="acme", name="Acme", provider="fake",
                    provider_settings="{}", created_at=NOW,
                )  # fmt: skip
                _insert(
                    connection, "seats", account_id="acme", id="s1", name="Seat 1",
                    monthly_allowance=5, used=1, period="2026-03", created_at=NOW,
                )  # fmt: skip
                _insert(
                    connection, "lines", account_id="acme", id="l1", number="+14155550100",
                    provider_ref="PN1", seat_id="s1", registered=True, user_count=0,
                    active=True, created_at=NOW,
                )  # fmt: skip
                _insert(
                    connection, "messages", id="m1", account_id="acme", line_id="l1",
                    direction="outbound", line_number="+14155550100",
                    candidate_number="+12125550101", body="Hi", segments=1, status="pending",
                    status_rank=0, charged_seat_id="s1", charged_units=1,
                    charged_period="2026-03", created_at=NOW, updated_at=NOW,
                )  # fmt: skip
            upgrade(engine)
            with engine.begin() as connection:
                charge = message_store.take_charge(connection, "acme", "m1")
                expected = Charge(
                    scope=AllowanceScope.SEAT, units=1, period="2026-03", seat_id="s1"
                )
                assert expected == charge
                refund(connection, "acme", charge)
                used = connection.execute(sa.text("SELECT used FROM seats")).scalar()
            assert 0 == used
            command.downgrade(alembic_config(engine), "0006")
            with engine.connect() as connection:
                inspector = sa.inspect(connection)
                columns = {c["name"] for c in inspector.get_columns("messages")}
                tables = set(inspector.get_table_names())
            assert "charged_scope" not in columns
            assert "account_allowances" not in tables
        finally:
            engine.dispose()
