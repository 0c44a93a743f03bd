"""Properties of an account's pool under any sequence of uses, refunds and months.

The store's conditional ``UPDATE`` statements are run against a model of the rule (see
:mod:`sms_core.services.allowance`): a use succeeds exactly when what is left covers it, a
refund gives back only to the month it was used in, a new month starts from zero, and
the pool never reads negative, even when the host shrinks the allowance mid-month. Bounded for
CI by ``SMS_PROPERTY_EXAMPLES`` (30 by default), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_core import Account
from sms_core.store import Database
from sms_core.store import allowances as allowance_store
from sms_core.store.accounts import insert_account
from sms_core.store.schema import account_allowances

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)

#: (use, units, the allowance the host sets now) | (refund, which earlier use) | (next month,)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("use"), st.integers(1, 4), st.integers(1, 8)),
        st.tuples(st.just("refund"), st.integers(0, 20), st.just(0)),
        st.tuples(st.just("month"), st.just(0), st.just(0)),
    ),
    max_size=30,
)

bounded = settings(
    max_examples=int(os.environ.get("SMS_PROPERTY_EXAMPLES", "30")),
    deadline=None,
    database=None,
    # One database per test; each example starts by emptying the pool table.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database.open(database_url)
    with db.transaction() as connection:
        insert_account(connection, Account(id="acme", name="Acme", provider="fake"), NOW)
    yield db
    db.close()


def period_of(month: int) -> str:
    """The ``month``-th period after March 2026."""
    year, index = divmod(2 + month, 12)
    return f"{2026 + year}-{index + 1:02d}"


class TestPoolProperties:
    """The account pool agrees with the rule's model and never goes negative."""

    @bounded
    @given(operations=OPERATIONS)
    def test_pool_follows_the_rule(
        self, database: Database, operations: list[tuple[str, int, int]]
    ) -> None:
        """Each use succeeds exactly when it fits; the count is what the successful uses left."""
        with database.transaction() as connection:
            connection.execute(account_allowances.delete())
        # The model: the row's period (the month of its last use) and its count in it.
        month, row_period, row_used = 0, "", 0
        charges: list[tuple[int, str]] = []
        for kind, amount, allowance in operations:
            period = period_of(month)
            used = row_used if row_period == period else 0
            with database.transaction() as connection:
                if kind == "use":
                    fits = used + amount <= allowance
                    assert fits == allowance_store.use_account(
                        connection, "acme", units=amount, period=period, allowance=allowance
                    )
                    if fits:
                        row_period, row_used = period, used + amount
                        charges.append((amount, period))
                elif kind == "refund" and charges:
                    # Given back only to the month it was used in, while the row counts it; a
                    # month that has ended is never read again, so it cannot matter there.
                    units, charged_in = charges.pop(amount % len(charges))
                    counted = charged_in == row_period
                    assert counted == allowance_store.refund_account(
                        connection, "acme", units=units, period=charged_in
                    )
                    if counted:
                        row_used -= units
                elif kind == "month":
                    month += 1
                current = period_of(month)
                expected = row_used if row_period == current else 0
                assert expected == allowance_store.account_used(connection, "acme", current)
                assert 0 <= expected
                stored = connection.execute(sa.select(account_allowances.c.used)).scalar()
                assert stored is None or stored >= 0
